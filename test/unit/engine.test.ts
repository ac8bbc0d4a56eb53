/**
 * The sync engine as tables of cases: decide() for every decision kind, planWrite() for every outcome,
 * the flows that combine them (non-inverse maps, flapping, master side), the echo ledger and identity.
 */
import {
	ANY_REASON,
	InProcessEchoLedger,
	NO_SYNC,
	OFFLINE,
	TargetDirectory,
	commandUser,
	decide,
	describeState,
	isConsistent,
	isOurWrite,
	planWrite,
	presenceRule,
	sharedEchoLedger,
} from '../../lib/engine';
import type {
	AcdState,
	AcdStateName,
	Decision,
	OmniState,
	PresenceEvent,
	PresenceRuleConfig,
	PresenceState,
	SyncCommand,
	UserIdentity,
} from '../../lib/engine';

const T0 = Date.UTC(2026, 0, 5, 9, 0, 0);
/** ISO time `s` seconds after 09:00:00. */
const at = (s: number) => new Date(T0 + s * 1000).toISOString();

const STATUS_IDS: Record<string, string> = {
	Available_for_Chats: '0N5000000000001AAA',
	Busy: '0N5000000000002AAA',
	Away: '0N5000000000003AAA',
	Lunch_Break: '0N5000000000004AAA',
	Training: '0N5000000000005AAA',
};

const ANN: UserIdentity = { cxoneAgentId: 17, salesforceUserId: '005000000000017AAA', email: 'Ann.Lee@Example.com', name: 'Ann Lee', teamId: 5, teamName: 'Support' };

function acd(state: AcdStateName, reason: string | null = null, isAcw = false, since?: string): AcdState {
	return { kind: 'acd', state, reason, isAcw, ...(since && { since }) };
}

function omni(developerName: string | null, since?: string): OmniState {
	if (developerName === null) return { kind: 'omni', statusId: null, developerName: null, label: 'Offline', online: false, ...(since && { since }) };
	return { kind: 'omni', statusId: STATUS_IDS[developerName] ?? null, developerName, label: developerName.replace(/_/g, ' '), online: developerName === 'Available_for_Chats', ...(since && { since }) };
}

let eventCount = 0;
function event(state: PresenceState, changedAtS = 0, extra: Partial<PresenceEvent> = {}): PresenceEvent {
	return {
		side: state.kind === 'acd' ? 'cxone' : 'salesforce',
		eventId: `e${++eventCount}`,
		changedAt: at(changedAtS),
		observedAt: at(changedAtS + 0.2),
		user: ANN,
		state,
		...extra,
	};
}

/** The rule the tables run against: rows numbered as in the node. */
const SUPPORT = presenceRule({
	name: 'Support',
	publisherMap: [
		/* 1 */ { acdState: 'Available', reason: null, omni: 'Available_for_Chats' },
		/* 2 */ { acdState: 'Unavailable', reason: 'Lunch', omni: 'Busy' },
		/* 3 */ { acdState: 'Unavailable', reason: 'Break', omni: 'Busy' },
		/* 4 */ { acdState: 'Unavailable', reason: null, omni: 'Away' },
		/* 5 */ { acdState: 'LoggedOut', reason: null, omni: OFFLINE },
		/* 6 */ { acdState: 'Unavailable', reason: 'Training', omni: NO_SYNC },
	],
	subscriberMap: [
		/* 1 */ { omni: 'Available_for_Chats', acd: { state: 'Available' } },
		/* 2 */ { omni: 'Busy', acd: { state: 'Unavailable', reason: 'Break' } },
		/* 3 */ { omni: 'Away', acd: { state: 'Unavailable' } },
		/* 4 */ { omni: 'Lunch_Break', acd: { state: 'Unavailable', reason: 'Lunch' } },
		/* 5 */ { omni: OFFLINE, acd: NO_SYNC },
	],
});

const ctx = (ledger = new InProcessEchoLedger(), now = at(1)) => ({ ledger, now: new Date(now), scope: 'wf1' });

/** A decision in one line: "command salesforce Busy row publisher 2 ok [Busy, Lunch_Break]" or "skipped echo". */
function summary(decision: Decision): string {
	if (decision.output !== 'command') return `${decision.output} ${decision.skip.decision}`;
	const { command } = decision;
	return `${command.target} ${describeState(command.desired)} (${command.rule.table} ${command.rule.row}) [${command.acceptable.map(describeState).join(', ')}]`;
}

function decideOne(e: PresenceEvent, rule: PresenceRuleConfig = SUPPORT, context = ctx()): Decision {
	return decide(e, rule, context);
}

