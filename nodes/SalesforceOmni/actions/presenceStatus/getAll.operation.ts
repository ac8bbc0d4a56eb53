/** Presence Status → Get Many: the ServicePresenceStatus records, with whether each is routable. */
import { updateDisplayOptions } from 'n8n-workflow';
import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { eachItem, outputItems, readLimit } from '../../../../lib/actions/nodeItems';
import type { SalesforceTarget } from '../../../../lib/actions/salesforceTarget';
import { returnAllFields } from '../common.descriptions';

export const description = updateDisplayOptions({ show: { resource: ['presenceStatus'], operation: ['getAll'] } }, returnAllFields);

export async function execute(this: IExecuteFunctions, target: SalesforceTarget): Promise<INodeExecutionData[]> {
	const results = await eachItem(this.getInputData().length, async (i) => {
		const statuses = await target.statuses();
		return statuses.slice(0, readLimit(this, i)).map((status) => ({ ...status }));
	});
	return outputItems(this, results);
}
