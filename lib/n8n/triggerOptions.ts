/**
 * The options both presence triggers offer with the same meaning, each described beside the code that
 * reads it, so a default cannot differ between the description and the watcher's settings.
 */
import type { IDataObject, INodeProperties } from 'n8n-workflow';

import { DEFAULT_BATCH_WINDOW_MS, DEFAULT_MAX_BATCH } from '../triggers/host';

const DEFAULT_RECONCILE_MINUTES = 10;

export const batchWindowOption: INodeProperties = {
	displayName: 'Batch Window (Ms)',
	name: 'batchWindow',
	type: 'number',
	typeOptions: { minValue: 0 },
	default: DEFAULT_BATCH_WINDOW_MS,
	description: 'Changes arriving within this time go out as one execution with many items',
};

/** `description` says what each side re-emits. */
export function reconcileEveryOption(description: string): INodeProperties {
	return {
		displayName: 'Reconcile Every (Minutes)',
		name: 'reconcileEvery',
		type: 'number',
		typeOptions: { minValue: 0 },
		default: DEFAULT_RECONCILE_MINUTES,
		description,
	};
}

/** The watcher settings these options give, from the node's `options` collection. */
export function batchingSettings(options: IDataObject): { reconcileEveryMs: number; batchWindowMs: number; maxBatch: number } {
	return {
		reconcileEveryMs: Number(options.reconcileEvery ?? DEFAULT_RECONCILE_MINUTES) * 60000,
		batchWindowMs: Number(options.batchWindow ?? DEFAULT_BATCH_WINDOW_MS),
		maxBatch: DEFAULT_MAX_BATCH,
	};
}
