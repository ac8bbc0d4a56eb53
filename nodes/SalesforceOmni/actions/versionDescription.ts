/* eslint-disable n8n-nodes-base/node-filename-against-convention */
import { NodeConnectionTypes } from 'n8n-workflow';
import type { INodeTypeDescription } from 'n8n-workflow';
import { authenticationProperty, salesforceCredentials } from '../../../lib/salesforce/methods';
import * as presence from './presence/Presence.resource';
import * as presenceStatus from './presenceStatus/PresenceStatus.resource';
import * as user from './user/User.resource';

export const versionDescription: INodeTypeDescription = {
	displayName: 'Salesforce Omni-Channel',
	name: 'salesforceOmni',
	icon: 'file:salesforceOmni.svg',
	group: ['output'],
	version: 1,
	subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
	description: "Set and read agents' Omni-Channel presence in Salesforce",
	defaults: { name: 'Salesforce Omni-Channel' },
	inputs: [NodeConnectionTypes.Main],
	outputs: [NodeConnectionTypes.Main],
	credentials: salesforceCredentials(true),
	properties: [
		authenticationProperty,
		{
			displayName: 'Resource',
			name: 'resource',
			type: 'options',
			noDataExpression: true,
			options: [
				{ name: 'Presence', value: 'presence' },
				{ name: 'Presence Status', value: 'presenceStatus' },
				{ name: 'User', value: 'user' },
			],
			default: 'presence',
		},
		...presence.description,
		...presenceStatus.description,
		...user.description,
	],
};
