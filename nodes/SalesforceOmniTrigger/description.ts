/* eslint-disable n8n-nodes-base/node-filename-against-convention */
import { NodeConnectionTypes } from 'n8n-workflow';
import type { INodeTypeDescription } from 'n8n-workflow';
import { batchWindowOption, reconcileEveryOption } from '../../lib/n8n/triggerOptions';
import { authenticationProperty, salesforceCredentials } from '../../lib/salesforce/methods';

export const description: INodeTypeDescription = {
	displayName: 'Salesforce Omni-Channel Trigger',
	name: 'salesforceOmniTrigger',
	icon: 'file:salesforceOmni.svg',
	group: ['trigger'],
	version: 1,
	subtitle: '={{"Presence changes: " + $parameter["mode"]}}',
	description: "Starts the workflow when agents' Omni-Channel presence changes in Salesforce",
	defaults: { name: 'Salesforce Omni-Channel Trigger' },
	inputs: [],
	outputs: [NodeConnectionTypes.Main],
	credentials: salesforceCredentials(true),
	properties: [
		authenticationProperty,
		{
			displayName: 'Mode',
			name: 'mode',
			type: 'options',
			noDataExpression: true,
			options: [
				{
					name: 'Streaming (PushTopic)',
					value: 'pushTopic',
					description: 'Streams UserServicePresence changes; the trigger creates its PushTopic when missing',
				},
				{
					name: 'Streaming (Change Data Capture)',
					value: 'cdc',
					description: 'Streams UserServicePresenceChangeEvent (API 62+, the entity must be selected for CDC)',
				},
				{ name: 'Polling', value: 'polling', description: 'Queries UserServicePresence by SystemModstamp' },
			],
			default: 'pushTopic',
		},
		{
			displayName: 'PushTopic Name',
			name: 'pushTopicName',
			type: 'string',
			default: 'n8nOmniPresence',
			description: 'Name of the PushTopic on UserServicePresence (at most 25 characters); created or updated when the workflow is activated',
			displayOptions: { show: { mode: ['pushTopic'] } },
		},
		{
			displayName: 'Poll Interval (Seconds)',
			name: 'pollInterval',
			type: 'number',
			typeOptions: { minValue: 0.5, numberPrecision: 1 },
			default: 2,
			description: 'Time between two queries; each costs one API request',
			displayOptions: { show: { mode: ['polling'] } },
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
					'Re-emit every online user\'s current status (flagged reconcile) so missed changes are repaired; users seen online and now without a status come as Offline. 0 turns it off.',
				),
				{
					displayName: 'Settle Delay (Ms)',
					name: 'settleDelay',
					type: 'number',
					typeOptions: { minValue: 0 },
					default: 1000,
					description: 'How long a closed presence row waits for the next status before it counts as Offline',
				},
				{
					displayName: 'User Names or IDs',
					name: 'userIds',
					type: 'multiOptions',
					typeOptions: { loadOptionsMethod: 'getSalesforceUsers', loadOptionsDependsOn: ['authentication'] },
					default: [],
					description: 'Only these users\' presence; none means everyone. Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code-examples/expressions/">expression</a>.',
				},
				{
					displayName: 'Watchdog (Seconds)',
					name: 'watchdog',
					type: 'number',
					typeOptions: { minValue: 30 },
					default: 150,
					description: 'A stream silent for this long is rebuilt and the gap filled from SOQL',
					displayOptions: { show: { '/mode': ['pushTopic', 'cdc'] } },
				},
			],
		},
	],
};
