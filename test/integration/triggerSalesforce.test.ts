/**
 * The Salesforce Omni-Channel Trigger with n8n's real TriggerContext against the Salesforce emulator:
 * PushTopic and CDC streaming and polling, Offline after the settle delay, recovery from an expired session
 * and a forgotten streaming client without losing a change, Force Offline in every mode, a PushTopic an
 * admin deleted, resuming from static data after a restart, no API call after closeFunction, and
 * "Fetch Test Event" from live presence.
 */
import type { ICredentialDataDecryptedObject, IDataObject, INode, INodeParameters } from 'n8n-workflow';

import { SalesforceOmniJwtApi } from '../../credentials/SalesforceOmniJwtApi.credentials';
import { startSalesforceEmulator, type SalesforceEmulator } from '../../emulators/salesforce';
import type { OmniState, PresenceEvent } from '../../lib/engine/types';
import { createSalesforceClient } from '../../lib/salesforce/client';
import { connectionFor } from '../../lib/salesforce/connection';
import { authFromJwtCredential } from '../../lib/salesforce/credentials';
import { SalesforceOmniTrigger } from '../../nodes/SalesforceOmniTrigger/SalesforceOmniTrigger.node';
import { NodeTypes, PACKAGE_NAME, TestCredentialsHelper, runTrigger, teardownN8nCore, type TriggerRun } from '../helpers/harness';

const NODE_NAME = 'Omni Trigger';
let emulator: SalesforceEmulator;
let credentialData: ICredentialDataDecryptedObject;
const nodeTypes = NodeTypes.fromPackage(PACKAGE_NAME, [new SalesforceOmniTrigger()]);
const running: TriggerRun[] = [];

function node(parameters: IDataObject): INode {
	return {
		id: 'sft',
		name: NODE_NAME,
		type: `${PACKAGE_NAME}.salesforceOmniTrigger`,
		typeVersion: 1,
		position: [0, 0],
		parameters: { authentication: 'jwt', ...parameters, options: { settleDelay: 300, ...(parameters.options as IDataObject) } } as INodeParameters,
		credentials: { salesforceOmniJwtApi: { id: 's1', name: 'Salesforce' } },
	};
}

async function start(parameters: IDataObject = {}, options: { staticData?: IDataObject; mode?: 'trigger' | 'manual' } = {}) {
	const credentialsHelper = new TestCredentialsHelper({ salesforceOmniJwtApi: new SalesforceOmniJwtApi() }, { salesforceOmniJwtApi: credentialData });
	const run = await runTrigger({ node: node(parameters), nodeTypes, credentialsHelper, staticData: options.staticData, mode: options.mode });
	running.push(run);
	return run;
}

const events = (run: TriggerRun): PresenceEvent[] => run.emitted.flatMap((data) => data[0].map((item) => item.json as unknown as PresenceEvent));
const omni = (event: PresenceEvent | undefined) => event?.state as OmniState;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const agents = () => emulator.users().filter((user) => user.id !== emulator.connectedApp.integrationUserId);

/** Resolves once the run has emitted an event for `userId` that satisfies `predicate`. */
async function eventFor(run: TriggerRun, userId: string, predicate: (event: PresenceEvent) => boolean = () => true): Promise<PresenceEvent> {
	for (let count = 1; ; count++) {
		const found = events(run).find((event) => event.user.salesforceUserId === userId && predicate(event));
		if (found) return found;
		await run.waitForEmits(Math.max(count, run.emitted.length + 1), 15_000);
	}
}

const isOffline = (event: PresenceEvent) => omni(event).statusId === null;
const isStatus = (developerName: string) => (event: PresenceEvent) => omni(event).developerName === developerName;

beforeAll(async () => {
	emulator = await startSalesforceEmulator({ agents: 20 });
	credentialData = {
		environment: 'custom',
		customUrl: emulator.url,
		clientId: emulator.connectedApp.clientId,
		username: emulator.connectedApp.integrationUsername,
		privateKey: emulator.connectedApp.jwtPrivateKey,
	};
});

beforeEach(() => {
	for (const user of agents()) emulator.setPresence(user.id, 'Available_for_Chats');
});

afterEach(async () => {
	await Promise.all(running.splice(0).map((run) => run.close()));
});

