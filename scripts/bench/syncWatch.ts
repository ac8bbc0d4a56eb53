/**
 * Watches every agent's pair of states (CXone agent ⇄ Salesforce user, paired by email) through the
 * emulators' change events, judged in or out of sync by the template's own rule (the console's judge()).
 * It makes the agents' changes for the scenarios and measures each sync's latency: from the agent's change
 * on one side (the emulator's event) to the write on the other side that makes the pair consistent again
 * (CXone: the agent-session state set by the API; Salesforce: the command applied by the simulated companion).
 */
import { performance } from 'perf_hooks';

import { judge } from '../../emulators/console/syncMark';
import type { CxoneEmulator } from '../../emulators/cxone';
import type { EmulatedStatus, SalesforceEmulator } from '../../emulators/salesforce';
import type { PresenceRuleConfig } from '../../lib/engine/rule';
import type { AcdState, AcdStateName, OmniState, Side } from '../../lib/engine/types';

export interface AgentPair {
	email: string;
	agentId: number;
	userId: string;
	/** The agent's own change still waiting for its sync. */
	awaiting: { side: Side; at: number } | null;
	consistent: boolean;
}

/** A state an agent can pick on one side: CXone state + code, or an Omni status DeveloperName. */
export type AgentChoice = { side: 'cxone'; state: 'Available' | 'Unavailable'; reason: string | null } | { side: 'salesforce'; developerName: string };

/** Causes under which a change is the sync writing, not the agent acting (as the console counts them). */
const SYNC_CAUSES: Record<Side, string[]> = { cxone: ['api'], salesforce: ['companion', 'api-delete'] };

/**
 * What agents pick during the scenarios: states the stock baseline can follow too. Offline and LoggedOut are
 * left out (a logged-out CXone agent is never logged in by a sync, and the stock flow sees no Offline row).
 */
const CXONE_CHOICES: Array<{ state: 'Available' | 'Unavailable'; reason: string | null }> = [
	{ state: 'Available', reason: null },
	{ state: 'Unavailable', reason: 'Lunch' },
	{ state: 'Unavailable', reason: 'Break' },
	{ state: 'Unavailable', reason: 'Training' },
	{ state: 'Unavailable', reason: 'Meeting' },
];

/** A change whose sync never came: what the agent picked, and both sides when the bench gave up. */
export interface LostChange {
	email: string;
	choice: AgentChoice;
	at: string;
	cxone: string;
	salesforce: string;
}

export class SyncWatch {
	readonly pairs: AgentPair[] = [];
	/** Pairs out of sync right now. */
	readonly inconsistent = new Set<AgentPair>();
	/** Every change whose sync timed out, for the report's analysis. */
	readonly lost: LostChange[] = [];
	private readonly byAgentId = new Map<number, AgentPair>();
	private readonly byUserId = new Map<string, AgentPair>();
	private readonly statuses: Map<string, EmulatedStatus>;
	private readonly waiters = new Map<AgentPair, (ms: number) => void>();
	private readonly onCxone = (agentId: number, _state: string, cause: string) => this.changed(this.byAgentId.get(agentId), 'cxone', cause);
	private readonly onSalesforce = (userId: string, _state: unknown, cause: string) => this.changed(this.byUserId.get(userId), 'salesforce', cause);

	constructor(
		private readonly salesforce: SalesforceEmulator,
		private readonly cxone: CxoneEmulator,
		private readonly rule: PresenceRuleConfig,
	) {
		this.statuses = new Map(salesforce.statuses().map((status) => [status.developerName, status]));
		this.repair();
		cxone.events.on('state', this.onCxone);
		salesforce.events.on('presence', this.onSalesforce);
	}

	close(): void {
		this.cxone.events.off('state', this.onCxone);
		this.salesforce.events.off('presence', this.onSalesforce);
	}

	/** Re-reads the agent list after the emulators were seeded (agents added or replaced). */
	repair(): void {
		this.pairs.length = 0;
		this.inconsistent.clear();
		this.byAgentId.clear();
		this.byUserId.clear();
		for (const agent of this.cxone.agents()) {
			const user = this.salesforce.userByEmail(agent.emailAddress);
			if (!user) continue;
			const pair: AgentPair = { email: agent.emailAddress, agentId: agent.agentId, userId: user.id, awaiting: null, consistent: true };
			pair.consistent = this.judged(pair, 'cxone');
			if (!pair.consistent) this.inconsistent.add(pair);
			this.pairs.push(pair);
			this.byAgentId.set(agent.agentId, pair);
			this.byUserId.set(user.id, pair);
		}
	}

