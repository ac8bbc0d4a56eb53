/**
 * Salesforce record ids: a 3-character key prefix, a 12-character body and the 3-character case-safe
 * suffix Salesforce appends to make the 18-character form (so clients comparing ids see real ones).
 */
const SUFFIX_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';

/** Appends the case-safe checksum to a 15-character id. */
export function withChecksum(id15: string): string {
	let suffix = '';
	for (let chunk = 0; chunk < 3; chunk++) {
		let bits = 0;
		for (let i = 0; i < 5; i++) {
			const c = id15[chunk * 5 + i];
			if (c >= 'A' && c <= 'Z') bits |= 1 << i;
		}
		suffix += SUFFIX_ALPHABET[bits];
	}
	return id15 + suffix;
}

/** Ids compare on their first 15 characters: the 18-character form only adds a checksum. */
export function sameId(a: string, b: string): boolean {
	return a.slice(0, 15) === b.slice(0, 15);
}

/**
 * Setup records (users, statuses, channels) are numbered from 1 per key prefix, so the same seed gives the
 * same ids in every run. Data records (presence rows, PushTopics, events) number on from the run's start
 * time instead: an emulator restarted as the same org never reissues an id an earlier run handed out, as a
 * real org never does.
 */
export class IdFactory {
	private readonly counters = new Map<string, number>();
	private readonly runtimeCounters = new Map<string, number>();

	constructor(private readonly runtimeBase: number) {}

	next(keyPrefix: string): string {
		const n = (this.counters.get(keyPrefix) ?? 0) + 1;
		this.counters.set(keyPrefix, n);
		return withChecksum(`${keyPrefix}xx${String(n).padStart(10, '0')}`);
	}

	nextRuntime(keyPrefix: string): string {
		const n = (this.runtimeCounters.get(keyPrefix) ?? this.runtimeBase) + 1;
		this.runtimeCounters.set(keyPrefix, n);
		// Base 36 keeps the body at 12 characters; fixed width keeps ids in creation order when sorted.
		return withChecksum(`${keyPrefix}xx${n.toString(36).toUpperCase().padStart(10, '0')}`);
	}
}

export const ORG_ID = withChecksum('00Dxx0000000001');
