/**
 * Applying a batch of SyncCommands to one side (DESIGN.md §6), in one pass whatever the batch size:
 * resolve every user against the target's directory (cached, reloaded once for a user it lacks), read the matched users' current
 * state in one call, plan each command with the engine's planWrite(), and hand all writes to the target
 * at once. Each write made is recorded in the echo ledger. One ApplyEntry per command, in order.
 */
import { isOurWrite } from '../engine/echoLedger';
import type { EchoLedger, LedgerWrite } from '../engine/echoLedger';
import { MATCH_KEY_LABELS, SIDE_LABELS, userIdKey } from '../engine/identity';
import type { TargetDirectory } from '../engine/identity';
import { planWrite } from '../engine/apply';
import type { ApplyOutcome, ApplyResult, CommandUser, PresenceState, Side, SyncCommand } from '../engine/types';
import { failureFrom } from './failure';
import type { ActionFailure } from './failure';

export interface TargetWrite {
	userId: string;
	/** The desired state as the target writes it (resolved by resolveDesired). */
	desired: PresenceState;
}

export type WriteOutcome =
	| { outcome: 'written'; writeId: string }
	| { outcome: 'target-logged-out'; reason: string }
	| { outcome: 'failed'; failure: ActionFailure };

/**
 * One side as the pipeline sees it. An instance lives for one execution; the lists it reads (users,
 * statuses, codes) are its own, or the process-wide ones of its credential after shareDirectories().
 * Current states are always read fresh: they are the consistency check.
 */
export interface PresenceTarget<U> {
	readonly side: Side;
	/** Read the lists from the process-wide caches of the credential with this cacheKey (lib/directory). */
	shareDirectories(cacheKey: string): void;
	/** The side's users; reloaded once first when `covers` says a user looked for is missing (a new hire). */
	directory(covers?: (directory: TargetDirectory<U>) => boolean): Promise<TargetDirectory<U>>;
	/** The user's id on this side (CXone agent ids as text) and the identity fields it adds to results. */
	identify(entry: U): { userId: string; ids: Partial<CommandUser> };
	/** The desired state completed for writing (e.g. Omni status id and DeveloperName); throws ActionInputError. */
	resolveDesired(desired: PresenceState): Promise<PresenceState>;
	/** Current state of each user, keyed by userIdKey(side, id); users missing are in the side's "absent" state. */
	currentStates(userIds: string[]): Promise<Map<string, PresenceState>>;
	/** Performs the writes; one outcome per write, in order. Throws only when the whole batch failed. */
	write(writes: TargetWrite[]): Promise<WriteOutcome[]>;
}

export interface ApplyEntry {
	result: ApplyResult;
	/** Set when the outcome is 'failed'. */
	failure?: ActionFailure;
}

export interface ApplyContext {
	ledger: EchoLedger;
	/** Whose writes these are in the ledger: the workflow id. */
	scope: string;
	now: () => Date;
}

/** How a reason names its user: "CXone agent 1042 (email 'ann@example.com')". */
function describeUser(side: Side, user: CommandUser, userId: string): string {
	const who = side === 'salesforce' ? 'Salesforce user' : 'CXone agent';
	return `${who} ${userId} (${MATCH_KEY_LABELS[user.matchKey]} '${user.matchValue}')`;
}

interface Pending {
	command: SyncCommand;
	userId?: string;
	user: CommandUser;
	desired?: PresenceState;
	entry?: ApplyEntry;
}

function laterThan(a: SyncCommand, b: SyncCommand): boolean {
	return Date.parse(a.source.changedAt) >= Date.parse(b.source.changedAt);
}

