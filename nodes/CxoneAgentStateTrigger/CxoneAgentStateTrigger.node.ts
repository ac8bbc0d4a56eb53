import type { IDataObject, INodeType, INodeTypeDescription, ITriggerFunctions, ITriggerResponse } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { cxoneClientFor, getTeams } from '../../lib/cxone/methods';
import { runPresenceTrigger } from '../../lib/n8n/presenceTrigger';
import { batchingSettings } from '../../lib/n8n/triggerOptions';
import { CxoneStateWatcher } from '../../lib/triggers/cxoneStateWatcher';
import type { CxoneWatchOptions } from '../../lib/triggers/cxoneStateWatcher';
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
	return { pollIntervalMs: pollInterval * 1000, ...batchingSettings(options), teamIds };
}

export class CxoneAgentStateTrigger implements INodeType {
	description: INodeTypeDescription = description;

	methods = { loadOptions: { getTeams } };

	async trigger(this: ITriggerFunctions): Promise<ITriggerResponse> {
		const settings = settingsOf(this);
		const client = await cxoneClientFor(this);
		return await runPresenceTrigger(this, {
			sample: async (limit) => await CxoneStateWatcher.sample(client, limit, settings.teamIds),
			noSampleMessage: 'No CXone agent states to sample: no agents in the chosen teams',
			watcher: (host) => new CxoneStateWatcher(client, host, settings),
		});
	}
}