function commandOf(decision: Decision): SyncCommand {
	if (decision.output !== 'command') throw new Error(`expected a command, got ${decision.skip.decision}: ${decision.skip.reason}`);
	return decision.command;
}

describe('decide(): CXone → Salesforce through the publisher rows', () => {
	test.each([
		['Available', acd('Available'), 'salesforce Available_for_Chats (publisher 1) [Available_for_Chats]'],
		['Unavailable (Lunch): non-inverse, Lunch_Break also fits', acd('Unavailable', 'Lunch'), 'salesforce Busy (publisher 2) [Busy, Lunch_Break]'],
		['Unavailable (Break): many-to-one onto Busy', acd('Unavailable', 'Break'), 'salesforce Busy (publisher 3) [Busy]'],
		['Unavailable with no reason: the reason-less row', acd('Unavailable'), 'salesforce Away (publisher 4) [Away]'],
		['Unavailable with an empty reason counts as no reason', acd('Unavailable', ''), 'salesforce Away (publisher 4) [Away]'],
		['LoggedOut → Offline', acd('LoggedOut'), 'salesforce Offline (publisher 5) [Offline]'],
		['Unavailable (Training): Do Not Sync', acd('Unavailable', 'Training'), 'skipped no-sync'],
		['Unavailable (Coaching): no row, no default write', acd('Unavailable', 'Coaching'), 'skipped unmapped'],
		['InboundContact: unmapped', acd('InboundContact'), 'skipped unmapped'],
		['ACW code: unmapped', acd('Unavailable', 'Wrap', true), 'skipped unmapped'],
	])('%s', (_name, state, expected) => {
		expect(summary(decideOne(event(state)))).toBe(expected);
	});

	test('a command carries the user, the source and the rule settings', () => {
		const command = commandOf(decideOne(event(acd('Unavailable', 'Lunch'), 0.5)));
		expect(command.user).toMatchObject({ matchKey: 'email', matchValue: 'ann.lee@example.com', cxoneAgentId: 17 });
		expect(command.source).toEqual({ side: 'cxone', eventId: expect.any(String), changedAt: at(0.5), state: acd('Unavailable', 'Lunch') });
		expect(command).toMatchObject({ protectBusyAgents: true, dryRun: false, rule: { name: 'Support', row: 2, table: 'publisher' } });
		expect(command.masterSide).toBeUndefined();
	});

	test.each([
		['on a contact', acd('InboundContact'), /agent is on a contact and no publisher row maps that/],
		['in ACW', acd('Unavailable', 'Wrap', true), /agent is in after-contact work and no publisher row maps that/],
		['an ordinary unmapped code', acd('Unavailable', 'Coaching'), /Unavailable \(Coaching\): no publisher row of rule 'Support' maps this state$/],
	])('unmapped reason says why: %s', (_name, state, reason) => {
		const decision = decideOne(event(state));
		expect(decision.output === 'skipped' && decision.skip.reason).toMatch(reason);
	});

	test('Salesforce ids and labels come from the catalog when given', () => {
		const statuses = [{ id: '0N5000000000002AAA', developerName: 'Busy', label: 'Busy (phone)', online: false }];
		const command = commandOf(decide(event(acd('Unavailable', 'Lunch')), SUPPORT, { ...ctx(), omniStatuses: statuses }));
		expect(command.desired).toEqual({ kind: 'omni', statusId: '0N5000000000002AAA', developerName: 'Busy', label: 'Busy (phone)', online: false });
	});
});

describe('decide(): Salesforce → CXone through the subscriber rows', () => {
	test.each([
		['Available_for_Chats', omni('Available_for_Chats'), 'cxone Available (subscriber 1) [Available]'],
		['Busy: non-inverse, Lunch also fits', omni('Busy'), 'cxone Unavailable (Break) (subscriber 2) [Unavailable (Break), Unavailable (Lunch)]'],
		['Away → Unavailable with no reason', omni('Away'), 'cxone Unavailable (subscriber 3) [Unavailable]'],
		['Lunch_Break → Unavailable (Lunch)', omni('Lunch_Break'), 'cxone Unavailable (Lunch) (subscriber 4) [Unavailable (Lunch)]'],
		['DeveloperName compared regardless of case', omni('busy'), 'cxone Unavailable (Break) (subscriber 2) [Unavailable (Break), Unavailable (Lunch)]'],
		['Offline: Do Not Sync', omni(null), 'skipped no-sync'],
		['Training: no row', omni('Training'), 'skipped unmapped'],
	])('%s', (_name, state, expected) => {
		expect(summary(decideOne(event(state)))).toBe(expected);
	});

	test('a status id without a DeveloperName is unmapped, and the reason says so', () => {
		const decision = decideOne(event({ kind: 'omni', statusId: '0N5000000000009AAA', developerName: null, label: '?', online: true }));
		expect(decision.output === 'skipped' && decision.skip).toMatchObject({ decision: 'unmapped', reason: expect.stringMatching(/names no DeveloperName/) });
	});
});

