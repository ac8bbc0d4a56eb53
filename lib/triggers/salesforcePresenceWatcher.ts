/**
 * Watches Omni-Channel presence (DESIGN.md §7): a PushTopic or CDC stream with replay, or SOQL polling on
 * SystemModstamp; a SOQL catch-up plus a snapshot repair whenever the stream reports a gap; an optional
 * periodic reconcile. Events are batched, de-duplicated and enriched from cached user and status lists.
 * Cursors (SystemModstamp, replayId) are committed to the host's store only with the batch that covers
 * them, and held back behind any logout still inside its settle delay, so a restart never skips a change.
 */
import type { OmniState, PresenceEvent } from '../engine/types';
import { OFFLINE_OMNI } from '../engine/types';
import type { OmniStatus, PresenceRow, SalesforceClient, SalesforceUser, StreamMessage, StreamSubscription } from '../salesforce/types';
import { DirectoryCache, ENRICHMENT_MAX_AGE_MS } from '../directory/directoryCache';
import { hostedTaskLoop } from './host';
import type { TriggerHost } from './host';
import { isoTime, OmniPresenceTracker, omniStateOf } from './omniPresenceTracker';
import { PresencePipeline } from './pipeline';
import { isFatal } from './taskLoop';
import type { TaskLoop } from './taskLoop';

export type SalesforceWatchMode = 'pushTopic' | 'cdc' | 'polling';

export interface SalesforceWatchOptions {
	mode: SalesforceWatchMode;
	pushTopicName: string;
	pollIntervalMs: number;
	settleMs: number;
	/** 0 = no periodic reconcile. */
	reconcileEveryMs: number;
	batchWindowMs: number;
	maxBatch: number;
	watchdogMs: number;
	/** Only these users (Salesforce user ids); empty = everyone. */
	userIds: string[];
	/** SOQL reads start this far before the cursor: a row committed late with an older stamp is not missed. */
	overlapMs?: number;
}

/** Keys in the host store. */
export const SALESFORCE_STORE = { cursor: 'systemModstamp', replayId: 'replayId' } as const;

interface Checkpoint {
	cursor?: string;
	replayId: number | null;
}

const idKey = (id: string) => id.slice(0, 15);

/** The user and status lists events are enriched from. */
export class SalesforceDirectory {
	readonly users: DirectoryCache<SalesforceUser>;
	readonly statuses: DirectoryCache<OmniStatus>;

	constructor(client: SalesforceClient, onLoadError: (error: Error) => void) {
		this.users = new DirectoryCache({ load: () => client.listUsers(), keyOf: (user) => idKey(user.id), maxAgeMs: ENRICHMENT_MAX_AGE_MS, onLoadError });
		this.statuses = new DirectoryCache({ load: () => client.listStatuses(), keyOf: (status) => idKey(status.id), maxAgeMs: ENRICHMENT_MAX_AGE_MS, onLoadError });
	}

	async load(): Promise<void> {
		await Promise.all([this.users.load(), this.statuses.load()]);
	}

	async enrich(events: PresenceEvent[]): Promise<PresenceEvent[]> {
		const statusIds = new Set<string>();
		for (const event of events) {
			for (const state of [event.state, event.previous]) {
				if (state?.kind === 'omni' && state.statusId) statusIds.add(idKey(state.statusId));
			}
		}
		await Promise.all([
			this.users.ensure(events.map((event) => idKey(event.user.salesforceUserId ?? ''))),
			this.statuses.ensure(statusIds),
		]);
		return events.map((event) => {
			const user = this.users.get(idKey(event.user.salesforceUserId ?? ''));
			return {
				...event,
				user: {
					...event.user,
					...(user
						? { email: user.email, username: user.username, name: user.name, ...(user.federationId ? { federationId: user.federationId } : {}) }
						: {}),
				},
				state: this.describe(event.state),
				...(event.previous ? { previous: this.describe(event.previous) } : {}),
			};
		});
	}

	private describe<S extends PresenceEvent['state']>(state: S): S {
		if (state.kind !== 'omni' || !state.statusId) return state;
		const status = this.statuses.get(idKey(state.statusId));
		return status ? ({ ...state, developerName: status.developerName, label: status.label, online: status.online } as OmniState as S) : state;
	}
}

