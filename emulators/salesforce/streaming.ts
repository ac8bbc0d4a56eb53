/**
 * The Streaming API over CometD/Bayeux long-polling (reference §8.4), as jsforce's Faye client meets it:
 * handshake (long-polling only, ext.replay), subscribe with replay ids, held /meta/connect, the
 * Salesforce error advice (401::Authentication invalid, 403::Handshake denied, 403::Unknown client),
 * and the three channel kinds the package uses: PushTopics, CDC and the companion's Platform Event.
 */
import * as crypto from 'crypto';
import { json, type EmuRequest, type Reply } from '../common/http';
import { COMMAND_CHANNEL } from '../../lib/salesforce/companionContract';
import { bearerToken, type TokenStore } from './auth';
import { SalesforceApiError } from './errors';
import type { Org, RecordChange, SfRecord } from './org';
import { compileQuery, serializeRecord, type CompiledQuery, type ResolvedField } from './query';
import { findObject, serializeValue } from './schema';
import { positionedMessage, parseSoql, type Condition } from './soql';

export const CDC_CHANNEL = '/data/UserServicePresenceChangeEvent';
const CDC_MIN_VERSION = 62;
const MIN_STREAMING_VERSION = 37;
export const DEFAULT_CONNECT_TIMEOUT_MS = 110_000;
/** A client that has not polled within this window is forgotten (→ 403::Unknown client). */
const RECONNECT_WINDOW_MS = 40_000;
const RETAINED_EVENTS_PER_CHANNEL = 10_000;
const PUSH_TOPIC_OBJECTS = ['UserServicePresence'];

type BayeuxMessage = Record<string, any>;

interface RetainedEvent {
	replayId: number;
	data: Record<string, unknown>;
}

interface ChannelLog {
	events: RetainedEvent[];
	lastReplayId: number;
}

interface HeldConnect {
	reply: BayeuxMessage;
	finish(messages: BayeuxMessage[]): void;
	timer: NodeJS.Timeout;
}

interface StreamClient {
	id: string;
	subscriptions: Set<string>;
	queue: BayeuxMessage[];
	held?: HeldConnect;
	connectedOnce: boolean;
	lastSeen: number;
}

export interface DataMessage {
	channel: string;
	data: Record<string, unknown>;
}

// ---- PushTopic queries ----------------------------------------------------------------------------

function hasNot(condition: Condition | undefined): number | undefined {
	if (!condition) return undefined;
	if (condition.kind === 'not') return condition.pos;
	if (condition.kind === 'and' || condition.kind === 'or') return hasNot(condition.left) ?? hasNot(condition.right);
	return undefined;
}

/** Parses and checks a PushTopic query against the Streaming API's unsupported-SOQL rules. */
export function compilePushTopicQuery(org: Org, text: string): CompiledQuery {
	const query = parseSoql(text);
	const compiled = compileQuery(org, query);
	const fail = (pos: number, detail: string) =>
		new SalesforceApiError(400, 'INVALID_FIELD', positionedMessage(text, pos, detail));
	if (!PUSH_TOPIC_OBJECTS.includes(compiled.object.name)) {
		throw fail(query.object.pos, `sObject type '${compiled.object.name}' is not supported by the Streaming API in this org`);
	}
	if (query.clausePositions.limit !== undefined) throw fail(query.clausePositions.limit, "'LIMIT' is not allowed");
	if (query.clausePositions.orderBy !== undefined) throw fail(query.clausePositions.orderBy, "'ORDER BY' clause is not allowed");
	if (query.clausePositions.offset !== undefined) throw fail(query.clausePositions.offset, "'OFFSET' is not allowed");
	const notPos = hasNot(query.where);
	if (notPos !== undefined) throw fail(notPos, "'NOT' is not supported");
	const relationship = [...compiled.select, ...compiled.whereFields].find((f) => f.hops.length > 0);
	if (relationship) throw fail(0, 'relationships are not supported');
	if (!compiled.select.some((f) => f.leaf.name === 'Id')) throw fail(0, 'The SELECT clause must include the Id field');
	return compiled;
}

