import type {
	IExecuteFunctions,
	ILoadOptionsFunctions,
	INodeExecutionData,
	INodePropertyOptions,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { getCxoneAgents, getTeams, getUnavailableCodes } from '../../lib/cxone/methods';
import { router } from './actions/router';
import { versionDescription } from './actions/versionDescription';

export class CxoneAgent implements INodeType {
	description: INodeTypeDescription = versionDescription;

	methods = {
		loadOptions: {
			getCxoneAgents,
			getTeams,
			/** The business unit's codes, and none (plain Unavailable). */
			async getUnavailableCodesOrNone(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
				return [{ name: 'No Code', value: '', description: 'Unavailable without a code' }, ...(await getUnavailableCodes.call(this))];
			},
		},
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
