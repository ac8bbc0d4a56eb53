/**
 * Is an item a SyncCommand for this node's side (DESIGN.md §5)? Items reach an action node from any node
 * a user wires to it, so each is checked before the batch is applied; what is wrong is said with the
 * valid values and, for a command meant for the other side, where to send it.
 */
import { SIDE_LABELS } from '../engine/identity';
import { ACD_STATE_NAMES, SETTABLE_ACD_STATES } from '../engine/types';
import type { MatchKey, Side } from '../engine/types';

const SIDES: Side[] = ['salesforce', 'cxone'];
const MATCH_KEYS: MatchKey[] = ['email', 'username', 'federationId', 'explicit'];
const ACTION_NODE: Record<Side, string> = { salesforce: 'Salesforce Omni-Channel', cxone: 'CXone Agent' };

function isObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isNullableString(value: unknown): boolean {
	return value === null || value === undefined || typeof value === 'string';
}

function stateProblem(where: string, state: unknown, side: Side, settable: boolean): string | undefined {
	const kind = side === 'salesforce' ? 'omni' : 'acd';
	if (!isObject(state)) return `${where} is missing`;
	if (state.kind !== kind) return `${where} must be of kind '${kind}' for ${SIDE_LABELS[side]}, got '${String(state.kind)}'`;
	if (kind === 'omni') {
		return isNullableString(state.statusId) && isNullableString(state.developerName)
			? undefined
			: `${where}.statusId and ${where}.developerName must each be a text, or null for Offline`;
	}
	const valid = settable ? SETTABLE_ACD_STATES : ACD_STATE_NAMES;
	if (!valid.includes(state.state as never)) {
		return `${where}.state is '${String(state.state)}'; valid: ${valid.join(', ')}`;
	}
	return isNullableString(state.reason) ? undefined : `${where}.reason must be a text or null`;
}

/** What makes `value` not a SyncCommand for `target`, or undefined when it is one. */
export function commandProblem(value: unknown, target: Side): string | undefined {
	if (!isObject(value)) return 'expected an object (a command from the Presence Rule)';
	if (!SIDES.includes(value.target as Side)) {
		return `target is '${String(value.target)}'; valid: ${SIDES.join(', ')} (is this item a command from the Presence Rule?)`;
	}
	if (value.target !== target) {
		const side = value.target as Side;
		return `this command is for ${SIDE_LABELS[side]}; connect the Presence Rule output that carries it to a ${ACTION_NODE[side]} node`;
	}
	const user = value.user;
	if (!isObject(user)) return 'user is missing; expected the match key, match value and any known ids';
	if (!MATCH_KEYS.includes(user.matchKey as MatchKey)) {
		return `user.matchKey is '${String(user.matchKey)}'; valid: ${MATCH_KEYS.join(', ')}`;
	}
	if (typeof user.matchValue !== 'string' || user.matchValue.trim() === '') return 'user.matchValue is missing';
	const desired = stateProblem('desired', value.desired, target, true);
	if (desired) return desired;
	if (!Array.isArray(value.acceptable)) return 'acceptable must be a list of states';
	for (const [i, state] of value.acceptable.entries()) {
		const problem = stateProblem(`acceptable[${i}]`, state, target, false);
		if (problem) return problem;
	}
	const source = value.source;
	if (!isObject(source)) return 'source is missing; expected the side, eventId and changedAt of the change';
	if (typeof source.changedAt !== 'string' || Number.isNaN(Date.parse(source.changedAt))) {
		return `source.changedAt is '${String(source.changedAt)}'; expected an ISO timestamp`;
	}
	if (!SIDES.includes(source.side as Side)) return `source.side is '${String(source.side)}'; valid: ${SIDES.join(', ')}`;
	return undefined;
}
