/* eslint-disable n8n-nodes-base/node-filename-against-convention */
import { NodeConnectionTypes } from 'n8n-workflow';
import type { INodeTypeDescription } from 'n8n-workflow';
import * as agent from './agent/Agent.resource';
import * as agentState from './agentState/AgentState.resource';
import * as team from './team/Team.resource';
import * as unavailableCode from './unavailableCode/UnavailableCode.resource';

export const versionDescription: INodeTypeDescription = {
	displayName: 'CXone Agent',
	name: 'cxoneAgent',
	icon: 'file:cxone.svg',
	group: ['output'],
	version: 1,
	subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
	description: "Set and read NICE CXone agents' ACD state",
	defaults: { name: 'CXone Agent' },
	inputs: [NodeConnectionTypes.Main],
	outputs: [NodeConnectionTypes.Main],
	credentials: [{ name: 'niceCxoneApi', required: true }],
	properties: [
		{
			displayName: 'Resource',
			name: 'resource',
			type: 'options',
			noDataExpression: true,
			options: [
				{ name: 'Agent', value: 'agent' },
				{ name: 'Agent State', value: 'agentState' },
				{ name: 'Team', value: 'team' },
				{ name: 'Unavailable Code', value: 'unavailableCode' },
			],
			default: 'agentState',
		},
		...agentState.description,
		...agent.description,
		...team.description,
		...unavailableCode.description,
	],
};
