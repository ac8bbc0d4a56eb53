/**
 * planWrite(): the action nodes' half of the sync semantics (DESIGN.md §6). Given a SyncCommand and the
 * target's current state, write only when the target is not already consistent with the source, is not
 * newer than it (unless the source is the master side), and is not an agent CXone must not be changed under.
 */
import { MATCH_KEY_LABELS, SIDE_LABELS } from './identity';
import { describeState, isBusyAgent, isConsistent } from './state';
import type { ApplyOutcome, PresenceState, SyncCommand } from './types';

export interface WritePlan {
	write: boolean;
	outcome: ApplyOutcome;
	reason: string;
}

function skip(outcome: ApplyOutcome, reason: string): WritePlan {
	return { write: false, outcome, reason };
}

/**
 * `current` is the target user's state now, or null when no such user was found on the target side.
 * `currentIsOurWrite`: the current state is our own latest write (isOurWrite), so its start time says
 * nothing about an independent change on the target and the staleness check does not apply.
 */
export function planWrite(
	command: SyncCommand,
	current: PresenceState | null,
	options: { currentIsOurWrite?: boolean } = {},
): WritePlan {
	const target = SIDE_LABELS[command.target];
	if (current === null) {
		return skip(
			'user-not-matched',
			`no ${target} user matches ${MATCH_KEY_LABELS[command.user.matchKey]} '${command.user.matchValue}'`,
		);
	}
	if (current.kind !== (command.target === 'cxone' ? 'acd' : 'omni')) {
		throw new Error(`planWrite: the current state of a ${target} user must be of kind '${command.target === 'cxone' ? 'acd' : 'omni'}'`);
	}
	const now = describeState(current);
	if (isConsistent(current, command.acceptable)) {
		return skip('already-consistent', `${target} is already ${now}, consistent with ${describeState(command.source.state)}`);
	}
	const targetIsNewer =
		!options.currentIsOurWrite &&
		current.since !== undefined &&
		Date.parse(current.since) > Date.parse(command.source.changedAt);
	const masterOverrides = targetIsNewer && command.masterSide === command.source.side;
	if (targetIsNewer && !masterOverrides) {
		return skip(
			'stale',
			`${target} changed to ${now} at ${current.since}, after the source change at ${command.source.changedAt}: the newer state stays`,
		);
	}
	if (current.kind === 'acd' && current.state === 'LoggedOut') {
		return skip('target-logged-out', 'the CXone agent is logged out; a sync never logs an agent in');
	}
	if (current.kind === 'acd' && command.protectBusyAgents && isBusyAgent(current)) {
		return skip('target-busy', `the CXone agent is ${now}; agents on a contact or in after-contact work are not changed`);
	}
	const change = `${now} → ${describeState(command.desired)}`;
	if (command.dryRun) return skip('dry-run', `dry run: would change ${target} ${change}`);
	return {
		write: true,
		outcome: 'written',
		reason: `${target} ${change}${masterOverrides ? ` (${SIDE_LABELS[command.source.side]} is master: overrides the newer state)` : ''}`,
	};
}