afterAll(async () => {
	teardownN8nCore();
	await emulator.stop();
});

describe.each(['pushTopic', 'cdc', 'polling'])('mode %s', (mode) => {
	const parameters = { mode, pollInterval: 0.5 };

	it('emits a status change as one event with identity, status names and what it was before', async () => {
		const run = await start(parameters);
		const user = agents()[1];
		emulator.setPresence(user.id, 'Busy');
		const event = await eventFor(run, user.id);
		expect(event).toMatchObject({
			side: 'salesforce',
			eventId: expect.stringMatching(/:open$/),
			user: { salesforceUserId: user.id, email: user.email, username: user.username, name: user.name, federationId: user.federationId },
			state: { kind: 'omni', developerName: 'Busy', label: 'Busy', online: false },
			previous: { kind: 'omni', developerName: 'Available_for_Chats', online: true },
		});
		await sleep(800); // past the settle delay: the closed Available row must not turn into an Offline
		expect(events(run).filter((e) => e.user.salesforceUserId === user.id)).toHaveLength(1);
		expect(run.errors).toEqual([]);
	});

	it('emits Offline when the user logs out of Omni-Channel, after the settle delay', async () => {
		const run = await start(parameters);
		const user = agents()[2];
		emulator.setPresence(user.id, null);
		const event = await eventFor(run, user.id);
		expect(event).toMatchObject({
			eventId: expect.stringMatching(/:closed$/),
			state: { kind: 'omni', statusId: null, developerName: null, label: 'Offline', online: false },
			previous: { developerName: 'Available_for_Chats' },
		});
		expect(Date.parse(event.observedAt) - Date.parse(event.changedAt)).toBeGreaterThanOrEqual(300);
	});
});

it('loses no change across an expired session and a streaming client the server forgot', async () => {
	const run = await start({ mode: 'pushTopic' });
	const [a, b, c] = agents().slice(3, 6);
	emulator.setPresence(a.id, 'Busy');
	await eventFor(run, a.id, isStatus('Busy'));

	emulator.expireTokens();
	emulator.setPresence(b.id, 'Lunch_Break');
	await eventFor(run, b.id, isStatus('Lunch_Break'));

	emulator.dropStreamingClients();
	emulator.setPresence(c.id, 'Training');
	emulator.setPresence(a.id, null);
	await eventFor(run, c.id, isStatus('Training'));
	await eventFor(run, a.id, isOffline);

	const ids = events(run).map((event) => event.eventId);
	expect(new Set(ids).size).toBe(ids.length);
	expect(run.errors).toEqual([]);
});

it.each(['pushTopic', 'cdc', 'polling'])('emits Offline when the current presence row is deleted (Force Offline), mode %s', async (mode) => {
	const run = await start({ mode, pollInterval: 0.5 });
	const user = agents()[6];
	const client = createSalesforceClient(authFromJwtCredential(credentialData));
	const [row] = await client.currentPresence([user.id]);
	await client.deletePresence(row.id);
	const event = await eventFor(run, user.id);
	expect(event).toMatchObject({ eventId: `${row.id}:closed`, state: { statusId: null }, previous: { developerName: 'Available_for_Chats' } });
	await sleep(800); // polling reads the deleted row again in its overlap: still one event
	expect(events(run).filter((e) => e.user.salesforceUserId === user.id)).toHaveLength(1);
});

it('re-creates its PushTopic when an admin deleted it, and streams the next change', async () => {
	const run = await start({ mode: 'pushTopic' });
	const [a, b] = agents().slice(16, 18);
	emulator.setPresence(a.id, 'Busy');
	await eventFor(run, a.id, isStatus('Busy'));

	const conn = await connectionFor(authFromJwtCredential(credentialData));
	const [topic] = (await conn.query<{ Id: string }>('SELECT Id FROM PushTopic')).records;
	await conn.sobject('PushTopic').destroy(topic.Id);
	expect(emulator.pushTopics()).toEqual([]);
	emulator.dropStreamingClients(); // the emulator keeps a deleted topic's subscriptions: force the resubscribe
	emulator.setPresence(b.id, 'Training');
	await eventFor(run, b.id, isStatus('Training'));
	expect(emulator.pushTopics()).toHaveLength(1);

	emulator.setPresence(a.id, 'Lunch_Break');
	await eventFor(run, a.id, isStatus('Lunch_Break'));
	const ids = events(run).map((event) => event.eventId);
	expect(new Set(ids).size).toBe(ids.length);
	expect(run.errors).toEqual([]);
});

