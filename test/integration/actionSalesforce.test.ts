/**
 * The Salesforce Omni-Channel node in real workflows (in-process n8n) against the Salesforce emulator:
 * a batch of commands read with one presence query and published in one composite call, then applied by
 * the simulated companion; the skip outcomes; Offline through the companion's logout; Define Below with
 * validation; Force Offline; the read operations; the echo ledger; and no secret in any item.
 */
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { SalesforceOmniJwtApi } from '../../credentials/SalesforceOmniJwtApi.credentials';
import { startSalesforceEmulator, type EmulatedUser, type SalesforceEmulator } from '../../emulators/salesforce';
import { OFFLINE_OMNI, sharedEchoLedger } from '../../lib/engine';
import type { OmniState, PresenceEvent, SyncCommand } from '../../lib/engine';
import { forgetConnections } from '../../lib/salesforce/connection';
import { SalesforceOmni } from '../../nodes/SalesforceOmni/SalesforceOmni.node';
import { NodeTypes, PACKAGE_NAME, TEST_START_TYPE, TestCredentialsHelper, TestStart, teardownN8nCore } from '../helpers/harness';
import { runNodeAfterStart } from '../helpers/nodeAfterStart';
import { jwtCredentialData } from '../helpers/salesforceCredentialData';

const COMPOSITE = 'POST /services/data/:version/composite/sobjects';

let emulator: SalesforceEmulator;
let users: EmulatedUser[];
let credentialsHelper: TestCredentialsHelper;
/** SOQL statements the org received since the last reset. */
let soql: string[] = [];
const nodeTypes = NodeTypes.fromPackage(PACKAGE_NAME, [new SalesforceOmni()], { [TEST_START_TYPE]: new TestStart() });
const everyItem: INodeExecutionData[] = [];
let workflowCount = 0;

const omni = (developerName: string | null): OmniState =>
	developerName === null ? { ...OFFLINE_OMNI } : { kind: 'omni', statusId: null, developerName, label: developerName, online: false };
const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString();

function command(user: EmulatedUser, desired: OmniState, extra: Partial<SyncCommand> = {}): SyncCommand {
	const presence = emulator.presenceOf(user.id);
	return {
		target: 'salesforce',
		user: { matchKey: 'email', matchValue: user.email, cxoneAgentId: 30000001 },
		desired,
		acceptable: [desired],
		source: {
			side: 'cxone',
			eventId: `evt-${user.id}-${Math.random()}`,
			// The CXone change came one second after the user's current Omni status began.
			changedAt: new Date((presence ? Date.parse(presence.since) : Date.now()) + 1000).toISOString(),
			state: { kind: 'acd', state: 'Unavailable', reason: 'Lunch', isAcw: false },
		},
		rule: { name: 'Support', row: 2, table: 'publisher' },
		...extra,
	};
}

async function run(parameters: IDataObject, input: unknown[], options: { continueOnFail?: boolean; workflowId?: string } = {}) {
	const result = await runNodeAfterStart({
		nodeTypes,
		credentialsHelper,
		workflowId: options.workflowId ?? `wf-sf-${++workflowCount}`,
		node: { type: 'salesforceOmni', name: 'Omni', parameters: { authentication: 'jwt', ...parameters }, credentials: { salesforceOmniJwtApi: { id: 's1', name: 'Salesforce' } }, continueOnFail: options.continueOnFail },
		input,
	});
	everyItem.push(...result.items);
	return result;
}

const calls = (key: string) => emulator.router.counters().calls[key] ?? 0;
const writes = (kind: string) => emulator.router.counters().writes[kind] ?? 0;
const presenceQueries = () => soql.filter((q) => /FROM UserServicePresence/i.test(q));

/** Waits until the simulated companion has applied `count` commands (it applies after a delay). */
async function companionApplied(count: number): Promise<void> {
	for (let i = 0; i < 500 && writes('presence-applied') < count; i++) await new Promise((r) => setTimeout(r, 10));
	expect(writes('presence-applied')).toBe(count);
}

beforeAll(async () => {
	emulator = await startSalesforceEmulator({ port: 0, agents: 60, companionDelayMs: 5 });
	emulator.router.decorate((req) => {
		const q = req.query.get('q');
		if (q) soql.push(q);
	});
	credentialsHelper = new TestCredentialsHelper({ salesforceOmniJwtApi: new SalesforceOmniJwtApi() }, { salesforceOmniJwtApi: jwtCredentialData(emulator) });
});

beforeEach(() => {
	users = emulator.users().filter((u) => u.id !== emulator.connectedApp.integrationUserId);
	for (const user of users) {
		emulator.setConsoleOpen(user.id, true);
		emulator.setPresence(user.id, 'Available_for_Chats');
	}
	emulator.router.resetCounters();
	emulator.router.clearFaults();
	soql = [];
});

