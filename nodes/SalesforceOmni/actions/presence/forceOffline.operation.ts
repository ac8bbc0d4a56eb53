/**
 * Presence → Force Offline: delete the user's current UserServicePresence row (allowed from API 41).
 * Its effect on a console that is still open is undocumented, so this is an explicit operation and never
 * the default Offline path, which is the companion's logout (Presence → Set with Offline).
 */
import { updateDisplayOptions } from 'n8n-workflow';
import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { failureFrom } from '../../../../lib/actions/failure';
import { batchResults, outputItems, usersOfItems } from '../../../../lib/actions/nodeItems';
import type { ItemResult } from '../../../../lib/actions/nodeItems';
import { currentOmniState } from '../../../../lib/actions/salesforceTarget';
import type { SalesforceTarget } from '../../../../lib/actions/salesforceTarget';
import { sameSalesforceId } from '../../../../lib/engine/state';
import { userFields } from '../common.descriptions';

const properties: INodeProperties[] = [
	{
		displayName:
			"Force Offline deletes the user's current presence record. What that does to an Omni-Channel console that is still open is undocumented by Salesforce: the console may keep showing, or restore, the old status. To take a user offline the supported way, use Set with the Offline status (the companion logs the user out).",
		name: 'forceOfflineNotice',
		type: 'notice',
		default: '',
	},
	...userFields,
];

export const description = updateDisplayOptions({ show: { resource: ['presence'], operation: ['forceOffline'] } }, properties);

export async function execute(this: IExecuteFunctions, target: SalesforceTarget): Promise<INodeExecutionData[]> {
	const results = await batchResults(this.getInputData().length, async () => {
		const { users, results } = await usersOfItems(this, target);
		const ids = users.flatMap((user) => (user ? [user.id] : []));
		const [rows, statuses] = ids.length ? await Promise.all([target.client.currentPresence(ids), target.statuses()]) : [[], []];
		const forced: ItemResult[] = [];
		// One delete per user, in item order: a failure stays with its item.
		for (const [i, user] of users.entries()) {
			if (!user) {
				forced.push(results[i]);
				continue;
			}
			const row = rows.find((r) => sameSalesforceId(r.userId, user.id));
			const json = { userId: user.id, username: user.username, name: user.name };
			if (!row) {
				forced.push({ json: { ...json, forcedOffline: false, reason: 'the user is already offline (no current presence row)' } });
				continue;
			}
			try {
				await target.client.deletePresence(row.id);
				forced.push({ json: { ...json, forcedOffline: true, deletedRowId: row.id, previous: currentOmniState(row, statuses) } });
			} catch (error) {
				forced.push({ failure: failureFrom(error) });
			}
		}
		return forced;
	});
	return outputItems(this, results);
}
