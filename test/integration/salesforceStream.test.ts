/**
 * The presence stream (jsforce's Faye client over CometD) against the Salesforce emulator: PushTopic and
 * CDC, and recovery without losing events from an expired session, a server that forgot the client, a
 * replay id that is gone, a PushTopic deleted mid-stream, a server whose replay numbering started over,
 * and a silent stall.
 */
import { startSalesforceEmulator, type SalesforceEmulator } from '../../emulators/salesforce';
import { TransportError } from '../../lib/errors';
import { createSalesforceClient } from '../../lib/salesforce/client';
import { connectionFor, forgetConnections } from '../../lib/salesforce/connection';
import { authFromJwtCredential } from '../../lib/salesforce/credentials';
import type { SalesforceAuth, SalesforceClient, StreamMessage, StreamSubscription } from '../../lib/salesforce/types';

const TOPIC = 'OmniPresenceSync';

let emulator: SalesforceEmulator;
let auth: SalesforceAuth;
let client: SalesforceClient;
let subscription: StreamSubscription | null;

/** Collects what the stream reports and lets a test wait until a condition holds. */
class Recorder {
	readonly messages: StreamMessage[] = [];
	readonly gaps: string[] = [];
	readonly errors: Error[] = [];
	private waiters: Array<() => void> = [];

	readonly handlers = {
		onMessage: (message: StreamMessage) => this.push(() => this.messages.push(message)),
		onGap: (reason: string) => this.push(() => this.gaps.push(reason)),
		onError: (error: Error) => this.push(() => this.errors.push(error)),
	};

	private push(record: () => void): void {
		record();
		for (const waiter of this.waiters) waiter();
	}

	/** Resolves once `condition` holds; the test's own timeout bounds the wait. */
	until(condition: () => boolean): Promise<void> {
		return new Promise((resolve) => {
			const check = () => {
				if (!condition()) return;
				this.waiters = this.waiters.filter((w) => w !== check);
				resolve();
			};
			this.waiters.push(check);
			check();
		});
	}

	/** The new current row of a user, once it has arrived. */
	currentRowOf(userId: string, statusId: string): Promise<void> {
		return this.until(() =>
			this.messages.some((m) => m.row.userId === userId && m.row.statusId === statusId && m.row.isCurrentState === true),
		);
	}
}

const statusId = (developerName: string) => emulator.statuses().find((s) => s.developerName === developerName)!.id;
const agents = () => emulator.users().filter((u) => u.id !== emulator.connectedApp.integrationUserId);

async function start(options: { streamingTimeoutMs?: number } = {}) {
	forgetConnections();
	emulator = await startSalesforceEmulator({ port: 0, agents: 6, ...options });
	const app = emulator.connectedApp;
	auth = authFromJwtCredential({
		environment: 'custom',
		customUrl: emulator.url,
		clientId: app.clientId,
		username: app.integrationUsername,
		privateKey: app.jwtPrivateKey,
	});
	client = createSalesforceClient(auth);
}

afterEach(async () => {
	await subscription?.close();
	subscription = null;
	await emulator.stop();
});

