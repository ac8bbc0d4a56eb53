import { OmniPresenceTracker } from '../../lib/triggers/omniPresenceTracker';
import type { PresenceEvent } from '../../lib/engine/types';
import type { PresenceRow } from '../../lib/salesforce/types';

const USER = '005000000000001AAA';
const AVAILABLE = '0N5000000000001AAA';
const BUSY = '0N5000000000002AAA';

function at(second: number): string {
	return new Date(Date.UTC(2025, 0, 1, 12, 0, second)).toISOString();
}

function opened(id: string, statusId: string, second: number, userId = USER): PresenceRow {
	return { id, userId, statusId, isCurrentState: true, isAway: statusId === BUSY, statusStartDate: at(second), statusEndDate: null, systemModstamp: at(second) };
}

function closed(row: PresenceRow, second: number): PresenceRow {
	return { ...row, isCurrentState: false, statusEndDate: at(second), systemModstamp: at(second) };
}

describe('OmniPresenceTracker', () => {
	let events: PresenceEvent[];
	let tracker: OmniPresenceTracker;

	beforeEach(() => {
		jest.useFakeTimers();
		events = [];
		tracker = new OmniPresenceTracker({ settleMs: 1000, onEvents: (batch) => events.push(...batch) });
	});
	afterEach(() => {
		tracker.close();
		jest.useRealTimers();
	});

	it('emits a newly opened current row as a status change, with what we knew as previous', () => {
		const first = opened('0Lr1', AVAILABLE, 0);
		tracker.learn([first]);
		tracker.applyRow(opened('0Lr2', BUSY, 10));
		expect(events).toHaveLength(1);
		expect(events[0]).toMatchObject({
			side: 'salesforce',
			eventId: '0Lr2:open',
			changedAt: at(10),
			user: { salesforceUserId: USER },
			state: { kind: 'omni', statusId: BUSY, online: false, since: at(10) },
			previous: { kind: 'omni', statusId: AVAILABLE },
		});
	});

	it('turns a closed row followed by a new current row within the settle delay into one change', () => {
		const first = opened('0Lr1', AVAILABLE, 0);
		tracker.learn([first]);
		tracker.applyRow(closed(first, 10));
		jest.advanceTimersByTime(500);
		tracker.applyRow(opened('0Lr2', BUSY, 10));
		jest.advanceTimersByTime(5000);
		expect(events.map((e) => e.eventId)).toEqual(['0Lr2:open']);
		expect(events[0].previous).toMatchObject({ statusId: AVAILABLE });
	});

	it('reports Offline for a closed row with no successor, only after the settle delay', () => {
		const first = opened('0Lr1', AVAILABLE, 0);
		tracker.learn([first]);
		tracker.applyRow(closed(first, 10));
		jest.advanceTimersByTime(999);
		expect(events).toEqual([]);
		jest.advanceTimersByTime(1);
		expect(events).toHaveLength(1);
		expect(events[0]).toMatchObject({
			eventId: '0Lr1:closed',
			changedAt: at(10),
			state: { kind: 'omni', statusId: null, developerName: null, label: 'Offline', online: false },
			previous: { statusId: AVAILABLE },
		});
	});

	it('reports Offline at once when the current row is deleted (Force Offline), knowing the row by its id only', () => {
		tracker.learn([opened('0Lr1', AVAILABLE, 0)]);
		tracker.applyRow({ id: '0Lr1' }, true);
		expect(events).toHaveLength(1);
		expect(events[0]).toMatchObject({ eventId: '0Lr1:closed', state: { statusId: null }, previous: { statusId: AVAILABLE } });
	});

	it('reports Offline at once for a current row read back deleted (SOQL queryAll), at the delete\'s stamp, once', () => {
		const first = opened('0Lr1', AVAILABLE, 0);
		tracker.learn([first]);
		const deleted = { ...first, isDeleted: true, systemModstamp: at(30) };
		tracker.applyRow(deleted);
		expect(events).toHaveLength(1);
		expect(events[0]).toMatchObject({
			eventId: '0Lr1:closed',
			changedAt: at(30),
			state: { statusId: null, since: at(30) },
			previous: { statusId: AVAILABLE },
		});
		tracker.applyRow(deleted); // the polling overlap reads it again
		jest.advanceTimersByTime(5000);
		expect(events).toHaveLength(1);
		expect(tracker.cursor()).toBe(at(30));
	});

	it('ignores a deleted row that was not the current one', () => {
		const first = opened('0Lr1', AVAILABLE, 0);
		const second = opened('0Lr2', BUSY, 10);
		tracker.learn([second]);
		tracker.applyRow({ ...closed(first, 10), isDeleted: true, systemModstamp: at(40) });
		jest.advanceTimersByTime(5000);
		expect(events).toEqual([]);
	});

	it('handles the successor arriving before the closed row (no Offline, one change)', () => {
		const first = opened('0Lr1', AVAILABLE, 0);
		tracker.learn([first]);
		tracker.applyRow(opened('0Lr2', BUSY, 10));
		tracker.applyRow(closed(first, 10));
		jest.advanceTimersByTime(5000);
		expect(events.map((e) => e.eventId)).toEqual(['0Lr2:open']);
	});

	it('emits nothing when the same rows are read again (replay, polling overlap)', () => {
		const first = opened('0Lr1', AVAILABLE, 0);
		tracker.learn([first]);
		const second = opened('0Lr2', BUSY, 10);
		tracker.applyRow(closed(first, 10));
		tracker.applyRow(second);
		tracker.applyRow(closed(second, 20));
		jest.advanceTimersByTime(1000);
		expect(events.map((e) => e.eventId)).toEqual(['0Lr2:open', '0Lr2:closed']);
		for (const row of [closed(first, 10), second, closed(second, 20)]) tracker.applyRow(row);
		jest.advanceTimersByTime(5000);
		expect(events).toHaveLength(2);
	});

	it('completes a partial (CDC-style) close from the row it knows, and asks for a catch-up for one it does not', () => {
		tracker.learn([opened('0Lr1', AVAILABLE, 0)]);
		expect(tracker.applyRow({ id: '0Lr1', isCurrentState: false, statusEndDate: at(10) })).toBe(true);
		expect(tracker.applyRow({ id: '0LrUnknown', isCurrentState: false, statusEndDate: at(10) })).toBe(false);
		jest.advanceTimersByTime(1000);
		expect(events.map((e) => e.eventId)).toEqual(['0Lr1:closed']);
	});

	it('ignores updates that do not touch presence', () => {
		tracker.learn([opened('0Lr1', AVAILABLE, 0)]);
		expect(tracker.applyRow({ id: '0Lr1', userId: USER, systemModstamp: at(30) })).toBe(true);
		expect(events).toEqual([]);
	});

	it('holds the cursor back behind a closed row still waiting to settle', () => {
		const first = opened('0Lr1', AVAILABLE, 0);
		tracker.learn([first]);
		tracker.applyRow(closed(first, 10));
		tracker.applyRow(opened('0Lr9', AVAILABLE, 20, '005000000000009AAA'));
		expect(tracker.cursor()).toBe(new Date(Date.parse(at(10)) - 1).toISOString());
		jest.advanceTimersByTime(1000);
		expect(tracker.cursor()).toBe(at(20));
	});

	it('repairs from a snapshot: unseen current rows are changes, users we saw online and now absent are Offline', () => {
		const other = '005000000000002AAA';
		tracker.learn([opened('0Lr1', AVAILABLE, 0), opened('0Lr5', AVAILABLE, 0, other)]);
		tracker.applySnapshot([opened('0Lr2', BUSY, 10)], { reconcile: false, requestedAt: Date.now() + 1 });
		expect(events.map((e) => [e.eventId, e.state.kind === 'omni' && e.state.statusId])).toEqual([
			['0Lr2:open', BUSY],
			['0Lr5:closed', null],
		]);
	});

	it('reconciles: re-emits every current state flagged reconcile, Offline only for users seen online', () => {
		const other = '005000000000002AAA';
		tracker.learn([opened('0Lr1', AVAILABLE, 0), opened('0Lr5', AVAILABLE, 0, other)]);
		tracker.applySnapshot([opened('0Lr1', AVAILABLE, 0)], { reconcile: true, requestedAt: Date.now() + 1 });
		expect(events).toHaveLength(2);
		expect(events.every((e) => e.reconcile === true)).toBe(true);
		expect(events[0]).toMatchObject({ user: { salesforceUserId: USER }, state: { statusId: AVAILABLE } });
		expect(events[0].previous).toBeUndefined();
		expect(events[1]).toMatchObject({ user: { salesforceUserId: other }, state: { statusId: null } });
		// The next reconcile has nobody newly Offline to report.
		events = [];
		tracker.applySnapshot([opened('0Lr1', AVAILABLE, 0)], { reconcile: true, requestedAt: Date.now() + 1 });
		expect(events.map((e) => e.user.salesforceUserId)).toEqual([USER]);
	});

	it('does not let a snapshot requested before a streamed change overrule it', () => {
		const requestedAt = Date.now();
		jest.advanceTimersByTime(10);
		tracker.learn([opened('0Lr1', AVAILABLE, 0)]);
		tracker.applySnapshot([], { reconcile: false, requestedAt });
		expect(events).toEqual([]);
	});
});
