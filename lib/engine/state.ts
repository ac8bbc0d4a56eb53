/**
 * Comparing presence states. Two states are "the same" when they mean the same presence to the rule:
 * ACD state name plus unavailable code (only Unavailable carries one), or the Omni status (DeveloperName,
 * else status id; both null = Offline). Timestamps and display labels never count.
 */
import { ON_CONTACT_ACD_STATES } from './types';
import type { AcdState, OmniState, PresenceState } from './types';

/** The unavailable code that counts for matching: only Unavailable has one, and '' means none. */
export function reasonOf(state: Pick<AcdState, 'state' | 'reason'>): string | null {
	return state.state === 'Unavailable' && state.reason ? state.reason : null;
}

export function isOffline(state: OmniState): boolean {
	return state.developerName === null && state.statusId === null;
}

/** Salesforce ids come as 15 (case-sensitive) or 18 characters; the first 15 identify the record. */
export function sameSalesforceId(a: string, b: string): boolean {
	return a.slice(0, 15) === b.slice(0, 15);
}

function sameOmni(a: OmniState, b: OmniState): boolean {
	if (isOffline(a) || isOffline(b)) return isOffline(a) && isOffline(b);
	if (a.developerName !== null && b.developerName !== null) {
		// DeveloperNames are unique regardless of case in Salesforce.
		return a.developerName.toLowerCase() === b.developerName.toLowerCase();
	}
	return a.statusId !== null && b.statusId !== null && sameSalesforceId(a.statusId, b.statusId);
}

export function sameState(a: PresenceState, b: PresenceState): boolean {
	if (a.kind === 'acd' && b.kind === 'acd') return a.state === b.state && reasonOf(a) === reasonOf(b);
	if (a.kind === 'omni' && b.kind === 'omni') return sameOmni(a, b);
	return false;
}

/** Does `candidate` (an entry of SyncCommand.acceptable, possibly an "any reason" one) cover `state`? */
function covers(candidate: PresenceState, state: PresenceState): boolean {
	if (candidate.kind === 'acd' && state.kind === 'acd' && candidate.anyReasonExcept) {
		return candidate.state === state.state && !candidate.anyReasonExcept.includes(reasonOf(state));
	}
	return sameState(candidate, state);
}

/** Is the target's current state one of the states consistent with the source (so no write is needed)? */
export function isConsistent(state: PresenceState, acceptable: readonly PresenceState[]): boolean {
	return acceptable.some((candidate) => covers(candidate, state));
}

/** The agent is handling a contact or in after-contact work: CXone must not be changed under them. */
export function isBusyAgent(state: AcdState): boolean {
	return ON_CONTACT_ACD_STATES.includes(state.state) || state.isAcw === true;
}

/** How a state reads in a reason text: "Unavailable (Lunch)", "Busy", "Offline", "Unavailable (any reason)". */
export function describeState(state: PresenceState): string {
	if (state.kind === 'omni') return state.developerName ?? (isOffline(state) ? 'Offline' : state.statusId ?? state.label);
	if (state.anyReasonExcept) {
		const except = state.anyReasonExcept.map((reason) => reason ?? 'no reason');
		return `${state.state} (any reason${except.length ? ` except ${except.join(', ')}` : ''})`;
	}
	const reason = reasonOf(state);
	return `${state.state}${reason ? ` (${reason})` : ''}${state.isAcw ? ' [ACW]' : ''}`;
}
