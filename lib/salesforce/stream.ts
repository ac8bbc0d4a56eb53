/**
 * A long-lived CometD subscription to presence changes (PushTopic or CDC) that survives what Salesforce
 * streams really do: the session expiring (401::Authentication invalid; the client's auth header is
 * fixed at creation, so it is rebuilt after a token refresh), the server forgetting the client
 * (403::Unknown client), a replay id that is no longer retained, a PushTopic deleted mid-stream (an
 * admin, an org refresh), and silent stalls. Each rebuild replays from the last replay id received and
 * reports a gap so the caller can reconcile with SOQL.
 */
import type { Connection } from 'jsforce';
import { StreamingExtension } from 'jsforce/api/streaming';

import { TransportError } from '../errors';
import { presenceFields } from './presence';
import type { StreamHandlers, StreamMessage, StreamMode, StreamSubscription } from './types';

export const CDC_CHANNEL = '/data/UserServicePresenceChangeEvent';

/** Salesforce holds /meta/connect for up to 110 s, so silence beyond this means the stream is dead. */
export const DEFAULT_WATCHDOG_MS = 150_000;
const SUBSCRIBE_TIMEOUT_MS = 30_000;
const DISCONNECT_GRACE_MS = 2_000;
const MAX_BACKOFF_MS = 30_000;
/** Replay ids with a meaning of their own: -1 new events only, -2 everything retained. */
const NEW_EVENTS_ONLY = -1;
const CHANNEL_MISSING = /doesn't exist|does not exist|unknown channel|404/i;

interface BayeuxMessage {
	channel: string;
	successful?: boolean;
	subscription?: string;
	error?: string;
	advice?: { reconnect?: string };
	data?: unknown;
}

interface FayeExtension {
	incoming?(message: BayeuxMessage, callback: (message: BayeuxMessage) => void): void;
}

/** The parts of Faye's client (behind jsforce) needed to shut one down without leaking timers or sockets. */
interface FayeClient {
	subscribe(channel: string, listener: (data: unknown) => void): unknown;
	disconnect(): PromiseLike<unknown> | undefined;
	_state: number;
	_advice: { reconnect: string };
	_dispatcher: {
		_envelopes: Map<string, { timer?: NodeJS.Timeout | null; request?: Promise<{ destroy?(): void } | undefined> | null }>;
		close(): void;
	};
}

type Outcome =
	| { kind: 'subscribed' }
	| { kind: 'auth' }
	| { kind: 'replayInvalid' }
	/** A Bayeux error text, or an error already mapped (e.g. the session could not be renewed). */
	| { kind: 'failed'; error: string | TransportError };

interface PendingSubscribe {
	settle(outcome: Outcome): void;
}

export interface StreamOptions {
	topicName?: string;
	replayId: number | null;
	watchdogMs?: number;
}

export interface StreamSession {
	conn: Connection;
	/** Renew the access token after the stream was refused (see connection.ts renewSession). */
	renew(): Promise<void>;
	/** Re-create the channel when it vanished mid-stream (a deleted PushTopic); absent when it cannot be. */
	restoreChannel?(): Promise<void>;
	mapError(error: unknown, action: string): TransportError;
}

export function channelFor(mode: StreamMode, topicName?: string): string {
	if (mode === 'cdc') return CDC_CHANNEL;
	if (mode !== 'pushTopic') {
		throw new TransportError('salesforce', 'INVALID_STREAM_MODE', `Stream mode "${String(mode)}" is unknown; valid: pushTopic, cdc`);
	}
	if (!topicName) {
		throw new TransportError('salesforce', 'INVALID_TOPIC_NAME', 'A PushTopic stream needs a topic name');
	}
	return `/topic/${topicName}`;
}

const CDC_CHANGE_TYPES: Record<string, StreamMessage['changeType']> = {
	CREATE: 'created',
	UPDATE: 'updated',
	DELETE: 'deleted',
	UNDELETE: 'undeleted',
};

