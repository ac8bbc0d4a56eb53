import type { IDataObject, INodeType, INodeTypeDescription, ITriggerFunctions, ITriggerResponse } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { runPresenceTrigger } from '../../lib/n8n/presenceTrigger';
import { batchingSettings } from '../../lib/n8n/triggerOptions';
import { getSalesforceUsers, salesforceClientFor } from '../../lib/salesforce/methods';
import { SalesforcePresenceWatcher } from '../../lib/triggers/salesforcePresenceWatcher';
import type { SalesforceWatchMode, SalesforceWatchOptions } from '../../lib/triggers/salesforcePresenceWatcher';
import { description } from './description';

const MODES: SalesforceWatchMode[] = ['pushTopic', 'cdc', 'polling'];
const PUSH_TOPIC_NAME = /^[A-Za-z][A-Za-z0-9_]{0,24}$/;

function settingsOf(ctx: ITriggerFunctions): SalesforceWatchOptions {
	const mode = ctx.getNodeParameter('mode', 'pushTopic') as SalesforceWatchMode;
	if (!MODES.includes(mode)) {
		throw new NodeOperationError(ctx.getNode(), `Mode '${String(mode)}' is unknown; valid: ${MODES.join(', ')}`);
	}
	const pushTopicName = String(ctx.getNodeParameter('pushTopicName', 'n8nOmniPresence')).trim();
	if (mode === 'pushTopic' && !PUSH_TOPIC_NAME.test(pushTopicName)) {
		throw new NodeOperationError(
			ctx.getNode(),
			`PushTopic Name '${pushTopicName}' is not valid: use 1 to 25 letters, digits or underscores, starting with a letter`,
		);
	}
	const pollInterval = Number(ctx.getNodeParameter('pollInterval', 2));
	if (mode === 'polling' && !(pollInterval >= 0.5)) {
		throw new NodeOperationError(ctx.getNode(), `Poll Interval must be at least 0.5 seconds, got ${pollInterval}`);
	}
	const options = ctx.getNodeParameter('options', {}) as IDataObject;
	return {
		mode,
		pushTopicName,
		pollIntervalMs: pollInterval * 1000,
		settleMs: Number(options.settleDelay ?? 1000),
		...batchingSettings(options),
		watchdogMs: Number(options.watchdog ?? 150) * 1000,
		userIds: ((options.userIds as string[] | undefined) ?? []).map(String),
	};
}

export class SalesforceOmniTrigger implements INodeType {
	description: INodeTypeDescription = description;

	methods = { loadOptions: { getSalesforceUsers } };

	async trigger(this: ITriggerFunctions): Promise<ITriggerResponse> {
		const settings = settingsOf(this);
		const client = await salesforceClientFor(this);
		return await runPresenceTrigger(this, {
			sample: async (limit) => await SalesforcePresenceWatcher.sample(client, limit, settings.userIds),
			noSampleMessage: 'No Omni-Channel presence to sample: the org has no active users in scope',
			watcher: (host) => new SalesforcePresenceWatcher(client, host, settings),
		});
	}
}