export class SalesforcePresenceWatcher {
	private readonly directory: SalesforceDirectory;
	private readonly tracker: OmniPresenceTracker;
	private readonly pipeline: PresencePipeline<Checkpoint>;
	private readonly maintenance: TaskLoop;
	private readonly scope: Set<string> | undefined;
	private subscription: StreamSubscription | undefined;
	private lastReplayId: number | null = null;
	/** Set when the stream reported a gap: the SystemModstamp to catch up from. */
	private gapCursor: string | undefined;
	private gapGeneration = 0;
	private nextReconcileAt = Number.POSITIVE_INFINITY;
	private closed = false;

	constructor(
		private readonly client: SalesforceClient,
		private readonly host: TriggerHost,
		private readonly options: SalesforceWatchOptions,
	) {
		this.scope = options.userIds.length > 0 ? new Set(options.userIds.map(idKey)) : undefined;
		this.directory = new SalesforceDirectory(client, (error) => host.log.warn(`Salesforce directory reload failed: ${error.message}`));
		this.pipeline = new PresencePipeline<Checkpoint>({
			batchWindowMs: options.batchWindowMs,
			maxBatch: options.maxBatch,
			enrich: (events) => this.directory.enrich(events),
			checkpoint: () => ({ cursor: this.tracker.cursor(), replayId: this.lastReplayId }),
			emit: (events, checkpoint) => this.emit(events, checkpoint),
			onError: (error) => host.log.warn(`Salesforce presence batch failed: ${error.message}`),
		});
		this.tracker = new OmniPresenceTracker({ settleMs: options.settleMs, onEvents: (events) => this.pipeline.push(events) });
		const streaming = options.mode !== 'polling';
		this.maintenance = hostedTaskLoop(host, {
			name: 'Salesforce presence',
			// Streaming only needs this loop for catch-ups (kicked) and reconciles.
			intervalMs: streaming ? Math.min(options.reconcileEveryMs || 30000, 30000) : options.pollIntervalMs,
			task: () => this.maintain(),
		});
	}

	/** Loads directories and the current presence, then streams or polls. Throws when Salesforce cannot be read. */
	async start(): Promise<void> {
		const requestedAt = Date.now();
		const stored = this.host.store[SALESFORCE_STORE.cursor];
		const directoryLoaded = this.directory.load();
		if (typeof stored === 'string') {
			// Restarted: what changed while we were away is read with SOQL and emitted, before the snapshot
			// below could make it look already known. No overlap: rows up to a committed cursor were emitted.
			this.tracker.advanceCursor(stored);
			await Promise.all([directoryLoaded, this.readChanges(stored, 0)]);
		}
		const [, current] = await Promise.all([directoryLoaded, this.client.currentPresence(this.userFilter())]);
		this.tracker.learn(current.filter((row) => this.inScope(row.userId)));
		if (typeof stored !== 'string') {
			const newest = current.reduce((max, row) => Math.max(max, Date.parse(row.systemModstamp) || 0), 0);
			const cursor = new Date(newest || requestedAt).toISOString();
			this.tracker.advanceCursor(cursor);
			// Saved with the activation, so a restart before the first event still resumes from here.
			this.host.store[SALESFORCE_STORE.cursor] = cursor;
		}
		if (this.options.reconcileEveryMs > 0) this.nextReconcileAt = Date.now() + this.options.reconcileEveryMs;
		if (this.options.mode !== 'polling') await this.subscribe();
		this.maintenance.start();
	}

	async close(): Promise<void> {
		this.closed = true;
		this.tracker.close();
		this.pipeline.close();
		await Promise.all([this.maintenance.stop(), this.subscription?.close()]);
	}

	/** Up to `limit` users' current presence from the live org (the editor's "Fetch Test Event"). */
	static async sample(client: SalesforceClient, limit: number, userIds: string[]): Promise<PresenceEvent[]> {
		const directory = new SalesforceDirectory(client, () => undefined);
		const [, rows] = await Promise.all([directory.load(), client.currentPresence(userIds.length ? userIds : undefined)]);
		const observedAt = new Date().toISOString();
		const events: PresenceEvent[] = rows.slice(0, limit).map((row) => {
			const since = isoTime(row.statusStartDate) ?? observedAt;
			return {
				side: 'salesforce',
				eventId: `${row.id}:open`,
				changedAt: since,
				observedAt,
				user: { salesforceUserId: row.userId },
				state: omniStateOf(row.statusId, row.isAway, since),
			};
		});
		// Everyone offline still gives the editor something real to map: users without a current row.
		const online = new Set(rows.map((row) => idKey(row.userId)));
		const offline = directory.users
			.values()
			.filter((user) => user.isActive && !online.has(idKey(user.id)) && (userIds.length === 0 || userIds.some((id) => idKey(id) === idKey(user.id))));
		for (const user of offline.slice(0, limit - events.length)) {
			events.push({ side: 'salesforce', eventId: `${user.id}:offline:${observedAt}`, changedAt: observedAt, observedAt, user: { salesforceUserId: user.id }, state: OFFLINE_OMNI });
		}
		return await directory.enrich(events);
	}

