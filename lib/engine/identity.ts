/**
 * Who is who on the other side. The rule matches a CXone agent and a Salesforce user by email, username,
 * federation id (all compared lower-cased) or an explicit table of id pairs. The Presence Rule turns an
 * event's user into a CommandUser; the action nodes resolve that against their directory.
 */
import type { ExplicitUserPair, PresenceRuleConfig } from './rule';
import { sameSalesforceId } from './state';
import type { CommandUser, MatchKey, PresenceEvent, Side, UserIdentity } from './types';

type FieldKey = Exclude<MatchKey, 'explicit'>;

export const MATCH_KEY_LABELS: Record<MatchKey, string> = {
	email: 'email',
	username: 'username',
	federationId: 'federation id',
	explicit: 'explicit user map',
};

export const SIDE_LABELS: Record<Side, string> = { salesforce: 'Salesforce', cxone: 'CXone' };

export function otherSide(side: Side): Side {
	return side === 'salesforce' ? 'cxone' : 'salesforce';
}

/** The user's id on one side as a string (CXone agent ids are numbers), or undefined when unknown. */
export function userIdOn(side: Side, user: UserIdentity): string | undefined {
	if (side === 'salesforce') return user.salesforceUserId || undefined;
	return user.cxoneAgentId === undefined || user.cxoneAgentId === null ? undefined : String(user.cxoneAgentId);
}

/** A key under which two spellings of the same user id compare equal. */
export function userIdKey(side: Side, id: string): string {
	return side === 'salesforce' ? id.slice(0, 15) : id;
}

function fieldValue(user: UserIdentity, key: FieldKey): string | undefined {
	const value = user[key];
	return typeof value === 'string' && value.trim() !== '' ? value.trim().toLowerCase() : undefined;
}

function explicitPair(rule: PresenceRuleConfig, side: Side, user: UserIdentity): ExplicitUserPair | undefined {
	const id = userIdOn(side, user);
	if (id === undefined) return undefined;
	return rule.explicitMap.find((pair) =>
		side === 'cxone' ? String(pair.cxoneAgentId) === id : sameSalesforceId(pair.salesforceUserId, id),
	);
}

/** The event's user with the ids an explicit map adds (used for scope, which is stated in CXone ids). */
export function knownIdentity(event: PresenceEvent, rule: PresenceRuleConfig): UserIdentity {
	if (rule.matchKey !== 'explicit') return event.user;
	const pair = explicitPair(rule, event.side, event.user);
	return pair ? { ...event.user, cxoneAgentId: pair.cxoneAgentId, salesforceUserId: pair.salesforceUserId } : event.user;
}

/** The user a command for the other side is about, or why the event's user cannot be matched. */
export function commandUser(
	event: PresenceEvent,
	rule: PresenceRuleConfig,
): { user: CommandUser } | { problem: string } {
	const side = SIDE_LABELS[event.side];
	if (rule.matchKey === 'explicit') {
		const pair = explicitPair(rule, event.side, event.user);
		if (!pair) {
			const id = userIdOn(event.side, event.user);
			return {
				problem: id
					? `${side} user ${id} has no row in the explicit user map of rule '${rule.name}'`
					: `the event carries no ${side} user id to look up in the explicit user map`,
			};
		}
		const matchValue = event.side === 'cxone' ? pair.salesforceUserId : String(pair.cxoneAgentId);
		return { user: { ...event.user, ...pair, matchKey: 'explicit', matchValue } };
	}
	const matchValue = fieldValue(event.user, rule.matchKey);
	if (matchValue === undefined) {
		const who = event.user.name ?? userIdOn(event.side, event.user) ?? 'unknown user';
		return {
			problem: `the event for ${side} user '${who}' carries no ${MATCH_KEY_LABELS[rule.matchKey]} to match users by (rule '${rule.name}' matches by ${MATCH_KEY_LABELS[rule.matchKey]})`,
		};
	}
	return { user: { ...event.user, matchKey: rule.matchKey, matchValue } };
}

