/**
 * The Presence Rule node run by the real n8n engine (test/helpers/harness.ts), with no credentials:
 * each item leaves by exactly one of the four outputs with pairedItem, rules chain through Not in Scope,
 * an invalid rule stops the run with every problem, or with continueOnFail sends every item to Skipped.
 */
import type { IConnections, INode, INodeExecutionData, INodeParameters } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { NO_SYNC, OFFLINE, sharedEchoLedger } from '../../lib/engine';
import type { PresenceEvent } from '../../lib/engine';
import { PresenceRule } from '../../nodes/PresenceRule/PresenceRule.node';
import { NodeTypes, PACKAGE_NAME, TEST_START_TYPE, TestCredentialsHelper, TestStart, runWorkflow, teardownN8nCore } from '../helpers/harness';

const nodeTypes = NodeTypes.fromPackage(PACKAGE_NAME, [new PresenceRule()], { [TEST_START_TYPE]: new TestStart() });
const credentialsHelper = new TestCredentialsHelper({}, {});

afterAll(() => teardownN8nCore());

const SUPPORT_PARAMETERS: INodeParameters = {
	ruleName: 'Support',
	publisherStates: {
		row: [
			{ acdState: 'Available', salesforceStatus: 'Available_for_Chats' },
			{ acdState: 'Unavailable', unavailableCode: 'Lunch', salesforceStatus: 'Busy' },
			{ acdState: 'LoggedOut', salesforceStatus: OFFLINE },
		],
	},
	subscriberStates: {
		row: [
			{ salesforceStatus: 'Available_for_Chats', acdState: 'Available' },
			{ salesforceStatus: 'Busy', acdState: 'Unavailable', unavailableCode: 'Break' },
			{ salesforceStatus: OFFLINE, acdState: NO_SYNC },
		],
	},
	teamIds: [5],
};

function ruleNode(name: string, parameters: INodeParameters, extra: Partial<INode> = {}): INode {
	return { id: name, name, type: `${PACKAGE_NAME}.presenceRule`, typeVersion: 1, position: [200, 0], parameters, ...extra };
}

const start: INode = { id: 'start', name: 'Start', type: TEST_START_TYPE, typeVersion: 1, position: [0, 0], parameters: {} };

function connect(from: string, to: string, outputs = 1, outputIndex = 0): IConnections {
	const main = Array.from({ length: outputs }, (_, i) => (i === outputIndex ? [{ node: to, type: NodeConnectionTypes.Main, index: 0 }] : []));
	return { [from]: { main } };
}

let n = 0;
function event(side: 'cxone' | 'salesforce', state: PresenceEvent['state'], teamId = 5): PresenceEvent {
	return {
		side,
		eventId: `ev${++n}`,
		changedAt: '2026-01-05T09:00:00.000Z',
		observedAt: '2026-01-05T09:00:00.300Z',
		user: { cxoneAgentId: 17, salesforceUserId: '005000000000017AAA', email: 'ann@example.com', teamId },
		state,
	};
}
const cx = (state: 'Available' | 'InboundContact' | 'Unavailable', reason: string | null = null, teamId = 5) =>
	event('cxone', { kind: 'acd', state, reason, isAcw: false }, teamId);
const sf = (developerName: string | null) =>
	event('salesforce', { kind: 'omni', statusId: developerName && `0N5${developerName}`, developerName, label: developerName ?? 'Offline', online: false });

const items = (...json: unknown[]): INodeExecutionData[] => json.map((j) => ({ json: j as INodeExecutionData['json'] }));

