/**
 * The Presence Rule node's parameters as stored by n8n, and their mapping onto the engine's
 * PresenceRuleConfig. Plain data both ways, so the mapping is tested without n8n.
 */
import { ANY_REASON, DEFAULT_ECHO_WINDOW_MS, NO_SYNC, presenceRule } from '../../lib/engine';
import type { AcdStateName, MatchKey, PresenceRuleConfig, RuleProblem, SubscriberRow } from '../../lib/engine';

/** Unavailable Code dropdown entry for "no reason" (the rule itself says null). */
export const NO_REASON = '@no-reason';

export interface PresenceRuleParameters {
	ruleName: string;
	publisherStates: { row?: Array<{ acdState: string; unavailableCode?: string; salesforceStatus: string }> };
	subscriberStates: { row?: Array<{ salesforceStatus: string; acdState: string; unavailableCode?: string }> };
	teamIds: Array<string | number>;
	cxoneAgentIds: Array<string | number>;
	excludedCxoneAgentIds: Array<string | number>;
	matchKey: string;
	userMap: { pair?: Array<{ cxoneAgentId: string | number; salesforceUserId: string }> };
	options: { conflictPolicy?: string; protectBusyAgents?: boolean; dryRun?: boolean; echoWindow?: number };
}

/** An Unavailable Code left empty means Any Reason in a publisher row and No Reason in a subscriber row. */
function reason(code: string | undefined, whenEmpty: string | null): string | null {
	if (!code) return whenEmpty;
	return code === NO_REASON ? null : code;
}

function subscriberTarget(row: { acdState: string; unavailableCode?: string }): SubscriberRow['acd'] {
	if (row.acdState === NO_SYNC) return NO_SYNC;
	const state = row.acdState as 'Available' | 'Unavailable';
	return state === 'Unavailable' ? { state, reason: reason(row.unavailableCode, null) } : { state };
}

/** n8n parameters → the engine's rule, plus any ids that are not ids (the rest is validateRule's job). */
export function toPresenceRule(parameters: PresenceRuleParameters): { rule: PresenceRuleConfig; problems: RuleProblem[] } {
	const name = parameters.ruleName;
	const problems: RuleProblem[] = [];
	const wholeNumbers = (values: Array<string | number>, where: string, what: string): number[] =>
		values.flatMap((value) => {
			const id = Number(value);
			if (Number.isInteger(id) && String(value).trim() !== '') return [id];
			problems.push({ where, message: `Presence Rule '${name}' ${where}: '${value}' is not a ${what} id (a whole number)` });
			return [];
		});

	const rule = presenceRule({
		name,
		publisherMap: (parameters.publisherStates.row ?? []).map((row) => ({
			acdState: row.acdState as AcdStateName,
			// Only Unavailable carries a code; the node hides the field for the other states.
			reason: row.acdState === 'Unavailable' ? reason(row.unavailableCode, ANY_REASON) : null,
			omni: row.salesforceStatus,
		})),
		subscriberMap: (parameters.subscriberStates.row ?? []).map((row) => ({ omni: row.salesforceStatus, acd: subscriberTarget(row) })),
		scope: {
			teamIds: wholeNumbers(parameters.teamIds, 'teams', 'CXone team'),
			cxoneAgentIds: wholeNumbers(parameters.cxoneAgentIds, 'users', 'CXone agent'),
			salesforceUserIds: [],
			excludedCxoneAgentIds: wholeNumbers(parameters.excludedCxoneAgentIds, 'excluded users', 'CXone agent'),
			excludedSalesforceUserIds: [],
		},
		matchKey: parameters.matchKey as MatchKey,
		explicitMap:
			parameters.matchKey === 'explicit'
				? (parameters.userMap.pair ?? []).flatMap((pair, index) =>
						wholeNumbers([pair.cxoneAgentId], `user map row ${index + 1}`, 'CXone agent').map((cxoneAgentId) => ({
							cxoneAgentId,
							salesforceUserId: pair.salesforceUserId,
						})),
					)
				: [],
		masterSide: (parameters.options.conflictPolicy ?? 'none') as PresenceRuleConfig['masterSide'],
		protectBusyAgents: parameters.options.protectBusyAgents ?? true,
		dryRun: parameters.options.dryRun ?? false,
		echoWindowMs: parameters.options.echoWindow === undefined ? DEFAULT_ECHO_WINDOW_MS : parameters.options.echoWindow * 1000,
	});
	return { rule, problems };
}
