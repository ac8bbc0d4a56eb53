/** User → Get Many: Salesforce users with the fields presence sync matches on (email, username, federation id). */
import { updateDisplayOptions } from 'n8n-workflow';
import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { eachItem, outputItems, readLimit } from '../../../../lib/actions/nodeItems';
import type { SalesforceTarget } from '../../../../lib/actions/salesforceTarget';
import type { SalesforceUser } from '../../../../lib/salesforce/types';
import { returnAllFields } from '../common.descriptions';

const properties: INodeProperties[] = [
	...returnAllFields,
	{
		displayName: 'Include Inactive Users',
		name: 'includeInactive',
		type: 'boolean',
		default: false,
		description: 'Whether to return deactivated users too',
	},
];

export const description = updateDisplayOptions({ show: { resource: ['user'], operation: ['getAll'] } }, properties);

export async function execute(this: IExecuteFunctions, target: SalesforceTarget): Promise<INodeExecutionData[]> {
	const listed = new Map<boolean, Promise<SalesforceUser[]>>();
	const results = await eachItem(this.getInputData().length, async (i) => {
		const activeOnly = !(this.getNodeParameter('includeInactive', i) as boolean);
		if (!listed.has(activeOnly)) listed.set(activeOnly, target.client.listUsers({ activeOnly }));
		const users = await (listed.get(activeOnly) as Promise<SalesforceUser[]>);
		return users.slice(0, readLimit(this, i)).map((user) => ({ ...user }));
	});
	return outputItems(this, results);
}