afterAll(async () => {
	const text = JSON.stringify(everyItem);
	const app = emulator.connectedApp;
	expect(text).not.toContain(app.clientSecret);
	expect(text).not.toContain('PRIVATE KEY');
	expect(text).not.toMatch(/00D[A-Za-z0-9]{12,15}!|bearer\s|access_token/i);
	teardownN8nCore();
	forgetConnections();
	await emulator.stop();
});

describe('Presence → Set from Presence Rule commands', () => {
	it('reads 50 users with one presence query, publishes one composite call, and the companion applies it', async () => {
		const batch = users.slice(0, 50).map((user, i) => command(user, omni(i % 5 === 0 ? 'Available_for_Chats' : 'Busy')));
		const { run: result, json } = await run({ resource: 'presence', operation: 'set' }, batch, { workflowId: 'wf-ledger-sf' });

		expect(result.status).toBe('success');
		expect(json).toHaveLength(50);
		expect(json.filter((r) => r.outcome === 'already-consistent')).toHaveLength(10);
		expect(json.filter((r) => r.outcome === 'written')).toHaveLength(40);
		expect(presenceQueries()).toHaveLength(1);
		expect(calls(COMPOSITE)).toBe(1);
		expect(writes('presence-command')).toBe(40);
		expect(json[1]).toMatchObject({
			outcome: 'written',
			target: 'salesforce',
			user: { salesforceUserId: users[1].id },
			desired: { developerName: 'Busy', statusId: emulator.statuses().find((s) => s.developerName === 'Busy')!.id },
			current: { developerName: 'Available_for_Chats' },
		});
		expect(json[1].writeId).toMatch(/^[0-9a-f-]{36}$/);
		expect(result.data.resultData.runData.Omni[0].data!.main[0]!.map((item) => item.pairedItem)).toEqual(batch.map((_, item) => ({ item })));

		await companionApplied(40);
		expect(emulator.presenceOf(users[1].id)?.developerName).toBe('Busy');
		expect(emulator.presenceOf(users[0].id)?.developerName).toBe('Available_for_Chats');

		const echo: PresenceEvent = {
			side: 'salesforce',
			eventId: 'echo-1',
			changedAt: new Date().toISOString(),
			observedAt: new Date().toISOString(),
			user: { salesforceUserId: users[1].id },
			state: omni('Busy'),
		};
		expect(sharedEchoLedger().matches(echo, new Date(), 10_000, 'wf-ledger-sf')).toMatchObject({ side: 'salesforce', userId: users[1].id });
	});

	it('skips a stale command, lets the master side override, and takes users offline through the companion logout', async () => {
		const [stale, master, offline, alreadyOffline] = users;
		emulator.setPresence(stale.id, 'Lunch_Break');
		emulator.setPresence(master.id, 'Lunch_Break');
		emulator.setPresence(alreadyOffline.id, null);
		const old = (c: SyncCommand): SyncCommand => ({ ...c, source: { ...c.source, changedAt: minutesAgo(5) } });

		const { json } = await run({ resource: 'presence', operation: 'set' }, [
			old(command(stale, omni('Busy'))),
			old(command(master, omni('Busy'), { masterSide: 'cxone' })),
			command(offline, omni(null)),
			command(alreadyOffline, omni(null)),
			command({ ...stale, email: 'nobody@example.com' }, omni('Busy')),
		]);

		expect(json.map((r) => r.outcome)).toEqual(['stale', 'written', 'written', 'already-consistent', 'user-not-matched']);
		expect(json[0].reason).toMatch(/changed to Lunch_Break at .*, after the source change/);
		expect(writes('presence-command')).toBe(2);
		await companionApplied(2);
		expect(emulator.presenceOf(stale.id)?.developerName).toBe('Lunch_Break');
		expect(emulator.presenceOf(master.id)?.developerName).toBe('Busy');
		expect(emulator.presenceOf(offline.id)).toBeNull();
		expect(writes('presence-delete')).toBe(0);
	});

	it('a command naming a status the org lacks fails with the valid statuses; dry runs never publish', async () => {
		const { json } = await run(
			{ resource: 'presence', operation: 'set' },
			[command(users[0], omni('Coffee')), command(users[1], omni('Busy'), { dryRun: true })],
			{ continueOnFail: true },
		);
		expect(json[0]).toMatchObject({ outcome: 'failed' });
		expect(json[0].reason).toMatch(/UNKNOWN_STATUS: Salesforce status 'Coffee' does not exist .*; valid: .*Available_for_Chats.*Busy/);
		expect(json[1]).toMatchObject({ outcome: 'dry-run' });
		expect(calls(COMPOSITE)).toBe(0);
	});

	it("fails every write with Salesforce's code when the publish fails as a whole (the companion's event is not deployed)", async () => {
		emulator.router.inject({
			kind: 'status',
			status: 400,
			count: 1,
			pathPrefix: '/services/data/v62.0/composite/sobjects',
			body: [{ errorCode: 'INVALID_TYPE', message: "sObject type 'Presence_Sync_Command__e' is not supported." }],
		});
		const batch = [command(users[0], omni('Busy')), command(users[1], omni('Busy'))];
		const { json } = await run({ resource: 'presence', operation: 'set' }, batch, { continueOnFail: true });
		expect(json.map((r) => r.outcome)).toEqual(['failed', 'failed']);
		expect(json[0].reason).toMatch(new RegExp(`^Salesforce refused the change for Salesforce user ${users[0].id} \\(email '${users[0].email}'\\): INVALID_TYPE: `));

		emulator.router.inject({ kind: 'status', status: 400, count: 1, pathPrefix: '/services/data/v62.0/composite/sobjects', body: [{ errorCode: 'INVALID_TYPE', message: 'not supported' }] });
		const { run: stopped } = await run({ resource: 'presence', operation: 'set' }, batch);
		expect(stopped.data.resultData.error).toMatchObject({ name: 'NodeApiError', context: { errorCode: 'INVALID_TYPE', itemIndex: 0 } });
	});
});

