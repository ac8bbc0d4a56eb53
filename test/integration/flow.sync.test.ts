/**
 * The template workflow end to end, in-process and active: both triggers, the Presence Rule and both
 * action nodes over the wire against both emulators (the simulated companion applies Salesforce commands).
 * One change per scenario, each on its own agents and under its own workflow id (the echo ledger's scope).
 */
import type { IDataObject } from 'n8n-workflow';

import { templateRule } from '../../emulators/console/templateRule';
import { validateRule } from '../../lib/engine';
import type { ApplyResult, PresenceEvent, Skip, SyncCommand } from '../../lib/engine';
import { createCxoneClient } from '../../lib/cxone/client';
import { cxoneAuthFromCredentials } from '../../lib/cxone/credentials';
import { createSalesforceClient } from '../../lib/salesforce/client';
import { authFromJwtCredential } from '../../lib/salesforce/credentials';
import { OUTPUT } from '../../nodes/PresenceRule/execute';
import { SalesforceOmni } from '../../nodes/SalesforceOmni/SalesforceOmni.node';
import { loadTemplate, nodeNamed, type ActiveWorkflow, type AgentPair, type WorkflowJson } from '../helpers/activeWorkflow';
import { useFlowSuite } from '../helpers/flowSuite';
import { NodeTypes, PACKAGE_NAME, TEST_START_TYPE, TestStart } from '../helpers/harness';
import { runNodeAfterStart } from '../helpers/nodeAfterStart';

const RULE = 'Presence Rule';
const TO_SALESFORCE = 'Salesforce Omni-Channel';
const TO_CXONE = 'CXone Agent';
const JOIN = 'POST /incontactapi/services/:version/agent-sessions/join';

const suite = useFlowSuite({ name: 'flow-sync', agents: 30, companionDelayMs: 50 });
const { activate, sfWrites, cxWrites, omniOf } = suite;

/** An agent no earlier scenario touched, in a team when asked. */
function freshPair(teamName?: string): AgentPair {
	const index = suite.pairs.findIndex((pair) => teamName === undefined || pair.teamName === teamName);
	if (index < 0) throw new Error(`No unused agent${teamName ? ` of team ${teamName}` : ''} left; seed more`);
	const [pair] = suite.pairs.splice(index, 1);
	return pair;
}

const acdOf = (pair: AgentPair) => {
	const { state, reason } = suite.cxone.stateOf(pair.agentId);
	return { state, reason };
};
const skipped = (flow: ActiveWorkflow) => flow.items(RULE, OUTPUT.skipped) as unknown as Skip[];
const results = (flow: ActiveWorkflow, node: string) => flow.items(node) as unknown as ApplyResult[];
const eventsOf = (flow: ActiveWorkflow, side: PresenceEvent['side'], pair: AgentPair) =>
	suite.eventsIn(flow).filter((event) => event.side === side && event.user.email === pair.email);
/** The Presence Rule has decided on an event of `side` for the pair that satisfies `predicate`. */
const decided = (flow: ActiveWorkflow, side: PresenceEvent['side'], pair: AgentPair, predicate: (skip: Skip) => boolean) =>
	skipped(flow).some((skip) => skip.event.side === side && skip.event.user.email === pair.email && predicate(skip));

function ruleNode(workflow: WorkflowJson) {
	return nodeNamed(workflow, RULE).parameters as IDataObject;
}

afterAll(() => {
	// No secret of either credential reached any item of any execution.
	const items = JSON.stringify(suite.activated.map((flow) => flow.executions));
	const { salesforce, cxone } = suite;
	for (const secret of [salesforce.connectedApp.clientSecret, cxone.access.clientSecret, cxone.access.accessKeySecret]) expect(items).not.toContain(secret);
	expect(items).not.toMatch(/PRIVATE KEY|access_token|bearer\s/i);
});

