/**
 * The other side's directory in decide(): a Salesforce event is placed in its CXone agent's team (scope
 * is stated in CXone teams), a CXone event gets the Salesforce user id, by every match key; without a
 * directory nothing changes. namesMissingFrom() tells a catalog that may predate the rule.
 */
import { InProcessEchoLedger, NO_SYNC, TargetDirectory, decide, namesMissingFrom, presenceRule, withCounterpart } from '../../lib/engine';
import type { DecideContext, MatchKey, OmniState, PresenceEvent, PresenceRuleConfig, UserIdentity } from '../../lib/engine';

const AGENTS: UserIdentity[] = [
	{ cxoneAgentId: 17, email: 'ann@example.com', username: 'ann.cx', federationId: 'F-17', name: 'Ann', teamId: 5, teamName: 'Support' },
	{ cxoneAgentId: 21, email: 'bob@example.com', username: 'bob.cx', federationId: 'F-21', name: 'Bob', teamId: 9, teamName: 'Sales' },
	{ cxoneAgentId: 30, email: 'twin@example.com', name: 'Twin A', teamId: 5 },
	{ cxoneAgentId: 31, email: 'twin@example.com', name: 'Twin B', teamId: 5 },
];
const USERS: UserIdentity[] = [
	{ salesforceUserId: '005000000000017AAA', email: 'ann@example.com', username: 'ann.sf', federationId: 'F-17', name: 'Ann' },
	{ salesforceUserId: '005000000000021AAA', email: 'bob@example.com', username: 'bob.sf', federationId: 'F-21', name: 'Bob' },
];

const counterparts: DecideContext['counterparts'] = {
	cxone: new TargetDirectory(AGENTS, 'cxone', (agent) => agent),
	salesforce: new TargetDirectory(USERS, 'salesforce', (user) => user),
};

const busy: OmniState = { kind: 'omni', statusId: '0N5000000000002AAA', developerName: 'Busy', label: 'Busy', online: false };

function sfEvent(user: UserIdentity): PresenceEvent {
	return { side: 'salesforce', eventId: 'sf1', changedAt: '2026-01-05T09:00:00.000Z', observedAt: '2026-01-05T09:00:00.200Z', user, state: busy };
}
function cxEvent(user: UserIdentity): PresenceEvent {
	return {
		side: 'cxone',
		eventId: 'cx1',
		changedAt: '2026-01-05T09:00:00.000Z',
		observedAt: '2026-01-05T09:00:00.200Z',
		user,
		state: { kind: 'acd', state: 'Available', reason: null, isAcw: false },
	};
}

function rule(extra: Partial<PresenceRuleConfig> = {}): PresenceRuleConfig {
	return presenceRule({
		name: 'Support',
		publisherMap: [{ acdState: 'Available', reason: null, omni: 'Available_for_Chats' }],
		subscriberMap: [{ omni: 'Busy', acd: { state: 'Unavailable', reason: 'Break' } }],
		scope: { teamIds: [5], cxoneAgentIds: [], salesforceUserIds: [], excludedCxoneAgentIds: [], excludedSalesforceUserIds: [] },
		...extra,
	});
}

const context = (withDirectories = true): DecideContext => ({
	ledger: new InProcessEchoLedger(),
	now: new Date('2026-01-05T09:00:01.000Z'),
	scope: 'wf',
	...(withDirectories && { counterparts }),
});

