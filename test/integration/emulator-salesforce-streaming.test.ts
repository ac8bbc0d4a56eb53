/**
 * The Salesforce emulator's Streaming API and simulated companion, driven by jsforce 3.10.16's Faye-based
 * CometD client exactly as the package uses it (createClient with the Replay and AuthFailure extensions).
 */
import type { Connection } from 'jsforce';
import { StreamingExtension } from 'jsforce/api/streaming';
import { COMMAND_CHANNEL, toEventRecord } from '../../lib/salesforce/companionContract';
import { CDC_CHANNEL, startSalesforceEmulator, type SalesforceEmulator } from '../../emulators/salesforce';
import { collect, connectWithCode, jsonOf } from './emulator-salesforce.helpers';

/** Faye's Client has disconnect() at runtime (a thenable while connected); its bundled typings omit it. */
type FayeClient = ReturnType<Connection['streaming']['createClient']> & { disconnect(): PromiseLike<void> | undefined };

/** Waits for /meta/disconnect to be answered, so no request is in flight when the emulator stops. */
async function disconnect(client: FayeClient): Promise<void> {
	const done = client.disconnect();
	if (done) await new Promise<void>((resolve) => done.then(resolve, resolve));
}
type Message = Record<string, any>;

/** Records every message the client receives (meta replies included), in order. */
class Recorder {
	readonly messages: Message[] = [];
	private waiters: Array<{ predicate: (m: Message) => boolean; resolve: (m: Message) => void }> = [];

	incoming(message: Message, callback: (m: Message) => void): void {
		this.messages.push(message);
		this.waiters = this.waiters.filter((w) => !(w.predicate(message) && (w.resolve(message), true)));
		callback(message);
	}

	next(predicate: (m: Message) => boolean): Promise<Message> {
		const seen = this.messages.find(predicate);
		return seen ? Promise.resolve(seen) : new Promise((resolve) => this.waiters.push({ predicate, resolve }));
	}
}

/** Resolves when the subscription is acknowledged, rejects with the Bayeux error when it is refused. */
function subscribed(client: FayeClient, channel: string, onData: (data: any) => void): Promise<void> {
	const subscription = client.subscribe(channel, onData);
	return new Promise((resolve, reject) => subscription.then(() => resolve(), reject));
}

function received<T>(count: number): { list: T[]; push: (item: T) => void; done: Promise<T[]> } {
	const list: T[] = [];
	let resolveDone: (items: T[]) => void;
	const done = new Promise<T[]>((resolve) => (resolveDone = resolve));
	return {
		list,
		push: (item) => {
			list.push(item);
			if (list.length === count) resolveDone(list);
		},
		done,
	};
}

const PUSH_TOPIC = {
	Name: 'OmniPresence',
	Query: 'SELECT Id, UserId, ServicePresenceStatusId, IsCurrentState, StatusStartDate, StatusEndDate FROM UserServicePresence',
	ApiVersion: 62.0,
	NotifyForFields: 'Referenced',
};

