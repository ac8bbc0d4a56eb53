/**
 * The Presence Rule with both credentials, in real workflows (in-process n8n) against both emulators:
 * its lists (statuses, users, codes, teams, agents) are read once and shared by later executions; a
 * rule or an event naming something added since is served by one reload of that list; a Salesforce
 * change is placed in its CXone agent's team, so a team-scoped rule routes it.
 */
import type { IDataObject, INode, INodeParameters } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { startCxoneEmulator, type CxoneEmulator } from '../../emulators/cxone';
import { startSalesforceEmulator, type EmulatedUser, type SalesforceEmulator } from '../../emulators/salesforce';
import type { PresenceEvent, SyncCommand } from '../../lib/engine';
import { forgetConnections } from '../../lib/salesforce/connection';
import { OUTPUT } from '../../nodes/PresenceRule/execute';
import { PresenceRule } from '../../nodes/PresenceRule/PresenceRule.node';
import { emulatorCredentials } from '../helpers/activeWorkflow';
import { NodeTypes, PACKAGE_NAME, TEST_START_TYPE, TestCredentialsHelper, TestStart, runWorkflow, teardownN8nCore } from '../helpers/harness';

const SUPPORT_TEAM = 1001;
const SALES_TEAM = 1002;
const BILLING_TEAM = 1003;

const CXONE_LISTS = /^GET \/incontactapi\/services\/:version\/(agents|teams|unavailable-codes)$/;
const SALESFORCE_QUERIES = /^GET \/services\/data\/:version\/query/;

let salesforce: SalesforceEmulator;
let cxone: CxoneEmulator;
let credentialsHelper: TestCredentialsHelper;
/** SOQL of every Salesforce query, in order. */
const soql: string[] = [];
const nodeTypes = NodeTypes.fromPackage(PACKAGE_NAME, [new PresenceRule()], { [TEST_START_TYPE]: new TestStart() });
let n = 0;

const RULE: INodeParameters = {
	authentication: 'jwt',
	ruleName: 'Support',
	publisherStates: {
		row: [
			{ acdState: 'Available', salesforceStatus: 'Available_for_Chats' },
			{ acdState: 'Unavailable', unavailableCode: 'Lunch', salesforceStatus: 'Lunch_Break' },
		],
	},
	subscriberStates: {
		row: [
			{ salesforceStatus: 'Available_for_Chats', acdState: 'Available' },
			{ salesforceStatus: 'Busy', acdState: 'Unavailable', unavailableCode: 'Break' },
		],
	},
	teamIds: [SUPPORT_TEAM],
};

const BOTH = { salesforceOmniJwtApi: { id: 'sf', name: 'Salesforce' }, niceCxoneApi: { id: 'cx', name: 'CXone' } };

/** A Salesforce change as the trigger emits it: the user's Salesforce identity only. */
function salesforceEvent(user: EmulatedUser): PresenceEvent {
	const now = new Date().toISOString();
	return {
		side: 'salesforce',
		eventId: `sf-${++n}`,
		changedAt: now,
		observedAt: now,
		user: { salesforceUserId: user.id, email: user.email, username: user.username, name: user.name },
		state: { kind: 'omni', statusId: salesforce.statuses().find((s) => s.developerName === 'Busy')!.id, developerName: 'Busy', label: 'Busy', online: false },
	};
}

function cxoneEvent(agentId: number): PresenceEvent {
	const now = new Date().toISOString();
	const agent = cxone.agents().find((a) => a.agentId === agentId)!;
	return {
		side: 'cxone',
		eventId: `cx-${++n}`,
		changedAt: now,
		observedAt: now,
		user: { cxoneAgentId: agent.agentId, email: agent.emailAddress, teamId: agent.teamId, teamName: agent.teamName },
		state: { kind: 'acd', state: 'Available', reason: null, isAcw: false },
	};
}

/** The Salesforce user and CXone agent of seed person `index` (same email on both sides). */
function person(index: number) {
	const agent = cxone.agents()[index];
	const user = salesforce.users().find((u) => u.email === agent.emailAddress)!;
	return { agent, user };
}

