/**
 * The CXone Agent State Trigger with n8n's real TriggerContext against the CXone emulator: a change becomes
 * one PresenceEvent with identity, a burst becomes a few executions, the cursor survives a restart with no
 * gap, closing stops every API call, and "Fetch Test Event" samples live states.
 */
import type { IDataObject, INode, INodeParameters } from 'n8n-workflow';

import { NiceCxoneApi } from '../../credentials/NiceCxoneApi.credentials';
import { startCxoneEmulator, type CxoneEmulator } from '../../emulators/cxone';
import type { PresenceEvent } from '../../lib/engine/types';
import { CxoneAgentStateTrigger } from '../../nodes/CxoneAgentStateTrigger/CxoneAgentStateTrigger.node';
import { NodeTypes, PACKAGE_NAME, TestCredentialsHelper, runTrigger, teardownN8nCore, type TriggerRun } from '../helpers/harness';

const NODE_NAME = 'CXone Trigger';
let emulator: CxoneEmulator;
let credentialsHelper: TestCredentialsHelper;
const nodeTypes = NodeTypes.fromPackage(PACKAGE_NAME, [new CxoneAgentStateTrigger()]);
const running: TriggerRun[] = [];

function node(parameters: IDataObject = {}): INode {
	return {
		id: 'cxt',
		name: NODE_NAME,
		type: `${PACKAGE_NAME}.cxoneAgentStateTrigger`,
		typeVersion: 1,
		position: [0, 0],
		parameters: { pollInterval: 0.5, ...parameters } as INodeParameters,
		credentials: { niceCxoneApi: { id: 'c1', name: 'CXone' } },
	};
}

async function start(options: { parameters?: IDataObject; staticData?: IDataObject; mode?: 'trigger' | 'manual' } = {}) {
	const run = await runTrigger({ node: node(options.parameters), nodeTypes, credentialsHelper, staticData: options.staticData, mode: options.mode });
	running.push(run);
	return run;
}

const events = (run: TriggerRun): PresenceEvent[] => run.emitted.flatMap((data) => data[0].map((item) => item.json as unknown as PresenceEvent));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(async () => {
	emulator = await startCxoneEmulator({ agents: 600 });
	credentialsHelper = new TestCredentialsHelper(
		{ niceCxoneApi: new NiceCxoneApi() },
		{ niceCxoneApi: { issuer: emulator.url, ...emulator.access, apiVersion: 'v33.0' } },
	);
});

beforeEach(() => {
	emulator.seed(600);
	emulator.router.clearFaults();
});

afterEach(async () => {
	await Promise.all(running.splice(0).map((run) => run.close()));
});

afterAll(async () => {
	teardownN8nCore();
	await emulator.stop();
});

it('emits one PresenceEvent with identity for one agent going to Lunch, and nothing for the agents that did not change', async () => {
	const run = await start();
	const agent = emulator.agents()[3];
	emulator.setAgentState(agent.agentId, 'Unavailable', 'Lunch');
	await run.waitForEmits(1);
	await sleep(1200); // two more polls: still nothing else
	const all = events(run);
	expect(all).toHaveLength(1);
	expect(all[0]).toMatchObject({
		side: 'cxone',
		eventId: expect.stringContaining(`${agent.agentId}:`),
		user: {
			cxoneAgentId: agent.agentId,
			email: agent.emailAddress,
			username: agent.userName,
			federationId: agent.federatedId,
			teamId: agent.teamId,
			teamName: agent.teamName,
			name: `${agent.firstName} ${agent.lastName}`,
		},
		state: { kind: 'acd', state: 'Unavailable', reason: 'Lunch', isAcw: false },
		previous: { kind: 'acd', state: 'Available', reason: null },
	});
	expect(Date.parse(all[0].changedAt)).not.toBeNaN();
	expect(run.errors).toEqual([]);
});

it('reports a change of unavailable code and the ACW flag as their own events', async () => {
	const run = await start();
	const agent = emulator.agents()[5];
	emulator.setAgentState(agent.agentId, 'Unavailable', 'Lunch');
	await run.waitForEmits(1);
	emulator.setAgentState(agent.agentId, 'Unavailable', 'Break');
	await run.waitForEmits(2);
	emulator.startContact(agent.agentId);
	emulator.endContact(agent.agentId, 'Wrap-up');
	await sleep(1200);
	const states = events(run).map((event) => event.state);
	expect(states.slice(0, 2)).toMatchObject([{ reason: 'Lunch' }, { reason: 'Break' }]);
	expect(states[states.length - 1]).toMatchObject({ state: 'Unavailable', reason: 'Wrap-up', isAcw: true });
});

