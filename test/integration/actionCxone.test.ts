/**
 * The CXone Agent node in real workflows (in-process n8n) against the CXone emulator: a batch of
 * commands applied in one pass, every skip outcome, ACW 409s under Continue On Fail, Define Below with
 * validation, the read operations, the echo ledger, and no secret in any item.
 */
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { NiceCxoneApi } from '../../credentials/NiceCxoneApi.credentials';
import { startCxoneEmulator, type CxoneEmulator, type CxoneAgentInfo } from '../../emulators/cxone';
import { CxoneAgent } from '../../nodes/CxoneAgent/CxoneAgent.node';
import { sharedEchoLedger } from '../../lib/engine';
import type { AcdState, PresenceEvent, SyncCommand } from '../../lib/engine';
import { NodeTypes, PACKAGE_NAME, TEST_START_TYPE, TestCredentialsHelper, TestStart, teardownN8nCore } from '../helpers/harness';
import { runNodeAfterStart } from '../helpers/nodeAfterStart';

const API = '/incontactapi/services/:version';
const STATES_CALL = `GET ${API}/agents/states`;
const JOIN_CALL = `POST ${API}/agent-sessions/join`;

let emulator: CxoneEmulator;
let agents: CxoneAgentInfo[];
let credentialsHelper: TestCredentialsHelper;
const nodeTypes = NodeTypes.fromPackage(PACKAGE_NAME, [new CxoneAgent()], { [TEST_START_TYPE]: new TestStart() });
/** Every item any test produced: checked for secrets at the end. */
const everyItem: INodeExecutionData[] = [];
let workflowCount = 0;

const acd = (state: AcdState['state'], reason: string | null = null): AcdState => ({ kind: 'acd', state, reason, isAcw: false });
const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString();
/** A source change one second after the agent's current state began. */
const justAfterStateOf = (agent: CxoneAgentInfo) => new Date(Date.parse(emulator.stateOf(agent.agentId).since) + 1000).toISOString();

function command(agent: CxoneAgentInfo, desired: AcdState, extra: Partial<SyncCommand> = {}): SyncCommand {
	return {
		target: 'cxone',
		user: { matchKey: 'email', matchValue: agent.emailAddress, salesforceUserId: '005000000000001AAA' },
		desired,
		acceptable: [desired],
		source: {
			side: 'salesforce',
			eventId: `evt-${agent.agentId}-${Math.random()}`,
			changedAt: justAfterStateOf(agent),
			state: { kind: 'omni', statusId: null, developerName: 'Busy', label: 'Busy', online: false },
		},
		rule: { name: 'Support', row: 1, table: 'subscriber' },
		protectBusyAgents: true,
		...extra,
	};
}

async function run(parameters: IDataObject, input: unknown[], options: { continueOnFail?: boolean; workflowId?: string } = {}) {
	const result = await runNodeAfterStart({
		nodeTypes,
		credentialsHelper,
		workflowId: options.workflowId ?? `wf-cxone-${++workflowCount}`,
		node: { type: 'cxoneAgent', name: 'CXone', parameters: parameters, credentials: { niceCxoneApi: { id: 'c1', name: 'CXone' } }, continueOnFail: options.continueOnFail },
		input,
	});
	everyItem.push(...result.items);
	return result;
}

const calls = (key: string) => emulator.router.counters().calls[key] ?? 0;
const writes = (kind: string) => emulator.router.counters().writes[kind] ?? 0;

beforeAll(async () => {
	emulator = await startCxoneEmulator({ agents: 60 });
	agents = emulator.agents();
	credentialsHelper = new TestCredentialsHelper(
		{ niceCxoneApi: new NiceCxoneApi() },
		{ niceCxoneApi: { issuer: emulator.url, ...emulator.access, apiVersion: 'v33.0' } },
	);
});

beforeEach(() => {
	emulator.seed(60);
	agents = emulator.agents();
	emulator.router.resetCounters();
	emulator.router.clearFaults();
});

