/**
 * The action nodes' plain-data pieces: which items are SyncCommands for a side, what Define Below
 * builds, how transport rows become presence states, how unknown statuses and codes are reported, and
 * the bounded concurrency of CXone writes.
 */
import { commandProblem } from '../../lib/actions/commandCheck';
import { mapWithConcurrency } from '../../lib/actions/concurrency';
import { findUnavailableCode } from '../../lib/actions/cxoneTarget';
import { manualCommand, manualUser } from '../../lib/actions/defineBelow';
import { ActionInputError, failureFrom } from '../../lib/actions/failure';
import { findOmniStatus, currentOmniState } from '../../lib/actions/salesforceTarget';
import { InProcessEchoLedger, OFFLINE, decide, planWrite, presenceRule } from '../../lib/engine';
import type { PresenceEvent, SyncCommand } from '../../lib/engine';
import { TransportError } from '../../lib/errors';
import type { UnavailableCode } from '../../lib/cxone/types';
import type { OmniStatus, PresenceRow } from '../../lib/salesforce/types';

const STATUSES: OmniStatus[] = [
	{ id: '0N5000000000001AAA', developerName: 'Available_for_Chats', label: 'Available for Chats', online: true },
	{ id: '0N5000000000002AAA', developerName: 'Busy', label: 'Busy', online: false },
];

const CODES: UnavailableCode[] = [
	{ outStateId: 11, outStateName: 'Lunch', isAcw: false, isActive: true },
	{ outStateId: 12, outStateName: 'Wrap-up', isAcw: true, isActive: true },
	{ outStateId: 13, outStateName: 'Old', isAcw: false, isActive: false },
];

function command(overrides: Partial<SyncCommand> = {}): SyncCommand {
	const desired = { kind: 'acd', state: 'Unavailable', reason: 'Lunch', isAcw: false } as const;
	return {
		target: 'cxone',
		user: { matchKey: 'email', matchValue: 'ann@example.com' },
		desired,
		acceptable: [desired],
		source: { side: 'salesforce', eventId: 'e1', changedAt: '2026-01-05T09:00:00.000Z', state: { kind: 'omni', statusId: null, developerName: 'Busy', label: 'Busy', online: false } },
		rule: { name: 'Support', row: 2, table: 'subscriber' },
		...overrides,
	};
}

describe('commandProblem', () => {
	it('accepts a command for its side', () => {
		expect(commandProblem(command(), 'cxone')).toBeUndefined();
	});

	it.each([
		['a text', 'hello', /expected an object/],
		['no target', { ...command(), target: undefined }, /target is 'undefined'; valid: salesforce, cxone/],
		['the other side', command(), /this command is for CXone; connect .* to a CXone Agent node/],
		['a bad match key', command({ user: { matchKey: 'phone' as never, matchValue: 'x' } }), /user.matchKey is 'phone'; valid: email, username, federationId, explicit/],
		['a non-settable state', command({ desired: { kind: 'acd', state: 'LoggedOut', reason: null, isAcw: false } }), /desired.state is 'LoggedOut'; valid: Available, Unavailable/],
		['an Omni state for CXone', command({ desired: { kind: 'omni', statusId: null, developerName: 'Busy', label: 'Busy', online: false } }), /desired must be of kind 'acd'/],
		['a bad changedAt', command({ source: { ...command().source, changedAt: 'yesterday' } }), /source.changedAt is 'yesterday'/],
	])('rejects %s, saying what is wrong', (_case, value, message) => {
		const side = _case === 'the other side' ? 'salesforce' : 'cxone';
		expect(commandProblem(value, side)).toMatch(message);
	});
});

describe('the Presence Rule contract', () => {
	it("accepts every command decide() emits, for each side", () => {
		const rule = presenceRule({
			name: 'Support',
			publisherMap: [{ acdState: 'Unavailable', reason: 'Lunch', omni: 'Busy' }, { acdState: 'LoggedOut', reason: null, omni: OFFLINE }],
			subscriberMap: [{ omni: 'Busy', acd: { state: 'Unavailable', reason: 'Lunch' } }, { omni: OFFLINE, acd: { state: 'Unavailable', reason: null } }],
			masterSide: 'cxone',
		});
		const ctx = { ledger: new InProcessEchoLedger(), now: new Date(), scope: 'wf', omniStatuses: STATUSES };
		const base = { changedAt: '2026-01-05T09:00:00.000Z', observedAt: '2026-01-05T09:00:00.200Z', user: { email: 'ann@example.com', cxoneAgentId: 7, salesforceUserId: '0051' } };
		const events: PresenceEvent[] = [
			{ ...base, side: 'cxone', eventId: 'a', state: { kind: 'acd', state: 'Unavailable', reason: 'Lunch', isAcw: false } },
			{ ...base, side: 'cxone', eventId: 'b', state: { kind: 'acd', state: 'LoggedOut', reason: null, isAcw: false } },
			{ ...base, side: 'salesforce', eventId: 'c', state: { kind: 'omni', statusId: STATUSES[1].id, developerName: 'Busy', label: 'Busy', online: false } },
			{ ...base, side: 'salesforce', eventId: 'd', state: { kind: 'omni', statusId: null, developerName: null, label: 'Offline', online: false } },
		];
		for (const event of events) {
			const decision = decide(event, rule, ctx);
			if (decision.output !== 'command') throw new Error(`expected a command for event ${event.eventId}, got ${JSON.stringify(decision)}`);
			expect(commandProblem(JSON.parse(JSON.stringify(decision.command)), decision.command.target)).toBeUndefined();
		}
	});
});