export async function applyCommands<U>(
	commands: readonly SyncCommand[],
	target: PresenceTarget<U>,
	ctx: ApplyContext,
): Promise<ApplyEntry[]> {
	const side = SIDE_LABELS[target.side];
	const directory = await target.directory((users) => commands.every((command) => !('reason' in users.find(command.user))));
	const result = (p: Pending, outcome: ApplyOutcome, reason: string, extra: Partial<ApplyResult> = {}): ApplyEntry => ({
		result: { outcome, reason, target: target.side, user: p.user, desired: p.desired ?? p.command.desired, source: p.command.source, ...extra },
	});

	const pending: Pending[] = await Promise.all(
		commands.map(async (command): Promise<Pending> => {
			const p: Pending = { command, user: command.user };
			const found = directory.find(command.user);
			if ('reason' in found) {
				p.entry = result(p, 'user-not-matched', found.reason);
				return p;
			}
			const { userId, ids } = target.identify(found.entry);
			Object.assign(p, { userId, user: { ...command.user, ...ids } });
			try {
				p.desired = await target.resolveDesired(command.desired);
			} catch (error) {
				const failure = failureFrom(error);
				p.entry = { ...result(p, 'failed', `${failure.code}: ${failure.message}`), failure };
			}
			return p;
		}),
	);

	// Two commands for one user in a batch (fast flapping): only the latest change is applied.
	const latest = new Map<string, Pending>();
	for (const p of pending) {
		if (p.entry || !p.userId) continue;
		const key = userIdKey(target.side, p.userId);
		const seen = latest.get(key);
		if (seen && !laterThan(p.command, seen.command)) {
			p.entry = result(p, 'stale', `superseded by a later command for the same user in this batch (event ${seen.command.source.eventId})`);
			continue;
		}
		if (seen) seen.entry = result(seen, 'stale', `superseded by a later command for the same user in this batch (event ${p.command.source.eventId})`);
		latest.set(key, p);
	}

	const toPlan = [...latest.values()];
	const current = toPlan.length ? await target.currentStates(toPlan.map((p) => p.userId as string)) : new Map();
	const writes: Array<{ p: Pending; current: PresenceState; reason: string }> = [];
	for (const p of toPlan) {
		const state = current.get(userIdKey(target.side, p.userId as string)) as PresenceState;
		const ours = state !== undefined && isOurWrite(ctx.ledger, ctx.scope, target.side, p.userId as string, state, ctx.now());
		const plan = planWrite({ ...p.command, desired: p.desired as PresenceState }, state, { currentIsOurWrite: ours });
		if (plan.write) writes.push({ p, current: state, reason: plan.reason });
		else p.entry = result(p, plan.outcome, plan.reason, { current: state });
	}

	if (writes.length) {
		// Recorded before writing: in a large batch the echo of an early write can reach the Presence Rule
		// before the last write of the batch returns. A refused write is taken back below.
		const at = ctx.now().toISOString();
		const recorded = writes.map(({ p }): LedgerWrite => {
			const write = { scope: ctx.scope, side: target.side, userId: p.userId as string, state: p.desired as PresenceState, at };
			ctx.ledger.record(write);
			return write;
		});
		const outcomes = await target.write(
			writes.map(({ p }) => ({ userId: p.userId as string, desired: p.desired as PresenceState })),
		).catch((error) => {
			recorded.forEach((write) => ctx.ledger.forget(write));
			throw error;
		});
		writes.forEach(({ p, current: state, reason }, i) => {
			const outcome = outcomes[i];
			if (outcome.outcome !== 'written') ctx.ledger.forget(recorded[i]);
			if (outcome.outcome === 'written') {
				p.entry = result(p, 'written', reason, { current: state, writeId: outcome.writeId });
			} else if (outcome.outcome === 'target-logged-out') {
				p.entry = result(p, 'target-logged-out', outcome.reason, { current: state });
			} else {
				const reason = `${side} refused the change for ${describeUser(target.side, p.user, p.userId as string)}: ${outcome.failure.code}: ${outcome.failure.message}`;
				p.entry = { ...result(p, 'failed', reason, { current: state }), failure: { ...outcome.failure, message: reason } };
			}
		});
	}
	return pending.map((p) => p.entry as ApplyEntry);
}
