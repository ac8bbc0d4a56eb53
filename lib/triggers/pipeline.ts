/**
 * The way out of a trigger: de-duplicate by eventId, batch, enrich with identity, then emit. It also
 * decides when the cursor may be committed: only with the batch that drains the queue, so a committed
 * cursor never covers a change that has not been emitted (n8n saves static data when a trigger emits).
 */
import type { PresenceEvent } from '../engine/types';
import { Batcher } from './batcher';
import { SeenEvents } from './seenEvents';

export interface PipelineOptions<C> {
	batchWindowMs: number;
	maxBatch: number;
	/** Fills identity and labels from cached directories; must not throw for a stale directory. */
	enrich(events: PresenceEvent[]): Promise<PresenceEvent[]>;
	/** The cursor as of now; taken synchronously when a batch that drains the queue is cut. */
	checkpoint(): C;
	/** Emits one execution. `checkpoint` is set when the cursor may be committed with this batch. */
	emit(events: PresenceEvent[], checkpoint: C | undefined): void;
	onError(error: Error): void;
	dedupeCapacity?: number;
}

export class PresencePipeline<C> {
	private readonly seen: SeenEvents;
	private readonly batcher: Batcher<PresenceEvent>;

	constructor(options: PipelineOptions<C>) {
		this.seen = new SeenEvents(options.dedupeCapacity);
		this.batcher = new Batcher<PresenceEvent>({
			windowMs: options.batchWindowMs,
			maxBatch: options.maxBatch,
			onError: options.onError,
			flush: async (batch, remaining) => {
				const checkpoint = remaining === 0 ? options.checkpoint() : undefined;
				options.emit(await options.enrich(batch), checkpoint);
			},
		});
	}

	/** Queues the events not emitted before; reconcile events are always new (their ids carry the time). */
	push(events: readonly PresenceEvent[]): void {
		this.batcher.push(events.filter((event) => this.seen.firstTime(event.eventId)));
	}

	close(): void {
		this.batcher.close();
	}
}
