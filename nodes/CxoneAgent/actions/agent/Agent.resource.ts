import type { INodeProperties } from 'n8n-workflow';
import * as getAll from './getAll.operation';
import * as logOut from './logOut.operation';

export { getAll, logOut };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['agent'] } },
		options: [
			{
				name: 'Get Many',
				value: 'getAll',
				description: 'Get agents, with the identity fields used to match them to Salesforce users',
				action: 'Get many agents',
			},
			{
				name: 'Log Out',
				value: 'logOut',
				description: "End an agent's ACD session",
				action: 'Log out an agent',
			},
		],
		default: 'getAll',
	},
	...getAll.description,
	...logOut.description,
];