async function runRule(events: PresenceEvent[], parameters: INodeParameters = RULE, credentials: INode['credentials'] = BOTH) {
	const node: INode = { id: 'rule', name: 'Rule', type: `${PACKAGE_NAME}.presenceRule`, typeVersion: 1, position: [200, 0], parameters, credentials };
	const result = await runWorkflow({
		nodeTypes,
		credentialsHelper,
		workflowId: 'wf-rule-live',
		input: events.map((json) => ({ json: json as unknown as IDataObject })),
		nodes: [{ id: 'start', name: 'Start', type: TEST_START_TYPE, typeVersion: 1, position: [0, 0], parameters: {} }, node],
		connections: { Start: { main: [[{ node: 'Rule', type: NodeConnectionTypes.Main, index: 0 }]] } },
	});
	const error = result.run.data.resultData.error;
	const outputs = error ? [] : result.outputs('Rule');
	const json = (output: number) => (outputs[output] ?? []).map((item) => item.json);
	return { error, toCxone: json(OUTPUT.toCxone) as unknown as SyncCommand[], toSalesforce: json(OUTPUT.toSalesforce), notInScope: json(OUTPUT.notInScope), skipped: json(OUTPUT.skipped) };
}

function sum(calls: Record<string, number>, pattern: RegExp): number {
	return Object.entries(calls)
		.filter(([key]) => pattern.test(key))
		.reduce((total, [, count]) => total + count, 0);
}
const cxoneListCalls = () => sum(cxone.router.counters().calls, CXONE_LISTS);
const agentListCalls = () => cxone.router.counters().calls['GET /incontactapi/services/:version/agents'] ?? 0;
const salesforceQueries = () => sum(salesforce.router.counters().calls, SALESFORCE_QUERIES);
const userQueries = () => soql.filter((q) => /FROM User\b/.test(q)).length;
const statusQueries = () => soql.filter((q) => /FROM ServicePresenceStatus\b/.test(q)).length;

beforeAll(async () => {
	[salesforce, cxone] = await Promise.all([startSalesforceEmulator({ agents: 20 }), startCxoneEmulator({ agents: 20 })]);
	salesforce.router.decorate((req) => {
		if (/\/query$/.test(req.path) && req.query.get('q')) soql.push(req.query.get('q') as string);
	});
	credentialsHelper = emulatorCredentials(salesforce, cxone);
});

afterAll(async () => {
	teardownN8nCore();
	forgetConnections();
	await Promise.all([salesforce.stop(), cxone.stop()]);
});

it('ten executions with credentials read the statuses, users, codes, teams and agents once', async () => {
	const { user } = person(0);
	const first = await runRule([salesforceEvent(user), cxoneEvent(person(0).agent.agentId)]);
	expect(first.error).toBeUndefined();
	const afterFirst = {
		cxone: cxoneListCalls(),
		salesforce: salesforceQueries(),
		cxoneTotal: cxone.router.counters().totalCalls,
		salesforceTotal: salesforce.router.counters().totalCalls,
	};
	// Agents, teams, codes; users, statuses and their channels.
	expect(afterFirst.cxone).toBe(3);
	expect(afterFirst.salesforce).toBe(3);

	for (let i = 0; i < 9; i++) {
		const next = await runRule([salesforceEvent(user), cxoneEvent(person(0).agent.agentId)]);
		expect(next.error).toBeUndefined();
		expect(next.toCxone).toHaveLength(1);
		expect(next.toSalesforce).toHaveLength(1);
	}
	expect(cxone.router.counters().totalCalls).toBe(afterFirst.cxoneTotal);
	expect(salesforce.router.counters().totalCalls).toBe(afterFirst.salesforceTotal);
});