it('the template rule is valid against both emulators\' statuses, codes, teams and users', async () => {
	const sfClient = createSalesforceClient(authFromJwtCredential(suite.credentialsHelper.stored('salesforceOmniJwtApi') ?? {}));
	const cxClient = createCxoneClient(cxoneAuthFromCredentials(suite.credentialsHelper.stored('niceCxoneApi') ?? {}));
	const [omniStatuses, salesforceUsers, unavailableCodes, teams, cxoneAgents] = await Promise.all([
		sfClient.listStatuses(),
		sfClient.listUsers({ activeOnly: true }),
		cxClient.listUnavailableCodes(),
		cxClient.listTeams(),
		cxClient.listAgents(),
	]);
	const rule = templateRule();
	expect(rule.name).toBe('Default');
	expect(rule.publisherMap).toHaveLength(9);
	expect(rule.subscriberMap).toHaveLength(7);
	expect(validateRule(rule, { omniStatuses, salesforceUsers, unavailableCodes, teams, cxoneAgents: cxoneAgents.map((a) => ({ agentId: a.agentId })) })).toEqual([]);
	// And it would catch a status the org does not have: the check is not vacuous.
	const broken = { ...rule, subscriberMap: [...rule.subscriberMap, { omni: 'Lunch', acd: { state: 'Available' as const } }] };
	expect(validateRule(broken, { omniStatuses })).toHaveLength(1);
});

it('CXone Unavailable/Lunch → Lunch_Break in Salesforce through the companion; its echo writes nothing back to CXone', async () => {
	const flow = await activate();
	const pair = freshPair();
	suite.cxone.setAgentState(pair.agentId, 'Unavailable', 'Lunch');

	await flow.waitFor(() => omniOf(pair) === 'Lunch_Break', 20_000, 'Salesforce to show Lunch_Break');
	await flow.waitFor(() => decided(flow, 'salesforce', pair, (s) => s.event.state.kind === 'omni' && s.event.state.developerName === 'Lunch_Break'), 20_000, 'the Salesforce echo to be decided');
	await flow.idle();

	const [command] = flow.items(RULE, OUTPUT.toSalesforce) as unknown as SyncCommand[];
	expect(command).toMatchObject({ target: 'salesforce', desired: { developerName: 'Lunch_Break' }, rule: { name: 'Default', row: 3, table: 'publisher' } });
	expect(results(flow, TO_SALESFORCE)).toMatchObject([{ outcome: 'written' }]);
	expect(decided(flow, 'salesforce', pair, (s) => s.decision === 'echo')).toBe(true);
	expect(sfWrites()).toBe(1);
	expect(suite.salesforce.router.counters().writes['presence-applied']).toBe(1);
	expect(cxWrites()).toBe(0);
	expect(acdOf(pair)).toEqual({ state: 'Unavailable', reason: 'Lunch' });
	expect(flow.executions.every((execution) => execution.status === 'success')).toBe(true);
});

it('Salesforce Available_for_Chats → CXone Available, and the CXone echo publishes nothing to Salesforce', async () => {
	const pair = freshPair();
	suite.cxone.setAgentState(pair.agentId, 'Unavailable', 'Lunch');
	suite.salesforce.setPresence(pair.userId, 'Lunch_Break');
	const flow = await activate();
	suite.salesforce.setPresence(pair.userId, 'Available_for_Chats');

	await flow.waitFor(() => acdOf(pair).state === 'Available', 20_000, 'CXone to show Available');
	await flow.waitFor(() => decided(flow, 'cxone', pair, (s) => s.event.state.kind === 'acd' && s.event.state.state === 'Available'), 20_000, 'the CXone echo to be decided');
	await flow.idle();

	expect(results(flow, TO_CXONE)).toMatchObject([{ outcome: 'written', desired: { state: 'Available' } }]);
	expect(cxWrites()).toBe(1);
	expect(sfWrites()).toBe(0);
	expect(omniOf(pair)).toBe('Available_for_Chats');
});

