/**
 * Groups changes into executions (DESIGN.md §7): everything that arrives within `windowMs` of the first
 * queued item goes out as one batch, so a shift-start burst of thousands becomes a handful of executions
 * instead of thousands. The window is fixed from the first item (not sliding), which bounds the latency
 * a batch adds even under a steady stream.
 */
export interface BatcherOptions<T> {
	windowMs: number;
	/** Largest batch handed to `flush`; a full queue flushes at once without waiting for the window. */
	maxBatch: number;
	/**
	 * Receives each batch in arrival order; never called concurrently. `remaining` is how many items are
	 * still queued behind this batch: 0 means everything pushed so far is in this or an earlier batch.
	 */
	flush(batch: T[], remaining: number): Promise<void> | void;
	onError(error: Error): void;
}

export class Batcher<T> {
	private queue: T[] = [];
	private timer: NodeJS.Timeout | undefined;
	private chain: Promise<void> = Promise.resolve();
	private closed = false;

	constructor(private readonly options: BatcherOptions<T>) {
		if (!(options.maxBatch >= 1)) throw new Error(`Batch size must be at least 1, got ${options.maxBatch}`);
		if (!(options.windowMs >= 0)) throw new Error(`Batch window must be 0 ms or more, got ${options.windowMs}`);
	}

	push(items: readonly T[]): void {
		if (this.closed || items.length === 0) return;
		// A loop, not push(...items): spreading tens of thousands of arguments overflows the stack.
		for (const item of items) this.queue.push(item);
		if (this.queue.length >= this.options.maxBatch) this.drain();
		else if (this.timer === undefined) this.timer = setTimeout(() => this.drain(), this.options.windowMs);
	}

	/** Drops what is queued (it was never emitted, so its cursor was never committed) and stops. */
	close(): void {
		this.closed = true;
		this.clearTimer();
		this.queue = [];
	}

	private drain(): void {
		this.clearTimer();
		this.chain = this.chain
			.then(async () => {
				while (!this.closed && this.queue.length > 0) {
					const batch = this.queue.splice(0, this.options.maxBatch);
					await this.options.flush(batch, this.queue.length);
				}
			})
			.catch((error: Error) => {
				this.options.onError(error);
				// Items queued behind the failed batch still go out, in their own window.
				if (!this.closed && this.queue.length > 0 && this.timer === undefined) {
					this.timer = setTimeout(() => this.drain(), this.options.windowMs);
				}
			});
	}

	private clearTimer(): void {
		if (this.timer !== undefined) clearTimeout(this.timer);
		this.timer = undefined;
	}
}
