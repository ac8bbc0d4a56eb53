/** Unavailable Code → Get Many: the codes an agent can be Unavailable with, business-unit wide or per team. */
import { updateDisplayOptions } from 'n8n-workflow';
import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { eachItem, outputItems, readLimit } from '../../../../lib/actions/nodeItems';
import type { CxoneClient, UnavailableCode } from '../../../../lib/cxone/types';
import { returnAllFields, teamField } from '../common.descriptions';

const properties: INodeProperties[] = [
	{ ...teamField, description: `Only the codes of this team; leave empty for the whole business unit. ${teamField.description}` },
	...returnAllFields,
];

export const description = updateDisplayOptions({ show: { resource: ['unavailableCode'], operation: ['getAll'] } }, properties);

export async function execute(this: IExecuteFunctions, client: CxoneClient): Promise<INodeExecutionData[]> {
	const listed = new Map<string, Promise<UnavailableCode[]>>();
	const results = await eachItem(this.getInputData().length, async (i) => {
		const teamId = String(this.getNodeParameter('teamId', i, '') ?? '');
		if (!listed.has(teamId)) listed.set(teamId, client.listUnavailableCodes(teamId === '' ? undefined : Number(teamId)));
		const codes = await (listed.get(teamId) as Promise<UnavailableCode[]>);
		return codes.slice(0, readLimit(this, i)).map((code) => ({ ...code }));
	});
	return outputItems(this, results);
}
