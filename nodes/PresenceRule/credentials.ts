/**
 * The Presence Rule's credentials are all optional: they feed the dropdowns and the check of the rule
 * against the live systems. This says which one is meant and whether it is selected on the node.
 */
import type { INode } from 'n8n-workflow';

import { CXONE_CREDENTIAL_TYPE } from '../../lib/cxone/credentials';
import { JWT_CREDENTIAL, OAUTH2_CREDENTIAL } from '../../lib/salesforce/methods';

export type Service = 'salesforce' | 'cxone';

/** The credential type for a service; Salesforce has two, chosen by the Authentication parameter. */
export function credentialName(service: Service, authentication: unknown): string {
	if (service === 'cxone') return CXONE_CREDENTIAL_TYPE;
	return authentication === 'jwt' ? JWT_CREDENTIAL : OAUTH2_CREDENTIAL;
}

export function hasCredential(node: INode, name: string): boolean {
	return Boolean(node.credentials?.[name]);
}
