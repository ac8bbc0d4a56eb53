/**
 * The Presence Rule's parameters, laid out as CXone's own presence rule: publisher states, subscriber
 * states, teams and users. parameters.ts reads exactly these names.
 */
import type { INodeProperties } from 'n8n-workflow';

import { NO_SYNC } from '../../lib/engine';
import { authenticationProperty } from '../../lib/salesforce/methods';

export const presenceRuleProperties: INodeProperties[] = [
	{
		// The action and trigger nodes' parameter, with this node's own labels and help.
		...authenticationProperty,
		options: [
			{ name: 'JWT', value: 'jwt' },
			{ name: 'OAuth2', value: 'oAuth2' },
		],
		description: 'How the optional Salesforce credential signs in. Credentials feed the dropdowns, the check of the rule against the live systems, and the lookup of each user on the other side.',
	},
	{
		displayName: 'Rule Name',
		name: 'ruleName',
		type: 'string',
		default: 'Presence Rule',
		required: true,
		description: 'Names the rule in every decision and error',
	},
	{
		displayName: 'Publisher States (CXone → Salesforce)',
		name: 'publisherStates',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true, sortable: true },
		placeholder: 'Add Row',
		default: {},
		description: 'Which Salesforce status to show for a CXone state. Several states may map to the same status; an unmapped state changes nothing.',
		options: [
			{
				name: 'row',
				displayName: 'Row',
				values: [
					{
						displayName: 'ACD State',
						name: 'acdState',
						type: 'options',
						// Contact and consult states are listed so they can be mapped to a "busy" status, or to Do Not Sync.
						options: [
							{ name: 'Available', value: 'Available' },
							{ name: 'Dialer', value: 'Dialer' },
							{ name: 'Inbound Consult', value: 'InboundConsult' },
							{ name: 'Inbound Contact', value: 'InboundContact' },
							{ name: 'Logged Out', value: 'LoggedOut' },
							{ name: 'Outbound Consult', value: 'OutboundConsult' },
							{ name: 'Outbound Contact', value: 'OutboundContact' },
							{ name: 'Unavailable', value: 'Unavailable' },
						],
						default: 'Available',
					},
					{
						displayName: 'Unavailable Code Name or ID',
						name: 'unavailableCode',
						type: 'options',
						typeOptions: { loadOptionsMethod: 'getUnavailableCodes' },
						displayOptions: { show: { acdState: ['Unavailable'] } },
						default: '',
						description:
							'The unavailable code (a label such as "Open" or "Lunch" is one), Any Reason, or No Reason; left empty it means Any Reason. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code-examples/expressions/">expression</a>.',
					},
					{
						displayName: 'Salesforce Status Name or ID',
						name: 'salesforceStatus',
						type: 'options',
						typeOptions: { loadOptionsMethod: 'getOmniStatuses' },
						default: '',
						description: 'The Omni-Channel status to set, Offline, or Do Not Sync. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code-examples/expressions/">expression</a>.',
					},
				],
			},
		],
	},
	{
		displayName: 'Subscriber States (Salesforce → CXone)',
		name: 'subscriberStates',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true, sortable: true },
		placeholder: 'Add Row',
		default: {},
		description: 'Which CXone state to set for a Salesforce status. CXone lets only Available and Unavailable (with a code) be set.',
		options: [
			{
				name: 'row',
				displayName: 'Row',
				values: [
					{
						displayName: 'Salesforce Status Name or ID',
						name: 'salesforceStatus',
						type: 'options',
						typeOptions: { loadOptionsMethod: 'getOmniStatusesOrOffline' },
						default: '',
						description: 'The Omni-Channel status, or Offline. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code-examples/expressions/">expression</a>.',
					},
					{
						displayName: 'ACD State',
						name: 'acdState',
						type: 'options',
						options: [
							{ name: 'Available', value: 'Available' },
							{ name: 'Do Not Sync', value: NO_SYNC },
							{ name: 'Unavailable', value: 'Unavailable' },
						],
						default: 'Available',
					},
					{
						displayName: 'Unavailable Code Name or ID',
						name: 'unavailableCode',
						type: 'options',
						typeOptions: { loadOptionsMethod: 'getSettableUnavailableCodes' },
						displayOptions: { show: { acdState: ['Unavailable'] } },
						default: '',
						description:
							'The unavailable code to set, or No Reason (also when left empty). After-contact-work codes cannot be set. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code-examples/expressions/">expression</a>.',
					},
				],
			},
		],
	},
	{
		displayName: 'Team Names or IDs',
		name: 'teamIds',
		type: 'multiOptions',
		typeOptions: { loadOptionsMethod: 'getTeams' },
		default: [],
		description: 'CXone teams the rule applies to. With no teams and no users it applies to everyone. A Salesforce change is placed in its CXone agent\'s team when the NICE CXone credential is selected. Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code-examples/expressions/">expression</a>.',
	},
	{
		displayName: 'User Names or IDs',
		name: 'cxoneAgentIds',
		type: 'multiOptions',
		typeOptions: { loadOptionsMethod: 'getCxoneAgents' },
		default: [],
		description: 'CXone agents the rule applies to, besides the teams. Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code-examples/expressions/">expression</a>.',
	},
	{
		displayName: 'Excluded User Names or IDs',
		name: 'excludedCxoneAgentIds',
		type: 'multiOptions',
		typeOptions: { loadOptionsMethod: 'getCxoneAgents' },
		default: [],
		description: 'CXone agents the rule never applies to, even inside its teams. Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code-examples/expressions/">expression</a>.',
	},
	{
		displayName: 'Match Users By',
		name: 'matchKey',
		type: 'options',
		options: [
			{ name: 'Email', value: 'email' },
			{ name: 'Explicit Mapping', value: 'explicit' },
			{ name: 'Federation ID', value: 'federationId' },
			{ name: 'Username', value: 'username' },
		],
		default: 'email',
		description: 'How a CXone agent and a Salesforce user are recognised as the same person',
	},
	{
		displayName: 'User Mapping',
		name: 'userMap',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		placeholder: 'Add User Pair',
		displayOptions: { show: { matchKey: ['explicit'] } },
		default: {},
		options: [
			{
				name: 'pair',
				displayName: 'User Pair',
				values: [
					{
						displayName: 'CXone Agent Name or ID',
						name: 'cxoneAgentId',
						type: 'options',
						typeOptions: { loadOptionsMethod: 'getCxoneAgents' },
						default: '',
						description: 'Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code-examples/expressions/">expression</a>',
					},
					{
						displayName: 'Salesforce User Name or ID',
						name: 'salesforceUserId',
						type: 'options',
						typeOptions: { loadOptionsMethod: 'getSalesforceUsers' },
						default: '',
						description: 'Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code-examples/expressions/">expression</a>',
					},
				],
			},
		],
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Conflict Policy',
				name: 'conflictPolicy',
				type: 'options',
				options: [
					{ name: 'CXone Is Master', value: 'cxone', description: 'A CXone change is applied even when Salesforce changed later' },
					{ name: 'Newest Wins', value: 'none', description: 'A change older than the target state is skipped as stale' },
					{ name: 'Salesforce Is Master', value: 'salesforce', description: 'A Salesforce change is applied even when CXone changed later' },
				],
				default: 'none',
				description: 'Which change wins when both sides changed',
			},
			{
				displayName: 'Do Not Change CXone While on a Contact or in ACW',
				name: 'protectBusyAgents',
				type: 'boolean',
				default: true,
				description: 'Whether to leave a CXone agent who is handling a contact or in after-contact work as they are',
			},
			{
				displayName: 'Dry Run',
				name: 'dryRun',
				type: 'boolean',
				default: false,
				description: 'Whether to decide and emit commands that the action nodes only report, without writing',
			},
			{
				displayName: 'Echo Window (Seconds)',
				name: 'echoWindow',
				type: 'number',
				typeOptions: { minValue: 0, maxValue: 600 },
				default: 10,
				description: 'A change that reports one of this workflow\'s own writes this soon after it is an echo, and is skipped',
			},
		],
	},
];