	/** A state for the agent to pick on `side` that puts the pair out of sync in a way the rule repairs; none if there is none. */
	choose(pair: AgentPair, side: Side, random: () => number): AgentChoice | undefined {
		const options: AgentChoice[] =
			side === 'cxone'
				? CXONE_CHOICES.map((choice) => ({ side: 'cxone' as const, ...choice }))
				: [...this.statuses.keys()].map((developerName) => ({ side: 'salesforce' as const, developerName }));
		const useful = options.filter((choice) => this.needsSync(pair, choice));
		return useful.length === 0 ? undefined : useful[Math.floor(random() * useful.length)];
	}

	/** Would this change put the pair out of sync in a way the rule repairs? */
	needsSync(pair: AgentPair, choice: AgentChoice): boolean {
		const verdict =
			choice.side === 'cxone'
				? judge(this.rule, { kind: 'acd', state: choice.state, reason: choice.reason, isAcw: false }, this.omniOf(pair), 'cxone')
				: judge(this.rule, this.acdOf(pair), this.omniState(choice.developerName), 'salesforce');
		return !verdict.consistent && verdict.follower === (choice.side === 'cxone' ? 'salesforce' : 'cxone');
	}

	/** The agent makes the change; resolves with the sync's latency (ms), or undefined when none came within `timeoutMs`. */
	apply(pair: AgentPair, choice: AgentChoice, timeoutMs: number): Promise<number | undefined> {
		const at = new Date().toISOString();
		const synced = new Promise<number | undefined>((resolve) => {
			const timer = setTimeout(() => {
				this.waiters.delete(pair);
				const acd = this.acdOf(pair);
				const omni = this.omniOf(pair);
				this.lost.push({ email: pair.email, choice, at, cxone: acd.reason ? `${acd.state} (${acd.reason})` : acd.state, salesforce: omni.developerName ?? 'Offline' });
				resolve(undefined);
			}, timeoutMs);
			this.waiters.set(pair, (ms) => {
				clearTimeout(timer);
				resolve(ms);
			});
		});
		if (choice.side === 'cxone') this.cxone.setAgentState(pair.agentId, choice.state, choice.reason);
		else this.salesforce.setPresence(pair.userId, choice.developerName);
		return synced;
	}

	private changed(pair: AgentPair | undefined, side: Side, cause: string): void {
		if (!pair) return;
		const now = performance.now();
		pair.consistent = this.judged(pair, side);
		if (pair.consistent) this.inconsistent.delete(pair);
		else this.inconsistent.add(pair);
		if (!SYNC_CAUSES[side].includes(cause)) {
			pair.awaiting = pair.consistent ? null : { side, at: now };
			return;
		}
		if (pair.consistent && pair.awaiting && pair.awaiting.side !== side) {
			const ms = now - pair.awaiting.at;
			pair.awaiting = null;
			const waiter = this.waiters.get(pair);
			this.waiters.delete(pair);
			waiter?.(ms);
		}
	}

	private judged(pair: AgentPair, lastSide: Side): boolean {
		return judge(this.rule, this.acdOf(pair), this.omniOf(pair), lastSide).consistent;
	}

	private acdOf(pair: AgentPair): AcdState {
		const status = this.cxone.stateOf(pair.agentId);
		return { kind: 'acd', state: status.state as AcdStateName, reason: status.reason, isAcw: status.isAcw };
	}

	private omniOf(pair: AgentPair): OmniState {
		const presence = this.salesforce.presenceOf(pair.userId);
		return presence ? this.omniState(presence.developerName) : { kind: 'omni', statusId: null, developerName: null, label: 'Offline', online: false };
	}

	private omniState(developerName: string): OmniState {
		const status = this.statuses.get(developerName);
		return { kind: 'omni', statusId: status?.id ?? null, developerName, label: status?.label ?? developerName, online: status?.online ?? false };
	}
}
