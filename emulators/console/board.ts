/**
 * The console's model: one row per agent (CXone agent and Salesforce user paired by email), rebuilt from
 * the emulators whenever either announces a change, each judged in or out of sync by the template's rule.
 * It also measures sync latency: from an agent's own change on one side to the sync's write on the other
 * side that makes the pair agree again.
 */
import { EventEmitter } from 'events';

import type { PresenceRuleConfig } from '../../lib/engine/rule';
import { ON_CONTACT_ACD_STATES } from '../../lib/engine/types';
import type { AcdState, AcdStateName, OmniState, Side } from '../../lib/engine/types';
import type { CxoneEmulator } from '../cxone';
import type { EmulatedStatus, SalesforceEmulator } from '../salesforce';
import { judge, type SyncMark } from './syncMark';

/** An out-of-sync pair whose last change is younger than this is shown as pending (~), not as out of sync (✗). */
export const PENDING_MS = 5000;

export interface AgentRow {
	email: string;
	name: string;
	team: string;
	cxone: { agentId: number; state: string; reason: string | null; isAcw: boolean; onContact: boolean; since: string };
	salesforce: { userId: string; developerName: string | null; label: string; online: boolean; consoleOpen: boolean; since: string | null };
	sync: SyncMark;
	syncNote: string;
	/** The newest change on either side, ISO. */
	changedAt: string;
}

/** A sync the console watched happen: an agent's change on `from`, then the matching write on the other side. */
export interface ObservedSync {
	email: string;
	name: string;
	from: Side;
	state: string;
	latencyMs: number;
}

export interface BoardStats {
	agents: number;
	inSync: number;
	pending: number;
	outOfSync: number;
	notSynced: number;
	salesforce: { calls: number; writes: number };
	cxone: { calls: number; writes: number };
	lastLatencyMs: number | null;
	p50LatencyMs: number | null;
	syncs: number;
}

interface PairInfo {
	email: string;
	name: string;
	team: string;
	agentId: number;
	userId: string;
	/** The agent's own latest change still waiting for its sync: the start of a latency measurement. */
	awaiting: { side: Side; at: number; state: string } | null;
	lastSide: Side;
	/** When either side last changed (Offline has no start time of its own in Salesforce). */
	changedAt: string;
}

interface Pair extends PairInfo {
	row: AgentRow;
}

/** Causes under which a change is the sync writing, not the agent acting. */
const SYNC_CAUSES: Record<Side, string[]> = { cxone: ['api'], salesforce: ['companion', 'api-delete'] };

const LATENCIES_KEPT = 1000;

function total(counts: Record<string, number>): number {
	return Object.values(counts).reduce((sum, n) => sum + n, 0);
}

/** Emits 'row' (AgentRow) on every change and 'sync' (ObservedSync) when a sync lands. */
export class Board extends EventEmitter {
	private readonly pairs = new Map<string, Pair>();
	private readonly byAgentId = new Map<number, Pair>();
	private readonly byUserId = new Map<string, Pair>();
	private readonly latencies: number[] = [];
	private syncs = 0;
	private readonly pendingTimers = new Set<NodeJS.Timeout>();
	private readonly statuses: Map<string, EmulatedStatus>;
	private readonly onCxone = (agentId: number, _state: string, cause: string) => this.changed(this.byAgentId.get(agentId), 'cxone', cause);
	private readonly onSalesforce = (userId: string, _state: unknown, cause: string) => this.changed(this.byUserId.get(userId), 'salesforce', cause);
	private readonly onConsole = (userId: string) => this.consoleToggled(this.byUserId.get(userId));

	constructor(
		private readonly salesforce: SalesforceEmulator,
		private readonly cxone: CxoneEmulator,
		readonly rule: PresenceRuleConfig,
	) {
		super();
		this.statuses = new Map(salesforce.statuses().map((status) => [status.id, status]));
		this.load();
		cxone.events.on('state', this.onCxone);
		salesforce.events.on('presence', this.onSalesforce);
		salesforce.events.on('console', this.onConsole);
	}

	close(): void {
		this.cxone.events.off('state', this.onCxone);
		this.salesforce.events.off('presence', this.onSalesforce);
		this.salesforce.events.off('console', this.onConsole);
		for (const timer of this.pendingTimers) clearTimeout(timer);
		this.pendingTimers.clear();
	}

	rows(): AgentRow[] {
		return [...this.pairs.values()].map((pair) => pair.row);
	}

	row(email: string): AgentRow | undefined {
		return this.pair(email)?.row;
	}

	/** Agent and user ids for an email, or an error naming the email. */
	ids(email: string): { agentId: number; userId: string } {
		const pair = this.pair(email);
		if (!pair) throw new Error(`No agent with email '${email}' is on the console (agents are paired by email on both emulators)`);
		return { agentId: pair.agentId, userId: pair.userId };
	}

	stats(): BoardStats {
		const marks = this.rows().map((row) => row.sync);
		const count = (mark: SyncMark) => marks.filter((m) => m === mark).length;
		const sf = this.salesforce.router.counters();
		const cx = this.cxone.router.counters();
		return {
			agents: marks.length,
			inSync: count('in-sync'),
			pending: count('pending'),
			outOfSync: count('out-of-sync'),
			notSynced: count('not-synced'),
			salesforce: { calls: sf.totalCalls, writes: total(sf.writes) },
			cxone: { calls: cx.totalCalls, writes: total(cx.writes) },
			lastLatencyMs: this.latencies.length ? this.latencies[this.latencies.length - 1] : null,
			p50LatencyMs: percentile(this.latencies, 50),
			syncs: this.syncs,
		};
	}