/**
 * The event's user as the other side's directory knows them, matched by the rule's match key; undefined
 * when the event carries nothing to match by (decide() says so in its own words).
 */
export function counterpartOf<T>(event: PresenceEvent, rule: PresenceRuleConfig, directory: TargetDirectory<T>): TargetLookup<T> | undefined {
	const identity = commandUser(event, rule);
	return 'problem' in identity ? undefined : directory.find(identity.user);
}

/**
 * The event with what the other side's directory knows of its user: for a Salesforce event the CXone
 * agent id and team (a rule's scope is stated in CXone teams and agents), for a CXone event the
 * Salesforce user id. Fields the event already carries are kept. `unmatched` says why nothing was added.
 */
export function withCounterpart(
	event: PresenceEvent,
	rule: PresenceRuleConfig,
	directory: TargetDirectory<UserIdentity>,
): { event: PresenceEvent; unmatched?: string } {
	const found = counterpartOf(event, rule, directory);
	if (!found) return { event };
	if (found.entry === undefined) return { event, unmatched: found.reason };
	const other = found.entry;
	const fields: Array<keyof UserIdentity> = event.side === 'salesforce' ? ['cxoneAgentId', 'teamId', 'teamName'] : ['salesforceUserId'];
	const user: UserIdentity = { ...event.user };
	for (const field of fields) {
		if (user[field] === undefined && other[field] !== undefined) Object.assign(user, { [field]: other[field] });
	}
	return { event: { ...event, user } };
}

export type TargetLookup<T> = { entry: T } | { entry?: undefined; reason: string };

/**
 * A target side's user directory, indexed once so a batch of thousands of commands resolves in linear
 * time. `identify` maps a directory entry (Salesforce user, CXone agent) to identity fields.
 */
export class TargetDirectory<T> {
	private readonly indexes = new Map<string, Map<string, T[]>>();

	constructor(
		private readonly entries: readonly T[],
		private readonly target: Side,
		private readonly identify: (entry: T) => UserIdentity,
	) {}

	find(user: CommandUser): TargetLookup<T> {
		const side = SIDE_LABELS[this.target];
		const knownId = userIdOn(this.target, user) ?? (user.matchKey === 'explicit' ? user.matchValue : undefined);
		const [index, value, label] =
			knownId !== undefined
				? [this.index('id'), userIdKey(this.target, knownId), `id ${knownId}`]
				: [this.index(user.matchKey as FieldKey), user.matchValue.toLowerCase(), `${MATCH_KEY_LABELS[user.matchKey]} '${user.matchValue}'`];
		const found = index.get(value) ?? [];
		if (found.length === 1) return { entry: found[0] };
		if (found.length === 0) return { reason: `no ${side} user has ${label}` };
		return { reason: `${found.length} ${side} users have ${label}; make it unique or use an explicit user map` };
	}

	private index(key: FieldKey | 'id'): Map<string, T[]> {
		let index = this.indexes.get(key);
		if (!index) {
			index = new Map();
			for (const entry of this.entries) {
				const identity = this.identify(entry);
				const id = userIdOn(this.target, identity);
				const value = key === 'id' ? (id === undefined ? undefined : userIdKey(this.target, id)) : fieldValue(identity, key);
				if (value === undefined) continue;
				const same = index.get(value);
				if (same) same.push(entry);
				else index.set(value, [entry]);
			}
			this.indexes.set(key, index);
		}
		return index;
	}
}

/** One-off lookup; for a batch build one TargetDirectory and call find() for each command. */
export function findTargetUser<T>(
	user: CommandUser,
	entries: readonly T[],
	target: Side,
	identify: (entry: T) => UserIdentity,
): TargetLookup<T> {
	return new TargetDirectory(entries, target, identify).find(user);
}