it('a team-scoped rule sends a Salesforce change of an in-team user to CXone and one of another team to Not in Scope', async () => {
	const inTeam = person(0); // Support
	const otherTeam = person(1); // Sales
	expect([inTeam.agent.teamId, otherTeam.agent.teamId]).toEqual([SUPPORT_TEAM, SALES_TEAM]);
	const events = [salesforceEvent(inTeam.user), salesforceEvent(otherTeam.user)];

	const { toCxone, notInScope, skipped } = await runRule(events);

	expect(toCxone).toHaveLength(1);
	expect(toCxone[0]).toMatchObject({
		target: 'cxone',
		desired: { state: 'Unavailable', reason: 'Break' },
		user: { salesforceUserId: inTeam.user.id, cxoneAgentId: inTeam.agent.agentId, teamId: SUPPORT_TEAM, teamName: 'Support', matchKey: 'email' },
	});
	// The event as it came, for a next rule.
	expect(notInScope).toEqual([events[1]]);
	expect(skipped).toEqual([]);
});

it('without the CXone credential a Salesforce change names no team, and a team-scoped rule leaves it out', async () => {
	const { toCxone, notInScope } = await runRule([salesforceEvent(person(0).user)], RULE, { salesforceOmniJwtApi: BOTH.salesforceOmniJwtApi });
	expect(toCxone).toEqual([]);
	expect(notInScope).toHaveLength(1);
});

it('a CXone change gets its Salesforce user id from the cached users', async () => {
	const { agent, user } = person(3); // Support
	const { toSalesforce } = await runRule([cxoneEvent(agent.agentId)]);
	expect(toSalesforce).toMatchObject([{ target: 'salesforce', user: { cxoneAgentId: agent.agentId, salesforceUserId: user.id } }]);
});

it('an event for a person added after the agents were cached is served by one reload of the agents', async () => {
	await runRule([salesforceEvent(person(0).user)]);
	cxone.seed(21);
	salesforce.seed(21);
	const hire = person(20); // Billing
	expect(hire.agent.teamId).toBe(BILLING_TEAM);
	const agentsBefore = agentListCalls();
	const usersBefore = userQueries();

	const { toCxone, notInScope } = await runRule([salesforceEvent(hire.user)], { ...RULE, teamIds: [SUPPORT_TEAM, BILLING_TEAM] });

	expect(notInScope).toEqual([]);
	expect(toCxone).toMatchObject([{ user: { cxoneAgentId: hire.agent.agentId, teamId: BILLING_TEAM } }]);
	expect(agentListCalls() - agentsBefore).toBe(1);
	expect(userQueries() - usersBefore).toBe(0);
});

it('a rule naming a user added after the users were cached is checked against one reload of the users', async () => {
	await runRule([salesforceEvent(person(0).user)]);
	salesforce.seed(22);
	const newUser = salesforce.users().find((u) => /\.0022@/.test(u.email))!;
	expect(newUser).toBeDefined();
	const usersBefore = userQueries();
	const explicit: INodeParameters = {
		...RULE,
		teamIds: [],
		matchKey: 'explicit',
		userMap: { pair: [{ cxoneAgentId: person(0).agent.agentId, salesforceUserId: newUser.id }] },
	};

	const { error, toCxone } = await runRule([salesforceEvent(newUser)], explicit);

	expect(error).toBeUndefined();
	expect(toCxone).toMatchObject([{ user: { matchKey: 'explicit', cxoneAgentId: person(0).agent.agentId, salesforceUserId: newUser.id } }]);
	expect(userQueries() - usersBefore).toBe(1);
});

it('a rule naming a status that does not exist fails listing the valid ones, reloading the statuses once, not on every run', async () => {
	const broken: INodeParameters = {
		...RULE,
		subscriberStates: { row: [{ salesforceStatus: 'Lunch', acdState: 'Available' }] },
	};
	const before = statusQueries();
	for (let i = 0; i < 3; i++) {
		const { error } = await runRule([salesforceEvent(person(0).user)], broken);
		expect(error?.message).toMatch(/Salesforce status 'Lunch' does not exist; valid: .*Lunch_Break/);
	}
	expect(statusQueries() - before).toBe(1);
});