/** PushTopic `{event, sobject}` or CDC `{payload: {ChangeEventHeader, …}, event}` → StreamMessages. */
export function toStreamMessages(data: unknown): { messages: StreamMessage[]; gap?: string } {
	const body = (data ?? {}) as {
		event?: { replayId?: number; createdDate?: string; type?: string };
		sobject?: Record<string, unknown>;
		payload?: Record<string, unknown> & {
			ChangeEventHeader?: { changeType?: string; recordIds?: string[]; commitTimestamp?: number };
		};
	};
	const replayId = Number(body.event?.replayId ?? 0);
	if (body.sobject) {
		const row = presenceFields(body.sobject);
		if (!row.id) return { messages: [] };
		return {
			messages: [
				{
					replayId,
					createdDate: body.event?.createdDate ?? new Date().toISOString(),
					changeType: (body.event?.type ?? 'updated') as StreamMessage['changeType'],
					row: { ...row, id: row.id },
				},
			],
		};
	}
	const header = body.payload?.ChangeEventHeader;
	if (!header) return { messages: [] };
	const changeType = String(header.changeType ?? '');
	// GAP_* events say Salesforce could not deliver the changes themselves: only a reconcile helps.
	if (changeType.startsWith('GAP_')) return { messages: [], gap: `CDC ${changeType} event (replay id ${replayId})` };
	const { ChangeEventHeader: _header, ...fields } = body.payload ?? {};
	const createdDate = new Date(header.commitTimestamp ?? Date.now()).toISOString();
	return {
		messages: (header.recordIds ?? []).map((id) => ({
			replayId,
			createdDate,
			changeType: CDC_CHANGE_TYPES[changeType] ?? 'updated',
			row: { ...presenceFields(fields), id },
		})),
	};
}

/** Faye has no "close for good": stop its reconnect loop, cancel its timers, abort its long poll. */
async function shutDown(client: FayeClient): Promise<void> {
	const connected = client._state === 3;
	const disconnecting = connected ? client.disconnect() : undefined;
	if (disconnecting) {
		let timer: NodeJS.Timeout | undefined;
		await Promise.race([
			Promise.resolve(disconnecting).then(undefined, () => undefined),
			new Promise((resolve) => (timer = setTimeout(resolve, DISCONNECT_GRACE_MS))),
		]);
		clearTimeout(timer);
	}
	client._advice.reconnect = 'none';
	client._state = 4;
	for (const envelope of client._dispatcher._envelopes.values()) {
		if (envelope.timer) clearTimeout(envelope.timer);
		void envelope.request?.then((request) => request?.destroy?.());
	}
	client._dispatcher._envelopes.clear();
	client._dispatcher.close();
}

class PresenceStream implements StreamSubscription {
	private client: FayeClient | null = null;
	/** Bumped per client so late callbacks from a discarded client are ignored. */
	private generation = 0;
	private pending: PendingSubscribe | null = null;
	private replayFrom: number;
	private lastReplay: number | null = null;
	private lastActivity = Date.now();
	private recovering: Promise<void> | null = null;
	private watchdog: NodeJS.Timeout | null = null;
	private wake: (() => void) | null = null;
	private closed = false;
	private readonly watchdogMs: number;

	constructor(
		private readonly session: StreamSession,
		private readonly channel: string,
		options: StreamOptions,
		private readonly handlers: StreamHandlers,
	) {
		this.replayFrom = options.replayId ?? NEW_EVENTS_ONLY;
		this.watchdogMs = options.watchdogMs ?? DEFAULT_WATCHDOG_MS;
	}

	async start(): Promise<void> {
		await this.establish(null);
		this.watchdog = setInterval(() => this.checkPulse(), Math.max(50, Math.floor(this.watchdogMs / 4)));
		this.watchdog.unref();
	}

	lastReplayId(): number | null {
		return this.lastReplay;
	}

	async close(): Promise<void> {
		this.closed = true;
		if (this.watchdog) clearInterval(this.watchdog);
		this.wake?.();
		this.pending?.settle({ kind: 'failed', error: 'closed' });
		await this.recovering;
		await this.discardClient();
	}