describe('Define Below', () => {
	it('picks users by id, email or username on each side', () => {
		expect(manualUser('salesforce', 'id', ' 005000000000017AAA ')).toEqual({ matchKey: 'explicit', matchValue: '005000000000017AAA', salesforceUserId: '005000000000017AAA' });
		expect(manualUser('cxone', 'id', '30000001')).toEqual({ matchKey: 'explicit', matchValue: '30000001', cxoneAgentId: 30000001 });
		expect(manualUser('cxone', 'email', 'Ann@Example.com')).toEqual({ matchKey: 'email', matchValue: 'Ann@Example.com' });
		expect(() => manualUser('cxone', 'id', 'ann')).toThrow(/CXone agent id 'ann' is not a number/);
		expect(() => manualUser('salesforce', 'username', '  ')).toThrow(/username is empty/);
	});

	it('builds an explicit order: only the desired state is acceptable and it beats a newer target state', () => {
		const desired = { kind: 'acd', state: 'Available', reason: null, isAcw: false } as const;
		const now = new Date('2026-01-05T09:00:00.000Z');
		const sync = manualCommand({ target: 'cxone', lookupBy: 'email', user: 'ann@example.com', desired, eventId: 'manual:1:0', now });
		expect(sync).toMatchObject({ acceptable: [desired], masterSide: 'salesforce', protectBusyAgents: true, dryRun: false });
		expect(commandProblem(sync, 'cxone')).toBeUndefined();
		const newer = { kind: 'acd', state: 'Unavailable', reason: 'Lunch', isAcw: false, since: '2026-01-05T09:00:05.000Z' } as const;
		expect(planWrite(sync, newer)).toMatchObject({ write: true, outcome: 'written' });
		expect(planWrite(sync, { ...desired, since: '2026-01-05T08:00:00.000Z' })).toMatchObject({ write: false, outcome: 'already-consistent' });
	});
});

describe('Salesforce presence rows and catalog lookups', () => {
	it('reads a presence row with the status catalog, keeping only the id of an unknown status', () => {
		const row: PresenceRow = { id: '0Pp1', userId: '0051', statusId: '0N5000000000002', isCurrentState: true, isAway: true, statusStartDate: '2026-01-05T09:00:00.000Z', statusEndDate: null, systemModstamp: '2026-01-05T09:00:00.000Z' };
		expect(currentOmniState(row, STATUSES)).toEqual({ kind: 'omni', statusId: '0N5000000000002AAA', developerName: 'Busy', label: 'Busy', online: false, since: '2026-01-05T09:00:00.000Z' });
		expect(currentOmniState({ ...row, statusId: '0N5000000000009AAA' }, STATUSES)).toMatchObject({ statusId: '0N5000000000009AAA', developerName: null, online: false });
	});

	it('names unknown statuses and codes with the valid values', () => {
		expect(findOmniStatus(STATUSES, 'busy').id).toBe('0N5000000000002AAA');
		expect(findOmniStatus(STATUSES, '0N5000000000001').developerName).toBe('Available_for_Chats');
		expect(() => findOmniStatus(STATUSES, 'Lunch')).toThrow("Salesforce status 'Lunch' does not exist or is not visible to the integration user; valid: Available_for_Chats, Busy");
		expect(findUnavailableCode(CODES, 'lunch').outStateName).toBe('Lunch');
		expect(() => findUnavailableCode(CODES, 'Coffee')).toThrow("CXone unavailable code 'Coffee' does not exist; valid: Lunch, Wrap-up");
	});
});

describe('failureFrom', () => {
	it("keeps the service's own code and status, and treats input problems and the unexpected as the node's own", () => {
		expect(failureFrom(new TransportError('cxone', 'HTTP_409', 'AcwWithoutContact: only during a contact', 409))).toEqual({
			kind: 'service',
			service: 'cxone',
			code: 'HTTP_409',
			httpStatus: 409,
			message: 'AcwWithoutContact: only during a contact',
		});
		expect(failureFrom(new ActionInputError('bad', 'fix it', 'UNKNOWN_STATUS'))).toEqual({ kind: 'operation', code: 'UNKNOWN_STATUS', message: 'bad', description: 'fix it' });
		const unexpected = failureFrom(new Error('Authorization: Bearer abcdefghijklmnopqrstuvwxyz'));
		expect(unexpected).toMatchObject({ kind: 'operation', code: 'UNEXPECTED' });
		expect(unexpected.message).not.toContain('abcdefghijklmnop');
	});
});

describe('mapWithConcurrency', () => {
	it('keeps order and never runs more than the limit at once', async () => {
		let running = 0;
		let peak = 0;
		const results = await mapWithConcurrency([5, 1, 4, 2, 3, 0, 6, 7, 8, 9], 3, async (n) => {
			running++;
			peak = Math.max(peak, running);
			await new Promise((resolve) => setImmediate(resolve));
			running--;
			return n * 2;
		});
		expect(results).toEqual([10, 2, 8, 4, 6, 0, 12, 14, 16, 18]);
		expect(peak).toBe(3);
		expect(await mapWithConcurrency([], 8, async () => 1)).toEqual([]);
	});
});