function fieldNames(fields: ResolvedField[]): Set<string> {
	return new Set(fields.map((f) => f.leaf.name));
}

// ---- server --------------------------------------------------------------------------------------

export interface StreamingOptions {
	org: Org;
	tokens: TokenStore;
	connectTimeoutMs: number;
	/** Sees every data message published on the companion's Platform Event channel. */
	onCommandEvent(message: DataMessage): void;
}

const CHANGE_TYPES = { created: 'CREATE', updated: 'UPDATE', deleted: 'DELETE' } as const;

export class StreamingServer {
	private readonly clients = new Map<string, StreamClient>();
	private readonly channels = new Map<string, ChannelLog>();
	private readonly topicQueries = new Map<string, { text: string; compiled: CompiledQuery }>();
	private readonly sweeper: NodeJS.Timeout;
	private commitNumber = 0;
	private readonly cdcSchema = crypto.randomBytes(16).toString('base64url').slice(0, 22);
	private readonly commandSchema = crypto.randomBytes(16).toString('base64url').slice(0, 22);

	constructor(private readonly options: StreamingOptions) {
		options.org.onChange((change) => this.onRecordChange(change));
		this.sweeper = setInterval(() => this.forgetIdleClients(), 10_000);
		this.sweeper.unref();
	}

	// ---- publishing ----

	private log(channel: string): ChannelLog {
		let log = this.channels.get(channel);
		if (!log) {
			// Replay ids keep rising across restarts of the same org, as a real channel's do.
			log = { events: [], lastReplayId: this.options.org.sequenceBase };
			this.channels.set(channel, log);
		}
		return log;
	}

	/** Retains an event for replay and queues it for every subscriber of the channel. */
	publish(channel: string, build: (replayId: number) => Record<string, unknown>): DataMessage {
		const log = this.log(channel);
		const replayId = ++log.lastReplayId;
		const data = build(replayId);
		log.events.push({ replayId, data });
		if (log.events.length > RETAINED_EVENTS_PER_CHANNEL) log.events.shift();
		for (const client of this.clients.values()) {
			if (client.subscriptions.has(channel)) this.deliver(client, [{ channel, clientId: client.id, data }]);
		}
		return { channel, data };
	}

	/** Publishes one companion command (already validated) and returns its data message. */
	publishCommand(fields: Record<string, unknown>, createdById: string): DataMessage {
		const message = this.publish(COMMAND_CHANNEL, (replayId) => ({
			schema: this.commandSchema,
			payload: { ...fields, CreatedDate: new Date().toISOString(), CreatedById: createdById },
			event: { EventUuid: crypto.randomUUID(), replayId },
		}));
		this.options.onCommandEvent(message);
		return message;
	}

	private onRecordChange(change: RecordChange): void {
		if (change.object === 'UserServicePresence') this.publishChangeEvent(change);
		for (const topic of this.options.org.table('PushTopic').values()) this.publishToTopic(topic, change);
	}

	private compiledTopic(topic: SfRecord): CompiledQuery {
		const cached = this.topicQueries.get(topic.Id);
		if (cached && cached.text === topic.Query) return cached.compiled;
		const compiled = compilePushTopicQuery(this.options.org, topic.Query as string);
		this.topicQueries.set(topic.Id, { text: topic.Query as string, compiled });
		return compiled;
	}

	private publishToTopic(topic: SfRecord, change: RecordChange): void {
		if (topic.IsActive !== true || topic.IsDeleted === true) return;
		const compiled = this.compiledTopic(topic);
		if (compiled.object.name !== change.object) return;
		const operationFlag = {
			created: 'NotifyForOperationCreate',
			updated: 'NotifyForOperationUpdate',
			deleted: 'NotifyForOperationDelete',
		}[change.changeType];
		if (topic[operationFlag] !== true) return;
		if (change.changeType === 'updated' && !this.notifiesForFields(topic, compiled, change.changedFields)) return;
		if (compiled.where && !compiled.where(change.record)) return;
		const org = this.options.org;
		this.publish(`/topic/${topic.Name}`, (replayId) => {
			const { attributes: _attributes, ...fields } = serializeRecord(org, compiled.object, change.record, compiled.select, '', 'stream');
			// A deleted event names only the record, whatever the topic selects.
			const sobject = change.changeType === 'deleted' ? { Id: change.record.Id } : fields;
			return {
				event: { createdDate: new Date(change.at).toISOString(), replayId, type: change.changeType },
				sobject,
			};
		});
	}

