/** Presence → Get: each user's current Omni-Channel status, read for all items in one query. */
import { updateDisplayOptions } from 'n8n-workflow';
import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { batchResults, outputItems, usersOfItems } from '../../../../lib/actions/nodeItems';
import type { SalesforceTarget } from '../../../../lib/actions/salesforceTarget';
import { userIdKey } from '../../../../lib/engine/identity';
import { userFields } from '../common.descriptions';

export const description = updateDisplayOptions({ show: { resource: ['presence'], operation: ['get'] } }, userFields);

export async function execute(this: IExecuteFunctions, target: SalesforceTarget): Promise<INodeExecutionData[]> {
	const results = await batchResults(this.getInputData().length, async () => {
		const { users, results } = await usersOfItems(this, target);
		const ids = users.flatMap((user) => (user ? [user.id] : []));
		const states = ids.length ? await target.currentStates(ids) : new Map();
		return results.map((result, i) => {
			const user = users[i];
			if (!user) return result;
			const { id: userId, username, email, name } = user;
			return { json: { userId, username, email, name, state: states.get(userIdKey('salesforce', userId)) } };
		});
	});
	return outputItems(this, results);
}
