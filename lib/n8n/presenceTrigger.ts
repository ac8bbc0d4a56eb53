/**
 * The trigger() both presence triggers share. The editor's "Fetch Test Event" (manual mode) returns a
 * sample of the live system; an active workflow runs the node's watcher until n8n closes it.
 */
import { NodeOperationError } from 'n8n-workflow';
import type { IDataObject, ITriggerFunctions, ITriggerResponse } from 'n8n-workflow';

import type { PresenceEvent } from '../engine/types';
import { SAMPLE_SIZE, triggerHost } from '../triggers/host';
import type { TriggerHost } from '../triggers/host';

export interface PresenceWatcher {
	/** Throws when the live system cannot be read: activation fails with that error. */
	start(): Promise<void>;
	close(): Promise<void>;
}

export interface PresenceTriggerParts {
	/** Up to `limit` current states from the live system. */
	sample(limit: number): Promise<PresenceEvent[]>;
	/** The error for a sample with no event: why the live system had nothing to show. */
	noSampleMessage: string;
	watcher(host: TriggerHost): PresenceWatcher;
}

export async function runPresenceTrigger(ctx: ITriggerFunctions, parts: PresenceTriggerParts): Promise<ITriggerResponse> {
	const toNodeError = (error: Error) => new NodeOperationError(ctx.getNode(), error);

	if (ctx.getMode() === 'manual') {
		return {
			manualTriggerFunction: async () => {
				const events = await parts.sample(SAMPLE_SIZE);
				if (events.length === 0) throw new NodeOperationError(ctx.getNode(), parts.noSampleMessage);
				ctx.emit([events.map((event) => ({ json: event as unknown as IDataObject }))]);
			},
		};
	}

	const watcher = parts.watcher(triggerHost(ctx, toNodeError));
	try {
		await watcher.start();
	} catch (error) {
		await watcher.close();
		throw toNodeError(error as Error);
	}
	return { closeFunction: async () => await watcher.close() };
}
