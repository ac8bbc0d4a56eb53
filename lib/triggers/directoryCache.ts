/**
 * A cached list (users, agents, statuses) used to enrich events. It is reloaded when older than
 * `maxAgeMs`, and early when an event names an id it does not hold (a new hire, a new status), but at
 * most once per `minRefreshGapMs` so an id that truly does not exist cannot make every batch reload it.
 * A failed reload keeps the old entries: enrichment degrades, events still go out.
 */
export interface DirectoryCacheOptions<V> {
	load(): Promise<V[]>;
	keyOf(value: V): string;
	/** Default 15 minutes. */
	maxAgeMs?: number;
	/** Default 30 s. */
	minRefreshGapMs?: number;
	onLoadError?(error: Error): void;
	now?: () => number;
}

export class DirectoryCache<V> {
	private entries = new Map<string, V>();
	private loadedAt = Number.NEGATIVE_INFINITY;
	private loading: Promise<void> | undefined;

	constructor(private readonly options: DirectoryCacheOptions<V>) {}

	/** Loads now and throws on failure (used at activation, where a failure should be seen). */
	async load(): Promise<void> {
		if (!this.loading) {
			this.loading = this.options
				.load()
				.then((values) => {
					this.entries = new Map(values.map((value) => [this.options.keyOf(value), value]));
				})
				.finally(() => {
					// Even a failed load counts, so an outage does not turn every batch into a reload attempt.
					this.loadedAt = this.now();
					this.loading = undefined;
				});
		}
		await this.loading;
	}

	/** Makes sure the cache is fresh enough for these keys; never throws. */
	async ensure(keys: Iterable<string>): Promise<void> {
		const age = this.now() - this.loadedAt;
		const stale = age > (this.options.maxAgeMs ?? 15 * 60000);
		const missing = age > (this.options.minRefreshGapMs ?? 30000) && [...keys].some((key) => !this.entries.has(key));
		if (!stale && !missing) return;
		try {
			await this.load();
		} catch (error) {
			this.options.onLoadError?.(error instanceof Error ? error : new Error(String(error)));
		}
	}

	get(key: string): V | undefined {
		return this.entries.get(key);
	}

	values(): V[] {
		return [...this.entries.values()];
	}

	private now(): number {
		return (this.options.now ?? Date.now)();
	}
}
