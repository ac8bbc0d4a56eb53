/**
 * The eventIds emitted recently, so a replayed stream message, a polling overlap or a catch-up query that
 * reads the same change again never emits it twice. Bounded: the oldest ids are forgotten first.
 */
export class SeenEvents {
	// A Map keeps insertion order, which makes it an LRU once a re-seen id is moved to the end.
	private readonly ids = new Map<string, true>();

	constructor(private readonly capacity = 20000) {
		if (!(capacity >= 1)) throw new Error(`De-duplication capacity must be at least 1, got ${capacity}`);
	}

	/** True the first time an id is offered (and remembers it); false when it was seen already. */
	firstTime(eventId: string): boolean {
		if (this.ids.has(eventId)) {
			this.ids.delete(eventId);
			this.ids.set(eventId, true);
			return false;
		}
		this.ids.set(eventId, true);
		if (this.ids.size > this.capacity) this.ids.delete(this.ids.keys().next().value as string);
		return true;
	}

	get size(): number {
		return this.ids.size;
	}
}