	private async subscribe(): Promise<void> {
		if (this.options.mode === 'pushTopic') await this.client.ensurePushTopic(this.options.pushTopicName);
		const stored = this.host.store[SALESFORCE_STORE.replayId];
		const subscription = await this.client.subscribe(
			this.options.mode === 'cdc' ? 'cdc' : 'pushTopic',
			{ topicName: this.options.pushTopicName, replayId: typeof stored === 'number' ? stored : -1, watchdogMs: this.options.watchdogMs },
			{
				onMessage: (message) => this.onMessage(message),
				onGap: (reason) => this.requestCatchUp(`stream gap: ${reason}`),
				onError: (error) => {
					if (this.closed) return;
					if (isFatal(error)) {
						this.host.reportFatalError(error);
						return;
					}
					this.host.log.warn(`Salesforce presence stream error: ${error.message}`);
					this.requestCatchUp(`stream error: ${error.message}`);
				},
			},
		);
		if (this.closed) await subscription.close();
		else this.subscription = subscription;
	}

	private onMessage(message: StreamMessage): void {
		if (this.closed) return;
		this.lastReplayId = message.replayId;
		if (message.row.userId && !this.inScope(message.row.userId)) return;
		const row = { ...message.row, systemModstamp: message.row.systemModstamp ?? message.createdDate };
		if (!this.tracker.applyRow(row, message.changeType === 'deleted')) this.requestCatchUp(`unreadable ${message.changeType} of row ${row.id}`);
	}

	private requestCatchUp(reason: string): void {
		if (this.closed) return;
		this.host.log.debug(`Salesforce presence catch-up: ${reason}`);
		this.gapCursor ??= this.tracker.cursor();
		this.gapGeneration++;
		this.maintenance.kick();
	}

	private async maintain(): Promise<void> {
		if (this.options.mode === 'polling') await this.readChanges(this.tracker.cursor());
		else if (this.gapCursor !== undefined) await this.catchUp();
		if (!this.closed && Date.now() >= this.nextReconcileAt) {
			const requestedAt = Date.now();
			const rows = await this.client.currentPresence(this.userFilter());
			if (this.closed) return;
			this.tracker.applySnapshot(rows.filter((row) => this.inScope(row.userId)), { reconcile: true, requestedAt });
			this.nextReconcileAt = Date.now() + this.options.reconcileEveryMs;
		}
	}

	/** SOQL since the gap, then a snapshot to repair what the change feed no longer shows (rows purged from the recycle bin). */
	private async catchUp(): Promise<void> {
		const generation = this.gapGeneration;
		await this.readChanges(this.gapCursor);
		if (this.closed) return;
		const requestedAt = Date.now();
		const rows = await this.client.currentPresence(this.userFilter());
		if (this.closed) return;
		this.tracker.applySnapshot(rows.filter((row) => this.inScope(row.userId)), { reconcile: false, requestedAt });
		// A gap reported while we were catching up needs another pass.
		if (generation === this.gapGeneration) this.gapCursor = undefined;
		else this.maintenance.kick();
	}

	private async readChanges(cursor: string | undefined, overlapMs = this.options.overlapMs ?? 2000): Promise<void> {
		const since = new Date(Date.parse(cursor ?? new Date().toISOString()) - overlapMs).toISOString();
		const rows: PresenceRow[] = await this.client.presenceChangesSince(since);
		if (this.closed) return;
		for (const row of rows) {
			if (this.inScope(row.userId)) this.tracker.applyRow(row);
			else this.tracker.advanceCursor(row.systemModstamp);
		}
	}

	private emit(events: PresenceEvent[], checkpoint: Checkpoint | undefined): void {
		if (this.closed || events.length === 0) return;
		if (checkpoint?.cursor) this.host.store[SALESFORCE_STORE.cursor] = checkpoint.cursor;
		if (checkpoint && checkpoint.replayId !== null) this.host.store[SALESFORCE_STORE.replayId] = checkpoint.replayId;
		this.host.emit(events);
	}

	private userFilter(): string[] | undefined {
		return this.options.userIds.length > 0 ? this.options.userIds : undefined;
	}

	private inScope(userId: string): boolean {
		return this.scope === undefined || this.scope.has(idKey(userId));
	}
}
