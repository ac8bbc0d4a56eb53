/** Agent → Get Many: CXone agents with the fields presence sync matches on, optionally of one team. */
import { updateDisplayOptions } from 'n8n-workflow';
import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { eachItem, outputItems, readLimit } from '../../../../lib/actions/nodeItems';
import type { CxoneAgent, CxoneClient } from '../../../../lib/cxone/types';
import { returnAllFields, teamField } from '../common.descriptions';

const properties: INodeProperties[] = [
	...returnAllFields,
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		options: [
			{ ...teamField, description: `Only agents of this team. ${teamField.description}` },
			{
				displayName: 'Include Inactive Agents',
				name: 'includeInactive',
				type: 'boolean',
				default: false,
				description: 'Whether to return deactivated agents too',
			},
		],
	},
];

export const description = updateDisplayOptions({ show: { resource: ['agent'], operation: ['getAll'] } }, properties);

export async function execute(this: IExecuteFunctions, client: CxoneClient): Promise<INodeExecutionData[]> {
	const listed = new Map<boolean, Promise<CxoneAgent[]>>();
	const results = await eachItem(this.getInputData().length, async (i) => {
		const filters = this.getNodeParameter('filters', i, {}) as { teamId?: string | number; includeInactive?: boolean };
		const activeOnly = !filters.includeInactive;
		if (!listed.has(activeOnly)) listed.set(activeOnly, client.listAgents({ activeOnly }));
		const teamId = filters.teamId === undefined || filters.teamId === '' ? undefined : Number(filters.teamId);
		const agents = (await (listed.get(activeOnly) as Promise<CxoneAgent[]>)).filter(
			(agent) => teamId === undefined || agent.teamId === teamId,
		);
		return agents.slice(0, readLimit(this, i)).map((agent) => ({ ...agent }));
	});
	return outputItems(this, results);
}