	/** NotifyForFields: which changed fields count; platform-maintained fields never do. */
	private notifiesForFields(topic: SfRecord, compiled: CompiledQuery, changedFields: string[]): boolean {
		const object = compiled.object;
		const changed = changedFields.filter((name) => !object.fieldIndex.get(name.toLowerCase())?.system);
		if (changed.length === 0) return false;
		const select = fieldNames(compiled.select);
		const where = fieldNames(compiled.whereFields);
		switch (topic.NotifyForFields) {
			case 'All':
				return true;
			case 'Select':
				return changed.some((f) => select.has(f));
			case 'Where':
				return where.size === 0 || changed.some((f) => where.has(f));
			default:
				return changed.some((f) => select.has(f) || where.has(f));
		}
	}

	private publishChangeEvent(change: RecordChange): void {
		const object = findObject(change.object)!;
		const changeType = CHANGE_TYPES[change.changeType];
		const fields: Record<string, unknown> = {};
		if (changeType !== 'DELETE') {
			const names = changeType === 'CREATE' ? object.fields.map((f) => f.name) : change.changedFields;
			for (const name of names) {
				const def = object.fieldIndex.get(name.toLowerCase());
				if (!def || def.name === 'Id' || def.name === 'IsDeleted' || def.name === 'SystemModstamp') continue;
				const value = serializeValue(def, change.record[def.name], 'stream');
				if (changeType === 'CREATE' && value === null) continue;
				fields[def.name] = value;
			}
		}
		const commitNumber = ++this.commitNumber;
		this.publish(CDC_CHANNEL, (replayId) => ({
			schema: this.cdcSchema,
			payload: {
				ChangeEventHeader: {
					entityName: change.object,
					recordIds: [change.record.Id],
					changeType,
					changeOrigin: 'com/salesforce/api/rest',
					transactionKey: crypto.randomUUID(),
					sequenceNumber: 1,
					commitTimestamp: change.at,
					commitNumber,
					commitUser: change.commitUser,
					nulledFields: changeType === 'UPDATE' ? change.changedFields.filter((f) => change.record[f] === null) : [],
					diffFields: [],
					changedFields: changeType === 'UPDATE' ? change.changedFields : [],
				},
				...fields,
			},
			event: { replayId },
		}));
	}

	// ---- Bayeux ----

	private deliver(client: StreamClient, messages: BayeuxMessage[]): void {
		client.queue.push(...messages);
		if (client.held) this.release(client);
	}

	private release(client: StreamClient, override?: BayeuxMessage): void {
		const held = client.held;
		if (!held) return;
		client.held = undefined;
		clearTimeout(held.timer);
		// The reply keeps the connect's message id: Faye matches replies to requests by it.
		const messages = override ? [{ ...override, id: held.reply.id }] : [held.reply, ...client.queue.splice(0)];
		held.finish(messages);
	}

	private connectAdvice() {
		return { reconnect: 'retry', interval: 0, timeout: this.options.connectTimeoutMs };
	}