	/**
	 * Opens a client and subscribes, renewing the session once if it was refused, falling back to new
	 * events only if the replay id is gone, and (when rebuilding) re-creating a channel that vanished.
	 * `gapReason` null = first start: errors are thrown; otherwise they are reported and retried with
	 * backoff until it works or the stream is closed.
	 */
	private async establish(gapReason: string | null): Promise<void> {
		let reason = gapReason;
		const addReason = (text: string) => (reason = `${reason ? `${reason}; ` : ''}${text}`);
		let renew = gapReason?.startsWith('401') ?? false;
		// restore: re-create the channel before the next attempt; restored: that has been done.
		let restore = false;
		let restored = false;
		let failures = 0;
		while (!this.closed) {
			let outcome: Outcome;
			try {
				if (renew) await this.session.renew();
				if (restore && this.session.restoreChannel) {
					await this.session.restoreChannel();
					restored = true;
				}
				outcome = await this.open();
			} catch (error) {
				outcome = { kind: 'failed', error: this.session.mapError(error, 'renew the session for streaming') };
			}
			if (this.closed) return;
			if (outcome.kind === 'subscribed') {
				if (restored) addReason(`${this.channel} no longer existed and was re-created`);
				if (reason) this.handlers.onGap(reason);
				return;
			}
			if (outcome.kind === 'replayInvalid') {
				const lost = this.replayFrom;
				this.replayFrom = NEW_EVENTS_ONLY;
				// The server may have restarted its numbering (a re-created topic, a refreshed org): ids
				// below the last one seen are new events now, not repeats.
				this.lastReplay = null;
				addReason(`replay id ${lost} is no longer retained, resubscribed for new events only`);
				continue;
			}
			if (outcome.kind === 'auth' && !renew) {
				renew = true;
				continue;
			}
			// First start leaves creating the channel to the caller (subscribe says how); a running stream
			// re-creates one that went away and retries at once. Still missing after that: back off below.
			const missing = outcome.kind === 'failed' && typeof outcome.error === 'string' && CHANNEL_MISSING.test(outcome.error);
			if (missing && gapReason !== null && this.session.restoreChannel && !restore) {
				restore = true;
				continue;
			}
			restore = false;
			const error =
				outcome.kind === 'auth'
					? new TransportError(
							'salesforce',
							'STREAMING_AUTH_FAILED',
							`Salesforce streaming refused the session on ${this.channel} even after renewing it (401::Authentication invalid); check the integration user is active and has API access`,
						)
					: typeof outcome.error === 'string'
						? this.subscribeError(outcome.error)
						: outcome.error;
			if (gapReason === null) {
				await this.discardClient();
				throw error;
			}
			this.handlers.onError(error);
			await this.pause(Math.min(MAX_BACKOFF_MS, 500 * 2 ** failures++));
		}
	}

	private subscribeError(error: string): TransportError {
		if (CHANNEL_MISSING.test(error)) {
			const fix = this.channel.startsWith('/topic/')
				? 'create it with ensurePushTopic (the trigger does this on activation)'
				: 'select User Service Presence in Setup → Change Data Capture (API 62.0 or later)';
			return new TransportError('salesforce', 'STREAMING_CHANNEL_NOT_FOUND', `Salesforce streaming channel ${this.channel} does not exist: ${fix}`);
		}
		return new TransportError('salesforce', 'STREAMING_FAILED', `Salesforce streaming on ${this.channel} failed: ${error}`);
	}

