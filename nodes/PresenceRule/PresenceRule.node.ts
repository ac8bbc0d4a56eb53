import { NodeConnectionTypes } from 'n8n-workflow';
import type { IExecuteFunctions, INodeCredentialDescription, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';

import { CXONE_CREDENTIAL_TYPE } from '../../lib/cxone/credentials';
import { salesforceCredentials } from '../../lib/salesforce/methods';
import { executePresenceRule } from './execute';
import { loadOptions } from './methods';
import { presenceRuleProperties } from './properties';

/** All optional: they feed the dropdowns, the check of the rule, and the lookup of each user on the other side. */
const credentials: INodeCredentialDescription[] = [...salesforceCredentials(false), { name: CXONE_CREDENTIAL_TYPE, required: false }];

/**
 * Presence Rule: decides, for each presence change from either trigger, what the other side should be
 * (DESIGN.md §6). The decisions are the engine's (lib/engine); this node reads the rule and routes items.
 */
export class PresenceRule implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Presence Rule',
		name: 'presenceRule',
		icon: 'file:presenceRule.svg',
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["ruleName"]}}',
		description: 'Map CXone agent states and Salesforce Omni-Channel statuses onto each other, both ways, without loops',
		defaults: { name: 'Presence Rule' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main, NodeConnectionTypes.Main, NodeConnectionTypes.Main, NodeConnectionTypes.Main],
		outputNames: ['To Salesforce', 'To CXone', 'Not in Scope', 'Skipped'],
		credentials,
		properties: presenceRuleProperties,
	};

	methods = { loadOptions };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await executePresenceRule.call(this);
	}
}
