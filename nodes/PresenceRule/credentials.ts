/**
 * The Presence Rule's credentials are all optional: they feed the dropdowns, the check of the rule
 * against the live systems, and the lookup of each event's user on the other side. Which credential type
 * is meant for a side is lib/directory's credentialType().
 */
import type { INode } from 'n8n-workflow';

export function hasCredential(node: INode, name: string): boolean {
	return Boolean(node.credentials?.[name]);
}
