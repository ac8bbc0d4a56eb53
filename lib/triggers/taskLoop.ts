/**
 * A self-scheduling loop: the next run is scheduled when the previous one has finished (never two runs
 * at once, no pile-up behind a slow API, unlike setInterval). Failures back off exponentially; a failure
 * that persists is reported once per streak, and a fatal one (bad credentials, missing permission) is
 * reported and stops the loop. The cursor is the task's business: a failed run must leave it untouched.
 */
import { TransportError } from '../errors';

export interface TaskLoopOptions {
	name: string;
	intervalMs: number;
	task(): Promise<void>;
	/** A transient failure that has lasted `failuresBeforeReport` runs; the loop keeps retrying. */
	onPersistentFailure(error: Error): void;
	/** A failure retrying cannot fix; the loop has stopped. */
	onFatalFailure(error: Error): void;
	onRecovered?(failures: number): void;
	/** First retry delay, doubled per failure; default the interval, at most 1 s. */
	backoffBaseMs?: number;
	/** Backoff cap; default 60 s. */
	maxBackoffMs?: number;
	/** Default 5. */
	failuresBeforeReport?: number;
}

/** Errors that another attempt will not fix: credentials rejected, permission missing, bad request. */
export function isFatal(error: unknown): boolean {
	if (!(error instanceof TransportError)) return false;
	if (/^invalid_(grant|client)$/i.test(error.errorCode)) return true;
	return error.httpStatus === 400 || error.httpStatus === 401 || error.httpStatus === 403 || error.httpStatus === 404;
}

export class TaskLoop {
	private timer: NodeJS.Timeout | undefined;
	private running: Promise<void> | undefined;
	private stopped = true;
	private kicked = false;
	private failures = 0;

	constructor(private readonly options: TaskLoopOptions) {
		if (!(options.intervalMs > 0)) throw new Error(`${options.name}: interval must be above 0 ms, got ${options.intervalMs}`);
	}

	/** Starts the loop; the first run is after `firstDelayMs` (default: one interval). */
	start(firstDelayMs = this.options.intervalMs): void {
		this.stopped = false;
		this.schedule(firstDelayMs);
	}

	/** Runs as soon as possible: now when idle, or right after the current run (never inside a backoff). */
	kick(): void {
		if (this.stopped) return;
		if (this.running || this.failures > 0) {
			this.kicked = true;
			return;
		}
		this.schedule(0);
	}

	/** Stops the loop and waits for a run in progress, so no call starts after this resolves. */
	async stop(): Promise<void> {
		this.stopped = true;
		if (this.timer !== undefined) clearTimeout(this.timer);
		this.timer = undefined;
		await this.running;
	}

	private schedule(delayMs: number): void {
		if (this.timer !== undefined) clearTimeout(this.timer);
		this.timer = setTimeout(() => {
			this.timer = undefined;
			this.running = this.run().finally(() => {
				this.running = undefined;
			});
		}, delayMs);
	}

	private async run(): Promise<void> {
		if (this.stopped) return;
		this.kicked = false;
		let delayMs = this.options.intervalMs;
		try {
			await this.options.task();
			if (this.failures > 0) this.options.onRecovered?.(this.failures);
			this.failures = 0;
		} catch (error) {
			if (this.stopped) return;
			const failure = error instanceof Error ? error : new Error(String(error));
			if (isFatal(failure)) {
				this.stopped = true;
				this.options.onFatalFailure(failure);
				return;
			}
			this.failures++;
			if (this.failures === (this.options.failuresBeforeReport ?? 5)) this.options.onPersistentFailure(failure);
			const base = this.options.backoffBaseMs ?? Math.min(this.options.intervalMs, 1000);
			delayMs = Math.min(this.options.maxBackoffMs ?? 60000, base * 2 ** this.failures);
		}
		if (!this.stopped) this.schedule(this.kicked && this.failures === 0 ? 0 : delayMs);
	}
}