describe('Offline both ways', () => {
	it('CXone LoggedOut → the companion logs the user out of Omni-Channel; the Offline echo leaves CXone alone', async () => {
		const flow = await activate();
		const pair = freshPair();
		const commands: IDataObject[] = [];
		const onCommand = (decision: IDataObject) => commands.push(decision);
		suite.salesforce.events.on('command', onCommand);
		try {
			suite.cxone.setAgentState(pair.agentId, 'LoggedOut');
			await flow.waitFor(() => omniOf(pair) === null, 20_000, 'the Salesforce user to be Offline');
			await flow.waitFor(() => eventsOf(flow, 'salesforce', pair).length > 0, 20_000, 'the trigger to report Offline');
			await flow.idle();
		} finally {
			suite.salesforce.events.off('command', onCommand);
		}

		expect(commands).toMatchObject([{ verdict: 'apply', action: 'logout' }]);
		expect(eventsOf(flow, 'salesforce', pair)).toMatchObject([{ state: { kind: 'omni', statusId: null } }]);
		expect(suite.salesforce.router.counters().writes['presence-delete'] ?? 0).toBe(0);
		expect(cxWrites()).toBe(0);
		expect(suite.cxone.router.counters().calls[JOIN] ?? 0).toBe(0);
		expect(acdOf(pair)).toEqual({ state: 'LoggedOut', reason: null });
	});

	it('Presence → Force Offline deletes the presence row; the trigger reports Offline and CXone goes Unavailable', async () => {
		const flow = await activate();
		const pair = freshPair();
		const forced = await runNodeAfterStart({
			nodeTypes: NodeTypes.fromPackage(PACKAGE_NAME, [new SalesforceOmni()], { [TEST_START_TYPE]: new TestStart() }),
			credentialsHelper: suite.credentialsHelper,
			workflowId: 'flow-sync-force-offline',
			node: {
				type: 'salesforceOmni',
				name: TO_SALESFORCE,
				parameters: { authentication: 'jwt', resource: 'presence', operation: 'forceOffline', lookupBy: 'email', email: pair.email },
				credentials: nodeNamed(loadTemplate(), TO_SALESFORCE).credentials ?? {},
			},
			input: [{}],
		});
		expect(forced.run.status).toBe('success');
		expect(forced.json[0]).toMatchObject({ forcedOffline: true, previous: { developerName: 'Available_for_Chats' } });

		await flow.waitFor(() => acdOf(pair).state === 'Unavailable', 20_000, 'CXone to follow the Offline');
		await flow.waitFor(() => decided(flow, 'cxone', pair, () => true), 20_000, 'the CXone echo to be decided');
		await flow.idle();

		expect(suite.salesforce.router.counters().writes['presence-delete']).toBe(1);
		expect(eventsOf(flow, 'salesforce', pair)).toMatchObject([{ state: { kind: 'omni', statusId: null } }]);
		expect(results(flow, TO_CXONE)).toMatchObject([{ outcome: 'written', desired: { state: 'Unavailable', reason: null } }]);
		expect(acdOf(pair)).toEqual({ state: 'Unavailable', reason: null });
		expect(omniOf(pair)).toBeNull();
		expect(sfWrites()).toBe(0);
	});

	it('Salesforce Offline (the agent logs out of Omni-Channel) → CXone Unavailable with no reason', async () => {
		const flow = await activate();
		const pair = freshPair();
		suite.salesforce.setPresence(pair.userId, null);

		await flow.waitFor(() => acdOf(pair).state === 'Unavailable', 20_000, 'CXone to show Unavailable');
		await flow.waitFor(() => decided(flow, 'cxone', pair, () => true), 20_000, 'the CXone echo to be decided');
		await flow.idle();

		expect(acdOf(pair)).toEqual({ state: 'Unavailable', reason: null });
		expect(results(flow, TO_CXONE)).toMatchObject([{ outcome: 'written' }]);
		expect(cxWrites()).toBe(1);
		expect(sfWrites()).toBe(0);
		expect(omniOf(pair)).toBeNull();
	});
});