	private pair(email: string): Pair | undefined {
		return this.pairs.get(email.toLowerCase());
	}

	/** Pairs every CXone agent with the Salesforce user of the same email; agents without one are left off. */
	private load(): void {
		for (const agent of this.cxone.agents()) {
			const user = this.salesforce.userByEmail(agent.emailAddress);
			if (!user) continue;
			const since = [this.cxone.stateOf(agent.agentId).since, this.salesforce.presenceOf(user.id)?.since ?? ''].sort();
			const info: PairInfo = {
				email: agent.emailAddress,
				name: `${agent.firstName} ${agent.lastName}`,
				team: agent.teamName,
				agentId: agent.agentId,
				userId: user.id,
				awaiting: null,
				lastSide: 'cxone',
				changedAt: since[1],
			};
			const pair: Pair = { ...info, row: this.build(info) };
			this.pairs.set(agent.emailAddress.toLowerCase(), pair);
			this.byAgentId.set(agent.agentId, pair);
			this.byUserId.set(user.id, pair);
		}
	}

	private changed(pair: Pair | undefined, side: Side, cause: string): void {
		if (!pair) return;
		const now = Date.now();
		pair.lastSide = side;
		pair.changedAt = new Date(now).toISOString();
		pair.row = this.build(pair);
		const bySync = SYNC_CAUSES[side].includes(cause);
		if (!bySync) {
			pair.awaiting = pair.row.sync === 'in-sync' ? null : { side, at: now, state: side === 'cxone' ? this.cxoneLabel(pair.row) : pair.row.salesforce.label };
		} else if (pair.row.sync === 'in-sync' && pair.awaiting && pair.awaiting.side !== side) {
			this.observe({ email: pair.email, name: pair.name, from: pair.awaiting.side, state: pair.awaiting.state, latencyMs: now - pair.awaiting.at });
			pair.awaiting = null;
		}
		if (pair.row.sync === 'pending') this.recheckLater(pair);
		this.emit('row', pair.row);
	}

	/** An opened or closed console changes no state, only whether the companion can apply a command. */
	private consoleToggled(pair: Pair | undefined): void {
		if (!pair) return;
		pair.row = this.build(pair);
		this.emit('row', pair.row);
	}

	private observe(sync: ObservedSync): void {
		this.syncs += 1;
		this.latencies.push(sync.latencyMs);
		if (this.latencies.length > LATENCIES_KEPT) this.latencies.shift();
		this.emit('sync', sync);
	}

	/** A pending mark turns into ✗ by the passing of time alone, so look again when it would. */
	private recheckLater(pair: Pair): void {
		const timer = setTimeout(() => {
			this.pendingTimers.delete(timer);
			const before = pair.row.sync;
			pair.row = this.build(pair);
			if (pair.row.sync !== before) this.emit('row', pair.row);
		}, PENDING_MS + 50);
		timer.unref();
		this.pendingTimers.add(timer);
	}

	private cxoneLabel(row: AgentRow): string {
		return row.cxone.reason ? `${row.cxone.state} (${row.cxone.reason})` : row.cxone.state;
	}

	private build(pair: PairInfo): AgentRow {
		const status = this.cxone.stateOf(pair.agentId);
		const acd: AcdState = { kind: 'acd', state: status.state as AcdStateName, reason: status.reason, isAcw: status.isAcw };
		const presence = this.salesforce.presenceOf(pair.userId);
		const known = presence && this.statuses.get(presence.statusId);
		const omni: OmniState = presence
			? { kind: 'omni', statusId: presence.statusId, developerName: presence.developerName, label: known?.label ?? presence.developerName, online: known?.online ?? false }
			: { kind: 'omni', statusId: null, developerName: null, label: 'Offline', online: false };
		const changedAt = pair.changedAt;
		const verdict = judge(this.rule, acd, omni, pair.lastSide);
		const consoleOpen = this.salesforce.isConsoleOpen(pair.userId);
		let sync: SyncMark = 'in-sync';
		let syncNote = verdict.note;
		if (!verdict.consistent) {
			const recent = Date.now() - Date.parse(changedAt) < PENDING_MS;
			sync = verdict.follower === null ? 'not-synced' : recent ? 'pending' : 'out-of-sync';
			if (verdict.follower === 'salesforce' && !consoleOpen) syncNote += '; the console is closed, so the companion cannot apply it';
		}
		return {
			email: pair.email,
			name: pair.name,
			team: pair.team,
			cxone: { agentId: pair.agentId, state: status.state, reason: status.reason, isAcw: status.isAcw, onContact: ON_CONTACT_ACD_STATES.includes(acd.state), since: status.since },
			salesforce: {
				userId: pair.userId,
				developerName: omni.developerName,
				label: omni.label,
				online: omni.online,
				consoleOpen,
				since: presence?.since ?? null,
			},
			sync,
			syncNote,
			changedAt,
		};
	}
}

export function percentile(values: number[], p: number): number | null {
	if (values.length === 0) return null;
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}