describe('decide(): any-reason rows', () => {
	const rule = presenceRule({
		name: 'Any',
		publisherMap: [
			{ acdState: 'Unavailable', reason: ANY_REASON, omni: 'Away' },
			{ acdState: 'Unavailable', reason: 'Lunch', omni: 'Lunch_Break' },
			{ acdState: 'Unavailable', reason: 'Meeting', omni: 'Away' },
			{ acdState: 'Available', reason: ANY_REASON, omni: 'Available_for_Chats' },
		],
		subscriberMap: [
			{ omni: 'Away', acd: { state: 'Unavailable', reason: 'Break' } },
			{ omni: 'Lunch_Break', acd: { state: 'Unavailable', reason: 'Lunch' } },
		],
	});
	test.each([
		['any code falls to the any-reason row', acd('Unavailable', 'Coaching'), 'salesforce Away (publisher 1) [Away]'],
		['no reason is also "any reason"', acd('Unavailable'), 'salesforce Away (publisher 1) [Away]'],
		['ACW falls to it too', acd('Unavailable', 'Wrap', true), 'salesforce Away (publisher 1) [Away]'],
		['an exact row wins over the any-reason row', acd('Unavailable', 'Lunch'), 'salesforce Lunch_Break (publisher 2) [Lunch_Break]'],
		['Available with any reason', acd('Available'), 'salesforce Available_for_Chats (publisher 4) [Available_for_Chats]'],
		['Away accepts any code except those mapped elsewhere', omni('Away'), 'cxone Unavailable (Break) (subscriber 1) [Unavailable (Break), Unavailable (any reason except Lunch), Unavailable (Meeting)]'],
	])('%s', (_name, state, expected) => {
		expect(summary(decideOne(event(state), rule))).toBe(expected);
	});

	test.each([
		['Unavailable (Coaching)', acd('Unavailable', 'Coaching'), true],
		['Unavailable with no reason', acd('Unavailable'), true],
		['Unavailable (Lunch): its own row maps it to Lunch_Break', acd('Unavailable', 'Lunch'), false],
		['Available', acd('Available'), false],
	])('CXone %s is consistent with Salesforce Away: %s', (_name, current, consistent) => {
		const command = commandOf(decideOne(event(omni('Away')), rule));
		expect(isConsistent(current, command.acceptable)).toBe(consistent);
	});
});

describe('decide(): invalid events', () => {
	test.each([
		['a text', 'hello', /expected an object/],
		['no side', { eventId: 'x' }, /side is 'undefined'; valid: salesforce, cxone/],
		['no eventId', { side: 'cxone', changedAt: at(0), user: {}, state: acd('Available') }, /eventId is missing/],
		['bad changedAt', { side: 'cxone', eventId: 'x', changedAt: 'yesterday', user: {}, state: acd('Available') }, /changedAt is 'yesterday'/],
		['no user', { side: 'cxone', eventId: 'x', changedAt: at(0), state: acd('Available') }, /user is missing/],
		['CXone event with an Omni state', { ...event(acd('Available')), state: omni('Busy') }, /a cxone event carries a state of kind 'acd', got kind 'omni'/],
		['unknown ACD state', { ...event(acd('Available')), state: { kind: 'acd', state: 'Open', reason: null, isAcw: false } }, /state.state is 'Open'; valid: Available, Unavailable, LoggedOut/],
		['Omni state without status fields', { ...event(omni('Busy')), state: { kind: 'omni' } }, /statusId and state.developerName/],
	])('%s ⇒ skipped invalid, saying what is wrong', (_name, item, reason) => {
		const decision = decideOne(item as unknown as PresenceEvent);
		expect(decision.output).toBe('skipped');
		expect(decision.output === 'skipped' && decision.skip).toEqual({ decision: 'invalid', reason: expect.stringMatching(reason), event: item });
	});
});

