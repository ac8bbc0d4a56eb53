/**
 * The action nodes' directories in real workflows (in-process n8n) against both emulators: consecutive
 * executions read the user/agent directory (and the Salesforce statuses) once, yet read each target's
 * current state fresh every time; a user added since is found after one reload, and a user who does not
 * exist does not make every execution reload.
 */
import type { IDataObject, INode, INodeParameters } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { startCxoneEmulator, type CxoneAgentInfo, type CxoneEmulator } from '../../emulators/cxone';
import { startSalesforceEmulator, type EmulatedUser, type SalesforceEmulator } from '../../emulators/salesforce';
import type { AcdState, ApplyResult, OmniState, SyncCommand } from '../../lib/engine';
import { forgetConnections } from '../../lib/salesforce/connection';
import { CxoneAgent } from '../../nodes/CxoneAgent/CxoneAgent.node';
import { SalesforceOmni } from '../../nodes/SalesforceOmni/SalesforceOmni.node';
import { emulatorCredentials } from '../helpers/activeWorkflow';
import { NodeTypes, PACKAGE_NAME, TEST_START_TYPE, TestCredentialsHelper, TestStart, runWorkflow, teardownN8nCore } from '../helpers/harness';

const AGENTS_CALL = 'GET /incontactapi/services/:version/agents';
const STATES_CALL = 'GET /incontactapi/services/:version/agents/states';

let salesforce: SalesforceEmulator;
let cxone: CxoneEmulator;
let credentialsHelper: TestCredentialsHelper;
const soql: string[] = [];
const nodeTypes = NodeTypes.fromPackage(PACKAGE_NAME, [new CxoneAgent(), new SalesforceOmni()], { [TEST_START_TYPE]: new TestStart() });
let n = 0;

const lunch: AcdState = { kind: 'acd', state: 'Unavailable', reason: 'Lunch', isAcw: false };
const busy: OmniState = { kind: 'omni', statusId: null, developerName: 'Busy', label: 'Busy', online: false };

/** A command as the Presence Rule emits it, matched by email; the source change is newer than the target's state. */
function commandFor(target: 'cxone' | 'salesforce', email: string): SyncCommand {
	const desired = target === 'cxone' ? lunch : busy;
	return {
		target,
		user: { matchKey: 'email', matchValue: email },
		desired,
		acceptable: [desired],
		source: {
			side: target === 'cxone' ? 'salesforce' : 'cxone',
			eventId: `evt-${++n}`,
			changedAt: new Date(Date.now() + 60_000).toISOString(),
			state: target === 'cxone' ? busy : lunch,
		},
		rule: { name: 'Support', row: 1, table: target === 'cxone' ? 'subscriber' : 'publisher' },
		protectBusyAgents: true,
	};
}

async function apply(target: 'cxone' | 'salesforce', emails: string[]): Promise<ApplyResult[]> {
	const node: INode =
		target === 'cxone'
			? { id: 'a', name: 'Apply', type: `${PACKAGE_NAME}.cxoneAgent`, typeVersion: 1, position: [200, 0], parameters: { resource: 'agentState', operation: 'set' }, credentials: { niceCxoneApi: { id: 'cx', name: 'CXone' } } }
			: {
					id: 'a',
					name: 'Apply',
					type: `${PACKAGE_NAME}.salesforceOmni`,
					typeVersion: 1,
					position: [200, 0],
					parameters: { authentication: 'jwt', resource: 'presence', operation: 'set' } as INodeParameters,
					credentials: { salesforceOmniJwtApi: { id: 'sf', name: 'Salesforce' } },
				};
	const result = await runWorkflow({
		nodeTypes,
		credentialsHelper,
		workflowId: `wf-directories-${target}`,
		input: emails.map((email) => ({ json: commandFor(target, email) as unknown as IDataObject })),
		nodes: [{ id: 'start', name: 'Start', type: TEST_START_TYPE, typeVersion: 1, position: [0, 0], parameters: {} }, node],
		connections: { Start: { main: [[{ node: 'Apply', type: NodeConnectionTypes.Main, index: 0 }]] } },
	});
	expect(result.run.data.resultData.error).toBeUndefined();
	return (result.outputs('Apply')[0] ?? []).map((item) => item.json as unknown as ApplyResult);
}

const cxCalls = (key: string) => cxone.router.counters().calls[key] ?? 0;
const queriesOf = (object: string) => soql.filter((q) => new RegExp(`FROM ${object}\\b`).test(q)).length;
const agent = (index: number): CxoneAgentInfo => cxone.agents()[index];
const user = (index: number): EmulatedUser => salesforce.users().find((u) => u.email === agent(index).emailAddress)!;

beforeAll(async () => {
	[salesforce, cxone] = await Promise.all([startSalesforceEmulator({ agents: 20, companionDelayMs: 5 }), startCxoneEmulator({ agents: 20 })]);
	salesforce.router.decorate((req) => {
		const q = req.query.get('q');
		if (q) soql.push(q);
	});
	credentialsHelper = emulatorCredentials(salesforce, cxone);
});

afterAll(async () => {
	teardownN8nCore();
	forgetConnections();
	await Promise.all([salesforce.stop(), cxone.stop()]);
});

describe('CXone Agent → Agent State → Set', () => {
	it('five executions read the agent directory once and the agents\' states five times', async () => {
		for (let i = 0; i < 5; i++) {
			expect(await apply('cxone', [agent(i).emailAddress])).toMatchObject([{ outcome: 'written', user: { cxoneAgentId: agent(i).agentId } }]);
		}
		expect(cxCalls(AGENTS_CALL)).toBe(1);
		expect(cxCalls(STATES_CALL)).toBe(5);
	});

	it('an agent added since is found after one reload; an unknown email right after does not reload again', async () => {
		cxone.seed(21);
		const hire = agent(20);
		const before = cxCalls(AGENTS_CALL);

		expect(await apply('cxone', [hire.emailAddress])).toMatchObject([{ outcome: 'written', user: { cxoneAgentId: hire.agentId } }]);
		expect(cxCalls(AGENTS_CALL) - before).toBe(1);
		expect(cxone.stateOf(hire.agentId)).toMatchObject({ state: 'Unavailable', reason: 'Lunch' });

		const [unknown] = await apply('cxone', ['nobody@example.com']);
		expect(unknown).toMatchObject({ outcome: 'user-not-matched', reason: "no CXone user has email 'nobody@example.com'" });
		expect(cxCalls(AGENTS_CALL) - before).toBe(1);
	});
});

describe('Salesforce Omni-Channel → Presence → Set', () => {
	it('five executions read the users and statuses once and the current presence five times', async () => {
		for (let i = 0; i < 5; i++) {
			expect(await apply('salesforce', [user(i).email])).toMatchObject([{ outcome: 'written', user: { salesforceUserId: user(i).id } }]);
		}
		expect(queriesOf('User')).toBe(1);
		expect(queriesOf('ServicePresenceStatus')).toBe(1);
		expect(queriesOf('UserServicePresence')).toBe(5);
	});

	it('a user added since is found after one reload of the users', async () => {
		salesforce.seed(22);
		const hire = salesforce.users().find((u) => /\.0022@/.test(u.email))!;
		const before = queriesOf('User');

		expect(await apply('salesforce', [hire.email])).toMatchObject([{ outcome: 'written', user: { salesforceUserId: hire.id } }]);
		expect(queriesOf('User') - before).toBe(1);
	});
});
