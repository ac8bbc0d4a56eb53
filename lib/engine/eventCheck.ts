/**
 * Is an item a PresenceEvent (DESIGN.md §5)? Items reach the Presence Rule from any node a user wires to
 * it, so each is checked before it is decided on; what is wrong is said with the valid values.
 */
import { ACD_STATE_NAMES } from './types';

const SIDES = ['salesforce', 'cxone'];

function isObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isTimestamp(value: unknown): boolean {
	return typeof value === 'string' && !Number.isNaN(Date.parse(value));
}

function isNullableString(value: unknown): boolean {
	return value === null || typeof value === 'string';
}

function stateProblem(side: string, state: unknown): string | undefined {
	const kind = side === 'salesforce' ? 'omni' : 'acd';
	if (!isObject(state)) return `state is missing; a ${side} event carries a state of kind '${kind}'`;
	if (state.kind !== kind) return `a ${side} event carries a state of kind '${kind}', got kind '${String(state.kind)}'`;
	if (kind === 'acd') {
		if (!ACD_STATE_NAMES.includes(state.state as never)) {
			return `state.state is '${String(state.state)}'; valid: ${ACD_STATE_NAMES.join(', ')}`;
		}
		if (state.reason !== undefined && !isNullableString(state.reason)) return 'state.reason must be a text or null';
		if (state.isAcw !== undefined && typeof state.isAcw !== 'boolean') return 'state.isAcw must be true or false';
		return undefined;
	}
	if (!isNullableString(state.statusId) || !isNullableString(state.developerName)) {
		return 'state.statusId and state.developerName must each be a text, or null for Offline';
	}
	return undefined;
}

/** What makes `value` not a PresenceEvent, or undefined when it is one. */
export function eventProblem(value: unknown): string | undefined {
	if (!isObject(value)) return 'expected an object (the output of a presence trigger)';
	if (!SIDES.includes(value.side as string)) {
		return `side is '${String(value.side)}'; valid: ${SIDES.join(', ')} (is this item the output of a presence trigger?)`;
	}
	if (typeof value.eventId !== 'string' || value.eventId === '') return 'eventId is missing';
	if (!isTimestamp(value.changedAt)) return `changedAt is '${String(value.changedAt)}'; expected an ISO timestamp`;
	if (!isObject(value.user)) return 'user is missing; expected the user identity fields';
	return stateProblem(value.side as string, value.state);
}