describe('decide(): scope', () => {
	const scoped = (scope: Partial<PresenceRuleConfig['scope']>, extra: Partial<PresenceRuleConfig> = {}) =>
		presenceRule({ ...SUPPORT, ...extra, scope: { ...SUPPORT.scope, ...scope } });
	const bob: UserIdentity = { cxoneAgentId: 21, email: 'bob@example.com', teamId: 9, teamName: 'Sales' };
	const sfOnly: UserIdentity = { salesforceUserId: '005000000000021AAA', email: 'bob@example.com' };

	test.each([
		['no teams and no users: everyone', {}, {}, ANN, acd('Available'), 'command'],
		['team in scope', { teamIds: [5] }, {}, ANN, acd('Available'), 'command'],
		['team not in scope', { teamIds: [5] }, {}, bob, acd('Available'), 'not-in-scope'],
		['user in scope though the team is not', { teamIds: [5], cxoneAgentIds: [21] }, {}, bob, acd('Available'), 'command'],
		['excluded user inside a team', { teamIds: [5], excludedCxoneAgentIds: [17] }, {}, ANN, acd('Available'), 'not-in-scope'],
		['excluded user with no scope limits', { excludedCxoneAgentIds: [17] }, {}, ANN, acd('Available'), 'not-in-scope'],
		['excluded Salesforce user (15-character id)', { excludedSalesforceUserIds: ['005000000000017'] }, {}, ANN, omni('Busy'), 'not-in-scope'],
		['Salesforce event naming no CXone team or agent', { teamIds: [9] }, {}, sfOnly, omni('Busy'), 'not-in-scope'],
		['Salesforce event resolved to its agent by the explicit map', { cxoneAgentIds: [21] }, { matchKey: 'explicit' as const, explicitMap: [{ cxoneAgentId: 21, salesforceUserId: '005000000000021AAA' }] }, sfOnly, omni('Busy'), 'command'],
		['Salesforce user listed in scope', { salesforceUserIds: ['005000000000021AAA'] }, {}, sfOnly, omni('Busy'), 'command'],
	])('%s', (_name, scope, extra, user, state, expected) => {
		expect(decideOne(event(state, 0, { user }), scoped(scope, extra)).output).toBe(expected);
	});

	test.each([
		[{ teamIds: [5] }, bob, "rule 'Support' applies to teams 5; CXone agent 21 in team Sales (9) is not among them"],
		[{ excludedCxoneAgentIds: [17] }, ANN, "CXone agent 17 (Ann Lee) is excluded from rule 'Support'"],
		[{ teamIds: [9] }, sfOnly, /names no CXone team or agent for Salesforce user 005000000000021AAA: have the trigger add CXone identity/],
	])('the reason names the scope and the user (%#)', (scope, user, reason) => {
		const decision = decideOne(event(omni('Busy'), 0, { user }), scoped(scope));
		expect(decision.output === 'not-in-scope' && decision.skip.reason).toEqual(typeof reason === 'string' ? reason : expect.stringMatching(reason));
	});

	test('the not-in-scope output carries the original event, for the next rule', () => {
		const e = event(acd('Available'), 0, { user: bob });
		const decision = decideOne(e, scoped({ teamIds: [5] }));
		expect(decision.output === 'not-in-scope' && decision.skip.event).toBe(e);
	});
});

describe('decide(): identity', () => {
	test.each([
		['email, lower-cased', 'email' as const, ANN, { matchValue: 'ann.lee@example.com' }],
		['username', 'username' as const, { ...ANN, username: 'ALee' }, { matchValue: 'alee' }],
		['federation id', 'federationId' as const, { ...ANN, federationId: 'F-17' }, { matchValue: 'f-17' }],
	])('matched by %s', (_name, matchKey, user, expected) => {
		const command = commandOf(decideOne(event(acd('Available'), 0, { user }), presenceRule({ ...SUPPORT, matchKey })));
		expect(command.user).toMatchObject({ matchKey, ...expected });
	});

	test.each([
		['no email on the event', 'email' as const, { cxoneAgentId: 17 }, /carries no email to match users by/],
		['no username', 'username' as const, ANN, /carries no username/],
		['blank federation id', 'federationId' as const, { ...ANN, federationId: '  ' }, /carries no federation id/],
		['agent missing from the explicit map', 'explicit' as const, ANN, /CXone user 17 has no row in the explicit user map of rule 'Support'/],
	])('%s ⇒ user-not-matched', (_name, matchKey, user, reason) => {
		const decision = decideOne(event(acd('Available'), 0, { user }), presenceRule({ ...SUPPORT, matchKey, explicitMap: [{ cxoneAgentId: 99, salesforceUserId: '005000000000099AAA' }] }));
		expect(decision.output === 'skipped' && decision.skip).toMatchObject({ decision: 'user-not-matched', reason: expect.stringMatching(reason) });
	});

	test.each([
		['CXone event → the paired Salesforce user', event(acd('Available'), 0, { user: { cxoneAgentId: 17 } }), { matchKey: 'explicit', matchValue: '005000000000017AAA', salesforceUserId: '005000000000017AAA', cxoneAgentId: 17 }],
		['Salesforce event (15-character id) → the paired agent', event(omni('Busy'), 0, { user: { salesforceUserId: '005000000000017' } }), { matchKey: 'explicit', matchValue: '17', cxoneAgentId: 17 }],
	])('explicit map: %s', (_name, e, expected) => {
		const rule = presenceRule({ ...SUPPORT, matchKey: 'explicit', explicitMap: [{ cxoneAgentId: 17, salesforceUserId: '005000000000017AAA' }] });
		const result = commandUser(e, rule);
		expect('user' in result && result.user).toMatchObject(expected);
	});
});

