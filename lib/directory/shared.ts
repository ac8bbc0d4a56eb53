/**
 * Process-wide caches of the lists the nodes read, one per list per credential, so executions share them
 * instead of reading thousands of users each time. The key holds the credential's non-secret cacheKey.
 */
import { DirectoryCache } from './directoryCache';

interface Shared {
	cache: DirectoryCache<unknown>;
	load: () => Promise<unknown[]>;
}

const shared = new Map<string, Shared>();

/**
 * The cache under `key`. It loads with the latest caller's `load`: every caller's reads the same list
 * through the same credential, and the cache keeps no older execution's context alive.
 */
export function sharedDirectory<V>(key: string, load: () => Promise<V[]>): DirectoryCache<V> {
	let entry = shared.get(key);
	if (!entry) {
		const created: Shared = { load, cache: new DirectoryCache<unknown>({ load: () => created.load() }) };
		shared.set(key, (entry = created));
	}
	entry.load = load;
	return entry.cache as DirectoryCache<V>;
}

/**
 * `derive` computed once per list: a cached list is the same array until it is reloaded, so indexes
 * over thousands of users are built once per load rather than once per execution.
 */
export function perList<V, R>(derive: (list: readonly V[]) => R): (list: readonly V[]) => R {
	const derived = new WeakMap<readonly V[], R>();
	return (list) => {
		if (!derived.has(list)) derived.set(list, derive(list));
		return derived.get(list) as R;
	};
}
