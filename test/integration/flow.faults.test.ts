/**
 * The template workflow, active in-process against both emulators, through streaming and auth faults in
 * the middle of its work: every access token expiring on both sides (401::Authentication invalid on the
 * Salesforce stream, 401 from CXone), and the Salesforce streaming server forgetting its clients
 * (403::Unknown client). Changes made right after each fault must all arrive and sync: no event lost.
 */
import type { ActiveWorkflow, AgentPair } from '../helpers/activeWorkflow';
import { useFlowSuite } from '../helpers/flowSuite';

const suite = useFlowSuite({ name: 'flow-faults', agents: 60, companionDelayMs: 50 });
const { activate, sfWrites, cxWrites, omniOf, acdOf, eventsIn } = suite;
/** Fault answers seen on the wire, by the error they carried. */
const faultsSeen: Record<string, number> = {};

const see = (fault: string) => (faultsSeen[fault] = (faultsSeen[fault] ?? 0) + 1);

/** A round of changes on both sides, on agents no earlier round touched. */
interface Round {
	fromCxone: AgentPair[];
	fromSalesforce: AgentPair[];
}

function changeBothSides(count: number): Round {
	const { pairs } = suite;
	if (pairs.length < 2 * count) throw new Error(`Only ${pairs.length} unused agents left, ${2 * count} needed: seed more`);
	const round = { fromCxone: pairs.splice(0, count), fromSalesforce: pairs.splice(0, count) };
	for (const pair of round.fromCxone) suite.cxone.setAgentState(pair.agentId, 'Unavailable', 'Lunch');
	for (const pair of round.fromSalesforce) suite.salesforce.setPresence(pair.userId, 'Training');
	return round;
}

const synced = (round: Round) =>
	round.fromCxone.every((pair) => omniOf(pair) === 'Lunch_Break') && round.fromSalesforce.every((pair) => acdOf(pair) === 'Unavailable/Training');

/** Changes of the round no trigger reported. */
function lostIn(flow: ActiveWorkflow, round: Round): string[] {
	const seen = new Set(
		eventsIn(flow).map((event) =>
			event.state.kind === 'acd' ? `${event.user.email}|${event.state.state}/${event.state.reason ?? ''}` : `${event.user.email}|${event.state.developerName}`,
		),
	);
	return [
		...round.fromCxone.filter((pair) => !seen.has(`${pair.email}|Unavailable/Lunch`)).map((pair) => `CXone ${pair.email}`),
		...round.fromSalesforce.filter((pair) => !seen.has(`${pair.email}|Training`)).map((pair) => `Salesforce ${pair.email}`),
	];
}

beforeAll(() => {
	suite.salesforce.router.decorate((_req, reply) => {
		const body = JSON.stringify(reply.body ?? '');
		for (const fault of ['401::Authentication invalid', '403::Unknown client', 'INVALID_SESSION_ID']) if (body.includes(fault)) see(fault);
	});
	suite.cxone.router.decorate((_req, reply) => {
		if (reply.status === 401) see('CXone 401');
	});
});

beforeEach(() => {
	for (const key of Object.keys(faultsSeen)) delete faultsSeen[key];
});

it('every token expiring on both sides mid-stream loses no change: the stream and the pollers re-authenticate and catch up', async () => {
	const flow = await activate();
	const before = changeBothSides(3);
	await flow.waitFor(() => synced(before), 20_000, 'the first round to sync');

	suite.salesforce.expireTokens();
	suite.cxone.expireTokens();
	const during = changeBothSides(3);
	await flow.waitFor(() => synced(during), 30_000, 'the round made right after the tokens expired to sync');
	const after = changeBothSides(3);
	await flow.waitFor(() => synced(after), 30_000, 'a later round to sync');
	await flow.idle();

	const lost = [before, during, after].flatMap((round) => lostIn(flow, round));
	process.stdout.write(
		`token expiry: faults seen ${JSON.stringify(faultsSeen)}, executions ${flow.executions.length}, ` +
			`Salesforce commands ${sfWrites()}, CXone writes ${cxWrites()}, events lost ${lost.length}\n`,
	);
	expect(faultsSeen['401::Authentication invalid']).toBeGreaterThan(0);
	expect(faultsSeen['CXone 401']).toBeGreaterThan(0);
	expect(lost).toEqual([]);
	expect(sfWrites()).toBe(9);
	expect(cxWrites()).toBe(9);
	expect(flow.triggerErrors).toEqual([]);
	expect(flow.executions.every((execution) => execution.status === 'success')).toBe(true);
});

it('403::Unknown client mid-stream loses no change: the trigger handshakes again and replays', async () => {
	const flow = await activate();
	const before = changeBothSides(3);
	await flow.waitFor(() => synced(before), 20_000, 'the first round to sync');

	suite.salesforce.dropStreamingClients();
	const during = changeBothSides(3);
	await flow.waitFor(() => synced(during), 30_000, 'the round made right after the clients were dropped to sync');
	const after = changeBothSides(3);
	await flow.waitFor(() => synced(after), 30_000, 'a later round to sync');
	await flow.idle();

	const lost = [before, during, after].flatMap((round) => lostIn(flow, round));
	process.stdout.write(
		`403::Unknown client: faults seen ${JSON.stringify(faultsSeen)}, executions ${flow.executions.length}, ` +
			`Salesforce commands ${sfWrites()}, CXone writes ${cxWrites()}, events lost ${lost.length}\n`,
	);
	expect(faultsSeen['403::Unknown client']).toBeGreaterThan(0);
	expect(lost).toEqual([]);
	expect(sfWrites()).toBe(9);
	expect(cxWrites()).toBe(9);
	expect(flow.triggerErrors).toEqual([]);
	expect(flow.executions.every((execution) => execution.status === 'success')).toBe(true);
});

it('changes made while the workflow is deactivated sync once it is active again: the triggers resume from their static data', async () => {
	const flow = await activate();
	const before = changeBothSides(2);
	await flow.waitFor(() => synced(before), 20_000, 'the first round to sync');
	await flow.stop();
	expect(Object.keys(flow.staticData).sort()).toEqual(['node:CXone Agent State Trigger', 'node:Salesforce Omni-Channel Trigger']);

	const whileStopped = changeBothSides(2);
	await flow.activate();
	await flow.waitFor(() => synced(whileStopped), 30_000, 'the changes made while deactivated to sync');
	await flow.idle();

	const lost = [before, whileStopped].flatMap((round) => lostIn(flow, round));
	process.stdout.write(`restart: executions ${flow.executions.length}, Salesforce commands ${sfWrites()}, CXone writes ${cxWrites()}, events lost ${lost.length}\n`);
	expect(lost).toEqual([]);
	expect(sfWrites()).toBe(4);
	expect(cxWrites()).toBe(4);
	expect(flow.executions.every((execution) => execution.status === 'success')).toBe(true);
});