describe('decide(): echo ledger', () => {
	const write = (state: PresenceState, atS: number, extra: Partial<{ scope: string; userId: string }> = {}) => ({
		scope: 'wf1',
		side: state.kind === 'acd' ? ('cxone' as const) : ('salesforce' as const),
		userId: state.kind === 'acd' ? '17' : '005000000000017AAA',
		state,
		at: at(atS),
		...extra,
	});
	test.each([
		['same state 0.8 s after our write', 'skipped echo', write(acd('Unavailable', 'Break'), 10), acd('Unavailable', 'Break'), 10.8],
		['at the edge of the 10 s window', 'skipped echo', write(acd('Unavailable', 'Break'), 10), acd('Unavailable', 'Break'), 20],
		['just outside the window', 'command', write(acd('Unavailable', 'Break'), 10), acd('Unavailable', 'Break'), 20.1],
		['a little before our write (clock skew)', 'skipped echo', write(acd('Unavailable', 'Break'), 10), acd('Unavailable', 'Break'), 9],
		['well before our write', 'command', write(acd('Unavailable', 'Break'), 10), acd('Unavailable', 'Break'), 5],
		['a different state', 'command', write(acd('Unavailable', 'Break'), 10), acd('Available'), 10.8],
		['another workflow wrote it', 'command', write(acd('Unavailable', 'Break'), 10, { scope: 'wf2' }), acd('Unavailable', 'Break'), 10.8],
		['another user was written', 'command', write(acd('Unavailable', 'Break'), 10, { userId: '18' }), acd('Unavailable', 'Break'), 10.8],
		['Salesforce Offline written (logout), Offline seen', 'skipped echo', write(omni(null), 10), omni(null), 11],
		['Salesforce write recorded with the 15-character id', 'skipped echo', write(omni('Busy'), 10, { userId: '005000000000017' }), omni('Busy'), 11],
	])('%s ⇒ %s', (_name, expected, written, state, changedAtS) => {
		const ledger = new InProcessEchoLedger();
		ledger.record(written);
		const decision = decide(event(state, changedAtS), SUPPORT, ctx(ledger, at(changedAtS + 1)));
		expect(decision.output === 'command' ? 'command' : summary(decision)).toBe(expected);
	});

	test('a reconcile event that repeats our own write is an echo too', () => {
		const ledger = new InProcessEchoLedger();
		ledger.record(write(acd('Available'), 10));
		expect(summary(decide(event(acd('Available'), 11, { reconcile: true }), SUPPORT, ctx(ledger, at(12))))).toBe('skipped echo');
	});

	test('the echo window is the rule setting', () => {
		const ledger = new InProcessEchoLedger();
		ledger.record(write(acd('Available'), 10));
		const e = event(acd('Available'), 40);
		expect(summary(decide(e, SUPPORT, ctx(ledger, at(41))))).not.toBe('skipped echo');
		expect(summary(decide(e, presenceRule({ ...SUPPORT, echoWindowMs: 60_000 }), ctx(ledger, at(41))))).toBe('skipped echo');
	});
});

describe('decide(): reconcile events', () => {
	test.each([
		['CXone reconcile', acd('Unavailable', 'Lunch'), 'salesforce Busy (publisher 2) [Busy, Lunch_Break]'],
		['Salesforce reconcile', omni('Busy'), 'cxone Unavailable (Break) (subscriber 2) [Unavailable (Break), Unavailable (Lunch)]'],
		['unmapped reconcile', acd('InboundContact'), 'skipped unmapped'],
	])('%s is decided like a change', (_name, state, expected) => {
		expect(summary(decideOne(event(state, 0, { reconcile: true })))).toBe(expected);
	});

	test.each([
		['target in sync: nothing to write', omni('Busy', at(-600)), 'already-consistent'],
		['drift (missed event), source is newer: repaired', omni('Available_for_Chats', at(-600)), 'written'],
		['drift, target is newer: the newer state stays (the target side reconcile repairs it)', omni('Available_for_Chats', at(300)), 'stale'],
	])('%s', (_name, current, outcome) => {
		// A reconcile's changedAt is when the current state began.
		const command = commandOf(decideOne(event(acd('Unavailable', 'Lunch'), 0, { reconcile: true })));
		expect(planWrite(command, current).outcome).toBe(outcome);
	});
});

