import type { INodeProperties } from 'n8n-workflow';
import * as getAll from './getAll.operation';

export { getAll };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['user'] } },
		options: [
			{
				name: 'Get Many',
				value: 'getAll',
				description: 'Get Salesforce users, with the identity fields used to match them to CXone agents',
				action: 'Get many users',
			},
		],
		default: 'getAll',
	},
	...getAll.description,
];
