/** Agent → Log Out: end the agent's ACD session (POST /agents/{agentId}/logout). */
import { updateDisplayOptions } from 'n8n-workflow';
import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { CxoneTarget } from '../../../../lib/actions/cxoneTarget';
import { failureFrom } from '../../../../lib/actions/failure';
import { batchResults, outputItems, usersOfItems } from '../../../../lib/actions/nodeItems';
import type { ItemResult } from '../../../../lib/actions/nodeItems';
import type { CxoneClient } from '../../../../lib/cxone/types';
import { agentFields } from '../common.descriptions';

export const description = updateDisplayOptions({ show: { resource: ['agent'], operation: ['logOut'] } }, agentFields);

export async function execute(this: IExecuteFunctions, client: CxoneClient): Promise<INodeExecutionData[]> {
	const results = await batchResults(this.getInputData().length, async () => {
		const { users: agents, results } = await usersOfItems(this, new CxoneTarget(client));
		const loggedOut: ItemResult[] = [];
		for (const [i, agent] of agents.entries()) {
			if (!agent) {
				loggedOut.push(results[i]);
				continue;
			}
			try {
				await client.logoutAgent(agent.agentId);
				loggedOut.push({ json: { agentId: agent.agentId, userName: agent.userName, loggedOut: true } });
			} catch (error) {
				loggedOut.push({ failure: failureFrom(error) });
			}
		}
		return loggedOut;
	});
	return outputItems(this, results);
}
