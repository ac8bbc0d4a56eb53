import type { INodeProperties } from 'n8n-workflow';
import * as getAll from './getAll.operation';

export { getAll };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['unavailableCode'] } },
		options: [
			{
				name: 'Get Many',
				value: 'getAll',
				description: 'Get the unavailable codes of the business unit or of one team',
				action: 'Get many unavailable codes',
			},
		],
		default: 'getAll',
	},
	...getAll.description,
];
