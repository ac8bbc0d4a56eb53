import type { INodeProperties } from 'n8n-workflow';
import * as getAll from './getAll.operation';

export { getAll };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['presenceStatus'] } },
		options: [
			{
				name: 'Get Many',
				value: 'getAll',
				description: 'Get the Omni-Channel presence statuses the integration user can see',
				action: 'Get many presence statuses',
			},
		],
		default: 'getAll',
	},
	...getAll.description,
];