describe('decide(): every event gets exactly one decision', () => {
	test('a mixed batch', () => {
		const batch: unknown[] = [
			event(acd('Available')),
			event(omni('Training')),
			event(acd('Available'), 0, { user: { cxoneAgentId: 3, teamId: 9 } }),
			{ hello: 'world' },
			event(omni(null)),
		];
		const rule = presenceRule({ ...SUPPORT, scope: { ...SUPPORT.scope, teamIds: [5] } });
		expect(batch.map((item) => summary(decideOne(item as PresenceEvent, rule)))).toEqual([
			'salesforce Available_for_Chats (publisher 1) [Available_for_Chats]',
			'skipped unmapped',
			'not-in-scope not-in-scope',
			'skipped invalid',
			'skipped no-sync',
		]);
	});
});

describe('planWrite()', () => {
	const toCxone = commandOf(decideOne(event(omni('Busy'), 0)));
	const toSalesforce = commandOf(decideOne(event(acd('Unavailable', 'Lunch'), 0)));
	const cases: Array<[string, string, SyncCommand, PresenceState | null, boolean]> = [
		['target user not found', 'user-not-matched', toCxone, null, false],
		['CXone already on the desired state', 'already-consistent', toCxone, acd('Unavailable', 'Break', false, at(-5)), false],
		['CXone on Lunch: also consistent with Busy (non-inverse)', 'already-consistent', toCxone, acd('Unavailable', 'Lunch', false, at(-5)), false],
		['CXone Available, older', 'written', toCxone, acd('Available', null, false, at(-5)), true],
		['CXone Available, no start time known', 'written', toCxone, acd('Available'), true],
		['CXone changed after the Salesforce event', 'stale', toCxone, acd('Available', null, false, at(2)), false],
		['CXone logged out: never log in', 'target-logged-out', toCxone, acd('LoggedOut', null, false, at(-5)), false],
		['CXone on a contact', 'target-busy', toCxone, acd('InboundContact', null, false, at(-5)), false],
		['CXone in ACW', 'target-busy', toCxone, acd('Unavailable', 'Wrap', true, at(-5)), false],
		['CXone on a contact, protection off', 'written', { ...toCxone, protectBusyAgents: false }, acd('OutboundContact', null, false, at(-5)), true],
		['dry run', 'dry-run', { ...toCxone, dryRun: true }, acd('Available', null, false, at(-5)), false],
		['Salesforce already Lunch_Break: consistent with CXone Lunch', 'already-consistent', toSalesforce, omni('Lunch_Break', at(-5)), false],
		['Salesforce Offline', 'written', toSalesforce, omni(null, at(-5)), true],
		['Salesforce newer', 'stale', toSalesforce, omni('Available_for_Chats', at(3)), false],
	];
	test.each(cases)('%s ⇒ %s', (_name, outcome, command, current, write) => {
		expect(planWrite(command, current)).toMatchObject({ outcome, write, reason: expect.any(String) });
	});

	test.each([
		['none: the newer target stays', 'none' as const, 'stale'],
		['Salesforce is master, the source: overrides', 'salesforce' as const, 'written'],
		['CXone is master, the target: stays', 'cxone' as const, 'stale'],
	])('master side %s', (_name, masterSide, outcome) => {
		const command = commandOf(decideOne(event(omni('Busy'), 0), presenceRule({ ...SUPPORT, masterSide })));
		const plan = planWrite(command, acd('Available', null, false, at(4)));
		expect(plan.outcome).toBe(outcome);
		if (outcome === 'written') expect(plan.reason).toMatch(/Salesforce is master: overrides the newer state/);
	});

	test.each([
		[null, "no CXone user matches email 'ann.lee@example.com'"],
		[acd('Available', null, false, at(2)), /CXone changed to Available at .*, after the source change at .*: the newer state stays/],
		[acd('InboundContact', null, false, at(-5)), 'the CXone agent is InboundContact; agents on a contact or in after-contact work are not changed'],
		[acd('Available', null, false, at(-5)), 'CXone Available → Unavailable (Break)'],
	])('reasons read as sentences (%#)', (current, reason) => {
		expect(planWrite(toCxone, current).reason).toEqual(typeof reason === 'string' ? reason : expect.stringMatching(reason));
	});

	test('a target state that is our own applied write is not newer than the next source change', () => {
		// Flapping: the companion applied our earlier command after the source moved on again.
		expect(planWrite(toSalesforce, omni('Available_for_Chats', at(3)), { currentIsOurWrite: true })).toMatchObject({ outcome: 'written', write: true });
		expect(planWrite(toSalesforce, omni('Available_for_Chats', at(3)), { currentIsOurWrite: false })).toMatchObject({ outcome: 'stale' });
	});

	test('a current state of the wrong kind is a programming error', () => {
		expect(() => planWrite(toCxone, omni('Busy'))).toThrow("the current state of a CXone user must be of kind 'acd'");
	});
});