it('persists its cursors in static data and, after a restart, emits the change made while it was closed', async () => {
	const staticData: IDataObject = {};
	const [a, b] = agents().slice(7, 9);
	const first = await start({ mode: 'pushTopic' }, { staticData });
	emulator.setPresence(a.id, 'Busy');
	await eventFor(first, a.id);
	await first.close();
	const stored = staticData[`node:${NODE_NAME}`] as IDataObject;
	expect(typeof stored.systemModstamp).toBe('string');
	expect(typeof stored.replayId).toBe('number');

	emulator.setPresence(b.id, 'On_Break');
	const second = await start({ mode: 'pushTopic' }, { staticData });
	const event = await eventFor(second, b.id);
	expect(event).toMatchObject({ state: { developerName: 'On_Break' } });
	await sleep(800);
	expect(events(second).filter((e) => e.user.salesforceUserId === a.id)).toEqual([]);
});

it('makes no API call after closeFunction', async () => {
	for (const mode of ['pushTopic', 'polling']) {
		const run = await start({ mode, pollInterval: 0.5 });
		const user = agents()[9];
		emulator.setPresence(user.id, 'Busy');
		await eventFor(run, user.id);
		await run.close();
		const callsAtClose = emulator.router.counters().totalCalls;
		emulator.setPresence(user.id, 'Training');
		await sleep(1500);
		expect(emulator.router.counters().totalCalls).toBe(callsAtClose);
		expect(events(run).filter((e) => isStatus('Training')(e))).toEqual([]);
	}
});

it('limits events to the chosen users', async () => {
	const [inScope, outOfScope] = agents().slice(10, 12);
	const run = await start({ mode: 'pushTopic', options: { userIds: [inScope.id] } });
	emulator.setPresence(outOfScope.id, 'Busy');
	emulator.setPresence(inScope.id, 'Busy');
	await eventFor(run, inScope.id);
	await sleep(800);
	expect(events(run).map((event) => event.user.salesforceUserId)).toEqual([inScope.id]);
});

it('returns live presence as the test event in manual mode', async () => {
	const [busy, offline] = agents().slice(12, 14);
	emulator.setPresence(busy.id, 'Busy');
	emulator.setPresence(offline.id, null);
	const run = await start({ options: { userIds: [busy.id, offline.id] } }, { mode: 'manual' });
	await run.waitForEmits(1);
	const sample = events(run);
	expect(sample.map((event) => [event.user.salesforceUserId, event.user.email, omni(event).developerName])).toEqual(
		expect.arrayContaining([
			[busy.id, busy.email, 'Busy'],
			[offline.id, offline.email, null],
		]),
	);
	expect(sample).toHaveLength(2);
});

it('sends a burst of changes from every agent as a few executions', async () => {
	const run = await start({ mode: 'pushTopic' });
	for (const user of agents()) emulator.setPresence(user.id, 'Training');
	for (const user of agents()) await eventFor(run, user.id, isStatus('Training'));
	expect(events(run)).toHaveLength(agents().length);
	expect(run.emitted.length).toBeLessThanOrEqual(3);
});

it('reconciles: re-emits every online user flagged reconcile, and Offline only for a user seen online', async () => {
	const [loggedOut, neverSeen] = agents().slice(14, 16);
	emulator.setPresence(neverSeen.id, null);
	const run = await start({ mode: 'pushTopic', options: { reconcileEvery: 0.02 } });
	emulator.setPresence(loggedOut.id, null);
	await eventFor(run, loggedOut.id, isOffline);
	await eventFor(run, agents()[0].id, (event) => event.reconcile === true);
	const reconciled = events(run).filter((event) => event.reconcile === true);
	const online = agents().filter((user) => emulator.presenceOf(user.id) !== null);
	expect(new Set(reconciled.map((event) => event.user.salesforceUserId))).toEqual(new Set(online.map((user) => user.id)));
	expect(reconciled.every((event) => omni(event).developerName === 'Available_for_Chats' && event.user.email)).toBe(true);
});
