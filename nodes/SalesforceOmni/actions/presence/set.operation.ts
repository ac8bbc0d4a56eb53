/**
 * Presence → Set: apply SyncCommands (from a Presence Rule, or defined below) to Salesforce. The whole
 * batch is one directory read, one presence query and one publish of companion commands.
 */
import { updateDisplayOptions } from 'n8n-workflow';
import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { manualCommand } from '../../../../lib/actions/defineBelow';
import { applyCommandItems, commandFromItem, manualEventId, outputItems, readUserLookup } from '../../../../lib/actions/nodeItems';
import type { SalesforceTarget } from '../../../../lib/actions/salesforceTarget';
import { omniState } from '../../../../lib/engine/mapping';
import { dryRunField, inputModeField, userFields } from '../common.descriptions';

const properties: INodeProperties[] = [
	inputModeField,
	...updateDisplayOptions({ show: { inputMode: ['defineBelow'] } }, [
		...userFields,
		{
			displayName: 'Status Name or ID',
			name: 'status',
			type: 'options',
			typeOptions: { loadOptionsMethod: 'getOmniStatusesOrOffline' },
			required: true,
			default: '',
			description:
				'Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code-examples/expressions/">expression</a>',
		},
		{
			displayName: 'Options',
			name: 'options',
			type: 'collection',
			placeholder: 'Add option',
			default: {},
			options: [dryRunField],
		},
	]),
	{
		displayName:
			"Salesforce has no API to set another user's status: the node publishes a Presence_Sync_Command__e event that the Presence Sync companion in the user's console applies (see the README). Offline logs the user out of Omni-Channel.",
		name: 'companionNotice',
		type: 'notice',
		default: '',
	},
];

export const description = updateDisplayOptions({ show: { resource: ['presence'], operation: ['set'] } }, properties);

export async function execute(this: IExecuteFunctions, target: SalesforceTarget): Promise<INodeExecutionData[]> {
	const defineBelow = this.getNodeParameter('inputMode', 0) === 'defineBelow';
	const results = await applyCommandItems(this, target, (i) => {
		if (!defineBelow) return commandFromItem(this, 'salesforce', i);
		const { lookupBy, value } = readUserLookup(this, i);
		return manualCommand({
			target: 'salesforce',
			lookupBy,
			user: value,
			desired: omniState(String(this.getNodeParameter('status', i))),
			eventId: manualEventId(this, i),
			now: new Date(),
			dryRun: this.getNodeParameter('options.dryRun', i, false) as boolean,
		});
	});
	return outputItems(this, results);
}
