/**
 * Reads UserServicePresence rows as presence changes (salesforce-omni.md §2.4). A status change closes the
 * user's current row and opens a new one; a logout closes it and opens none. So:
 * - a newly opened current row is a status change (previous = what we knew);
 * - a closed row is Offline only if no successor opens within the settle delay (close + open is one change);
 * - a deleted current row ("Force Offline"), streamed as `deleted` or read with IsDeleted, is Offline at once.
 * Rows arrive from the stream, from SOQL catch-up and from snapshots, possibly twice and out of order, so a
 * row older than what we know of its user is ignored: reading the same rows again emits nothing new.
 * Events carry the status id only; the trigger fills DeveloperName, label and identity from its caches.
 */
import { OFFLINE_OMNI } from '../engine/types';
import type { OmniState, PresenceEvent } from '../engine/types';
import type { PresenceRow } from '../salesforce/types';

/** A row as a stream may deliver it: CDC updates carry only the fields that changed. */
export type RowChange = Partial<PresenceRow> & { id: string };

export interface OmniPresenceTrackerOptions {
	/** How long a closed row waits for a successor before it means Offline. */
	settleMs: number;
	onEvents(events: PresenceEvent[]): void;
	now?: () => number;
}

/** What we know of one user: their current row, or Offline (rowId null). */
interface Known {
	userId: string;
	rowId: string | null;
	statusId: string | null;
	isAway: boolean;
	/** Start of the current row, or when they went Offline; undefined when not known. */
	since?: string;
	/** Local time we learned it (a snapshot requested earlier cannot overrule it). */
	learnedAt: number;
}

interface PendingOffline {
	row: Known & { rowId: string; statusId: string };
	endedAt: string;
	modstamp?: string;
	timer: NodeJS.Timeout;
}

export interface SnapshotOptions {
	/** Re-emit every current state flagged `reconcile`, instead of emitting only what differs. */
	reconcile: boolean;
	/** Local time the snapshot was requested: states learned after it are newer than the snapshot. */
	requestedAt: number;
}

function userKey(userId: string): string {
	return userId.slice(0, 15);
}

function time(value: string | null | undefined): number | undefined {
	if (!value) return undefined;
	const ms = Date.parse(value);
	return Number.isNaN(ms) ? undefined : ms;
}

/** Salesforce writes `+0000` offsets; events and cursors use ISO `Z` form. */
export function isoTime(value: string | null | undefined): string | undefined {
	const ms = time(value);
	return ms === undefined ? undefined : new Date(ms).toISOString();
}

function isBefore(a: string | undefined, b: string | undefined): boolean {
	const ta = time(a);
	const tb = time(b);
	return ta !== undefined && tb !== undefined && ta < tb;
}

export function omniStateOf(statusId: string, isAway: boolean, since?: string): OmniState {
	// developerName and label are filled from the status list when the event is emitted.
	return { kind: 'omni', statusId, developerName: null, label: statusId, online: !isAway, ...(since ? { since } : {}) };
}

function stateOfKnown(known: Known): OmniState {
	if (known.rowId === null || known.statusId === null) return { ...OFFLINE_OMNI, ...(known.since ? { since: known.since } : {}) };
	return omniStateOf(known.statusId, known.isAway, known.since);
}

export class OmniPresenceTracker {
	private readonly known = new Map<string, Known>();
	/** Row id → user id for current and closing rows: deletes and CDC updates name only the row. */
	private readonly rowUsers = new Map<string, string>();
	private readonly pending = new Map<string, PendingOffline>();
	private maxModstamp: number | undefined;

	constructor(private readonly options: OmniPresenceTrackerOptions) {}

	/**
	 * Applies one row; `deleted` for a streamed delete (a row read with SOQL says so in isDeleted). Returns
	 * false when the row cannot be read (a partial update of a row we never saw): the caller should catch
	 * up with SOQL, which returns whole rows.
	 */
	applyRow(row: RowChange, deleted = false): boolean {
		const isDeleted = deleted || row.isDeleted === true;
		const userId = row.userId ?? this.rowUsers.get(row.id);
		if (!userId) return isDeleted; // deleting a row we never knew as current changes nothing we know
		this.noteModstamp(row.systemModstamp);
		const events: PresenceEvent[] = [];
		const handled = isDeleted ? this.deleted(row, userId, events) : this.updated(row, userId, events);
		if (events.length > 0) this.options.onEvents(events);
		return handled;
	}

