/**
 * Agent State → Set: apply SyncCommands (from a Presence Rule, or defined below) to CXone. The whole
 * batch is one agent directory read and one state snapshot; the writes join each agent's session a few
 * at a time. Logged-out agents are never logged in, and busy agents are left alone unless told otherwise.
 */
import { updateDisplayOptions } from 'n8n-workflow';
import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { CxoneTarget } from '../../../../lib/actions/cxoneTarget';
import { manualCommand } from '../../../../lib/actions/defineBelow';
import { applyCommandItems, commandFromItem, manualEventId, outputItems, readUserLookup } from '../../../../lib/actions/nodeItems';
import type { CxoneClient } from '../../../../lib/cxone/types';
import { acdState } from '../../../../lib/engine/mapping';
import { agentFields, dryRunField, inputModeField } from '../common.descriptions';

const properties: INodeProperties[] = [
	inputModeField,
	...updateDisplayOptions({ show: { inputMode: ['defineBelow'] } }, [
		...agentFields,
		{
			displayName: 'State',
			name: 'state',
			type: 'options',
			options: [
				{ name: 'Available', value: 'Available' },
				{ name: 'Unavailable', value: 'Unavailable' },
			],
			default: 'Available',
			description: 'CXone lets an API client set only these two states',
		},
		{
			displayName: 'Unavailable Code Name or ID',
			name: 'unavailableCode',
			type: 'options',
			typeOptions: { loadOptionsMethod: 'getUnavailableCodesOrNone' },
			default: '',
			description:
				'Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code-examples/expressions/">expression</a>',
			displayOptions: { show: { state: ['Unavailable'] } },
		},
		{
			displayName: 'Options',
			name: 'options',
			type: 'collection',
			placeholder: 'Add option',
			default: {},
			options: [
				dryRunField,
				{
					displayName: 'Skip Busy Agents',
					name: 'protectBusyAgents',
					type: 'boolean',
					default: true,
					description: 'Whether to leave agents alone while they are on a contact or in after-contact work',
				},
			],
		},
	]),
];

export const description = updateDisplayOptions({ show: { resource: ['agentState'], operation: ['set'] } }, properties);

export async function execute(this: IExecuteFunctions, client: CxoneClient): Promise<INodeExecutionData[]> {
	const defineBelow = this.getNodeParameter('inputMode', 0) === 'defineBelow';
	const target = new CxoneTarget(client, { checkCodes: defineBelow });
	const results = await applyCommandItems(this, target, (i) => {
		if (!defineBelow) return commandFromItem(this, 'cxone', i);
		const { lookupBy, value } = readUserLookup(this, i);
		const state = this.getNodeParameter('state', i) as 'Available' | 'Unavailable';
		const reason = state === 'Unavailable' ? String(this.getNodeParameter('unavailableCode', i, '')) : null;
		return manualCommand({
			target: 'cxone',
			lookupBy,
			user: value,
			desired: acdState({ state, reason }),
			eventId: manualEventId(this, i),
			now: new Date(),
			dryRun: this.getNodeParameter('options.dryRun', i, false) as boolean,
			protectBusyAgents: this.getNodeParameter('options.protectBusyAgents', i, true) as boolean,
		});
	});
	return outputItems(this, results);
}
