/**
 * Watches CXone ACD states (DESIGN.md §7, cxone.md §3.3): polls /agents/states?updatedSince=<lastPollTime>
 * in a self-scheduling loop, emits real changes only, and can re-emit every agent's state periodically.
 * lastPollTime is committed to the host's store with the batch that covers it. A new trigger learns the
 * current states silently; a restarted one emits what changed since its stored cursor.
 */
import type { PresenceEvent } from '../engine/types';
import type { AgentStateRow, CxoneAgent, CxoneClient } from '../cxone/types';
import { AcdStateTracker } from './acdStateTracker';
import { DirectoryCache, ENRICHMENT_MAX_AGE_MS } from '../directory/directoryCache';
import { hostedTaskLoop } from './host';
import type { TriggerHost } from './host';
import { PresencePipeline } from './pipeline';
import type { TaskLoop } from './taskLoop';

export interface CxoneWatchOptions {
	pollIntervalMs: number;
	/** 0 = no periodic reconcile. */
	reconcileEveryMs: number;
	batchWindowMs: number;
	maxBatch: number;
	/** Only agents of these teams; empty = every team. */
	teamIds: number[];
}

export const CXONE_STORE = { lastPollTime: 'lastPollTime' } as const;

/** The agent list events are enriched from (email and federated id are not in /agents/states). */
export class CxoneDirectory {
	readonly agents: DirectoryCache<CxoneAgent>;

	constructor(client: CxoneClient, onLoadError: (error: Error) => void) {
		this.agents = new DirectoryCache({ load: () => client.listAgents(), keyOf: (agent) => String(agent.agentId), maxAgeMs: ENRICHMENT_MAX_AGE_MS, onLoadError });
	}

	async enrich(events: PresenceEvent[]): Promise<PresenceEvent[]> {
		await this.agents.ensure(events.map((event) => String(event.user.cxoneAgentId)));
		return events.map((event) => {
			const agent = this.agents.get(String(event.user.cxoneAgentId));
			if (!agent) return event;
			const name = [agent.firstName, agent.lastName].filter(Boolean).join(' ');
			return {
				...event,
				user: {
					...event.user,
					...(agent.emailAddress ? { email: agent.emailAddress } : {}),
					...(agent.federatedId ? { federationId: agent.federatedId } : {}),
					username: event.user.username ?? agent.userName,
					...(name && !event.user.name ? { name } : {}),
					teamId: event.user.teamId ?? agent.teamId,
					teamName: event.user.teamName ?? agent.teamName,
				},
			};
		});
	}
}

export class CxoneStateWatcher {
	private readonly directory: CxoneDirectory;
	private readonly tracker = new AcdStateTracker();
	private readonly pipeline: PresencePipeline<string | undefined>;
	private readonly loop: TaskLoop;
	private readonly teams: Set<number> | undefined;
	private lastPollTime: string | undefined;
	private nextReconcileAt = Number.POSITIVE_INFINITY;
	private closed = false;

	constructor(
		private readonly client: CxoneClient,
		private readonly host: TriggerHost,
		private readonly options: CxoneWatchOptions,
	) {
		this.teams = options.teamIds.length > 0 ? new Set(options.teamIds) : undefined;
		this.directory = new CxoneDirectory(client, (error) => host.log.warn(`CXone agent list reload failed: ${error.message}`));
		this.pipeline = new PresencePipeline<string | undefined>({
			batchWindowMs: options.batchWindowMs,
			maxBatch: options.maxBatch,
			enrich: (events) => this.directory.enrich(events),
			checkpoint: () => this.lastPollTime,
			emit: (events, checkpoint) => {
				if (this.closed) return;
				if (checkpoint) host.store[CXONE_STORE.lastPollTime] = checkpoint;
				host.emit(events);
			},
			onError: (error) => host.log.warn(`CXone state batch failed: ${error.message}`),
		});
		this.loop = hostedTaskLoop(host, { name: 'CXone agent states', intervalMs: options.pollIntervalMs, task: () => this.poll() });
	}

	/** Loads the agent list and the starting point, then polls. Throws when CXone cannot be read. */
	async start(): Promise<void> {
		const stored = this.host.store[CXONE_STORE.lastPollTime];
		const directoryLoaded = this.directory.agents.load();
		if (typeof stored === 'string') {
			// Restarted: the first poll reads (and emits) what changed while we were away.
			this.lastPollTime = stored;
			await directoryLoaded;
			this.loop.start(0);
		} else {
			const [, snapshot] = await Promise.all([directoryLoaded, this.client.agentStatesSince(null)]);
			this.tracker.learn(this.inScope(snapshot.states));
			this.lastPollTime = snapshot.lastPollTime;
			// Saved with the activation, so a restart before the first change still resumes from here.
			this.host.store[CXONE_STORE.lastPollTime] = snapshot.lastPollTime;
			this.loop.start();
		}
		if (this.options.reconcileEveryMs > 0) this.nextReconcileAt = Date.now() + this.options.reconcileEveryMs;
	}

	async close(): Promise<void> {
		this.closed = true;
		this.pipeline.close();
		await this.loop.stop();
	}

	/** Up to `limit` agents' current states from the live tenant, working agents first. */
	static async sample(client: CxoneClient, limit: number, teamIds: number[]): Promise<PresenceEvent[]> {
		const directory = new CxoneDirectory(client, () => undefined);
		const [, snapshot] = await Promise.all([directory.agents.load(), client.agentStatesSince(null)]);
		const rows = snapshot.states.filter((row) => teamIds.length === 0 || teamIds.includes(row.teamId));
		const loggedIn = rows.filter((row) => row.agentStateName !== 'LoggedOut');
		const picked = [...loggedIn, ...rows.filter((row) => row.agentStateName === 'LoggedOut')].slice(0, limit);
		return await directory.enrich(new AcdStateTracker().changes(picked));
	}

	private async poll(): Promise<void> {
		const page = await this.client.agentStatesSince(this.lastPollTime ?? null);
		if (this.closed) return;
		// Events first, then the cursor: both synchronously, so a checkpoint never runs ahead of its events.
		this.pipeline.push(this.tracker.changes(this.inScope(page.states)));
		this.lastPollTime = page.lastPollTime;
		if (Date.now() < this.nextReconcileAt) return;
		const snapshot = await this.client.agentStatesSince(null);
		if (this.closed) return;
		this.pipeline.push(this.tracker.reconcile(this.inScope(snapshot.states)));
		this.nextReconcileAt = Date.now() + this.options.reconcileEveryMs;
	}

	private inScope(rows: AgentStateRow[]): AgentStateRow[] {
		return this.teams === undefined ? rows : rows.filter((row) => this.teams!.has(row.teamId));
	}
}