	/** Remembers current rows of users we know nothing of yet, without emitting them (the start snapshot). */
	learn(rows: readonly PresenceRow[]): void {
		for (const row of rows) {
			const key = userKey(row.userId);
			if (!this.known.has(key) && !this.pending.has(key)) this.learnCurrent(row);
		}
	}

	/** Applies the current rows of every user (IsCurrentState = true); users absent are Offline. */
	applySnapshot(rows: readonly PresenceRow[], options: SnapshotOptions): void {
		const observedAt = this.nowIso();
		const events: PresenceEvent[] = [];
		const present = new Set<string>();
		for (const row of rows) {
			const key = userKey(row.userId);
			present.add(key);
			if (!options.reconcile) {
				this.updated(row, row.userId, events);
				continue;
			}
			const known = this.known.get(key);
			// The stream already told us something newer (or the row is closing): the snapshot is stale here.
			if (this.pending.has(key) || this.isSuperseded(row, known) || (known && known.rowId !== row.id && known.learnedAt > options.requestedAt)) continue;
			const start = isoTime(row.statusStartDate);
			events.push({
				...this.event(row.userId, `reconcile:${row.userId}:${observedAt}`, start ?? observedAt, omniStateOf(row.statusId, row.isAway, start), observedAt),
				...(known && known.rowId !== row.id ? { previous: stateOfKnown(known) } : {}),
				reconcile: true,
			});
			this.learnCurrent(row);
		}
		for (const [key, known] of this.known) {
			// Offline only for users we saw online: thousands of never-seen users stay quiet.
			if (known.rowId === null || present.has(key) || this.pending.has(key) || known.learnedAt > options.requestedAt) continue;
			const eventId = options.reconcile ? `reconcile:${known.userId}:${observedAt}` : `${known.rowId}:closed`;
			events.push({
				...this.event(known.userId, eventId, observedAt, { ...OFFLINE_OMNI, since: observedAt }, observedAt),
				previous: stateOfKnown(known),
				...(options.reconcile ? { reconcile: true as const } : {}),
			});
			this.learnOffline(known.userId, known.rowId, undefined);
		}
		if (events.length > 0) this.options.onEvents(events);
	}

	/**
	 * The SystemModstamp up to which every row has been fully handled: the newest seen, held back before
	 * any closed row still waiting for its settle delay, so a restart reads that row again.
	 */
	cursor(): string | undefined {
		let cursor = this.maxModstamp;
		for (const pending of this.pending.values()) {
			const held = (time(pending.modstamp) ?? time(pending.endedAt) ?? Number.NEGATIVE_INFINITY) - 1;
			if (cursor === undefined || held < cursor) cursor = held;
		}
		return cursor === undefined || !Number.isFinite(cursor) ? undefined : new Date(cursor).toISOString();
	}

	/** Moves the cursor forward: a persisted cursor, or the stamp of a row read but out of scope. */
	advanceCursor(systemModstamp: string | undefined): void {
		this.noteModstamp(systemModstamp);
	}

	close(): void {
		for (const pending of this.pending.values()) clearTimeout(pending.timer);
		this.pending.clear();
	}

	private updated(row: RowChange, userId: string, events: PresenceEvent[]): boolean {
		const key = userKey(userId);
		const known = this.known.get(key);
		const closed = row.isCurrentState === false || Boolean(row.statusEndDate);
		if (!closed && row.isCurrentState !== true) return true; // capacity metrics and the like
		const isKnownRow = known?.rowId === row.id;
		const statusId = row.statusId ?? (isKnownRow ? known.statusId : this.pending.get(key)?.row.statusId);
		if (!statusId) return false;
		const start = isoTime(row.statusStartDate) ?? (isKnownRow ? known.since : undefined);
		if (closed) {
			this.closedRow({ ...row, userId, statusId, statusStartDate: start }, known);
			return true;
		}
		if (isKnownRow || this.isSuperseded({ statusStartDate: start }, known)) return true;
		const pending = this.pending.get(key);
		const previous = pending ? stateOfKnown(pending.row) : known ? stateOfKnown(known) : undefined;
		this.cancelPending(key);
		this.learnCurrent({ id: row.id, userId, statusId, isAway: row.isAway ?? false, statusStartDate: start });
		const observedAt = this.nowIso();
		events.push({
			...this.event(userId, `${row.id}:open`, start ?? observedAt, omniStateOf(statusId, row.isAway ?? false, start), observedAt),
			...(previous ? { previous } : {}),
		});
		return true;
	}

