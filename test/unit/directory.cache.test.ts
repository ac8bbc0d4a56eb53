/**
 * DirectoryCache (lib/directory): served from memory within its age, reloaded after it, one load shared
 * by concurrent callers, one reload for a miss (at most once per gap), and old entries kept when a reload
 * fails. The loader is a plain function over a list the test edits; the clock is the test's.
 */
import { DEFAULT_MAX_AGE_MS, DEFAULT_MIN_REFRESH_GAP_MS, DirectoryCache } from '../../lib/directory/directoryCache';
import { perList, sharedDirectory } from '../../lib/directory/shared';

interface Person {
	id: string;
	name: string;
}

/** A directory source: `people` is what a load returns now; `loads` counts loads; `fail` makes the next ones fail. */
function source(initial: Person[]) {
	const state = { people: [...initial], loads: 0, fail: false as false | Error };
	const load = async (): Promise<Person[]> => {
		state.loads++;
		if (state.fail) throw state.fail;
		return [...state.people];
	};
	return { state, load };
}

function clock(start = 1_000_000) {
	const time = { now: start };
	return { time, now: () => time.now };
}

const ann = { id: '1', name: 'Ann' };
const bob = { id: '2', name: 'Bob' };
const cid = { id: '3', name: 'Cid' };
const hasName = (name: string) => (people: Person[]) => people.some((p) => p.name === name);

describe('DirectoryCache', () => {
	test('serves the loaded list until it is older than maxAgeMs (default 5 minutes), then reloads', async () => {
		const { state, load } = source([ann]);
		const { time, now } = clock();
		const cache = new DirectoryCache({ load, now });

		expect(await cache.current()).toEqual([ann]);
		for (let i = 0; i < 10; i++) await cache.current();
		expect(state.loads).toBe(1);

		state.people.push(bob);
		time.now += DEFAULT_MAX_AGE_MS;
		expect(await cache.current()).toEqual([ann]);
		expect(state.loads).toBe(1);

		time.now += 1;
		expect(await cache.current()).toEqual([ann, bob]);
		expect(state.loads).toBe(2);
	});

	test('concurrent callers share one load in flight', async () => {
		let release!: (people: Person[]) => void;
		let loads = 0;
		const cache = new DirectoryCache<Person>({
			load: () => {
				loads++;
				return new Promise((resolve) => (release = resolve));
			},
		});
		const waiting = [cache.current(), cache.current(), cache.currentCovering(hasName('Ann')), cache.load()];
		release([ann]);
		const results = await Promise.all(waiting);
		expect(loads).toBe(1);
		for (const result of results) expect(result).toEqual([ann]);
	});

	test('a miss reloads once: the new entry is found, and a further miss within the gap does not reload', async () => {
		const { state, load } = source([ann]);
		const { time, now } = clock();
		const cache = new DirectoryCache({ load, now });
		await cache.current();

		state.people.push(bob);
		expect(await cache.currentCovering(hasName('Bob'))).toEqual([ann, bob]);
		expect(state.loads).toBe(2);

		// A name that does not exist: no reload within the gap, whatever the number of callers.
		time.now += DEFAULT_MIN_REFRESH_GAP_MS - 1;
		for (let i = 0; i < 5; i++) expect(await cache.currentCovering(hasName('Nobody'))).toEqual([ann, bob]);
		expect(state.loads).toBe(2);

		// After the gap a miss may reload again, and finds what was added meanwhile.
		state.people.push(cid);
		time.now += 1;
		expect(await cache.currentCovering(hasName('Cid'))).toEqual([ann, bob, cid]);
		expect(state.loads).toBe(3);
	});

	test('a list found complete does not reload, nor one loaded during the same call', async () => {
		const { state, load } = source([ann]);
		const cache = new DirectoryCache({ load, now: clock().now });
		// Cold: the load made for this call is as fresh as a reload would be, even though Bob is missing.
		expect(await cache.currentCovering(hasName('Bob'))).toEqual([ann]);
		expect(state.loads).toBe(1);
		expect(await cache.currentCovering(hasName('Ann'))).toEqual([ann]);
		expect(state.loads).toBe(1);
	});

	test('a failed reload keeps the entries held and reports the error; a failed first load throws', async () => {
		const errors: Error[] = [];
		const { state, load } = source([ann]);
		const { time, now } = clock();
		const cache = new DirectoryCache({ load, now, onLoadError: (error) => errors.push(error) });
		await cache.current();

		state.fail = new Error('503 Service Unavailable');
		time.now += DEFAULT_MAX_AGE_MS + 1;
		expect(await cache.current()).toEqual([ann]);
		expect(await cache.currentCovering(hasName('Bob'))).toEqual([ann]);
		expect(errors.map((e) => e.message)).toEqual(['503 Service Unavailable', '503 Service Unavailable']);

		const cold = new DirectoryCache({ load, now });
		await expect(cold.current()).rejects.toThrow('503 Service Unavailable');
		await expect(cold.load()).rejects.toThrow('503 Service Unavailable');
	});

	test('keyed use (the triggers): ensure() loads, reloads once for a missing key, and never throws', async () => {
		const errors: Error[] = [];
		const { state, load } = source([ann]);
		const { time, now } = clock();
		const cache = new DirectoryCache({ load, keyOf: (p) => p.id, now, onLoadError: (error) => errors.push(error) });

		await cache.ensure(['1']);
		expect(cache.get('1')).toEqual(ann);
		state.people.push(bob);
		await cache.ensure(['1', '2']);
		expect(cache.get('2')).toEqual(bob);
		expect(state.loads).toBe(2);
		await cache.ensure(['9']);
		expect(state.loads).toBe(2);
		expect(cache.values()).toEqual([ann, bob]);

		state.fail = new Error('down');
		time.now += DEFAULT_MAX_AGE_MS + 1;
		await expect(cache.ensure(['1'])).resolves.toBeUndefined();
		expect(cache.get('1')).toEqual(ann);
		expect(errors.map((e) => e.message)).toEqual(['down']);
	});

	test('get() without keyOf is a programming error, said as such', () => {
		const cache = new DirectoryCache({ load: async () => [ann] });
		expect(() => cache.get('1')).toThrow('keyOf');
	});
});

describe('sharedDirectory and perList', () => {
	test('one cache per key for the process, loading with the latest caller\'s loader', async () => {
		const first = source([ann]);
		const second = source([ann, bob]);
		const a = sharedDirectory('test:people|credential-a', first.load);
		expect(await a.current()).toEqual([ann]);

		const again = sharedDirectory('test:people|credential-a', second.load);
		expect(again).toBe(a);
		expect(await again.current()).toEqual([ann]);
		expect(await again.load()).toEqual([ann, bob]);
		expect([first.state.loads, second.state.loads]).toEqual([1, 1]);

		const other = sharedDirectory('test:people|credential-b', first.load);
		expect(other).not.toBe(a);
	});

	test('perList derives once per loaded list, again after a reload', async () => {
		let derived = 0;
		const byId = perList((people: readonly Person[]) => {
			derived++;
			return new Map(people.map((p) => [p.id, p]));
		});
		const { state, load } = source([ann]);
		const { time, now } = clock();
		const cache = new DirectoryCache({ load, now });
		const first = byId(await cache.current());
		expect(byId(await cache.current())).toBe(first);
		expect(derived).toBe(1);
		state.people.push(bob);
		time.now += DEFAULT_MAX_AGE_MS + 1;
		expect(byId(await cache.current()).get('2')).toEqual(bob);
		expect(derived).toBe(2);
	});
});
