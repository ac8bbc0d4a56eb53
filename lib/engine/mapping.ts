/**
 * The rule's two maps read as functions (DESIGN.md §6, Mapping and Consistency):
 * publisher(acd) → Omni status and subscriber(omni) → ACD state, and the sets of target states that are
 * consistent with a source state: (acd, omni) is consistent when publisher(acd) = omni or subscriber(omni) = acd.
 */
import type { CatalogOmniStatus } from './catalog';
import { ANY_REASON, NO_SYNC, OFFLINE } from './rule';
import type { PresenceRuleConfig, PublisherRow, SettableAcdState, SubscriberRow } from './rule';
import { isOffline, reasonOf, sameState } from './state';
import { OFFLINE_OMNI } from './types';
import type { AcdState, OmniState } from './types';

export interface RowMatch<Row> {
	/** 1-based, as the rows are numbered in the node. */
	row: number;
	entry: Row;
}

/** The reason a publisher row matches on: ANY_REASON for "any" and for states that carry no reason. */
export function publisherKey(row: PublisherRow): string | null {
	if (row.acdState !== 'Unavailable' || row.reason === ANY_REASON) return ANY_REASON;
	return row.reason || null;
}

/** How a row's Salesforce side compares: DeveloperNames are unique regardless of case. */
export function statusKey(omni: string): string {
	return omni === OFFLINE ? OFFLINE : omni.toLowerCase();
}

function omniKey(state: OmniState): string | undefined {
	if (isOffline(state)) return OFFLINE;
	return state.developerName?.toLowerCase();
}

/** Rows in order, without those shadowed by an earlier row for the same source state. */
function firstRows<Row>(rows: Row[], key: (row: Row) => unknown): Array<RowMatch<Row>> {
	const seen = new Set<string>();
	const result: Array<RowMatch<Row>> = [];
	rows.forEach((entry, index) => {
		const id = JSON.stringify(key(entry));
		if (seen.has(id)) return;
		seen.add(id);
		result.push({ row: index + 1, entry });
	});
	return result;
}

function publisherRows(rule: PresenceRuleConfig): Array<RowMatch<PublisherRow>> {
	return firstRows(rule.publisherMap, (row) => [row.acdState, publisherKey(row)]);
}

function subscriberRows(rule: PresenceRuleConfig): Array<RowMatch<SubscriberRow>> {
	return firstRows(rule.subscriberMap, (row) => statusKey(row.omni));
}

/** publisher(acd): the row for the exact unavailable code wins over an "any reason" row. */
export function publisherRowFor(rule: PresenceRuleConfig, acd: AcdState): RowMatch<PublisherRow> | undefined {
	const rows = publisherRows(rule).filter((match) => match.entry.acdState === acd.state);
	const reason = reasonOf(acd);
	return (
		rows.find((match) => publisherKey(match.entry) === reason) ??
		rows.find((match) => publisherKey(match.entry) === ANY_REASON)
	);
}

/** subscriber(omni), matched on DeveloperName (or Offline). */
export function subscriberRowFor(rule: PresenceRuleConfig, omni: OmniState): RowMatch<SubscriberRow> | undefined {
	const key = omniKey(omni);
	return key === undefined ? undefined : subscriberRows(rule).find((match) => statusKey(match.entry.omni) === key);
}

/** The Omni state a row names, with id, label and routability from the catalog when known. */
export function omniState(target: string, statuses: CatalogOmniStatus[] = []): OmniState {
	if (target === OFFLINE) return { ...OFFLINE_OMNI };
	const status = statuses.find((s) => s.developerName.toLowerCase() === target.toLowerCase());
	return status
		? { kind: 'omni', statusId: status.id, developerName: status.developerName, label: status.label, online: status.online }
		: { kind: 'omni', statusId: null, developerName: target, label: target, online: false };
}

export function acdState(target: SettableAcdState): AcdState {
	return { kind: 'acd', state: target.state, reason: reasonOf({ state: target.state, reason: target.reason ?? null }), isAcw: false };
}

/** Salesforce states consistent with a CXone state: the desired one, and every status whose subscriber row gives this state. */
export function acceptableOmni(
	rule: PresenceRuleConfig,
	source: AcdState,
	desired: OmniState,
	statuses?: CatalogOmniStatus[],
): OmniState[] {
	const acceptable = [desired];
	for (const { entry } of subscriberRows(rule)) {
		if (entry.acd === NO_SYNC || !sameState(acdState(entry.acd), source)) continue;
		const state = omniState(entry.omni, statuses);
		if (!acceptable.some((known) => sameState(known, state))) acceptable.push(state);
	}
	return acceptable;
}

/** CXone states consistent with an Omni state: the desired one, and every ACD state whose publisher row gives this status. */
export function acceptableAcd(rule: PresenceRuleConfig, source: OmniState, desired: AcdState): AcdState[] {
	const rows = publisherRows(rule);
	const key = omniKey(source);
	const acceptable = [desired];
	for (const { entry } of rows) {
		if (entry.omni === NO_SYNC || statusKey(entry.omni) !== key) continue;
		const reason = publisherKey(entry);
		if (entry.acdState === 'Unavailable' && reason === ANY_REASON) {
			// "Any reason" covers only the codes that have no row of their own mapping elsewhere.
			const anyReasonExcept = rows
				.filter((other) => other.entry.acdState === 'Unavailable' && publisherKey(other.entry) !== ANY_REASON)
				.filter((other) => statusKey(other.entry.omni) !== key)
				.map((other) => publisherKey(other.entry));
			acceptable.push({ kind: 'acd', state: 'Unavailable', reason: null, isAcw: false, anyReasonExcept });
			continue;
		}
		const state: AcdState = { kind: 'acd', state: entry.acdState, reason: reason === ANY_REASON ? null : reason, isAcw: false };
		if (!sameState(state, desired)) acceptable.push(state);
	}
	return acceptable;
}