afterAll(async () => {
	const text = JSON.stringify(everyItem);
	for (const secret of [emulator.access.clientSecret, emulator.access.accessKeySecret]) expect(text).not.toContain(secret);
	expect(text).not.toMatch(/bearer\s|access_token|eyJ[A-Za-z0-9_-]{8,}\./i);
	teardownN8nCore();
	await emulator.stop();
});

describe('Agent State → Set from Presence Rule commands', () => {
	it('applies a batch of 50 with one state snapshot, writes only what is not already consistent, and records the writes', async () => {
		const batch = agents.slice(0, 50).map((agent, i) =>
			i % 5 === 0 ? command(agent, acd('Available')) : command(agent, acd('Unavailable', 'Lunch')),
		);
		const { run: result, json } = await run({ resource: 'agentState', operation: 'set' }, batch, { workflowId: 'wf-ledger-cx' });

		expect(result.status).toBe('success');
		expect(json).toHaveLength(50);
		expect(json.filter((r) => r.outcome === 'already-consistent')).toHaveLength(10);
		expect(json.filter((r) => r.outcome === 'written')).toHaveLength(40);
		expect(calls(STATES_CALL)).toBe(1);
		expect(writes('agent-state')).toBe(40);
		expect(emulator.stateOf(agents[1].agentId)).toMatchObject({ state: 'Unavailable', reason: 'Lunch' });
		expect(json[1]).toMatchObject({ outcome: 'written', target: 'cxone', user: { cxoneAgentId: agents[1].agentId }, current: { state: 'Available' } });
		expect(typeof json[1].writeId).toBe('string');
		expect(result.data.resultData.runData.CXone[0].data!.main[0]!.map((item) => item.pairedItem)).toEqual(
			batch.map((_, item) => ({ item })),
		);

		const echo: PresenceEvent = {
			side: 'cxone',
			eventId: 'echo-1',
			changedAt: new Date().toISOString(),
			observedAt: new Date().toISOString(),
			user: { cxoneAgentId: agents[1].agentId },
			state: acd('Unavailable', 'Lunch'),
		};
		expect(sharedEchoLedger().matches(echo, new Date(), 10_000, 'wf-ledger-cx')).toMatchObject({ side: 'cxone', userId: String(agents[1].agentId) });
		expect(sharedEchoLedger().matches(echo, new Date(), 10_000, 'another-workflow')).toBeUndefined();
	});

	it('skips stale commands, lets the master side override, and protects busy and logged-out agents', async () => {
		const [stale, master, busy, loggedOut, busyAllowed] = agents;
		emulator.setAgentState(stale.agentId, 'Unavailable', 'Break');
		emulator.setAgentState(master.agentId, 'Unavailable', 'Break');
		emulator.startContact(busy.agentId);
		emulator.setAgentState(loggedOut.agentId, 'LoggedOut');
		emulator.startContact(busyAllowed.agentId);
		emulator.router.resetCounters();
		const old = (c: SyncCommand): SyncCommand => ({ ...c, source: { ...c.source, changedAt: minutesAgo(5) } });

		const { json } = await run({ resource: 'agentState', operation: 'set' }, [
			old(command(stale, acd('Available'))),
			old(command(master, acd('Available'), { masterSide: 'salesforce' })),
			command(busy, acd('Unavailable', 'Lunch')),
			command(loggedOut, acd('Available')),
			command(busyAllowed, acd('Unavailable', 'Lunch'), { protectBusyAgents: false }),
			command({ ...stale, emailAddress: 'nobody@example.com' }, acd('Available')),
		]);

		expect(json.map((r) => r.outcome)).toEqual(['stale', 'written', 'target-busy', 'target-logged-out', 'written', 'user-not-matched']);
		expect(json[5].reason).toBe("no CXone user has email 'nobody@example.com'");
		expect(emulator.stateOf(stale.agentId)).toMatchObject({ state: 'Unavailable', reason: 'Break' });
		expect(emulator.stateOf(master.agentId)).toMatchObject({ state: 'Available' });
		expect(emulator.stateOf(busy.agentId).state).toBe('InboundContact');
		expect(emulator.stateOf(loggedOut.agentId).state).toBe('LoggedOut');
		// Only the master override and the unprotected busy agent joined a session: the logged-out agent was never logged in.
		expect(calls(JOIN_CALL)).toBe(2);
		expect(writes('agent-state')).toBe(2);
	});

	it('an agent who logs out between the snapshot and the write is target-logged-out, not a failure', async () => {
		emulator.router.inject({ kind: 'status', status: 409, count: 1, pathPrefix: '/incontactapi/services/v33.0/agent-sessions/join' });
		const { json } = await run({ resource: 'agentState', operation: 'set' }, [command(agents[40], acd('Unavailable', 'Lunch'))]);
		expect(json[0]).toMatchObject({ outcome: 'target-logged-out', current: { state: 'Available' } });
		expect(json[0].writeId).toBeUndefined();
	});

	it('applies only the latest of two commands for one agent in a batch', async () => {
		const [agent] = agents;
		const second = command(agent, acd('Unavailable', 'Break'));
		const first = { ...command(agent, acd('Unavailable', 'Lunch')), source: { ...second.source, eventId: 'earlier', changedAt: minutesAgo(0.1) } };
		const { json } = await run({ resource: 'agentState', operation: 'set' }, [second, first]);
		expect(json.map((r) => r.outcome)).toEqual(['written', 'stale']);
		expect(json[1].reason).toMatch(/superseded by a later command for the same user/);
		expect(emulator.stateOf(agent.agentId)).toMatchObject({ state: 'Unavailable', reason: 'Break' });
	});

	it("surfaces an ACW code CXone refuses (409) as 'failed' with the code under Continue On Fail", async () => {
		const [acw, fine] = agents;
		const batch = [command(acw, acd('Unavailable', 'Wrap-up')), command(fine, acd('Unavailable', 'Lunch'))];
		const { run: result, json } = await run({ resource: 'agentState', operation: 'set' }, batch, { continueOnFail: true });
		expect(result.status).toBe('success');
		expect(json[0]).toMatchObject({ outcome: 'failed', user: { cxoneAgentId: acw.agentId } });
		expect(json[0].reason).toMatch(new RegExp(`CXone refused the change for CXone agent ${acw.agentId} .*HTTP_409.*AcwWithoutContact`));
		expect(json[1].outcome).toBe('written');
	});

	it('without Continue On Fail, stops with an API error naming the agent and the code', async () => {
		const { run: result } = await run({ resource: 'agentState', operation: 'set' }, [command(agents[0], acd('Unavailable', 'Wrap-up'))]);
		expect(result.status).toBe('error');
		const error = result.data.resultData.error!;
		expect(error.name).toBe('NodeApiError');
		expect(error.message).toMatch(new RegExp(`CXone agent ${agents[0].agentId}.*HTTP_409`));
	});

	it('rejects items that are not CXone commands, saying where to send them', async () => {
		const forSalesforce = { ...command(agents[0], acd('Available')), target: 'salesforce' };
		const { json } = await run({ resource: 'agentState', operation: 'set' }, [forSalesforce, command(agents[1], acd('Unavailable', 'Lunch'))], {
			continueOnFail: true,
		});
		expect(json[0].error).toMatch(/Item 0 is not a command for CXone: this command is for Salesforce; connect .* to a Salesforce Omni-Channel node/);
		expect(json[1].outcome).toBe('written');
	});

	it('reports a dry run without writing', async () => {
		const { json } = await run({ resource: 'agentState', operation: 'set' }, [command(agents[0], acd('Unavailable', 'Lunch'), { dryRun: true })]);
		expect(json[0]).toMatchObject({ outcome: 'dry-run' });
		expect(writes('agent-state')).toBe(0);
		expect(calls(JOIN_CALL)).toBe(0);
	});
});

