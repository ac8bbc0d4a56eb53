import type { IDataObject, INodeType, INodeTypeDescription, ITriggerFunctions, ITriggerResponse } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { cxoneClientFor, getTeams } from '../../lib/cxone/methods';
import { CxoneStateWatcher } from '../../lib/triggers/cxoneStateWatcher';
import type { CxoneWatchOptions } from '../../lib/triggers/cxoneStateWatcher';
import { DEFAULT_MAX_BATCH, SAMPLE_SIZE, triggerHost } from '../../lib/triggers/host';
import { description } from './description';

function settingsOf(ctx: ITriggerFunctions): CxoneWatchOptions {
	const pollInterval = Number(ctx.getNodeParameter('pollInterval', 1));
	if (!(pollInterval >= 0.5)) {
		throw new NodeOperationError(ctx.getNode(), `Poll Interval must be at least 0.5 seconds, got ${pollInterval}`);
	}
	const options = ctx.getNodeParameter('options', {}) as IDataObject;
	const teamIds = ((options.teamIds as Array<number | string> | undefined) ?? []).map(Number);
	const badTeam = teamIds.find((teamId) => !Number.isInteger(teamId));
	if (badTeam !== undefined) {
		throw new NodeOperationError(ctx.getNode(), `Team IDs must be CXone team numbers; got '${String(options.teamIds)}'`);
	}
	return {
		pollIntervalMs: pollInterval * 1000,
		reconcileEveryMs: Number(options.reconcileEvery ?? 10) * 60000,
		batchWindowMs: Number(options.batchWindow ?? 150),
		maxBatch: DEFAULT_MAX_BATCH,
		teamIds,
	};
}

export class CxoneAgentStateTrigger implements INodeType {
	description: INodeTypeDescription = description;

	methods = { loadOptions: { getTeams } };

	async trigger(this: ITriggerFunctions): Promise<ITriggerResponse> {
		const settings = settingsOf(this);
		const client = await cxoneClientFor(this);
		const toNodeError = (error: Error) => new NodeOperationError(this.getNode(), error);

		if (this.getMode() === 'manual') {
			return {
				manualTriggerFunction: async () => {
					const events = await CxoneStateWatcher.sample(client, SAMPLE_SIZE, settings.teamIds);
					if (events.length === 0) {
						throw new NodeOperationError(this.getNode(), 'No CXone agent states to sample: no agents in the chosen teams');
					}
					this.emit([events.map((event) => ({ json: event as unknown as IDataObject }))]);
				},
			};
		}

		const watcher = new CxoneStateWatcher(client, triggerHost(this, toNodeError), settings);
		try {
			await watcher.start();
		} catch (error) {
			await watcher.close();
			throw toNodeError(error as Error);
		}
		return { closeFunction: async () => await watcher.close() };
	}
}
