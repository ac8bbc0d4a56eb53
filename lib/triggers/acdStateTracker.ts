/**
 * Reads /agents/states rows as ACD state changes (cxone.md §3). The feed returns an agent's row whenever
 * anything about it was updated (contact counts, skills, poll bookkeeping), so only a change of state,
 * unavailable code, ACW flag or start time against what we last knew is a PresenceEvent. A new start time
 * with the same state means the agent left and re-entered it between two polls (or CXone restarted the
 * session): the other side may have moved meanwhile, so it is reported too.
 */
import { reasonOf } from '../engine/state';
import type { AcdState, AcdStateName, PresenceEvent } from '../engine/types';
import type { AgentStateRow } from '../cxone/types';

/** State names some API versions spell differently from the ones the rule knows. */
const STATE_ALIASES: Record<string, AcdStateName> = { DialerPending: 'Dialer' };

export function acdStateOf(row: AgentStateRow): AcdState {
	const state = (STATE_ALIASES[row.agentStateName] ?? row.agentStateName) as AcdStateName;
	const reason = state === 'Unavailable' ? row.outStateDescription?.trim() || null : null;
	return { kind: 'acd', state, reason, isAcw: Boolean(row.isACW), since: row.startDate };
}

function sameAcd(a: AcdState, b: AcdState): boolean {
	return a.state === b.state && reasonOf(a) === reasonOf(b) && a.isAcw === b.isAcw;
}

function acdEvent(row: AgentStateRow, state: AcdState, eventId: string, observedAt: string, previous?: AcdState): PresenceEvent {
	const name = [row.firstName, row.lastName].filter(Boolean).join(' ');
	return {
		side: 'cxone',
		eventId,
		changedAt: row.startDate || observedAt,
		observedAt,
		user: {
			cxoneAgentId: row.agentId,
			...(row.userName ? { username: row.userName } : {}),
			...(name ? { name } : {}),
			...(row.teamId ? { teamId: row.teamId, teamName: row.teamName } : {}),
		},
		state,
		...(previous ? { previous } : {}),
	};
}

export class AcdStateTracker {
	private readonly known = new Map<number, AcdState>();

	constructor(private readonly now: () => number = Date.now) {}

	/** Remembers states without emitting them (the first snapshot of a new trigger). */
	learn(rows: readonly AgentStateRow[]): void {
		for (const row of rows) this.known.set(row.agentId, acdStateOf(row));
	}

	/** The rows whose state, code, ACW flag or start time differs from what we knew, as events. */
	changes(rows: readonly AgentStateRow[]): PresenceEvent[] {
		const observedAt = new Date(this.now()).toISOString();
		const events: PresenceEvent[] = [];
		for (const row of rows) {
			const state = acdStateOf(row);
			const previous = this.known.get(row.agentId);
			if (previous && sameAcd(previous, state) && previous.since === state.since) continue;
			this.known.set(row.agentId, state);
			events.push(acdEvent(row, state, `${row.agentId}:${row.startDate}:${state.state}:${state.reason ?? ''}`, observedAt, previous));
		}
		return events;
	}

	/**
	 * Re-emits every agent's current state flagged `reconcile`. LoggedOut agents are included only when we
	 * knew them logged in: a business unit has thousands of agents who are simply not working today.
	 */
	reconcile(rows: readonly AgentStateRow[]): PresenceEvent[] {
		const observedAt = new Date(this.now()).toISOString();
		const events: PresenceEvent[] = [];
		for (const row of rows) {
			const state = acdStateOf(row);
			const previous = this.known.get(row.agentId);
			this.known.set(row.agentId, state);
			if (state.state === 'LoggedOut' && (!previous || previous.state === 'LoggedOut')) continue;
			const changed = previous && !sameAcd(previous, state) ? previous : undefined;
			events.push({ ...acdEvent(row, state, `reconcile:${row.agentId}:${observedAt}`, observedAt, changed), reconcile: true });
		}
		return events;
	}
}
