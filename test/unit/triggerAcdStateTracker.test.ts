import { AcdStateTracker } from '../../lib/triggers/acdStateTracker';
import type { AgentStateRow } from '../../lib/cxone/types';

function row(agentId: number, agentStateName: string, outStateDescription: string | null, startSecond: number, extra: Partial<AgentStateRow> = {}): AgentStateRow {
	return {
		agentId,
		agentStateId: 0,
		agentStateName,
		outStateId: outStateDescription ? 12 : null,
		outStateDescription,
		isACW: false,
		contactId: 0,
		teamId: 1001,
		teamName: 'Support',
		userName: `agent${agentId}@example.com`,
		firstName: 'Ada',
		lastName: 'Lovelace',
		startDate: new Date(Date.UTC(2025, 0, 1, 12, 0, startSecond)).toISOString(),
		lastUpdateTime: new Date(Date.UTC(2025, 0, 1, 12, 0, startSecond)).toISOString(),
		...extra,
	};
}

describe('AcdStateTracker', () => {
	it('emits a state change with identity from the row, the reason, and what we knew as previous', () => {
		const tracker = new AcdStateTracker();
		tracker.learn([row(7, 'Available', '', 0)]);
		const [event, ...rest] = tracker.changes([row(7, 'Unavailable', 'Lunch', 5)]);
		expect(rest).toEqual([]);
		expect(event).toMatchObject({
			side: 'cxone',
			eventId: `7:${row(7, 'x', null, 5).startDate}:Unavailable:Lunch`,
			changedAt: row(7, 'x', null, 5).startDate,
			user: { cxoneAgentId: 7, username: 'agent7@example.com', name: 'Ada Lovelace', teamId: 1001, teamName: 'Support' },
			state: { kind: 'acd', state: 'Unavailable', reason: 'Lunch', isAcw: false, since: row(7, 'x', null, 5).startDate },
			previous: { kind: 'acd', state: 'Available', reason: null },
		});
	});

	it('emits a change of unavailable code alone', () => {
		const tracker = new AcdStateTracker();
		tracker.learn([row(7, 'Unavailable', 'Lunch', 0)]);
		const events = tracker.changes([row(7, 'Unavailable', 'Break', 5)]);
		expect(events.map((e) => e.state)).toMatchObject([{ state: 'Unavailable', reason: 'Break' }]);
	});

	it('emits a change of the ACW flag alone', () => {
		const tracker = new AcdStateTracker();
		tracker.learn([row(7, 'Unavailable', 'Wrap-up', 0)]);
		const events = tracker.changes([row(7, 'Unavailable', 'Wrap-up', 0, { isACW: true })]);
		expect(events).toHaveLength(1);
		expect(events[0].state).toMatchObject({ isAcw: true });
		expect(events[0].previous).toMatchObject({ isAcw: false });
	});

	it('ignores rows that changed nothing that matters (contact counts, a stale code on Available)', () => {
		const tracker = new AcdStateTracker();
		tracker.learn([row(7, 'Available', null, 0), row(8, 'Unavailable', 'Lunch', 0)]);
		expect(tracker.changes([row(7, 'Available', 'Lunch', 0, { contactId: 99 }), row(8, 'Unavailable', 'Lunch', 0, { lastUpdateTime: 'later' })])).toEqual([]);
	});

	it('emits the same state re-entered between two polls (new start time): the other side may have moved', () => {
		const tracker = new AcdStateTracker();
		tracker.learn([row(7, 'Available', null, 0)]);
		const events = tracker.changes([row(7, 'Available', null, 9)]);
		expect(events).toHaveLength(1);
		expect(events[0].state).toMatchObject({ state: 'Available', since: row(7, 'Available', null, 9).startDate });
		expect(tracker.changes([row(7, 'Available', null, 9)])).toEqual([]);
	});

	it('emits an agent seen for the first time, without previous', () => {
		const events = new AcdStateTracker().changes([row(9, 'LoggedOut', null, 0)]);
		expect(events).toHaveLength(1);
		expect(events[0].previous).toBeUndefined();
	});

	it('reads DialerPending as Dialer', () => {
		expect(new AcdStateTracker().changes([row(9, 'DialerPending', null, 0)])[0].state).toMatchObject({ state: 'Dialer' });
	});

	it('reconciles every logged-in agent, and LoggedOut ones only when we knew them logged in', () => {
		const tracker = new AcdStateTracker();
		tracker.learn([row(1, 'Available', null, 0), row(2, 'LoggedOut', null, 0), row(3, 'Available', null, 0)]);
		const events = tracker.reconcile([row(1, 'Available', null, 0), row(2, 'LoggedOut', null, 0), row(3, 'LoggedOut', null, 9), row(4, 'LoggedOut', null, 0)]);
		expect(events.map((e) => e.user.cxoneAgentId)).toEqual([1, 3]);
		expect(events.every((e) => e.reconcile === true)).toBe(true);
		expect(events[0].previous).toBeUndefined();
		expect(events[1].previous).toMatchObject({ state: 'Available' });
		expect(new Set(events.map((e) => e.eventId)).size).toBe(2);
	});
});