describe('Agent State → Set, Define Below', () => {
	const defineBelow = (extra: IDataObject) => ({ resource: 'agentState', operation: 'set', inputMode: 'defineBelow', ...extra });

	it('sets an agent picked by id, email or username', async () => {
		const [a, b, c] = agents;
		const { json } = await run(defineBelow({ lookupBy: '={{ $json.by }}', userId: '={{ $json.value }}', email: '={{ $json.value }}', username: '={{ $json.value }}', state: 'Unavailable', unavailableCode: 'lunch' }), [
			{ by: 'id', value: String(a.agentId) },
			{ by: 'email', value: b.emailAddress },
			{ by: 'username', value: c.userName },
		]);
		expect(json.map((r) => r.outcome)).toEqual(['written', 'written', 'written']);
		for (const agent of [a, b, c]) expect(emulator.stateOf(agent.agentId)).toMatchObject({ state: 'Unavailable', reason: 'Lunch' });
	});

	it('rejects an unknown unavailable code with the valid codes', async () => {
		const { run: result } = await run(defineBelow({ lookupBy: 'id', userId: agents[0].agentId, state: 'Unavailable', unavailableCode: 'Coffee' }), [{}]);
		expect(result.status).toBe('error');
		expect(result.data.resultData.error!.message).toBe("CXone unavailable code 'Coffee' does not exist; valid: Lunch, Break, Meeting, Training, Open, Wrap-up");
		expect(writes('agent-state')).toBe(0);
	});
});