describe('flows', () => {
	test('non-inverse maps settle: CXone Lunch → Salesforce Busy, whose echo finds CXone already consistent', () => {
		const toSalesforce = commandOf(decideOne(event(acd('Unavailable', 'Lunch', false), 0)));
		expect(planWrite(toSalesforce, omni('Available_for_Chats', at(-60))).outcome).toBe('written');
		// The echo of that write, with no ledger (e.g. outside the window or on another worker).
		const echo = commandOf(decideOne(event(omni('Busy'), 1.5)));
		expect(describeState(echo.desired)).toBe('Unavailable (Break)');
		expect(planWrite(echo, acd('Unavailable', 'Lunch', false, at(0))).outcome).toBe('already-consistent');
	});

	test('flapping A→B→C in Salesforce: the late CXone echoes are recognised, C stays on both sides', () => {
		const ledger = new InProcessEchoLedger();
		const flaps: Array<[string, number]> = [['Available_for_Chats', 0], ['Busy', 0.1], ['Away', 0.2]];
		// The rule decides each change and the CXone action node writes it, recording the write.
		for (const [status, s] of flaps) {
			const command = commandOf(decide(event(omni(status), s), SUPPORT, ctx(ledger, at(s + 0.05))));
			expect(planWrite(command, acd('Unavailable', 'Training', false, at(-60))).write).toBe(true);
			ledger.record({ scope: 'wf1', side: 'cxone', userId: '17', state: command.desired, at: at(s + 0.3) });
		}
		// The CXone trigger then reports the three changes, each after Salesforce already shows Away.
		const echoes = [acd('Available'), acd('Unavailable', 'Break'), acd('Unavailable')].map((state, i) => event(state, 0.5 + i * 0.1));
		expect(echoes.map((e) => summary(decide(e, SUPPORT, ctx(ledger, at(1.5)))))).toEqual(['skipped echo', 'skipped echo', 'skipped echo']);
		// Without the ledger the first late echo would be written back over Away: the reason the ledger exists.
		const unguarded = commandOf(decide(echoes[0], SUPPORT, ctx(new InProcessEchoLedger(), at(1.5))));
		expect(planWrite(unguarded, omni('Away', at(0.2))).outcome).toBe('written');
	});

	test('a real change right after our write, to another state, is not an echo', () => {
		const ledger = new InProcessEchoLedger();
		ledger.record({ scope: 'wf1', side: 'cxone', userId: '17', state: acd('Unavailable', 'Break'), at: at(0) });
		expect(summary(decide(event(acd('Available'), 2), SUPPORT, ctx(ledger, at(3))))).toBe(
			'salesforce Available_for_Chats (publisher 1) [Available_for_Chats]',
		);
	});
});

