/**
 * Parameters both action nodes share in shape: which user (by id from a dropdown, email or username),
 * Return All / Limit, and the Set operation's input mode. Each node's common.descriptions.ts instantiates
 * them for its side; operations add displayOptions with updateDisplayOptions, as Airtable v2 does.
 */
import type { INodeProperties } from 'n8n-workflow';
import type { Side } from '../engine/types';

const USER_WORD: Record<Side, { one: string; loadOptionsMethod: string }> = {
	salesforce: { one: 'User', loadOptionsMethod: 'getSalesforceUsers' },
	cxone: { one: 'Agent', loadOptionsMethod: 'getCxoneAgents' },
};

export function userLookupFields(side: Side): INodeProperties[] {
	const { one, loadOptionsMethod } = USER_WORD[side];
	return [
		{
			displayName: `Look Up ${one} By`,
			name: 'lookupBy',
			type: 'options',
			options: [
				{ name: 'ID', value: 'id', description: `Pick the ${one.toLowerCase()} from the list or give the ID` },
				{ name: 'Email', value: 'email' },
				{ name: 'Username', value: 'username' },
			],
			default: 'id',
		},
		{
			displayName: `${one} Name or ID`,
			name: 'userId',
			type: 'options',
			typeOptions: { loadOptionsMethod },
			required: true,
			default: '',
			description:
				'Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code-examples/expressions/">expression</a>',
			displayOptions: { show: { lookupBy: ['id'] } },
		},
		{
			displayName: 'Email',
			name: 'email',
			type: 'string',
			placeholder: 'name@email.com',
			required: true,
			default: '',
			description: `The ${one.toLowerCase()}'s email address`,
			displayOptions: { show: { lookupBy: ['email'] } },
		},
		{
			displayName: 'Username',
			name: 'username',
			type: 'string',
			required: true,
			default: '',
			description: `The ${one.toLowerCase()}'s username`,
			displayOptions: { show: { lookupBy: ['username'] } },
		},
	];
}

export const returnAllFields: INodeProperties[] = [
	{
		displayName: 'Return All',
		name: 'returnAll',
		type: 'boolean',
		default: false,
		description: 'Whether to return all results or only up to a given limit',
	},
	{
		displayName: 'Limit',
		name: 'limit',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 50,
		description: 'Max number of results to return',
		displayOptions: { show: { returnAll: [false] } },
	},
];

export const inputModeField: INodeProperties = {
	displayName: 'Input',
	name: 'inputMode',
	type: 'options',
	options: [
		{
			name: 'From Presence Rule',
			value: 'presenceRule',
			description: 'Each input item is a command from the Presence Rule node',
		},
		{
			name: 'Define Below',
			value: 'defineBelow',
			description: 'Set the user and the state with the fields below',
		},
	],
	default: 'presenceRule',
};

export const dryRunField: INodeProperties = {
	displayName: 'Dry Run',
	name: 'dryRun',
	type: 'boolean',
	default: false,
	description: 'Whether to report what would be written without writing',
};