it('a LoggedOut CXone agent is never logged in: a Salesforce change is skipped target-logged-out and no session is joined', async () => {
	const pair = freshPair();
	suite.cxone.setAgentState(pair.agentId, 'LoggedOut');
	const flow = await activate();
	suite.salesforce.setPresence(pair.userId, 'Busy');

	await flow.waitFor(() => results(flow, TO_CXONE).length > 0, 20_000, 'the CXone Agent node to handle the command');
	await flow.idle();

	expect(results(flow, TO_CXONE)).toMatchObject([{ outcome: 'target-logged-out', desired: { state: 'Unavailable', reason: 'Meeting' } }]);
	expect(suite.cxone.router.counters().calls[JOIN] ?? 0).toBe(0);
	expect(cxWrites()).toBe(0);
	expect(acdOf(pair)).toEqual({ state: 'LoggedOut', reason: null });
});

it('an agent outside the rule\'s team leaves by Not in Scope, and nothing is written', async () => {
	const workflow = loadTemplate();
	const support = suite.pairs.find((pair) => pair.teamName === 'Support') as AgentPair;
	ruleNode(workflow).teamIds = [support.teamId];
	const flow = await activate(workflow);
	const pair = freshPair('Sales');
	suite.cxone.setAgentState(pair.agentId, 'Unavailable', 'Break');

	await flow.waitFor(() => flow.items(RULE, OUTPUT.notInScope).length > 0, 20_000, 'the event to leave by Not in Scope');
	await flow.idle();

	expect(flow.items(RULE, OUTPUT.notInScope)).toMatchObject([{ side: 'cxone', user: { email: pair.email, teamName: 'Sales' } }]);
	expect(flow.items(RULE, OUTPUT.toSalesforce)).toEqual([]);
	expect(sfWrites()).toBe(0);
	expect(omniOf(pair)).toBe('Available_for_Chats');
});

it('a row naming a status the org does not have fails the run with an error listing the valid statuses', async () => {
	const workflow = loadTemplate();
	const rows = (ruleNode(workflow).publisherStates as { row: IDataObject[] }).row;
	rows[2].salesforceStatus = 'Lunch';
	const flow = await activate(workflow);
	const pair = freshPair();
	suite.cxone.setAgentState(pair.agentId, 'Unavailable', 'Lunch');

	await flow.waitFor(() => flow.executions.some((execution) => execution.status !== undefined), 20_000, 'an execution to finish');
	await flow.idle();

	const [execution] = flow.executions;
	expect(execution.status).toBe('error');
	expect(execution.error).toContain("Presence Rule 'Default' publisher row 3: Salesforce status 'Lunch' does not exist; valid: ");
	for (const status of suite.salesforce.statuses()) expect(execution.error).toContain(status.developerName);
	expect(sfWrites()).toBe(0);
	expect(omniOf(pair)).toBe('Available_for_Chats');
});

it('non-inverse rows (Lunch → Busy, Busy → Break) settle with CXone on Lunch and Salesforce Busy, by consistency alone', async () => {
	const workflow = loadTemplate();
	const rule = ruleNode(workflow);
	rule.publisherStates = { row: [{ acdState: 'Available', salesforceStatus: 'Available_for_Chats' }, { acdState: 'Unavailable', unavailableCode: 'Lunch', salesforceStatus: 'Busy' }] };
	rule.subscriberStates = { row: [{ salesforceStatus: 'Available_for_Chats', acdState: 'Available' }, { salesforceStatus: 'Busy', acdState: 'Unavailable', unavailableCode: 'Break' }] };
	// No echo ledger: the consistency rule alone must stop the loop.
	rule.options = { echoWindow: 0 };
	const flow = await activate(workflow);
	const pair = freshPair();
	suite.cxone.setAgentState(pair.agentId, 'Unavailable', 'Lunch');

	await flow.waitFor(() => omniOf(pair) === 'Busy', 20_000, 'Salesforce to show Busy');
	await flow.waitFor(() => results(flow, TO_CXONE).length > 0, 20_000, 'the Salesforce change to reach the CXone Agent node');
	await flow.idle();

	expect(results(flow, TO_CXONE)).toMatchObject([{ outcome: 'already-consistent', desired: { state: 'Unavailable', reason: 'Break' } }]);
	expect(acdOf(pair)).toEqual({ state: 'Unavailable', reason: 'Lunch' });
	expect(omniOf(pair)).toBe('Busy');
	expect(sfWrites()).toBe(1);
	expect(cxWrites()).toBe(0);
});
