import type { INodeProperties } from 'n8n-workflow';
import * as getAll from './getAll.operation';

export { getAll };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['team'] } },
		options: [{ name: 'Get Many', value: 'getAll', description: 'Get the teams of the business unit', action: 'Get many teams' }],
		default: 'getAll',
	},
	...getAll.description,
];