describe('InProcessEchoLedger', () => {
	const write = (userId: string, state: AcdState, atS: number) => ({ scope: 'wf1', side: 'cxone' as const, userId, state, at: at(atS) });
	const cxEvent = (userId: number, state: AcdState, s: number) => event(state, s, { user: { cxoneAgentId: userId } });

	test('keeps a bounded number of writes per user', () => {
		const ledger = new InProcessEchoLedger({ maxPerUser: 3 });
		const states = [acd('Available'), acd('Unavailable', 'A'), acd('Unavailable', 'B'), acd('Unavailable', 'C')];
		states.forEach((state, i) => ledger.record(write('17', state, i * 0.1)));
		expect(states.map((state) => ledger.matches(cxEvent(17, state, 1), new Date(at(1)), 10_000, 'wf1') !== undefined)).toEqual([false, true, true, true]);
	});

	test('forgets writes older than the retention', () => {
		const ledger = new InProcessEchoLedger({ retentionMs: 60_000 });
		ledger.record(write('17', acd('Available'), 0));
		expect(ledger.matches(cxEvent(17, acd('Available'), 1), new Date(at(61)), 120_000, 'wf1')).toBeUndefined();
		expect(ledger.size).toBe(0);
	});

	test('sweeps users who are never written again', () => {
		const ledger = new InProcessEchoLedger({ retentionMs: 1_000 });
		for (let i = 0; i < 1024; i++) ledger.record(write(String(i), acd('Available'), 0));
		for (let i = 1024; i < 2048; i++) ledger.record(write(String(i), acd('Available'), 5));
		expect(ledger.size).toBe(1024);
	});

	test('returns the newest matching write', () => {
		const ledger = new InProcessEchoLedger();
		ledger.record(write('17', acd('Available'), 0));
		ledger.record(write('17', acd('Available'), 2));
		expect(ledger.matches(cxEvent(17, acd('Available'), 3), new Date(at(3)), 10_000, 'wf1')?.at).toBe(at(2));
	});

	test('forget() takes back a write the service refused', () => {
		const ledger = new InProcessEchoLedger();
		const refused = write('17', acd('Unavailable', 'Lunch'), 1);
		ledger.record(write('17', acd('Available'), 0));
		ledger.record(refused);
		ledger.forget(refused);
		expect(ledger.matches(cxEvent(17, acd('Unavailable', 'Lunch'), 1.5), new Date(at(2)), 10_000, 'wf1')).toBeUndefined();
		expect(ledger.matches(cxEvent(17, acd('Available'), 0.5), new Date(at(2)), 10_000, 'wf1')).toBeDefined();
	});

	test.each([
		['the same state, entered after our write', acd('Available', null, false, at(5)), true],
		['an earlier write of ours, applied late', acd('Unavailable', 'Lunch', false, at(5)), true],
		['the same state, entered long before our write', acd('Available', null, false, at(-10)), false],
		['the same state, entered long after our write', acd('Available', null, false, at(30)), false],
		['a state we never wrote', acd('Unavailable', 'Break', false, at(5)), false],
		['no start time known', acd('Available'), false],
	])('isOurWrite: %s ⇒ %s', (_name, current, expected) => {
		const ledger = new InProcessEchoLedger();
		ledger.record(write('17', acd('Unavailable', 'Lunch'), 3));
		ledger.record(write('17', acd('Available'), 4));
		expect(isOurWrite(ledger, 'wf1', 'cxone', '17', current, new Date(at(31)))).toBe(expected);
		expect(isOurWrite(ledger, 'other-workflow', 'cxone', '17', current, new Date(at(31)))).toBe(false);
	});

	test('sharedEchoLedger() is one ledger for the process', () => {
		sharedEchoLedger().record(write('4242', acd('Available'), 0));
		expect(sharedEchoLedger().matches(cxEvent(4242, acd('Available'), 1), new Date(at(1)), 10_000, 'wf1')).toBeDefined();
	});
});

describe('TargetDirectory', () => {
	type SfUser = { id: string; email: string; username: string; federationId: string | null };
	const users: SfUser[] = [
		{ id: '005000000000017AAA', email: 'ann.lee@example.com', username: 'ann@corp', federationId: 'F-17' },
		{ id: '005000000000018AAA', email: 'shared@example.com', username: 'x@corp', federationId: null },
		{ id: '005000000000019AAA', email: 'Shared@Example.com', username: 'y@corp', federationId: null },
	];
	const directory = new TargetDirectory(users, 'salesforce', (u) => ({ salesforceUserId: u.id, email: u.email, username: u.username, federationId: u.federationId ?? undefined }));
	const user = (matchKey: 'email' | 'username' | 'federationId' | 'explicit', matchValue: string, extra: UserIdentity = {}) => ({ matchKey, matchValue, ...extra });

	test.each([
		['email, any case', user('email', 'ANN.LEE@example.com'), '005000000000017AAA'],
		['username', user('username', 'ann@corp'), '005000000000017AAA'],
		['federation id', user('federationId', 'f-17'), '005000000000017AAA'],
		['explicit: the match value is the id (15 characters)', user('explicit', '005000000000018'), '005000000000018AAA'],
		['a known id wins over the match key', user('email', 'nobody@example.com', { salesforceUserId: '005000000000019AAA' }), '005000000000019AAA'],
	])('finds by %s', (_name, commandUser, id) => {
		const found = directory.find(commandUser);
		expect(found.entry?.id).toBe(id);
	});

	test.each([
		['nobody has it', user('email', 'nobody@example.com'), "no Salesforce user has email 'nobody@example.com'"],
		['two users share it', user('email', 'shared@example.com'), "2 Salesforce users have email 'shared@example.com'; make it unique or use an explicit user map"],
	])('does not guess when %s', (_name, commandUser, reason) => {
		expect(directory.find(commandUser)).toEqual({ reason });
	});
});
