import type {
	IExecuteFunctions,
	ILoadOptionsFunctions,
	INodeExecutionData,
	INodePropertyOptions,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { OFFLINE } from '../../lib/engine/rule';
import { getOmniStatuses, getSalesforceUsers } from '../../lib/salesforce/methods';
import { router } from './actions/router';
import { versionDescription } from './actions/versionDescription';

export class SalesforceOmni implements INodeType {
	description: INodeTypeDescription = versionDescription;

	methods = {
		loadOptions: {
			/** The org's statuses, and Offline (the companion logs the user out). */
			async getOmniStatusesOrOffline(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
				const offline = { name: 'Offline', value: OFFLINE, description: 'Log the user out of Omni-Channel' };
				return [offline, ...(await getOmniStatuses.call(this))];
			},
			getSalesforceUsers,
		},
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
