/**
 * validateRule(): everything wrong with a rule, each said as an error that teaches: where (rule, table,
 * row), what was found, and the valid values (DESIGN.md §6, Validation). Checks against the live systems
 * run only for the catalog parts given.
 */
import type { RuleCatalog } from './catalog';
import { MATCH_KEY_LABELS, userIdKey } from './identity';
import { publisherKey, statusKey } from './mapping';
import { ANY_REASON, NO_SYNC, OFFLINE } from './rule';
import type { PresenceRuleConfig, PublisherRow, SubscriberRow } from './rule';
import { ACD_STATE_NAMES, SETTABLE_ACD_STATES } from './types';
import type { MatchKey } from './types';

export interface RuleProblem {
	/** Where in the rule, e.g. "publisher row 3"; empty for the rule as a whole. */
	where: string;
	message: string;
}

/** Valid-value lists stay readable even for a directory of thousands. */
const MAX_LISTED = 25;

export function listValues(values: readonly string[]): string {
	if (values.length === 0) return '(none)';
	const listed = values.slice(0, MAX_LISTED).join(', ');
	return values.length > MAX_LISTED ? `${listed}, … (${values.length - MAX_LISTED} more)` : listed;
}

function rowSource(row: PublisherRow): string {
	const reason = publisherKey(row);
	if (row.acdState !== 'Unavailable') return row.acdState;
	return `${row.acdState} (${reason === ANY_REASON ? 'any reason' : reason ?? 'no reason'})`;
}

function omniName(omni: string): string {
	return omni === OFFLINE ? 'Offline' : omni === NO_SYNC ? 'Do Not Sync' : omni;
}

function subscriberTarget(row: SubscriberRow): string {
	if (row.acd === NO_SYNC) return 'Do Not Sync';
	return row.acd.reason ? `${row.acd.state} (${row.acd.reason})` : row.acd.state;
}

export function validateRule(rule: PresenceRuleConfig, catalog: RuleCatalog = {}): RuleProblem[] {
	const problems: RuleProblem[] = [];
	const name = rule.name?.trim() ? rule.name : '(unnamed)';
	const add = (where: string, message: string) =>
		problems.push({ where, message: `Presence Rule '${name}'${where ? ` ${where}` : ''}: ${message}` });

	checkRuleSettings(rule, add);
	checkPublisherRows(rule, catalog, add);
	checkSubscriberRows(rule, catalog, add);
	checkScope(rule, catalog, add);
	return problems;
}

/**
 * Does the rule name something the given catalog (or part of one) lacks: a status, code, team or user?
 * Then that catalog may predate the thing, and is worth reloading once before the rule is refused.
 */
export function namesMissingFrom(rule: PresenceRuleConfig, catalog: RuleCatalog): boolean {
	return validateRule(rule, catalog).length > validateRule(rule).length;
}

type Add = (where: string, message: string) => void;

function checkRuleSettings(rule: PresenceRuleConfig, add: Add): void {
	if (!rule.name?.trim()) add('', 'the rule has no name; give it one, it names the rule in every decision');
	if (rule.publisherMap.length === 0 && rule.subscriberMap.length === 0) {
		add('', 'no publisher or subscriber rows; add Publisher States (CXone → Salesforce) and/or Subscriber States (Salesforce → CXone)');
	}
	const matchKeys = Object.keys(MATCH_KEY_LABELS) as MatchKey[];
	if (!matchKeys.includes(rule.matchKey)) add('', `match key '${rule.matchKey}' is not known; valid: ${matchKeys.join(', ')}`);
	if (!['none', 'salesforce', 'cxone'].includes(rule.masterSide)) {
		add('', `master side '${rule.masterSide}' is not known; valid: none, salesforce, cxone`);
	}
	if (!Number.isFinite(rule.echoWindowMs) || rule.echoWindowMs < 0) {
		add('', `echo window ${rule.echoWindowMs} ms is not a duration; use 0 or more (default 10 s)`);
	}
	if (rule.matchKey === 'explicit' && rule.explicitMap.length === 0) {
		add('', 'users are matched by an explicit map, but the map has no rows; add CXone agent → Salesforce user rows');
	}
	const userOfAgent = new Map<number, string>();
	const agentOfUser = new Map<string, number>();
	rule.explicitMap.forEach((pair, index) => {
		const where = `user map row ${index + 1}`;
		const userKey = userIdKey('salesforce', pair.salesforceUserId);
		const pairedUser = userOfAgent.get(pair.cxoneAgentId);
		const pairedAgent = agentOfUser.get(userKey);
		if (pairedUser !== undefined && userIdKey('salesforce', pairedUser) !== userKey) {
			add(where, `CXone agent ${pair.cxoneAgentId} is already paired with Salesforce user ${pairedUser}; an agent pairs with one user`);
		} else if (pairedAgent !== undefined && pairedAgent !== pair.cxoneAgentId) {
			add(where, `Salesforce user ${pair.salesforceUserId} is already paired with CXone agent ${pairedAgent}; a user pairs with one agent`);
		}
		if (pairedUser === undefined) userOfAgent.set(pair.cxoneAgentId, pair.salesforceUserId);
		if (pairedAgent === undefined) agentOfUser.set(userKey, pair.cxoneAgentId);
	});
}

function checkOmni(omni: string, where: string, catalog: RuleCatalog, add: Add): void {
	if (omni === OFFLINE || omni === NO_SYNC || !catalog.omniStatuses) return;
	if (!catalog.omniStatuses.some((status) => status.developerName.toLowerCase() === omni.toLowerCase())) {
		add(where, `Salesforce status '${omni}' does not exist; valid: ${listValues(catalog.omniStatuses.map((s) => s.developerName))}`);
	}
}

