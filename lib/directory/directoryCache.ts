/**
 * A cached list that changes rarely (users, agents, teams, statuses, unavailable codes). Reading one
 * costs API calls (thousands of users are paged), so it is loaded once and served until it is older than
 * `maxAgeMs`. Concurrent readers share one load in flight. A caller that looked for something the list
 * does not hold (a new hire, a status created a minute ago) asks for one refresh before giving up; such
 * refreshes happen at most once per `minRefreshGapMs`, so a name that truly does not exist cannot make
 * every caller reload the list. A failed reload keeps the entries held: lookups degrade, work goes on.
 */
export interface DirectoryCacheOptions<V> {
	load(): Promise<V[]>;
	/** Key for get() and ensure(); needed only by callers that use them. */
	keyOf?(value: V): string;
	/** Default 5 minutes. */
	maxAgeMs?: number;
	/** Least time between refreshes asked for by a miss. Default 30 s. */
	minRefreshGapMs?: number;
	/** A load failed while earlier entries were kept (or, in ensure(), while none were held). */
	onLoadError?(error: Error): void;
	now?: () => number;
}

export const DEFAULT_MAX_AGE_MS = 5 * 60_000;
export const DEFAULT_MIN_REFRESH_GAP_MS = 30_000;
/** The triggers' lists only add names and labels to events; a miss refreshes them anyway. */
export const ENRICHMENT_MAX_AGE_MS = 15 * 60_000;

function asError(error: unknown): Error {
	return error instanceof Error ? error : new Error(String(error));
}

export class DirectoryCache<V> {
	/** Undefined until a load succeeds. */
	private entries: V[] | undefined;
	/** Counts successful loads. */
	private generation = 0;
	private byKey: Map<string, V> | undefined;
	private loadedAt = Number.NEGATIVE_INFINITY;
	private missRefreshAt = Number.NEGATIVE_INFINITY;
	private loading: Promise<V[]> | undefined;

	constructor(private readonly options: DirectoryCacheOptions<V>) {}

	/** Loads now (or joins the load in flight) and throws on failure: for activation, where it should be seen. */
	load(): Promise<V[]> {
		this.loading ??= this.options
			.load()
			.then((values) => {
				this.entries = values;
				this.byKey = undefined;
				this.generation++;
				return values;
			})
			.finally(() => {
				// Even a failed load counts, so an outage does not turn every caller into a reload attempt.
				this.loadedAt = this.now();
				this.loading = undefined;
			});
		return this.loading;
	}

	/** The entries, reloaded first when older than maxAgeMs. Throws only when no load ever succeeded. */
	async current(): Promise<V[]> {
		const fresh = this.now() - this.loadedAt <= (this.options.maxAgeMs ?? DEFAULT_MAX_AGE_MS);
		if (this.entries && fresh && !this.loading) return this.entries;
		return await this.loadKeepingEntries();
	}

	/**
	 * The current entries, reloaded once more when they do not `cover` what the caller looks for, unless
	 * they were loaded during this very call, or a miss already reloaded them within minRefreshGapMs.
	 * The caller still checks what it got: a name that does not exist stays missing.
	 */
	async currentCovering(covers: (entries: V[]) => boolean): Promise<V[]> {
		const generation = this.generation;
		const held = await this.current();
		if (covers(held) || this.generation !== generation) return held;
		if (this.now() - this.missRefreshAt < (this.options.minRefreshGapMs ?? DEFAULT_MIN_REFRESH_GAP_MS)) return held;
		this.missRefreshAt = this.now();
		return await this.loadKeepingEntries();
	}

	/** Makes sure the entries are fresh enough and hold these keys if they exist; never throws. */
	async ensure(keys: Iterable<string>): Promise<void> {
		const wanted = [...keys];
		try {
			await this.currentCovering(() => wanted.every((key) => this.index().has(key)));
		} catch (error) {
			this.options.onLoadError?.(asError(error));
		}
	}

	get(key: string): V | undefined {
		return this.index().get(key);
	}

	values(): V[] {
		return [...(this.entries ?? [])];
	}

	private async loadKeepingEntries(): Promise<V[]> {
		const held = this.entries;
		try {
			return await this.load();
		} catch (error) {
			if (!held) throw error;
			this.options.onLoadError?.(asError(error));
			return held;
		}
	}

	private index(): Map<string, V> {
		const keyOf = this.options.keyOf;
		if (!keyOf) throw new Error('DirectoryCache: get() and ensure() need the keyOf option');
		this.byKey ??= new Map((this.entries ?? []).map((value) => [keyOf(value), value]));
		return this.byKey;
	}

	private now(): number {
		return (this.options.now ?? Date.now)();
	}
}