	private async open(): Promise<Outcome> {
		await this.discardClient();
		const generation = ++this.generation;
		const replayFrom = this.replayFrom;
		this.lastActivity = Date.now();
		const outcome = new Promise<Outcome>((resolve) => {
			let timer: NodeJS.Timeout | undefined;
			const pending: PendingSubscribe = {
				settle: (value) => {
					clearTimeout(timer);
					if (this.pending === pending) this.pending = null;
					resolve(value);
				},
			};
			timer = setTimeout(
				() => pending.settle({ kind: 'failed', error: `no subscribe reply within ${SUBSCRIBE_TIMEOUT_MS} ms` }),
				SUBSCRIBE_TIMEOUT_MS,
			);
			this.pending = pending;
		});
		const monitor: FayeExtension = {
			incoming: (message, callback) => this.observe(generation, replayFrom, message, callback),
		};
		const authFailure = new StreamingExtension.AuthFailure(() => {
			if (generation === this.generation) this.incident('401::Authentication invalid', { kind: 'auth' });
		});
		const replay = new StreamingExtension.Replay(this.channel, replayFrom);
		try {
			const client = this.session.conn.streaming.createClient([monitor, authFailure, replay]) as unknown as FayeClient;
			this.client = client;
			client.subscribe(this.channel, (data) => {
				if (generation === this.generation) this.deliver(data);
			});
		} catch (error) {
			this.pending?.settle({ kind: 'failed', error: String((error as Error).message ?? error) });
		}
		return await outcome;
	}

	private observe(
		generation: number,
		replayFrom: number,
		message: BayeuxMessage,
		callback: (message: BayeuxMessage) => void,
	): void {
		if (generation !== this.generation) return callback(message);
		this.lastActivity = Date.now();
		if (message.channel === '/meta/subscribe' && message.subscription === this.channel) {
			const error = message.error ?? '';
			this.pending?.settle(
				message.successful
					? { kind: 'subscribed' }
					: replayFrom >= 0 && /replay/i.test(error)
						? { kind: 'replayInvalid' }
						: { kind: 'failed', error },
			);
		}
		const unknownClient =
			message.channel === '/meta/connect' && message.successful === false && message.advice?.reconnect === 'handshake';
		if (unknownClient) {
			// Faye would re-handshake and resubscribe on its own, silently, from a replay id it may no
			// longer be able to use (jsforce#1709); keep the message from it and rebuild under our control.
			this.incident(message.error ?? '403::Unknown client', { kind: 'failed', error: message.error ?? '403::Unknown client' });
			return;
		}
		callback(message);
	}

	/** Something broke the live stream: settle a subscribe in progress, or recover the running stream. */
	private incident(reason: string, duringSubscribe: Outcome): void {
		if (this.pending) {
			this.pending.settle(duringSubscribe);
			return;
		}
		this.recover(reason);
	}

	private recover(reason: string): void {
		if (this.closed || this.recovering) return;
		this.recovering = this.establish(reason).finally(() => {
			this.recovering = null;
		});
	}

	private checkPulse(): void {
		if (this.closed || this.recovering || this.pending) return;
		if (Date.now() - this.lastActivity > this.watchdogMs) {
			this.recover(`stalled: no /meta/connect round trip within ${this.watchdogMs} ms`);
		}
	}

	private deliver(data: unknown): void {
		this.lastActivity = Date.now();
		const { messages, gap } = toStreamMessages(data);
		const replayId = Number((data as { event?: { replayId?: number } })?.event?.replayId);
		if (Number.isFinite(replayId)) {
			// A replay after a rebuild may repeat what was already delivered.
			if (this.lastReplay !== null && replayId <= this.lastReplay) return;
			this.lastReplay = replayId;
			this.replayFrom = replayId;
		}
		try {
			if (gap) this.handlers.onGap(gap);
			for (const message of messages) this.handlers.onMessage(message);
		} catch (error) {
			this.handlers.onError(error instanceof Error ? error : new Error(String(error)));
		}
	}

	private async discardClient(): Promise<void> {
		const client = this.client;
		this.client = null;
		this.generation++;
		if (client) await shutDown(client);
	}

	private pause(ms: number): Promise<void> {
		return new Promise((resolve) => {
			const timer = setTimeout(done, ms);
			function done() {
				clearTimeout(timer);
				resolve();
			}
			this.wake = done;
		});
	}
}

export async function subscribePresence(
	session: StreamSession,
	mode: StreamMode,
	options: StreamOptions,
	handlers: StreamHandlers,
): Promise<StreamSubscription> {
	const stream = new PresenceStream(session, channelFor(mode, options.topicName), options, handlers);
	await stream.start();
	return stream;
}
