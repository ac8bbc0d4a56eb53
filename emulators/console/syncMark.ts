/**
 * Does an agent's pair of states agree, judged by the same rule the workflow runs? Consistency is the
 * engine's own definition (publisher(acd) = omni or subscriber(omni) = acd); when the pair disagrees, the
 * side that changed last tells whether the rule is expected to act at all, so the console can tell "not
 * synced yet" from "the rule leaves this alone" (unmapped, Do Not Sync, busy or logged-out agent).
 */
import { acdState, omniState, publisherRowFor, subscriberRowFor } from '../../lib/engine/mapping';
import { NO_SYNC, type PresenceRuleConfig } from '../../lib/engine/rule';
import { describeState, isBusyAgent, sameState } from '../../lib/engine/state';
import type { AcdState, OmniState, Side } from '../../lib/engine/types';

/** 'pending' is an out-of-sync pair whose last change is recent enough for the sync to still be under way. */
export type SyncMark = 'in-sync' | 'pending' | 'out-of-sync' | 'not-synced';

export interface Judgement {
	consistent: boolean;
	/** Why the pair is out of sync or left alone; empty when consistent. */
	note: string;
	/** The side the rule is expected to change next; null when consistent or when the rule leaves the pair alone. */
	follower: Side | null;
}

export function judge(rule: PresenceRuleConfig, acd: AcdState, omni: OmniState, lastSide: Side): Judgement {
	const published = publisherRowFor(rule, acd);
	const subscribed = subscriberRowFor(rule, omni);
	const consistent =
		(published !== undefined && published.entry.omni !== NO_SYNC && sameState(omniState(published.entry.omni), omni)) ||
		(subscribed !== undefined && subscribed.entry.acd !== NO_SYNC && sameState(acdState(subscribed.entry.acd), acd));
	if (consistent) return { consistent, note: '', follower: null };

	if (lastSide === 'cxone') {
		if (!published) return leftAlone(`no publisher row maps ${describeState(acd)}`);
		if (published.entry.omni === NO_SYNC) return leftAlone(`publisher row ${published.row} says Do Not Sync`);
		return { consistent, note: `Salesforce should be ${describeState(omniState(published.entry.omni))}`, follower: 'salesforce' };
	}
	if (!subscribed) return leftAlone(`no subscriber row maps ${describeState(omni)}`);
	if (subscribed.entry.acd === NO_SYNC) return leftAlone(`subscriber row ${subscribed.row} says Do Not Sync`);
	if (acd.state === 'LoggedOut') return leftAlone('the agent is logged out of CXone and is never logged in');
	if (rule.protectBusyAgents && isBusyAgent(acd)) return leftAlone('the agent is busy (contact or ACW): CXone is left as it is');
	return { consistent, note: `CXone should be ${describeState(acdState(subscribed.entry.acd))}`, follower: 'cxone' };
}

function leftAlone(note: string): Judgement {
	return { consistent: false, note, follower: null };
}