	private closedRow(row: RowChange & { userId: string; statusId: string }, known: Known | undefined): void {
		const key = userKey(row.userId);
		const relevant =
			known === undefined ||
			known.rowId === row.id ||
			// A newer row than the one we know came and went unseen (its open was missed).
			(known.rowId !== null && !this.isSuperseded(row, known));
		const waiting = this.pending.get(key);
		if (!relevant || waiting?.row.rowId === row.id || (waiting && isBefore(row.statusStartDate, waiting.row.since))) return;
		this.cancelPending(key);
		const endedAt = isoTime(row.statusEndDate) ?? this.nowIso();
		const closing: PendingOffline['row'] = {
			userId: row.userId,
			rowId: row.id,
			statusId: row.statusId,
			isAway: row.isAway ?? known?.isAway ?? false,
			since: row.statusStartDate ?? undefined,
			learnedAt: this.now(),
		};
		this.rowUsers.set(row.id, row.userId);
		const timer = setTimeout(() => this.settle(key), this.options.settleMs);
		this.pending.set(key, { row: closing, endedAt, modstamp: isoTime(row.systemModstamp), timer });
	}

	private settle(key: string): void {
		const pending = this.pending.get(key);
		if (!pending) return;
		this.pending.delete(key);
		const observedAt = this.nowIso();
		const { userId, rowId } = pending.row;
		this.learnOffline(userId, rowId, pending.endedAt);
		this.options.onEvents([
			{
				...this.event(userId, `${rowId}:closed`, pending.endedAt, { ...OFFLINE_OMNI, since: pending.endedAt }, observedAt),
				previous: stateOfKnown(pending.row),
			},
		]);
	}

	private deleted(row: RowChange, userId: string, events: PresenceEvent[]): boolean {
		const known = this.known.get(userKey(userId));
		if (known?.rowId !== row.id) return true;
		this.cancelPending(userKey(userId));
		const observedAt = this.nowIso();
		// A deleted current row has no end date; its SystemModstamp (or the event's date) is when it went.
		const deletedAt = isoTime(row.statusEndDate) ?? isoTime(row.systemModstamp);
		const endedAt = deletedAt ?? observedAt;
		events.push({
			...this.event(userId, `${row.id}:closed`, endedAt, { ...OFFLINE_OMNI, since: endedAt }, observedAt),
			previous: stateOfKnown(known),
		});
		this.learnOffline(userId, row.id, deletedAt);
		return true;
	}

	/** Is this row older than the state we know for its user? */
	private isSuperseded(row: Pick<RowChange, 'statusStartDate'>, known: Known | undefined): boolean {
		return known !== undefined && isBefore(row.statusStartDate ?? undefined, known.since);
	}

	private learnCurrent(row: Pick<PresenceRow, 'id' | 'userId' | 'statusId' | 'isAway'> & { statusStartDate?: string | null }): void {
		const key = userKey(row.userId);
		const previousRow = this.known.get(key)?.rowId;
		if (previousRow && previousRow !== row.id) this.rowUsers.delete(previousRow);
		this.cancelPending(key);
		this.rowUsers.set(row.id, row.userId);
		this.known.set(key, {
			userId: row.userId,
			rowId: row.id,
			statusId: row.statusId,
			isAway: row.isAway,
			since: isoTime(row.statusStartDate),
			learnedAt: this.now(),
		});
	}

	/** `since` only from a Salesforce timestamp: it is compared with row dates, never with our clock. */
	private learnOffline(userId: string, rowId: string, since: string | undefined): void {
		this.rowUsers.delete(rowId);
		this.known.set(userKey(userId), { userId, rowId: null, statusId: null, isAway: false, ...(since ? { since } : {}), learnedAt: this.now() });
	}

	private cancelPending(key: string): void {
		const pending = this.pending.get(key);
		if (!pending) return;
		clearTimeout(pending.timer);
		this.pending.delete(key);
		if (this.known.get(key)?.rowId !== pending.row.rowId) this.rowUsers.delete(pending.row.rowId);
	}

	private event(userId: string, eventId: string, changedAt: string, state: OmniState, observedAt: string): PresenceEvent {
		return { side: 'salesforce', eventId, changedAt, observedAt, user: { salesforceUserId: userId }, state };
	}

	private noteModstamp(value: string | null | undefined): void {
		const ms = time(value);
		if (ms !== undefined && (this.maxModstamp === undefined || ms > this.maxModstamp)) this.maxModstamp = ms;
	}

	private now(): number {
		return (this.options.now ?? Date.now)();
	}

	private nowIso(): string {
		return new Date(this.now()).toISOString();
	}
}
