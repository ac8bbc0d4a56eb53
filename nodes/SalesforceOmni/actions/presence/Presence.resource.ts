import type { INodeProperties } from 'n8n-workflow';
import * as forceOffline from './forceOffline.operation';
import * as get from './get.operation';
import * as set from './set.operation';

export { forceOffline, get, set };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['presence'] } },
		options: [
			{
				name: 'Force Offline',
				value: 'forceOffline',
				description: "Delete the user's current presence row (effect on an open console is undocumented)",
				action: 'Force a user offline',
			},
			{
				name: 'Get',
				value: 'get',
				description: "Get a user's current Omni-Channel status",
				action: 'Get a user presence',
			},
			{
				name: 'Set',
				value: 'set',
				description: "Set users' Omni-Channel status through the companion in their console",
				action: 'Set a user presence',
			},
		],
		default: 'set',
	},
	...set.description,
	...get.description,
	...forceOffline.description,
];