describe('PushTopic', () => {
	beforeEach(() => start());

	it('creates the topic once and streams a status change as closed row + new current row', async () => {
		expect(await client.ensurePushTopic(TOPIC)).toBe(TOPIC);
		expect(await client.ensurePushTopic(TOPIC)).toBe(TOPIC);
		expect(emulator.router.counters().writes.pushtopic).toBe(1);

		const recorder = new Recorder();
		subscription = await client.subscribe('pushTopic', { topicName: TOPIC, replayId: null }, recorder.handlers);
		const [agent] = agents();
		emulator.setPresence(agent.id, 'Busy');
		await recorder.currentRowOf(agent.id, statusId('Busy'));

		const forAgent = recorder.messages.filter((m) => m.row.userId === agent.id);
		expect(forAgent.map((m) => [m.changeType, m.row.isCurrentState])).toEqual([
			['updated', false],
			['created', true],
		]);
		expect(forAgent[0].row.statusId).toBe(statusId('Available_for_Chats'));
		expect(forAgent[0].row.statusEndDate).toEqual(expect.any(String));
		expect(subscription.lastReplayId()).toBe(forAgent[1].replayId);
		expect(recorder.gaps).toEqual([]);
	});

	it('recovers from an expired session mid-stream and replays what happened meanwhile', async () => {
		await client.ensurePushTopic(TOPIC);
		const recorder = new Recorder();
		subscription = await client.subscribe('pushTopic', { topicName: TOPIC, replayId: null }, recorder.handlers);
		const [first, second] = agents();
		emulator.setPresence(first.id, 'Busy');
		await recorder.currentRowOf(first.id, statusId('Busy'));

		emulator.expireTokens();
		emulator.setPresence(second.id, 'Lunch_Break'); // while the stream is down
		await recorder.currentRowOf(second.id, statusId('Lunch_Break'));

		// The server keeps the client: an expired session is 401, never 403::Unknown client.
		expect(recorder.gaps).toEqual(['401::Authentication invalid']);
		expect(emulator.router.counters().calls['POST /services/oauth2/token']).toBe(2); // renewed once
		const replayIds = recorder.messages.map((m) => m.replayId);
		expect(new Set(replayIds).size).toBe(replayIds.length);
		expect([...replayIds].sort((a, b) => a - b)).toEqual(replayIds);

		emulator.setPresence(first.id, 'Training'); // and the rebuilt stream keeps going
		await recorder.currentRowOf(first.id, statusId('Training'));
	});

	it('recovers when the server forgets the client (403::Unknown client) without losing events', async () => {
		await client.ensurePushTopic(TOPIC);
		const recorder = new Recorder();
		subscription = await client.subscribe('pushTopic', { topicName: TOPIC, replayId: null }, recorder.handlers);
		const [first, second] = agents();
		emulator.setPresence(first.id, 'Busy');
		await recorder.currentRowOf(first.id, statusId('Busy'));

		emulator.dropStreamingClients();
		emulator.setPresence(second.id, 'On_Break');
		await recorder.currentRowOf(second.id, statusId('On_Break'));

		expect(recorder.gaps).toEqual([expect.stringMatching(/403::Unknown client/)]);
		const replayIds = recorder.messages.map((m) => m.replayId);
		expect(new Set(replayIds).size).toBe(replayIds.length);
	});

	it('re-creates a PushTopic deleted under a running stream, reports the gap, and keeps delivering', async () => {
		await client.ensurePushTopic(TOPIC);
		const recorder = new Recorder();
		subscription = await client.subscribe('pushTopic', { topicName: TOPIC, replayId: null }, recorder.handlers);
		const [first, second] = agents();
		emulator.setPresence(first.id, 'Busy');
		await recorder.currentRowOf(first.id, statusId('Busy'));

		// An admin deletes the topic over REST.
		const conn = await connectionFor(auth);
		const [topic] = (await conn.query<{ Id: string }>(`SELECT Id FROM PushTopic WHERE Name = '${TOPIC}'`)).records;
		expect(await conn.sobject('PushTopic').destroy(topic.Id)).toMatchObject({ success: true });
		expect(emulator.pushTopics()).toEqual([]);
		// The emulator keeps the subscription (it just carries nothing): the stream finds the channel gone
		// when it next resubscribes.
		emulator.dropStreamingClients();
		await recorder.until(() => recorder.gaps.length > 0);
		expect(recorder.gaps).toEqual([
			expect.stringMatching(new RegExp(`^403::Unknown client; /topic/${TOPIC} no longer existed and was re-created$`)),
		]);
		expect(emulator.pushTopics().map((t) => t.Name)).toEqual([TOPIC]);

		emulator.setPresence(second.id, 'Training');
		await recorder.currentRowOf(second.id, statusId('Training'));
		expect(recorder.errors).toEqual([]);
	});

	it('resubscribes for new events and reports a gap when the stored replay id is gone', async () => {
		await client.ensurePushTopic(TOPIC);
		const recorder = new Recorder();
		subscription = await client.subscribe('pushTopic', { topicName: TOPIC, replayId: 987654 }, recorder.handlers);
		expect(recorder.gaps).toEqual([expect.stringMatching(/replay id 987654 is no longer retained/)]);
		const [agent] = agents();
		emulator.setPresence(agent.id, 'Busy');
		await recorder.currentRowOf(agent.id, statusId('Busy'));
	});

	it('replays from a stored replay id after a restart', async () => {
		await client.ensurePushTopic(TOPIC);
		const first = new Recorder();
		subscription = await client.subscribe('pushTopic', { topicName: TOPIC, replayId: null }, first.handlers);
		const [a, b] = agents();
		emulator.setPresence(a.id, 'Busy');
		await first.currentRowOf(a.id, statusId('Busy'));
		const stored = subscription.lastReplayId();
		await subscription.close();

		emulator.setPresence(b.id, 'Training'); // while nobody listens
		const second = new Recorder();
		subscription = await client.subscribe('pushTopic', { topicName: TOPIC, replayId: stored }, second.handlers);
		await second.currentRowOf(b.id, statusId('Training'));
		expect(second.messages.every((m) => m.replayId > stored!)).toBe(true);
		expect(second.gaps).toEqual([]);
	});

	it('says how to fix a topic that does not exist', async () => {
		const error = (await client
			.subscribe('pushTopic', { topicName: 'NoSuchTopic', replayId: null }, new Recorder().handlers)
			.catch((e: unknown) => e)) as TransportError;
		expect(error).toBeInstanceOf(TransportError);
		expect(error.errorCode).toBe('STREAMING_CHANNEL_NOT_FOUND');
		expect(error.message).toMatch(/\/topic\/NoSuchTopic does not exist: create it with ensurePushTopic/);
	});
});

