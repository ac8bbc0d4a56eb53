/** Team → Get Many: the business unit's teams (the scope of a Presence Rule is stated in teams). */
import { updateDisplayOptions } from 'n8n-workflow';
import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { eachItem, outputItems, readLimit } from '../../../../lib/actions/nodeItems';
import type { CxoneClient, CxoneTeam } from '../../../../lib/cxone/types';
import { returnAllFields } from '../common.descriptions';

export const description = updateDisplayOptions({ show: { resource: ['team'], operation: ['getAll'] } }, returnAllFields);

export async function execute(this: IExecuteFunctions, client: CxoneClient): Promise<INodeExecutionData[]> {
	let teams: Promise<CxoneTeam[]> | undefined;
	const results = await eachItem(this.getInputData().length, async (i) => {
		teams ??= client.listTeams();
		return (await teams).slice(0, readLimit(this, i)).map((team) => ({ ...team }));
	});
	return outputItems(this, results);
}
