/* eslint-disable n8n-nodes-base/node-filename-against-convention */
import { NodeConnectionTypes } from 'n8n-workflow';
import type { INodeTypeDescription } from 'n8n-workflow';
import { batchWindowOption, reconcileEveryOption } from '../../lib/n8n/triggerOptions';

export const description: INodeTypeDescription = {
	displayName: 'CXone Agent State Trigger',
	name: 'cxoneAgentStateTrigger',
	icon: 'file:cxone.svg',
	group: ['trigger'],
	version: 1,
	subtitle: '={{"Every " + $parameter["pollInterval"] + " s"}}',
	description: "Starts the workflow when agents' ACD state changes in NICE CXone",
	defaults: { name: 'CXone Agent State Trigger' },
	inputs: [],
	outputs: [NodeConnectionTypes.Main],
	credentials: [{ name: 'niceCxoneApi', required: true }],
	properties: [
		{
			displayName: 'Poll Interval (Seconds)',
			name: 'pollInterval',
			type: 'number',
			typeOptions: { minValue: 0.5, numberPrecision: 1 },
			default: 1,
			description: 'Time between two reads of /agents/states (each reads only what changed since the last one)',
		},
		{
			displayName: 'Options',
			name: 'options',
			type: 'collection',
			placeholder: 'Add Option',
			default: {},
			options: [
				batchWindowOption,
				reconcileEveryOption(
					'Re-emit every logged-in agent\'s current state (flagged reconcile) so missed changes are repaired; LoggedOut agents only when they were seen logged in. 0 turns it off.',
				),
				{
					displayName: 'Team Names or IDs',
					name: 'teamIds',
					type: 'multiOptions',
					typeOptions: { loadOptionsMethod: 'getTeams' },
					default: [],
					description: 'Only agents of these teams; none means every team. Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code-examples/expressions/">expression</a>.',
				},
			],
		},
	],
};
