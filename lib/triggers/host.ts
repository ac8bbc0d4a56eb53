/**
 * What a presence watcher needs from the process that runs it. The n8n trigger nodes adapt
 * ITriggerFunctions to this, which keeps lib/triggers free of n8n and testable with plain objects.
 */
import type { PresenceEvent } from '../engine/types';
import { TaskLoop } from './taskLoop';
import type { TaskLoopOptions } from './taskLoop';

export interface TriggerLog {
	debug(message: string, meta?: Record<string, unknown>): void;
	info(message: string, meta?: Record<string, unknown>): void;
	warn(message: string, meta?: Record<string, unknown>): void;
}

export interface TriggerHost {
	/** Persisted across restarts (the node's static data): cursors live here. Saved when `emit` is called. */
	store: Record<string, unknown>;
	/** One execution with these events as items. */
	emit(events: PresenceEvent[]): void;
	/** A failure that has lasted; the watcher keeps retrying and the workflow stays active. */
	reportPersistentError(error: Error): void;
	/** A failure retrying cannot fix (credentials, permissions); the watcher has stopped. */
	reportFatalError(error: Error): void;
	log: TriggerLog;
}

/** Defaults shared by both triggers. */
export const DEFAULT_BATCH_WINDOW_MS = 150;
export const DEFAULT_MAX_BATCH = 5000;
/** Events the manual "Fetch Test Event" returns. */
export const SAMPLE_SIZE = 5;

/**
 * The part of n8n's ITriggerFunctions a watcher's host is made from, declared structurally so this
 * folder stays free of n8n imports; ITriggerFunctions satisfies it.
 */
export interface TriggerFunctionsLike {
	getWorkflowStaticData(type: 'node'): Record<string, unknown>;
	emit(data: Array<Array<{ json: object }>>): void;
	emitError(error: Error): void;
	saveFailedExecution(error: never): void;
	logger: TriggerLog;
}

/**
 * Adapts a trigger context: `toNodeError` wraps an error the way n8n records it (NodeOperationError).
 * `emit` is looked up on every call because n8n swaps it in manual mode after trigger() returns.
 */
export function triggerHost(ctx: TriggerFunctionsLike, toNodeError: (error: Error) => Error): TriggerHost {
	return {
		store: ctx.getWorkflowStaticData('node'),
		emit: (events) => ctx.emit([events.map((event) => ({ json: event }))]),
		reportPersistentError: (error) => ctx.saveFailedExecution(toNodeError(error) as never),
		reportFatalError: (error) => ctx.emitError(toNodeError(error)),
		log: ctx.logger,
	};
}

/** A watcher's TaskLoop: failures that last or cannot be retried go to the host, as does a recovery. */
export function hostedTaskLoop(host: TriggerHost, options: Pick<TaskLoopOptions, 'name' | 'intervalMs' | 'task'>): TaskLoop {
	return new TaskLoop({
		...options,
		onPersistentFailure: (error) => host.reportPersistentError(error),
		onFatalFailure: (error) => host.reportFatalError(error),
		onRecovered: (failures) => host.log.info(`${options.name} recovered after ${failures} failed attempts`),
	});
}