function checkPublisherRows(rule: PresenceRuleConfig, catalog: RuleCatalog, add: Add): void {
	const seen = new Map<string, { row: number; omni: string }>();
	rule.publisherMap.forEach((row, index) => {
		const where = `publisher row ${index + 1}`;
		if (!ACD_STATE_NAMES.includes(row.acdState)) {
			add(
				where,
				`ACD state '${row.acdState}' is not an ACD state; valid: ${ACD_STATE_NAMES.join(', ')} (a label such as 'Open' is an unavailable code: use Unavailable with that code)`,
			);
			return;
		}
		const specificReason = row.reason !== null && row.reason !== '' && row.reason !== ANY_REASON;
		if (specificReason && row.acdState !== 'Unavailable') {
			add(where, `only Unavailable has unavailable codes; ${row.acdState} with code '${row.reason}' never happens: choose No Reason`);
		} else if (specificReason && catalog.unavailableCodes && !catalog.unavailableCodes.some((code) => code.outStateName === row.reason)) {
			add(where, `unavailable code '${row.reason}' does not exist; valid: ${listValues(catalog.unavailableCodes.map((c) => c.outStateName))}`);
		}
		checkOmni(row.omni, where, catalog, add);
		const key = JSON.stringify([row.acdState, publisherKey(row)]);
		const earlier = seen.get(key);
		if (earlier && statusKey(earlier.omni) !== statusKey(row.omni)) {
			add(
				where,
				`${rowSource(row)} is already mapped by row ${earlier.row} to ${omniName(earlier.omni)}, here to ${omniName(row.omni)}; a state maps to one Salesforce status (several states may map to the same one)`,
			);
		}
		if (!earlier) seen.set(key, { row: index + 1, omni: row.omni });
	});
}

function checkSubscriberRows(rule: PresenceRuleConfig, catalog: RuleCatalog, add: Add): void {
	const seen = new Map<string, { row: number; target: string }>();
	const settable = [...SETTABLE_ACD_STATES, 'Do Not Sync'].join(', ');
	rule.subscriberMap.forEach((row, index) => {
		const where = `subscriber row ${index + 1}`;
		if (row.omni === NO_SYNC) add(where, `Do Not Sync is not a Salesforce status; choose a status or Offline`);
		else checkOmni(row.omni, where, catalog, add);
		if (row.acd !== NO_SYNC) {
			const { state, reason } = row.acd;
			if (!SETTABLE_ACD_STATES.includes(state)) {
				add(where, `ACD state '${state}' cannot be set through the CXone API; valid: ${settable}`);
			} else if (state === 'Available' && reason) {
				add(where, `Available takes no unavailable code; remove '${reason}'`);
			} else if (reason && catalog.unavailableCodes) {
				const code = catalog.unavailableCodes.find((c) => c.outStateName === reason);
				const valid = listValues(catalog.unavailableCodes.filter((c) => !c.isAcw).map((c) => c.outStateName));
				if (!code) add(where, `unavailable code '${reason}' does not exist; valid: ${valid}`);
				else if (code.isAcw) {
					add(where, `unavailable code '${reason}' is an after-contact-work code, which CXone sets only during a contact (the API answers 409); valid: ${valid}`);
				}
			}
		}
		const source = statusKey(row.omni);
		const target = subscriberTarget(row);
		const earlier = seen.get(source);
		if (earlier && earlier.target !== target) {
			add(
				where,
				`Salesforce status ${omniName(row.omni)} is already mapped by row ${earlier.row} to ${earlier.target}, here to ${target}; a status maps to one ACD state (several statuses may map to the same one)`,
			);
		}
		if (!earlier) seen.set(source, { row: index + 1, target });
	});
}

function checkScope(rule: PresenceRuleConfig, catalog: RuleCatalog, add: Add): void {
	const { scope } = rule;
	if (catalog.teams) {
		const valid = listValues(catalog.teams.map((team) => `${team.teamId} (${team.teamName})`));
		for (const teamId of scope.teamIds) {
			if (!catalog.teams.some((team) => team.teamId === teamId)) add('scope', `CXone team ${teamId} does not exist; valid: ${valid}`);
		}
	}
	if (catalog.cxoneAgents) {
		const agents = catalog.cxoneAgents;
		const known = new Set(agents.map((agent) => agent.agentId));
		const check = (where: string, agentId: number) => {
			if (known.has(agentId)) return;
			const valid = listValues(agents.map((agent) => (agent.name ? `${agent.agentId} (${agent.name})` : String(agent.agentId))));
			add(where, `CXone agent ${agentId} does not exist; valid: ${valid}`);
		};
		scope.cxoneAgentIds.forEach((id) => check('scope', id));
		scope.excludedCxoneAgentIds.forEach((id) => check('excluded users', id));
		rule.explicitMap.forEach((pair, index) => check(`user map row ${index + 1}`, pair.cxoneAgentId));
	}
	if (catalog.salesforceUsers) {
		const users = catalog.salesforceUsers;
		const known = new Set(users.map((user) => userIdKey('salesforce', user.id)));
		const check = (where: string, userId: string) => {
			if (known.has(userIdKey('salesforce', userId))) return;
			const valid = listValues(users.map((user) => (user.name ? `${user.id} (${user.name})` : user.id)));
			add(where, `Salesforce user ${userId} does not exist; valid: ${valid}`);
		};
		scope.salesforceUserIds.forEach((id) => check('scope', id));
		scope.excludedSalesforceUserIds.forEach((id) => check('excluded users', id));
		rule.explicitMap.forEach((pair, index) => check(`user map row ${index + 1}`, pair.salesforceUserId));
	}
}