it('turns 500 agents changing within 200 ms into a few executions that carry all 500 changes', async () => {
	const run = await start();
	const agents = emulator.agents().slice(0, 500);
	for (let i = 0; i < agents.length; i += 100) {
		for (const agent of agents.slice(i, i + 100)) emulator.setAgentState(agent.agentId, 'Unavailable', 'Meeting');
		await sleep(40);
	}
	await sleep(1500);
	const all = events(run);
	expect(new Set(all.map((event) => event.user.cxoneAgentId)).size).toBe(500);
	expect(all).toHaveLength(500);
	expect(run.emitted.length).toBeLessThanOrEqual(3);
});

it('persists lastPollTime in static data and, after a restart, emits the change made while it was closed (and nothing twice)', async () => {
	const staticData: IDataObject = {};
	const [a, b] = emulator.agents();
	const first = await start({ staticData });
	emulator.setAgentState(a.agentId, 'Unavailable', 'Lunch');
	await first.waitForEmits(1);
	await first.close();
	const stored = (staticData[`node:${NODE_NAME}`] as IDataObject).lastPollTime;
	expect(typeof stored).toBe('string');

	emulator.setAgentState(b.agentId, 'Unavailable', 'Training');
	const second = await start({ staticData });
	await second.waitForEmits(1);
	await sleep(1000);
	const resumed = events(second);
	expect(resumed.map((event) => [event.user.cxoneAgentId, event.state.kind === 'acd' && event.state.reason])).toEqual([[b.agentId, 'Training']]);
	expect((staticData[`node:${NODE_NAME}`] as IDataObject).lastPollTime).not.toBe(stored);
});

it('makes no API call after closeFunction', async () => {
	const run = await start();
	emulator.setAgentState(emulator.agents()[0].agentId, 'Unavailable', 'Lunch');
	await run.waitForEmits(1);
	await run.close();
	const callsAtClose = emulator.router.counters().totalCalls;
	emulator.setAgentState(emulator.agents()[1].agentId, 'Unavailable', 'Lunch');
	await sleep(1500);
	expect(emulator.router.counters().totalCalls).toBe(callsAtClose);
	expect(run.emitted).toHaveLength(1);
});

it('keeps polling through an expired token without losing a change', async () => {
	const run = await start();
	emulator.expireTokens();
	const agent = emulator.agents()[7];
	emulator.setAgentState(agent.agentId, 'Unavailable', 'Break');
	await run.waitForEmits(1);
	expect(events(run).map((event) => event.user.cxoneAgentId)).toEqual([agent.agentId]);
	expect(run.errors).toEqual([]);
});

it('limits events to the chosen teams', async () => {
	const [inTeam, otherTeam] = [emulator.agents()[0], emulator.agents().find((agent) => agent.teamId !== emulator.agents()[0].teamId)!];
	const run = await start({ parameters: { options: { teamIds: [inTeam.teamId] } } });
	emulator.setAgentState(otherTeam.agentId, 'Unavailable', 'Lunch');
	emulator.setAgentState(inTeam.agentId, 'Unavailable', 'Lunch');
	await run.waitForEmits(1);
	await sleep(1000);
	expect(events(run).map((event) => event.user.cxoneAgentId)).toEqual([inTeam.agentId]);
});

it('returns live states as the test event in manual mode, logged-in agents first', async () => {
	const [onLunch, available, ...others] = emulator.agents();
	for (const agent of others) emulator.setAgentState(agent.agentId, 'LoggedOut');
	emulator.setAgentState(onLunch.agentId, 'Unavailable', 'Lunch');
	const run = await start({ mode: 'manual' });
	await run.waitForEmits(1);
	const sample = events(run);
	expect(sample).toHaveLength(5);
	expect(sample.slice(0, 2).map((event) => [event.user.cxoneAgentId, event.user.email, event.state.kind === 'acd' && event.state.state])).toEqual(
		expect.arrayContaining([
			[onLunch.agentId, onLunch.emailAddress, 'Unavailable'],
			[available.agentId, available.emailAddress, 'Available'],
		]),
	);
	for (const event of sample.slice(2)) expect(event.state).toMatchObject({ state: 'LoggedOut' });
});

it('reconciles: re-emits every logged-in agent flagged reconcile, LoggedOut ones only when seen logged in', async () => {
	const [wasIn, ...rest] = emulator.agents();
	for (const agent of rest.slice(0, 300)) emulator.setAgentState(agent.agentId, 'LoggedOut');
	const run = await start({ parameters: { options: { reconcileEvery: 0.02 } } });
	await sleep(100);
	emulator.setAgentState(wasIn.agentId, 'LoggedOut');
	await run.waitForEmits(2);
	const reconciled = events(run).filter((event) => event.reconcile === true);
	const loggedIn = emulator.agents().filter((agent) => emulator.stateOf(agent.agentId).state !== 'LoggedOut');
	expect(reconciled.map((event) => event.user.cxoneAgentId).sort()).toEqual(loggedIn.map((agent) => agent.agentId).sort());
	const changes = events(run).filter((event) => !event.reconcile);
	expect(changes.map((event) => [event.user.cxoneAgentId, event.state.kind === 'acd' && event.state.state])).toEqual([[wasIn.agentId, 'LoggedOut']]);
});
