import type { INodeProperties } from 'n8n-workflow';
import * as get from './get.operation';
import * as set from './set.operation';

export { get, set };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['agentState'] } },
		options: [
			{
				name: 'Get',
				value: 'get',
				description: "Get an agent's current ACD state",
				action: 'Get an agent state',
			},
			{
				name: 'Set',
				value: 'set',
				description: 'Set agents Available or Unavailable (with an unavailable code)',
				action: 'Set an agent state',
			},
		],
		default: 'set',
	},
	...set.description,
	...get.description,
];
