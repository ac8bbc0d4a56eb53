/** Agent State → Get: each agent's current ACD state, from one state snapshot for all items. */
import { updateDisplayOptions } from 'n8n-workflow';
import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { CxoneTarget, cxoneIdentity } from '../../../../lib/actions/cxoneTarget';
import { batchResults, outputItems, usersOfItems } from '../../../../lib/actions/nodeItems';
import type { CxoneClient } from '../../../../lib/cxone/types';
import { agentFields } from '../common.descriptions';

export const description = updateDisplayOptions({ show: { resource: ['agentState'], operation: ['get'] } }, agentFields);

export async function execute(this: IExecuteFunctions, client: CxoneClient): Promise<INodeExecutionData[]> {
	const target = new CxoneTarget(client);
	const results = await batchResults(this.getInputData().length, async () => {
		const { users: agents, results } = await usersOfItems(this, target);
		const ids = agents.flatMap((agent) => (agent ? [String(agent.agentId)] : []));
		const states = ids.length ? await target.currentStates(ids) : new Map();
		return results.map((result, i) => {
			const agent = agents[i];
			if (!agent) return result;
			const { cxoneAgentId: agentId, ...identity } = cxoneIdentity(agent);
			return { json: { agentId, ...identity, state: states.get(String(agentId)) } };
		});
	});
	return outputItems(this, results);
}
