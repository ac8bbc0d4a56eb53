/**
 * Whose presence a rule syncs (DESIGN.md §6, Scope): CXone teams and/or users, minus exclusions. No teams
 * and no users means everyone. Out-of-scope events leave by their own output so a next rule can take them.
 */
import type { PresenceRuleConfig } from './rule';
import { sameSalesforceId } from './state';
import type { UserIdentity } from './types';

function who(user: UserIdentity): string {
	const id = user.cxoneAgentId !== undefined ? `CXone agent ${user.cxoneAgentId}` : `Salesforce user ${user.salesforceUserId ?? '(no id)'}`;
	return user.name ? `${id} (${user.name})` : id;
}

function count(n: number, noun: string): string {
	return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/**
 * Why the user is outside the rule's scope, or undefined when the rule applies to them. `unmatched`: why
 * the other side's directory had no counterpart for a user whose event names no CXone team or agent.
 */
export function outOfScope(user: UserIdentity, rule: PresenceRuleConfig, unmatched?: string): string | undefined {
	const { scope } = rule;
	const inSalesforceIds = (ids: string[]) =>
		user.salesforceUserId !== undefined && ids.some((id) => sameSalesforceId(id, user.salesforceUserId as string));
	const inAgentIds = (ids: number[]) => user.cxoneAgentId !== undefined && ids.includes(Number(user.cxoneAgentId));

	if (inAgentIds(scope.excludedCxoneAgentIds) || inSalesforceIds(scope.excludedSalesforceUserIds)) {
		return `${who(user)} is excluded from rule '${rule.name}'`;
	}
	const limits = [
		scope.teamIds.length ? `teams ${scope.teamIds.join(', ')}` : '',
		scope.cxoneAgentIds.length ? count(scope.cxoneAgentIds.length, 'CXone agent') : '',
		scope.salesforceUserIds.length ? count(scope.salesforceUserIds.length, 'Salesforce user') : '',
	].filter(Boolean);
	if (limits.length === 0) return undefined;
	const inTeam = user.teamId !== undefined && scope.teamIds.includes(Number(user.teamId));
	if (inTeam || inAgentIds(scope.cxoneAgentIds) || inSalesforceIds(scope.salesforceUserIds)) return undefined;
	if (user.teamId === undefined && user.cxoneAgentId === undefined && scope.salesforceUserIds.length === 0) {
		const why = unmatched
			? `${who(user)} has no CXone agent: ${unmatched}`
			: `the event names no CXone team or agent for ${who(user)}: have the trigger add CXone identity, or match users by an explicit map`;
		return `rule '${rule.name}' applies to ${limits.join(' and ')}, and ${why}`;
	}
	const team = user.teamId !== undefined ? ` in team ${user.teamName ? `${user.teamName} (${user.teamId})` : user.teamId}` : '';
	return `rule '${rule.name}' applies to ${limits.join(' and ')}; ${who(user)}${team} is not among them`;
}
