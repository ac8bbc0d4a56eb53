/**
 * A Presence Rule as plain data (DESIGN.md §6), modelled on CXone's own presence rules: publisher rows
 * map ACD states to Salesforce, subscriber rows map Salesforce statuses to CXone, and a scope says whose
 * presence the rule syncs. The node's parameters map 1:1 onto this (nodes/PresenceRule/parameters.ts).
 */
import type { AcdStateName, MatchKey, Side } from './types';

/*
 * Markers used in rows in place of a status or reason. They start with '@', which neither a Salesforce
 * DeveloperName nor a CXone unavailable-code name can hold, so they never collide with real values.
 */
/** Publisher row reason: matches the ACD state with any unavailable code (or none). */
export const ANY_REASON = '@any-reason';
/** Salesforce side of a row: the user has no Omni-Channel presence. */
export const OFFLINE = '@offline';
/** Target of a row: leave the other side as it is. */
export const NO_SYNC = '@no-sync';

/** ACD state (+ unavailable code) → Omni status. */
export interface PublisherRow {
	acdState: AcdStateName;
	/** Unavailable-code name, ANY_REASON, or null for "no reason". Only Unavailable has reasons. */
	reason: string | null;
	/** Omni status DeveloperName, OFFLINE or NO_SYNC. */
	omni: string;
}

/** The only ACD states CXone lets an API client set. */
export type SettableAcdState = { state: 'Available' | 'Unavailable'; reason?: string | null };

/** Omni status → ACD state (+ unavailable code). */
export interface SubscriberRow {
	/** Omni status DeveloperName, or OFFLINE. */
	omni: string;
	/** The ACD state to set, or NO_SYNC. */
	acd: SettableAcdState | typeof NO_SYNC;
}

/** Whose presence the rule syncs. No teams and no users means everyone; exclusions always win. */
export interface RuleScope {
	teamIds: number[];
	cxoneAgentIds: number[];
	salesforceUserIds: string[];
	excludedCxoneAgentIds: number[];
	excludedSalesforceUserIds: string[];
}

export interface ExplicitUserPair {
	cxoneAgentId: number;
	salesforceUserId: string;
}

export interface PresenceRuleConfig {
	name: string;
	publisherMap: PublisherRow[];
	subscriberMap: SubscriberRow[];
	scope: RuleScope;
	matchKey: MatchKey;
	/** Used when matchKey is 'explicit'. */
	explicitMap: ExplicitUserPair[];
	/** The side whose change wins even when the target changed later; 'none' = newest wins. */
	masterSide: 'none' | Side;
	/** Do not change a CXone agent who is on a contact or in ACW. */
	protectBusyAgents: boolean;
	/** Decide and emit commands, but the action nodes do not write. */
	dryRun: boolean;
	/** An event matching one of our own writes this recently is its echo. */
	echoWindowMs: number;
}

export const DEFAULT_ECHO_WINDOW_MS = 10_000;

export const EMPTY_SCOPE: RuleScope = {
	teamIds: [],
	cxoneAgentIds: [],
	salesforceUserIds: [],
	excludedCxoneAgentIds: [],
	excludedSalesforceUserIds: [],
};

/** A rule with the defaults filled in: handy for callers that set only what they care about. */
export function presenceRule(rule: Partial<PresenceRuleConfig> & Pick<PresenceRuleConfig, 'name'>): PresenceRuleConfig {
	return {
		publisherMap: [],
		subscriberMap: [],
		matchKey: 'email',
		explicitMap: [],
		masterSide: 'none',
		protectBusyAgents: true,
		dryRun: false,
		echoWindowMs: DEFAULT_ECHO_WINDOW_MS,
		...rule,
		scope: { ...EMPTY_SCOPE, ...rule.scope },
	};
}