describe('Presence Rule node', () => {
	test('routes each item to exactly one output, with pairedItem', async () => {
		const input = items(
			cx('Available'), // 0 → To Salesforce
			sf('Busy'), // 1 → To CXone
			cx('Available', null, 9), // 2 → Not in Scope (team 9)
			cx('InboundContact'), // 3 → Skipped unmapped
			sf(null), // 4 → Skipped no-sync
			{ hello: 'world' }, // 5 → Skipped invalid
		);
		const { run, outputs } = await runWorkflow({
			nodes: [start, ruleNode('Rule', SUPPORT_PARAMETERS)],
			connections: connect('Start', 'Rule'),
			nodeTypes,
			credentialsHelper,
			input,
		});
		expect(run.status).toBe('success');
		const [toSalesforce, toCxone, notInScope, skipped] = outputs('Rule');

		expect(toSalesforce.map((item) => [item.pairedItem, item.json.target, (item.json.desired as { developerName: string }).developerName])).toEqual([
			[{ item: 0 }, 'salesforce', 'Available_for_Chats'],
		]);
		expect(toCxone.map((item) => [item.pairedItem, item.json.desired])).toEqual([
			[{ item: 1 }, { kind: 'acd', state: 'Unavailable', reason: 'Break', isAcw: false }],
		]);
		expect(notInScope).toEqual([{ json: input[2].json, pairedItem: { item: 2 } }]);
		expect(skipped.map((item) => [item.pairedItem, item.json.decision, item.json.event])).toEqual([
			[{ item: 3 }, 'unmapped', input[3].json],
			[{ item: 4 }, 'no-sync', input[4].json],
			[{ item: 5 }, 'invalid', input[5].json],
		]);
		expect(skipped[2].json.reason).toMatch(/side is 'undefined'; valid: salesforce, cxone/);
	});

	test('chained rules: what the first leaves out of scope, the second takes', async () => {
		const everyone = { ...SUPPORT_PARAMETERS, ruleName: 'Everyone else', teamIds: [] };
		const { run, outputs } = await runWorkflow({
			nodes: [start, ruleNode('Support', SUPPORT_PARAMETERS), ruleNode('Everyone else', everyone)],
			connections: { ...connect('Start', 'Support'), ...connect('Support', 'Everyone else', 4, 2) },
			nodeTypes,
			credentialsHelper,
			input: items(cx('Available'), cx('Unavailable', 'Lunch', 9)),
		});
		expect(run.status).toBe('success');
		expect(outputs('Support')[0].map((item) => (item.json.rule as { name: string }).name)).toEqual(['Support']);
		const [fromSecond] = outputs('Everyone else');
		expect(fromSecond.map((item) => [(item.json.rule as { name: string }).name, (item.json.desired as { developerName: string }).developerName])).toEqual([
			['Everyone else', 'Busy'],
		]);
	});

	test("an event echoing this workflow's own write is skipped as echo, in that workflow only", async () => {
		// The ledger forgets old writes by the clock, so this write and its echo happen now.
		const writtenAt = Date.now();
		sharedEchoLedger().record({
			scope: 'echo-workflow',
			side: 'cxone',
			userId: '17',
			state: { kind: 'acd', state: 'Unavailable', reason: 'Lunch', isAcw: false },
			at: new Date(writtenAt).toISOString(),
		});
		const echo = { ...cx('Unavailable', 'Lunch'), changedAt: new Date(writtenAt + 400).toISOString() };
		const decisions = async (workflowId: string) => {
			const { outputs } = await runWorkflow({
				nodes: [start, ruleNode('Rule', SUPPORT_PARAMETERS)],
				connections: connect('Start', 'Rule'),
				nodeTypes,
				credentialsHelper,
				workflowId,
				input: items(echo),
			});
			const [toSalesforce, , , skipped] = outputs('Rule');
			return [...toSalesforce.map(() => 'command'), ...skipped.map((item) => item.json.decision)];
		};
		expect(await decisions('echo-workflow')).toEqual(['echo']);
		// Another workflow's trigger sees a real change: the write was not its own.
		expect(await decisions('another-workflow')).toEqual(['command']);
	});

	const broken: INodeParameters = {
		...SUPPORT_PARAMETERS,
		subscriberStates: {
			row: [
				{ salesforceStatus: 'Busy', acdState: 'InboundContact' },
				{ salesforceStatus: 'Busy', acdState: 'Available' },
			],
		},
	};

	test('an invalid rule stops the run with every problem and the valid values', async () => {
		const { run } = await runWorkflow({
			nodes: [start, ruleNode('Rule', broken)],
			connections: connect('Start', 'Rule'),
			nodeTypes,
			credentialsHelper,
			input: items(cx('Available')),
		});
		expect(run.status).toBe('error');
		expect(run.data.resultData.error?.message).toBe(
			"Presence Rule 'Support' has 2 problems: " +
				"(1) Presence Rule 'Support' subscriber row 1: ACD state 'InboundContact' cannot be set through the CXone API; valid: Available, Unavailable, Do Not Sync " +
				"(2) Presence Rule 'Support' subscriber row 2: Salesforce status Busy is already mapped by row 1 to InboundContact, here to Available; a status maps to one ACD state (several statuses may map to the same one)",
		);
	});

	test('an invalid rule with continueOnFail sends every item to Skipped, saying why', async () => {
		const input = items(cx('Available'), sf('Busy'));
		const { run, outputs } = await runWorkflow({
			nodes: [start, ruleNode('Rule', broken, { onError: 'continueRegularOutput' })],
			connections: connect('Start', 'Rule'),
			nodeTypes,
			credentialsHelper,
			input,
		});
		expect(run.status).toBe('success');
		const [toSalesforce, toCxone, notInScope, skipped] = outputs('Rule');
		expect([toSalesforce, toCxone, notInScope]).toEqual([[], [], []]);
		expect(skipped.map((item) => [item.pairedItem, item.json.decision, item.json.event])).toEqual([
			[{ item: 0 }, 'invalid', input[0].json],
			[{ item: 1 }, 'invalid', input[1].json],
		]);
		expect(skipped[0].json.reason).toMatch(/cannot be set through the CXone API/);
	});

	test('without credentials the dropdowns offer the rule entries only', async () => {
		const node = new PresenceRule();
		const context = {
			getNode: () => ruleNode('Rule', {}),
			getNodeParameter: (_name: string, fallback: unknown) => fallback,
		};
		const names = async (method: keyof typeof node.methods.loadOptions) =>
			(await node.methods.loadOptions[method].call(context as never)).map((option) => option.name);
		expect(await names('getUnavailableCodes')).toEqual(['Any Reason', 'No Reason']);
		expect(await names('getSettableUnavailableCodes')).toEqual(['No Reason']);
		expect(await names('getOmniStatuses')).toEqual(['Offline', 'Do Not Sync']);
		expect(await names('getOmniStatusesOrOffline')).toEqual(['Offline']);
	});
});
