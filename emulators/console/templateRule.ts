/**
 * The rule the console judges agents by: the Presence Rule node of the template workflow, read the way
 * n8n reads it (the node's own properties fill the defaults a saved workflow leaves out, and the node's own
 * parameters → rule mapping). The console and the workflow therefore agree on what "in sync" means.
 */
import { readFileSync } from 'fs';
import * as path from 'path';
import { NodeHelpers, type INodeParameters } from 'n8n-workflow';

import type { PresenceRuleConfig } from '../../lib/engine/rule';
import { toPresenceRule, type PresenceRuleParameters } from '../../nodes/PresenceRule/parameters';
import { PresenceRule } from '../../nodes/PresenceRule/PresenceRule.node';

import { projectRoot } from '../common/projectRoot';

export const TEMPLATE_FILE = path.join('templates', 'bidirectional-presence-sync.json');


interface WorkflowJson {
	name?: string;
	nodes?: Array<{ name: string; type: string; typeVersion: number; parameters?: INodeParameters }>;
}

/** The first Presence Rule node of a workflow, as an engine rule. */
export function ruleOfWorkflow(workflow: WorkflowJson, source: string): PresenceRuleConfig {
	const node = workflow.nodes?.find((candidate) => candidate.type.endsWith('.presenceRule'));
	if (!node) {
		const types = (workflow.nodes ?? []).map((candidate) => candidate.type).join(', ') || '(no nodes)';
		throw new Error(`${source} has no Presence Rule node (type '<package>.presenceRule'); node types found: ${types}`);
	}
	const { description } = new PresenceRule();
	const parameters = NodeHelpers.getNodeParameters(description.properties, node.parameters ?? {}, true, false, node, description);
	const { rule, problems } = toPresenceRule(parameters as unknown as PresenceRuleParameters);
	if (problems.length) throw new Error(`${source}, node '${node.name}': ${problems.map((p) => p.message).join('; ')}`);
	return rule;
}

export function templateRule(file = path.join(projectRoot(), TEMPLATE_FILE)): PresenceRuleConfig {
	return ruleOfWorkflow(JSON.parse(readFileSync(file, 'utf8')) as WorkflowJson, file);
}