describe('Salesforce emulator: CometD streaming', () => {
	let emulator: SalesforceEmulator;
	let conn: Connection;
	const clients: FayeClient[] = [];
	const newClient = (extensions: unknown[], connection = conn) => {
		const client = connection.streaming.createClient(extensions as any) as FayeClient;
		clients.push(client);
		return client;
	};

	beforeAll(async () => {
		emulator = await startSalesforceEmulator({ agents: 5 });
		conn = await connectWithCode(emulator);
		await conn.sobject('PushTopic').create(PUSH_TOPIC);
	});
	afterEach(() => Promise.all(clients.splice(0).map(disconnect)));
	afterAll(() => emulator.stop());

	it('delivers PushTopic events for a presence change: the closed row, then the new current row', async () => {
		const agent = emulator.users()[1];
		const recorder = new Recorder();
		const client = newClient([recorder, new StreamingExtension.Replay('/topic/OmniPresence', -1)]);
		const events = received<any>(2);
		await subscribed(client, '/topic/OmniPresence', events.push);
		const handshake = await recorder.next((m) => m.channel === '/meta/handshake');
		expect(handshake).toMatchObject({ successful: true, supportedConnectionTypes: ['long-polling'], ext: { replay: true } });

		emulator.setPresence(agent.id, 'Busy');
		const [closed, opened] = await events.done;
		expect(closed.event).toMatchObject({ type: 'updated', replayId: expect.any(Number), createdDate: expect.stringMatching(/Z$/) });
		expect(closed.sobject).toMatchObject({ UserId: agent.id, IsCurrentState: false, StatusEndDate: expect.stringMatching(/Z$/) });
		expect(opened.event.type).toBe('created');
		expect(opened.event.replayId).toBe(closed.event.replayId + 1);
		const busy = emulator.statuses().find((s) => s.developerName === 'Busy')!;
		expect(opened.sobject).toEqual({
			Id: expect.stringMatching(/^0Pd/),
			UserId: agent.id,
			ServicePresenceStatusId: busy.id,
			IsCurrentState: true,
			StatusStartDate: expect.any(String),
			StatusEndDate: null,
		});
	});

	it('after a reconnect, resumes from the last replay id or replays everything retained with -2', async () => {
		await conn.sobject('PushTopic').create({ ...PUSH_TOPIC, Name: 'ReplayTopic' });
		const channel = '/topic/ReplayTopic';
		const agent = emulator.users()[2];
		const first = newClient([new StreamingExtension.Replay(channel, -1)]);
		const live = received<any>(2);
		await subscribed(first, channel, live.push);
		emulator.setPresence(agent.id, 'Training');
		const lastSeen = (await live.done)[1].event.replayId;
		await disconnect(first);
		emulator.setPresence(agent.id, 'Lunch_Break');

		const resumed = received<any>(2);
		await subscribed(newClient([new StreamingExtension.Replay(channel, lastSeen)]), channel, resumed.push);
		expect((await resumed.done).map((d) => d.event.replayId)).toEqual([lastSeen + 1, lastSeen + 2]);

		const everything = received<any>(4);
		await subscribed(newClient([new StreamingExtension.Replay(channel, -2)]), channel, everything.push);
		// Replay ids start above any an earlier run of the org could have issued, then rise by one.
		const firstId = lastSeen - 1;
		expect(firstId).toBeGreaterThan(1e15);
		expect((await everything.done).map((d) => [d.event.replayId, d.event.type])).toEqual([
			[firstId, 'updated'],
			[firstId + 1, 'created'],
			[firstId + 2, 'updated'],
			[firstId + 3, 'created'],
		]);
	});

	it('refuses an unknown replay id with the documented 400 error', async () => {
		const client = newClient([new StreamingExtension.Replay('/topic/OmniPresence', 9999)]);
		const failure = await subscribed(client, '/topic/OmniPresence', () => undefined).then(
			() => undefined,
			(error: { message: string }) => error,
		);
		// Faye's error grammar rejects Salesforce's punctuation, so the whole text arrives as the message.
		expect(failure!.message).toBe(
			'400::The replayId {9999} you provided was invalid.  Please provide a valid ID, -2 to replay all events, or -1 to replay only new events.',
		);
	});

	it('refuses a subscription to a topic that does not exist', async () => {
		const client = newClient([]);
		const failure = await subscribed(client, '/topic/Nope', () => undefined).then(
			() => undefined,
			(error: { message: string }) => error,
		);
		expect(failure!.message).toMatch(/channel you requested to subscribe to doesn't exist/);
	});

	it('sends CDC UserServicePresenceChangeEvents from API 62.0, and no such channel before it', async () => {
		const agent = emulator.users()[3];
		const client = newClient([]);
		const events = received<any>(2);
		await subscribed(client, CDC_CHANNEL, events.push);
		emulator.setPresence(agent.id, null);
		emulator.setPresence(agent.id, 'Available_for_Voice');
		const [logout, login] = await events.done;
		expect(logout.payload.ChangeEventHeader).toMatchObject({
			entityName: 'UserServicePresence',
			changeType: 'UPDATE',
			changedFields: expect.arrayContaining(['IsCurrentState', 'StatusEndDate']),
			commitTimestamp: expect.any(Number),
		});
		expect(logout.payload.IsCurrentState).toBe(false);
		expect(login.payload.ChangeEventHeader.changeType).toBe('CREATE');
		expect(login.payload).toMatchObject({ UserId: agent.id, IsCurrentState: true, IsAway: false });
		expect(login.event.replayId).toBe(logout.event.replayId + 1);

		const old = await connectWithCode(emulator, { version: '61.0' });
		const refused = await subscribed(newClient([], old), CDC_CHANNEL, () => undefined).then(
			() => undefined,
			(error: { message: string }) => error,
		);
		expect(refused!.message).toBe(`400::The channel you requested to subscribe to doesn't exist ${CDC_CHANNEL}`);
	});

	it('answers 403::Unknown client after dropStreamingClients; Faye re-handshakes and keeps receiving', async () => {
		const agent = emulator.users()[4];
		const recorder = new Recorder();
		const client = newClient([recorder]);
		const events: any[] = [];
		await subscribed(client, '/topic/OmniPresence', (data) => events.push(data));
		emulator.dropStreamingClients();
		await recorder.next((m) => m.channel === '/meta/connect' && m.error === '403::Unknown client');
		const handshakes = () => recorder.messages.filter((m) => m.channel === '/meta/handshake' && m.successful).length;
		await recorder.next((m) => m.channel === '/meta/subscribe' && m.successful && handshakes() === 2);
		emulator.setPresence(agent.id, 'On_Break');
		await recorder.next((m) => m.channel === '/topic/OmniPresence' && m.data.event.type === 'created');
		expect(events.at(-1).sobject.UserId).toBe(agent.id);
	});
	it('a Force Offline DELETE sends a PushTopic deleted event naming only the row, and a CDC DELETE change event', async () => {
		const agent = emulator.users()[2];
		const client = newClient([]);
		const topic = received<any>(1);
		const cdc = received<any>(1);
		await subscribed(client, '/topic/OmniPresence', topic.push);
		await subscribed(client, CDC_CHANNEL, cdc.push);
		const current = await conn.query<any>(`SELECT Id FROM UserServicePresence WHERE IsCurrentState = true AND UserId = '${agent.id}'`);
		const rowId = current.records[0].Id;
		await conn.sobject('UserServicePresence').destroy(rowId);
		const [deleted] = await topic.done;
		expect(deleted).toEqual({ event: { type: 'deleted', replayId: expect.any(Number), createdDate: expect.stringMatching(/Z$/) }, sobject: { Id: rowId } });
		const [change] = await cdc.done;
		expect(change.payload).toEqual({ ChangeEventHeader: expect.objectContaining({ entityName: 'UserServicePresence', changeType: 'DELETE', recordIds: [rowId] }) });
		expect(emulator.presenceOf(agent.id)).toBeNull();
	});

	it('an expired session gets 401::Authentication invalid on every later connect, never 403::Unknown client', async () => {
		const own = await connectWithCode(emulator);
		const bayeux = async (message: Message): Promise<Message> => {
			const response = await fetch(`${emulator.url}/cometd/62.0`, {
				method: 'POST',
				headers: { Authorization: `Bearer ${own.accessToken}`, 'Content-Type': 'application/json' },
				body: JSON.stringify([message]),
			});
			return ((await response.json()) as Message[]).find((reply) => reply.channel === message.channel)!;
		};
		const { clientId } = await bayeux({ channel: '/meta/handshake', version: '1.0', supportedConnectionTypes: ['long-polling'] });
		const connect = () => bayeux({ channel: '/meta/connect', clientId, connectionType: 'long-polling' });
		expect(await connect()).toMatchObject({ successful: true }); // the first connect answers at once
		const held = connect();
		// Expire once the poll is held: releasing it early is allowed, with the same auth failure.
		await new Promise((resolve) => setTimeout(resolve, 100));
		emulator.expireTokens();
		const authFailure = { successful: false, error: '401::Authentication invalid', advice: { reconnect: 'none', interval: 0 } };
		expect(await held).toMatchObject(authFailure);
		expect(await connect()).toMatchObject(authFailure);
		expect(await bayeux({ channel: '/meta/subscribe', clientId, subscription: '/topic/OmniPresence' })).toMatchObject(authFailure);
	});

	it('ends a held connect with 401::Authentication invalid when tokens expire, which AuthFailure sees', async () => {
		const own = await connectWithCode(emulator);
		const failure = new Promise<Message>((resolve) => newClient([new StreamingExtension.AuthFailure(resolve)], own));
		const client = clients[clients.length - 1];
		await subscribed(client, '/topic/OmniPresence', () => undefined);
		emulator.expireTokens();
		expect(await failure).toMatchObject({
			channel: '/meta/connect',
			successful: false,
			error: '401::Authentication invalid',
			advice: { reconnect: 'none' },
		});
		// A new client on the stale token is denied at handshake, as Salesforce does.
		const recorder = new Recorder();
		const denied = new Promise<Message>((resolve) => newClient([new StreamingExtension.AuthFailure(resolve), recorder], own));
		void clients[clients.length - 1].subscribe('/topic/OmniPresence', () => undefined);
		expect(await denied).toMatchObject({
			channel: '/meta/handshake',
			error: '403::Handshake denied',
			ext: { sfdc: { failureReason: '401::Authentication invalid' } },
		});
	});
});

describe('Salesforce emulator: simulated companion', () => {
	let emulator: SalesforceEmulator;
	let conn: Connection;

	beforeAll(async () => {
		emulator = await startSalesforceEmulator({ agents: 250, companionDelayMs: 5 });
		conn = await connectWithCode(emulator);
	});
	afterAll(() => emulator.stop());

	it('applies 250 composite-published commands (jsforce allowRecursive chunks by 200) for open consoles only', async () => {
		const agents = emulator.users().slice(1);
		const closed = new Set(agents.filter((_, i) => i % 2 === 1).map((a) => a.id));
		for (const id of closed) emulator.setConsoleOpen(id, false);
		emulator.router.resetCounters();
		const decisions = collect<[any, any]>(emulator.events, 'command', 250);
		const applied = collect<[string, any, string]>(emulator.events, 'presence', 125, (_u, _s, cause) => cause === 'companion');

		const records = agents.map((agent, i) =>
			toEventRecord({
				userId: agent.id,
				action: 'set',
				statusDeveloperName: 'Lunch_Break',
				statusId: emulator.statuses().find((s) => s.developerName === 'Lunch_Break')!.id,
				commandId: `cmd-${i}`,
				issuedAt: new Date().toISOString(),
				source: 'test',
			}),
		);
		const results = await conn.sobject('Presence_Sync_Command__e').create(records, { allowRecursive: true });
		expect(results).toHaveLength(250);
		expect(results.every((r) => r.success && /^e00/.test(r.id!))).toBe(true);
		expect(emulator.router.counters().calls['POST /services/data/:version/composite/sobjects']).toBe(2);

		const outcome = await decisions;
		expect(outcome.filter(([d]) => d.code === 'console-closed')).toHaveLength(125);
		expect(outcome.filter(([d]) => d.verdict === 'apply')).toHaveLength(125);
		await applied;
		for (const agent of agents) {
			expect(emulator.presenceOf(agent.id)?.developerName).toBe(closed.has(agent.id) ? 'Available_for_Chats' : 'Lunch_Break');
		}
		expect(emulator.router.counters().writes).toMatchObject({ 'presence-command': 250, 'presence-applied': 125 });
	});

	it('publishes the event on /event/Presence_Sync_Command__e, and the companion ignores a duplicate', async () => {
		const agent = emulator.users()[1];
		const client = conn.streaming.createClient([]) as FayeClient;
		try {
			const seen = received<any>(2);
			await subscribed(client, COMMAND_CHANNEL, seen.push);
			const decisions = collect<[any, any]>(emulator.events, 'command', 2);
			const command = toEventRecord({
				userId: agent.id,
				action: 'logout',
				commandId: 'cmd-logout',
				issuedAt: new Date().toISOString(),
				source: 'test',
			});
			const publish = () =>
				fetch(`${emulator.url}/services/data/v62.0/sobjects/Presence_Sync_Command__e`, {
					method: 'POST',
					headers: { Authorization: `Bearer ${conn.accessToken}`, 'Content-Type': 'application/json' },
					body: JSON.stringify(command),
				});
			const first = await publish();
			expect(first.status).toBe(201);
			expect(await jsonOf(first)).toEqual({ id: expect.stringMatching(/^e00/), success: true, errors: [] });
			await publish();
			const [message] = await seen.done;
			expect(message).toEqual({
				schema: expect.any(String),
				payload: { ...command, CreatedById: emulator.connectedApp.integrationUserId, CreatedDate: expect.stringMatching(/Z$/) },
				event: { replayId: expect.any(Number), EventUuid: expect.any(String) },
			});
			const [[applied], [duplicate]] = await decisions;
			expect(applied).toMatchObject({ verdict: 'apply', action: 'logout', commandId: 'cmd-logout' });
			expect(duplicate).toMatchObject({ verdict: 'ignore', code: 'duplicate' });
			expect(emulator.presenceOf(agent.id)).toBeNull();
		} finally {
			await disconnect(client);
		}
	});
});