describe('decide() with the other side\'s directory', () => {
	test.each<[string, MatchKey, UserIdentity, Partial<PresenceRuleConfig>]>([
		['email (any case)', 'email', { salesforceUserId: '005000000000017AAA', email: 'ANN@example.com' }, {}],
		['username', 'username', { salesforceUserId: '005000000000017AAA', username: 'ann.cx' }, {}],
		['federation id', 'federationId', { salesforceUserId: '005000000000017AAA', federationId: 'f-17' }, {}],
		['explicit map', 'explicit', { salesforceUserId: '005000000000017' }, { explicitMap: [{ cxoneAgentId: 17, salesforceUserId: '005000000000017AAA' }] }],
	])('a Salesforce event of an in-team user matched by %s goes to CXone, carrying the agent and team', (_name, matchKey, user, extra) => {
		const decision = decide(sfEvent(user), rule({ matchKey, ...extra }), context());
		expect(decision.output).toBe('command');
		expect(decision.output === 'command' && decision.command).toMatchObject({
			target: 'cxone',
			user: { cxoneAgentId: 17, teamId: 5, teamName: 'Support', salesforceUserId: expect.stringMatching(/^005000000000017/) },
		});
	});

	test('a Salesforce event of a user in another team is not in scope, naming the team', () => {
		const decision = decide(sfEvent({ salesforceUserId: '005000000000021AAA', email: 'bob@example.com' }), rule(), context());
		expect(decision.output).toBe('not-in-scope');
		expect(decision.output === 'not-in-scope' && decision.skip.reason).toBe(
			"rule 'Support' applies to teams 5; CXone agent 21 in team Sales (9) is not among them",
		);
	});

	test.each([
		['no agent has the email', { salesforceUserId: '005000000000099AAA', email: 'nobody@example.com' }, "Salesforce user 005000000000099AAA has no CXone agent: no CXone user has email 'nobody@example.com'"],
		['two agents share it', { salesforceUserId: '005000000000030AAA', email: 'twin@example.com' }, 'Salesforce user 005000000000030AAA has no CXone agent: 2 CXone users have email'],
	])('a Salesforce user with no single CXone agent (%s) is not in scope, saying why', (_name, user, reason) => {
		const decision = decide(sfEvent(user), rule(), context());
		expect(decision.output).toBe('not-in-scope');
		expect(decision.output === 'not-in-scope' && decision.skip.reason).toContain(reason);
	});

	test('without the directory a Salesforce event naming no team stays out of a team-scoped rule, with today\'s reason', () => {
		const decision = decide(sfEvent({ salesforceUserId: '005000000000017AAA', email: 'ann@example.com' }), rule(), context(false));
		expect(decision.output === 'not-in-scope' && decision.skip.reason).toMatch(/names no CXone team or agent for Salesforce user 005000000000017AAA: have the trigger add CXone identity/);
	});

	test('the not-in-scope output is the event as it came, for the next rule', () => {
		const event = sfEvent({ salesforceUserId: '005000000000021AAA', email: 'bob@example.com' });
		const decision = decide(event, rule(), context());
		expect(decision.output === 'not-in-scope' && decision.skip.event).toBe(event);
	});

	test('a CXone event gets its Salesforce user id; a rule with no scope limits still decides as before', () => {
		const decision = decide(cxEvent({ cxoneAgentId: 21, email: 'bob@example.com', teamId: 9 }), rule({ scope: undefined }), context());
		expect(decision.output === 'command' && decision.command.user).toMatchObject({ cxoneAgentId: 21, salesforceUserId: '005000000000021AAA', matchValue: 'bob@example.com' });
	});
});

describe('withCounterpart()', () => {
	test('keeps what the event already says', () => {
		const { event } = withCounterpart(sfEvent({ salesforceUserId: '005000000000017AAA', email: 'ann@example.com', teamId: 7 }), rule(), counterparts.cxone!);
		expect(event.user).toEqual({ salesforceUserId: '005000000000017AAA', email: 'ann@example.com', teamId: 7, cxoneAgentId: 17, teamName: 'Support' });
	});

	test('an event with nothing to match by is left as it is, with no lookup reason', () => {
		const input = sfEvent({ salesforceUserId: '005000000000017AAA' });
		expect(withCounterpart(input, rule(), counterparts.cxone!)).toEqual({ event: input });
	});
});

describe('namesMissingFrom()', () => {
	const named = rule({ publisherMap: [], subscriberMap: [{ omni: 'Lunch_Break', acd: { state: 'Available' } }], scope: { teamIds: [5], cxoneAgentIds: [], salesforceUserIds: [], excludedCxoneAgentIds: [], excludedSalesforceUserIds: [] } });
	const status = (developerName: string) => ({ id: `0N5${developerName}`, developerName, label: developerName, online: false });

	test.each([
		['a status the list lacks', { omniStatuses: [status('Busy')] }, true],
		['a status the list has (any case)', { omniStatuses: [status('lunch_break')] }, false],
		['a team the list lacks', { teams: [{ teamId: 9, teamName: 'Sales' }] }, true],
		['a team the list has', { teams: [{ teamId: 5, teamName: 'Support' }] }, false],
		['no list at all', {}, false],
	])('%s', (_name, catalog, expected) => {
		expect(namesMissingFrom(named, catalog)).toBe(expected);
	});

	test('problems that no list can fix (a duplicate row) do not count', () => {
		const duplicate = rule({
			publisherMap: [],
			subscriberMap: [
				{ omni: 'Busy', acd: { state: 'Available' } },
				{ omni: 'Busy', acd: NO_SYNC },
			],
		});
		expect(namesMissingFrom(duplicate, { omniStatuses: [status('Busy')] })).toBe(false);
	});
});
