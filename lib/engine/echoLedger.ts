/**
 * The echo ledger (DESIGN.md §6): action nodes record each write they make, and the Presence Rule treats
 * an event that reports exactly such a write, shortly after it, as our own echo. The consistency rule
 * already stops echoes with no memory; the ledger is for fast flapping (A→B→C inside the sync latency),
 * where the late echo of A would otherwise be synced back over C.
 */
import { userIdKey, userIdOn } from './identity';
import { DEFAULT_ECHO_WINDOW_MS } from './rule';
import { sameState } from './state';
import type { PresenceEvent, PresenceState, Side } from './types';

export interface LedgerWrite {
	/** Whose writes these are: the workflow id, so two workflows never take each other's writes for echoes. */
	scope: string;
	/** The side written to. */
	side: Side;
	/** Salesforce user id, or CXone agent id as a string. */
	userId: string;
	/** The state written. */
	state: PresenceState;
	/** When the write was made, ISO. */
	at: string;
}

/**
 * Synchronous on purpose, so decide() stays a pure function. Regular mode runs every node of a workflow
 * in one process: InProcessEchoLedger. Queue mode runs them on different workers and needs a shared
 * implementation (e.g. Redis: a list per scope|side|user with a TTL of the retention); it would fetch the
 * batch's users' writes before deciding and record asynchronously behind this same interface. None ships yet.
 */
export interface EchoLedger {
	record(write: LedgerWrite): void;
	/** The write this event echoes, if any: same scope, side, user and state, changed within the window. */
	matches(event: PresenceEvent, now: Date, windowMs: number, scope: string): LedgerWrite | undefined;
	/** Takes back a write recorded before it was sent, when the service refused it. */
	forget(write: LedgerWrite): void;
}

/**
 * Whether the target's current state is one of our own writes, applied: the companion applies Salesforce
 * commands after a delay, so during fast flapping an earlier command of ours can land after the next
 * source change. Such a state is not an independent, newer change and must not make the next command
 * look stale. Same test as an echo: our write of this state, entered within the window after it.
 */
export function isOurWrite(
	ledger: EchoLedger,
	scope: string,
	side: Side,
	userId: string,
	current: PresenceState,
	now: Date,
	windowMs = DEFAULT_ECHO_WINDOW_MS,
): boolean {
	if (current.since === undefined) return false;
	const user = side === 'salesforce' ? { salesforceUserId: userId } : { cxoneAgentId: Number(userId) };
	const asEvent: PresenceEvent = { side, eventId: '', changedAt: current.since, observedAt: now.toISOString(), user, state: current };
	return ledger.matches(asEvent, now, windowMs, scope) !== undefined;
}

/**
 * Source clocks (CXone, Salesforce) and ours differ a little: an echo may carry a changedAt slightly
 * before our write's timestamp. Treating a same-state change this close as an echo is harmless: the
 * side it came from already shows what we wrote.
 */
export const CLOCK_SKEW_MS = 2_000;

export interface InProcessEchoLedgerOptions {
	/** Writes older than this are forgotten; keep it at least the largest echo window in use. */
	retentionMs?: number;
	/** Writes kept per user: a user flapping faster than this within the window is not plausible. */
	maxPerUser?: number;
}

export class InProcessEchoLedger implements EchoLedger {
	private readonly writes = new Map<string, LedgerWrite[]>();
	private readonly retentionMs: number;
	private readonly maxPerUser: number;
	private recordsSinceSweep = 0;

	constructor(options: InProcessEchoLedgerOptions = {}) {
		this.retentionMs = options.retentionMs ?? 10 * 60_000;
		this.maxPerUser = options.maxPerUser ?? 16;
	}

	record(write: LedgerWrite): void {
		const key = ledgerKey(write.scope, write.side, write.userId);
		const at = Date.parse(write.at);
		const kept = this.prune(key, at);
		kept.push(write);
		this.writes.set(key, kept.slice(-this.maxPerUser));
		// Users written once and never again would otherwise stay forever: sweep everything now and then.
		if (++this.recordsSinceSweep >= 1024) this.sweep(at);
	}

	matches(event: PresenceEvent, now: Date, windowMs: number, scope: string): LedgerWrite | undefined {
		const userId = userIdOn(event.side, event.user);
		if (userId === undefined) return undefined;
		const fresh = this.prune(ledgerKey(scope, event.side, userId), now.getTime());
		const changedAt = Date.parse(event.changedAt);
		for (let i = fresh.length - 1; i >= 0; i--) {
			const write = fresh[i];
			const at = Date.parse(write.at);
			if (changedAt >= at - CLOCK_SKEW_MS && changedAt <= at + windowMs && sameState(event.state, write.state)) {
				return write;
			}
		}
		return undefined;
	}

	forget(write: LedgerWrite): void {
		const key = ledgerKey(write.scope, write.side, write.userId);
		const kept = (this.writes.get(key) ?? []).filter((w) => w !== write);
		if (kept.length) this.writes.set(key, kept);
		else this.writes.delete(key);
	}

	/** Number of users with remembered writes (for tests of the memory bound). */
	get size(): number {
		return this.writes.size;
	}

	/** Drops the user's writes older than the retention and returns those left. */
	private prune(key: string, nowMs: number): LedgerWrite[] {
		const fresh = (this.writes.get(key) ?? []).filter((write) => nowMs - Date.parse(write.at) <= this.retentionMs);
		if (fresh.length) this.writes.set(key, fresh);
		else this.writes.delete(key);
		return fresh;
	}

	private sweep(nowMs: number): void {
		this.recordsSinceSweep = 0;
		for (const key of this.writes.keys()) this.prune(key, nowMs);
	}
}

function ledgerKey(scope: string, side: Side, userId: string): string {
	return `${scope}|${side}|${userIdKey(side, userId)}`;
}

let shared: InProcessEchoLedger | undefined;

/** The process-wide ledger: the Presence Rule and the action nodes of a workflow meet here. */
export function sharedEchoLedger(): EchoLedger {
	shared ??= new InProcessEchoLedger();
	return shared;
}
