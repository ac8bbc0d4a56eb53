/**
 * What the action nodes' plain parameters become. A user picked by id, email or username is a
 * CommandUser resolved against the side's directory. "Define Below" builds a SyncCommand instead of
 * taking one from a Presence Rule: an explicit order, so the only acceptable state is the desired one and
 * it overrides a newer target state; a target already there is still left alone, and busy or logged-out
 * CXone agents are still protected.
 */
import { otherSide } from '../engine/identity';
import type { TargetDirectory } from '../engine/identity';
import type { CommandUser, PresenceState, Side, SyncCommand } from '../engine/types';
import { ActionInputError } from './failure';

export type UserLookup = 'id' | 'email' | 'username';

export interface ManualCommandInput {
	target: Side;
	lookupBy: UserLookup;
	/** The user's id, email or username on the target side. */
	user: string;
	desired: PresenceState;
	/** Unique per item, e.g. "manual:<execution id>:<item index>". */
	eventId: string;
	now: Date;
	protectBusyAgents?: boolean;
	dryRun?: boolean;
}

export function manualUser(target: Side, lookupBy: UserLookup, value: string): CommandUser {
	const matchValue = value.trim();
	if (matchValue === '') throw new ActionInputError(`the user's ${lookupBy} is empty; set it in the node's User field`);
	if (lookupBy !== 'id') return { matchKey: lookupBy, matchValue };
	if (target === 'salesforce') return { matchKey: 'explicit', matchValue, salesforceUserId: matchValue };
	const agentId = Number(matchValue);
	if (!Number.isInteger(agentId) || agentId <= 0) {
		throw new ActionInputError(`CXone agent id '${matchValue}' is not a number; CXone agent ids are whole numbers such as 30000001`);
	}
	return { matchKey: 'explicit', matchValue, cxoneAgentId: agentId };
}

/** The directory entry of a user picked in the node's fields (see manualUser), or an error saying who was not found. */
export function lookUpUser<U>(directory: TargetDirectory<U>, user: CommandUser): U {
	const found = directory.find(user);
	if ('reason' in found) throw new ActionInputError(found.reason, 'Check the user field, or pick the user from the list.', 'USER_NOT_FOUND');
	return found.entry;
}

export function manualCommand(input: ManualCommandInput): SyncCommand {
	const source = otherSide(input.target);
	return {
		target: input.target,
		user: manualUser(input.target, input.lookupBy, input.user),
		desired: input.desired,
		acceptable: [input.desired],
		source: { side: source, eventId: input.eventId, changedAt: input.now.toISOString(), state: input.desired },
		rule: { name: 'Define Below', row: 0, table: input.target === 'salesforce' ? 'publisher' : 'subscriber' },
		masterSide: source,
		protectBusyAgents: input.protectBusyAgents ?? true,
		dryRun: input.dryRun ?? false,
	};
}