describe('read and admin operations', () => {
	it('Agent State → Get reads every item from one snapshot', async () => {
		emulator.setAgentState(agents[1].agentId, 'Unavailable', 'Break');
		emulator.router.resetCounters();
		const { json } = await run({ resource: 'agentState', operation: 'get', lookupBy: 'email', email: '={{ $json.email }}' }, [
			{ email: agents[0].emailAddress },
			{ email: agents[1].emailAddress },
		]);
		expect(json[0]).toMatchObject({ agentId: agents[0].agentId, email: agents[0].emailAddress, state: { kind: 'acd', state: 'Available', reason: null } });
		expect(json[1].state).toMatchObject({ state: 'Unavailable', reason: 'Break' });
		expect(typeof (json[1].state as IDataObject).since).toBe('string');
		expect(calls(STATES_CALL)).toBe(1);
	});

	it('Agent → Get Many honours Limit and the team filter', async () => {
		const { json: limited } = await run({ resource: 'agent', operation: 'getAll', limit: 7 }, [{}]);
		expect(limited).toHaveLength(7);
		const team = agents[0].teamId;
		const { json: ofTeam } = await run({ resource: 'agent', operation: 'getAll', returnAll: true, filters: { teamId: team } }, [{}]);
		expect(ofTeam.length).toBe(agents.filter((a) => a.teamId === team).length);
		expect(ofTeam.every((a) => a.teamId === team)).toBe(true);
	});

	it('Team → Get Many and Unavailable Code → Get Many (business unit and team)', async () => {
		const { json: teams } = await run({ resource: 'team', operation: 'getAll', returnAll: true }, [{}]);
		expect(teams.map((t) => t.teamName)).toEqual(['Support', 'Sales', 'Billing']);
		const { json: codes } = await run({ resource: 'unavailableCode', operation: 'getAll', returnAll: true }, [{}]);
		expect(codes.map((c) => c.outStateName)).toContain('Wrap-up');
		const { json: teamCodes } = await run({ resource: 'unavailableCode', operation: 'getAll', teamId: teams[0].teamId as number, limit: 2 }, [{}]);
		expect(teamCodes).toHaveLength(2);
	});

	it('Agent → Log Out ends the session', async () => {
		const { json } = await run({ resource: 'agent', operation: 'logOut', lookupBy: 'id', userId: agents[3].agentId }, [{}]);
		expect(json[0]).toMatchObject({ agentId: agents[3].agentId, loggedOut: true });
		expect(emulator.stateOf(agents[3].agentId).state).toBe('LoggedOut');
		expect(writes('agent-logout')).toBe(1);
	});

	it('an agent that does not exist is an error naming the lookup', async () => {
		const { run: result } = await run({ resource: 'agentState', operation: 'get', lookupBy: 'username', username: 'ghost' }, [{}]);
		expect(result.data.resultData.error!.message).toBe("no CXone user has username 'ghost'");
	});
});