describe('Presence → Set, Define Below', () => {
	const defineBelow = (extra: IDataObject) => ({ resource: 'presence', operation: 'set', inputMode: 'defineBelow', ...extra });

	it('sets users picked by id or email, Offline included', async () => {
		const [a, b] = users;
		const { json } = await run(defineBelow({ lookupBy: '={{ $json.by }}', userId: '={{ $json.value }}', email: '={{ $json.value }}', username: '={{ $json.value }}', status: '={{ $json.status }}' }), [
			{ by: 'id', value: a.id, status: 'Training' },
			{ by: 'email', value: b.email, status: '@offline' },
		]);
		expect(json.map((r) => r.outcome)).toEqual(['written', 'written']);
		await companionApplied(2);
		expect(emulator.presenceOf(a.id)?.developerName).toBe('Training');
		expect(emulator.presenceOf(b.id)).toBeNull();
	});

	it('rejects an unknown status with the valid statuses', async () => {
		const { run: result } = await run(defineBelow({ lookupBy: 'id', userId: users[0].id, status: 'Coffee' }), [{}]);
		expect(result.status).toBe('error');
		const error = result.data.resultData.error!;
		expect(error.name).toBe('NodeOperationError');
		expect(error.message).toBe(
			"Salesforce status 'Coffee' does not exist or is not visible to the integration user; valid: Available_for_Chats, Available_for_Voice, Busy, Lunch_Break, On_Break, Training",
		);
		expect(calls(COMPOSITE)).toBe(0);
	});
});

describe('other operations', () => {
	it('Presence → Get gives each user the current status and since, from one query', async () => {
		emulator.setPresence(users[1].id, 'Busy');
		emulator.setPresence(users[2].id, null);
		soql = [];
		const { json } = await run({ resource: 'presence', operation: 'get', lookupBy: 'email', email: '={{ $json.email }}' }, [
			{ email: users[1].email },
			{ email: users[2].email },
		]);
		expect(json[0]).toMatchObject({ userId: users[1].id, email: users[1].email, state: { kind: 'omni', developerName: 'Busy', online: false } });
		expect((json[0].state as IDataObject).since).toBe(emulator.presenceOf(users[1].id)!.since);
		expect(json[1].state).toEqual(OFFLINE_OMNI);
		expect(presenceQueries()).toHaveLength(1);
	});

	it('Presence → Force Offline deletes the current presence row, and says so when there is none', async () => {
		emulator.setPresence(users[1].id, null);
		const { json } = await run({ resource: 'presence', operation: 'forceOffline', lookupBy: 'id', userId: '={{ $json.id }}' }, [
			{ id: users[0].id },
			{ id: users[1].id },
		]);
		expect(json[0]).toMatchObject({ userId: users[0].id, forcedOffline: true, previous: { developerName: 'Available_for_Chats' } });
		expect(json[1]).toMatchObject({ userId: users[1].id, forcedOffline: false });
		expect(writes('presence-delete')).toBe(1);
		expect(emulator.presenceOf(users[0].id)).toBeNull();
	});

	it('Presence Status → Get Many and User → Get Many', async () => {
		const { json: statuses } = await run({ resource: 'presenceStatus', operation: 'getAll', returnAll: true }, [{}]);
		expect(statuses.map((s) => [s.developerName, s.online])).toEqual(
			expect.arrayContaining([
				['Available_for_Chats', true],
				['Busy', false],
			]),
		);
		const { json: some } = await run({ resource: 'user', operation: 'getAll', limit: 5 }, [{}]);
		expect(some).toHaveLength(5);
		expect(Object.keys(some[0]).sort()).toEqual(['email', 'federationId', 'id', 'isActive', 'name', 'username']);
	});

	it('a user that does not exist is an error naming the lookup', async () => {
		const { run: result } = await run({ resource: 'presence', operation: 'get', lookupBy: 'username', username: 'ghost' }, [{}]);
		expect(result.data.resultData.error!.message).toBe("no Salesforce user has username 'ghost'");
	});
});