	async handle(req: EmuRequest): Promise<Reply> {
		const version = Number(req.params.version);
		if (!/^\d+\.\d$/.test(req.params.version) || version < MIN_STREAMING_VERSION) {
			return json(404, [{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' }]);
		}
		const raw = req.body;
		const messages: BayeuxMessage[] = Array.isArray(raw) ? raw : raw && typeof raw === 'object' ? [raw] : [];
		if (messages.length === 0 || messages.some((m) => !m || typeof m.channel !== 'string')) {
			return json(400, [{ error: '400::Bad request: a Bayeux message array is required', successful: false }]);
		}
		const token = bearerToken(req.headers);
		const authenticated = this.options.tokens.session(token) !== undefined;
		const headers: Record<string, string> = {};
		if (!/(?:^|;\s*)BAYEUX_BROWSER=/.test(req.headers.cookie ?? '')) {
			headers['Set-Cookie'] = `BAYEUX_BROWSER=${crypto.randomBytes(12).toString('hex')}; Path=/; HttpOnly`;
		}
		if (!token) {
			return json(
				401,
				messages.map((m) => ({ channel: m.channel, id: m.id, successful: false, error: '401::Request requires authentication', advice: { reconnect: 'none' } })),
				headers,
			);
		}
		const replies: BayeuxMessage[] = [];
		let connect: Promise<BayeuxMessage[]> | undefined;
		for (const message of messages) {
			if (message.channel === '/meta/connect') connect = this.connect(message, authenticated);
			else replies.push(...this.handleMessage(message, authenticated, version));
		}
		if (connect) replies.push(...(await connect));
		return json(200, replies, headers);
	}

	private handleMessage(message: BayeuxMessage, authenticated: boolean, version: number): BayeuxMessage[] {
		const base = { channel: message.channel, id: message.id, clientId: message.clientId };
		if (message.channel === '/meta/handshake') return [this.handshake(message, authenticated)];
		const client = this.clients.get(message.clientId);
		if (!client) {
			return [{ ...base, successful: false, error: '403::Unknown client', advice: { reconnect: 'handshake', interval: 0 } }];
		}
		client.lastSeen = Date.now();
		if (!authenticated) {
			return [{ ...base, successful: false, error: '401::Authentication invalid', advice: { reconnect: 'none', interval: 0 } }];
		}
		switch (message.channel) {
			case '/meta/subscribe':
				return [this.subscribe(client, message, version)];
			case '/meta/unsubscribe':
				client.subscriptions.delete(message.subscription);
				return [{ ...base, subscription: message.subscription, successful: true }];
			case '/meta/disconnect':
				this.release(client, { channel: '/meta/connect', clientId: client.id, successful: true, advice: { reconnect: 'none' } });
				this.clients.delete(client.id);
				return [{ ...base, successful: true }];
			default:
				return [{ ...base, successful: false, error: `403::Publishing is not allowed on channel ${message.channel}` }];
		}
	}

	private handshake(message: BayeuxMessage, authenticated: boolean): BayeuxMessage {
		if (!authenticated) {
			return {
				channel: '/meta/handshake',
				id: message.id,
				ext: { sfdc: { failureReason: '401::Authentication invalid' }, replay: true, 'payload.format': true },
				advice: { reconnect: 'none' },
				error: '403::Handshake denied',
				successful: false,
			};
		}
		const types: unknown = message.supportedConnectionTypes;
		if (!Array.isArray(types) || !types.includes('long-polling')) {
			return {
				channel: '/meta/handshake',
				id: message.id,
				successful: false,
				supportedConnectionTypes: ['long-polling'],
				error: '301::Connection types not supported',
				advice: { reconnect: 'none' },
			};
		}
		const id = crypto.randomBytes(16).toString('base64url').replace(/[-_]/g, '').slice(0, 20);
		this.clients.set(id, { id, subscriptions: new Set(), queue: [], connectedOnce: false, lastSeen: Date.now() });
		return {
			channel: '/meta/handshake',
			version: '1.0',
			minimumVersion: '1.0',
			supportedConnectionTypes: ['long-polling'],
			clientId: id,
			successful: true,
			id: message.id,
			ext: { replay: true, 'payload.format': true },
		};
	}

	private channelExists(channel: string, version: number): boolean {
		if (channel === COMMAND_CHANNEL) return true;
		if (channel === CDC_CHANNEL) return version >= CDC_MIN_VERSION;
		if (channel.startsWith('/topic/')) {
			const name = channel.slice('/topic/'.length);
			return [...this.options.org.table('PushTopic').values()].some((t) => t.Name === name && t.IsActive === true);
		}
		return false;
	}

	private subscribe(client: StreamClient, message: BayeuxMessage, version: number): BayeuxMessage {
		const channel = message.subscription;
		const base = { channel: '/meta/subscribe', id: message.id, clientId: client.id, subscription: channel };
		if (typeof channel !== 'string' || !this.channelExists(channel, version)) {
			return { ...base, successful: false, error: `400::The channel you requested to subscribe to doesn't exist ${channel}` };
		}
		const requested = message.ext?.replay?.[channel];
		const replayId = requested === undefined || requested === null ? -1 : Number(requested);
		const log = this.log(channel);
		let backlog: RetainedEvent[] = [];
		if (replayId === -2) backlog = log.events;
		else if (replayId !== -1) {
			const oldest = log.events[0]?.replayId ?? log.lastReplayId + 1;
			if (!Number.isInteger(replayId) || replayId < oldest - 1 || replayId > log.lastReplayId) {
				return {
					...base,
					successful: false,
					error: `400::The replayId {${requested}} you provided was invalid.  Please provide a valid ID, -2 to replay all events, or -1 to replay only new events.`,
				};
			}
			backlog = log.events.filter((e) => e.replayId > replayId);
		}
		client.subscriptions.add(channel);
		if (backlog.length > 0) this.deliver(client, backlog.map((e) => ({ channel, clientId: client.id, data: e.data })));
		return { ...base, successful: true };
	}

	private connect(message: BayeuxMessage, authenticated: boolean): Promise<BayeuxMessage[]> {
		const client = this.clients.get(message.clientId);
		const base = { channel: '/meta/connect', id: message.id, clientId: message.clientId };
		if (!client) {
			return Promise.resolve([{ ...base, successful: false, error: '403::Unknown client', advice: { reconnect: 'handshake', interval: 0 } }]);
		}
		client.lastSeen = Date.now();
		// The server still knows the client: an expired session is an auth failure, never 403::Unknown client.
		if (!authenticated) {
			return Promise.resolve([{ ...base, successful: false, error: '401::Authentication invalid', advice: { reconnect: 'none', interval: 0 } }]);
		}
		// A newer connect supersedes one still held (e.g. the client timed out and retried).
		this.release(client);
		const reply = { ...base, successful: true, advice: this.connectAdvice() };
		const immediate = !client.connectedOnce || client.queue.length > 0 || message.advice?.timeout === 0;
		client.connectedOnce = true;
		if (immediate) return Promise.resolve([reply, ...client.queue.splice(0)]);
		return new Promise((resolve) => {
			client.held = {
				reply,
				finish: (messages) => {
					client.lastSeen = Date.now();
					resolve(messages);
				},
				timer: setTimeout(() => this.release(client), this.options.connectTimeoutMs),
			};
		});
	}

	// ---- lifecycle and control ----

	private forgetIdleClients(): void {
		const cutoff = Date.now() - RECONNECT_WINDOW_MS;
		for (const client of this.clients.values()) {
			if (!client.held && client.lastSeen < cutoff) this.clients.delete(client.id);
		}
	}

	/** The server forgets every client: held polls end now, later ones get 403::Unknown client. */
	dropClients(): void {
		for (const client of this.clients.values()) {
			this.release(client, {
				channel: '/meta/connect',
				clientId: client.id,
				successful: false,
				error: '403::Unknown client',
				advice: { reconnect: 'handshake', interval: 0 },
			});
		}
		this.clients.clear();
	}

	/**
	 * After tokens expire, held polls end now with the auth failure Salesforce sends on the next cycle;
	 * clients between polls get it on their next connect, which carries the expired token. Clients are
	 * not forgotten: that is dropClients(), and idle ones are swept as usual.
	 */
	invalidateSessions(): void {
		for (const client of this.clients.values()) {
			this.release(client, {
				channel: '/meta/connect',
				clientId: client.id,
				successful: false,
				error: '401::Authentication invalid',
				advice: { reconnect: 'none', interval: 0 },
			});
		}
	}

	clientCount(): number {
		return this.clients.size;
	}

	stop(): void {
		clearInterval(this.sweeper);
		for (const client of this.clients.values()) this.release(client);
		this.clients.clear();
	}
}