describe('a server whose replay numbering started over', () => {
	it('delivers its new events after falling back to new events only, though their ids are lower', async () => {
		// The first run numbers replay ids from a clock an hour ahead; the same org restarted (same port,
		// connected app and topic, as after a refresh) numbers from now, so every new id is lower.
		const realNow = Date.now;
		const ahead = jest.spyOn(Date, 'now').mockImplementation(() => realNow() + 3_600_000);
		try {
			await start();
		} finally {
			ahead.mockRestore();
		}
		await client.ensurePushTopic(TOPIC);
		const recorder = new Recorder();
		subscription = await client.subscribe('pushTopic', { topicName: TOPIC, replayId: null }, recorder.handlers);
		const [agent] = agents();
		emulator.setPresence(agent.id, 'Busy');
		await recorder.currentRowOf(agent.id, statusId('Busy'));
		const lastBefore = subscription.lastReplayId()!;

		const { port, connectedApp } = emulator;
		const pushTopics = emulator.pushTopics();
		await emulator.stop();
		emulator = await startSalesforceEmulator({ port, agents: 6, connectedApp, pushTopics });
		await recorder.until(() => recorder.gaps.length > 0);
		expect(recorder.gaps).toEqual([expect.stringMatching(new RegExp(`replay id ${lastBefore} is no longer retained`))]);

		emulator.setPresence(agent.id, 'Training');
		await recorder.currentRowOf(agent.id, statusId('Training'));
		expect(recorder.messages.at(-1)!.replayId).toBeLessThan(lastBefore);
		expect(subscription.lastReplayId()).toBe(recorder.messages.at(-1)!.replayId);
	});
});

describe('Change Data Capture', () => {
	beforeEach(() => start());

	it('streams UserServicePresenceChangeEvent as presence rows', async () => {
		const recorder = new Recorder();
		subscription = await client.subscribe('cdc', { replayId: null }, recorder.handlers);
		const [agent] = agents();
		emulator.setPresence(agent.id, 'Busy');
		await recorder.currentRowOf(agent.id, statusId('Busy'));
		const created = recorder.messages.find((m) => m.changeType === 'created')!;
		expect(created.row).toEqual(expect.objectContaining({ userId: agent.id, isCurrentState: true, id: expect.any(String) }));
		expect(recorder.messages.some((m) => m.changeType === 'updated' && m.row.isCurrentState === false)).toBe(true);
	});
});

describe('watchdog', () => {
	// The emulator holds /meta/connect for 110 s as Salesforce does; a short watchdog sees that as a stall.
	beforeEach(() => start({ streamingTimeoutMs: 110_000 }));

	it('rebuilds a stream that went silent, reports the gap, and keeps delivering', async () => {
		await client.ensurePushTopic(TOPIC);
		const recorder = new Recorder();
		subscription = await client.subscribe(
			'pushTopic',
			{ topicName: TOPIC, replayId: null, watchdogMs: 400 },
			recorder.handlers,
		);
		await recorder.until(() => recorder.gaps.length > 0);
		expect(recorder.gaps[0]).toMatch(/stalled: no \/meta\/connect round trip within 400 ms/);
		const [agent] = agents();
		emulator.setPresence(agent.id, 'Busy');
		await recorder.currentRowOf(agent.id, statusId('Busy'));
	});
});
