/**
 * Reading Omni-Channel presence with SOQL: statuses (with routability), users, current presence, the
 * change feed by SystemModstamp, and the one supported write: deleting a UserServicePresence row.
 */
import type { Connection } from 'jsforce';

import { IDS_PER_QUERY, chunks, queryAll, soqlDateTime, soqlId } from './soql';
import type { OmniStatus, PresenceRow, SalesforceUser } from './types';

type SObjectRecord = Record<string, unknown>;

/** The fields a PresenceRow is built from; streaming-legal (no relationship fields). */
export const PRESENCE_FIELDS = [
	'Id',
	'UserId',
	'ServicePresenceStatusId',
	'IsCurrentState',
	'IsAway',
	'StatusStartDate',
	'StatusEndDate',
	'SystemModstamp',
] as const;

const PRESENCE_SELECT = `SELECT ${PRESENCE_FIELDS.join(', ')} FROM UserServicePresence`;

/** Advice for the calls below, by Salesforce error code (see errors.ts). */
export const STATUS_FIXES: Record<string, string> = {
	INVALID_FIELD:
		'reading ServicePresenceStatus.DeveloperName needs "View Setup and Configuration" (or "View DeveloperName") for the integration user',
	INSUFFICIENT_ACCESS:
		'the integration user needs "View Setup and Configuration" to read Omni-Channel statuses and service channels',
	INVALID_TYPE: 'Omni-Channel is not enabled in this org (Setup → Omni-Channel Settings)',
};

export const DELETE_FIXES: Record<string, string> = {
	INSUFFICIENT_ACCESS_OR_READONLY: 'deleting UserServicePresence needs "Customize Application" for the integration user',
	INSUFFICIENT_ACCESS: 'deleting UserServicePresence needs "Customize Application" for the integration user',
	ENTITY_IS_DELETED: 'the presence row is already gone: the user changed status or went offline',
	NOT_FOUND: 'the presence row is already gone: the user changed status or went offline',
};

function isoOrNull(value: unknown): string | null {
	if (value === null || value === undefined || value === '') return null;
	const time = typeof value === 'number' ? value : Date.parse(String(value));
	return Number.isNaN(time) ? String(value) : new Date(time).toISOString();
}

/**
 * The PresenceRow fields present in a record (SOQL row, PushTopic sobject, or CDC payload). CDC change
 * events carry LastModifiedDate rather than SystemModstamp; both mark the same write.
 */
export function presenceFields(record: SObjectRecord): Partial<PresenceRow> {
	const row: Partial<PresenceRow> = {};
	if ('Id' in record) row.id = String(record.Id);
	if ('UserId' in record) row.userId = String(record.UserId);
	if ('ServicePresenceStatusId' in record) row.statusId = String(record.ServicePresenceStatusId);
	if ('IsCurrentState' in record) row.isCurrentState = record.IsCurrentState === true;
	if ('IsAway' in record) row.isAway = record.IsAway === true;
	if ('StatusStartDate' in record) row.statusStartDate = isoOrNull(record.StatusStartDate) ?? '';
	if ('StatusEndDate' in record) row.statusEndDate = isoOrNull(record.StatusEndDate);
	if ('IsDeleted' in record) row.isDeleted = record.IsDeleted === true;
	const modstamp = record.SystemModstamp ?? record.LastModifiedDate;
	if (modstamp !== undefined) row.systemModstamp = isoOrNull(modstamp) ?? '';
	return row;
}

function toPresenceRow(record: SObjectRecord): PresenceRow {
	return {
		id: '',
		userId: '',
		statusId: '',
		isCurrentState: false,
		isAway: false,
		statusStartDate: '',
		statusEndDate: null,
		systemModstamp: '',
		...presenceFields(record),
	};
}

export async function listStatuses(conn: Connection): Promise<OmniStatus[]> {
	const [statuses, channelLinks] = await Promise.all([
		queryAll(conn, 'SELECT Id, DeveloperName, MasterLabel FROM ServicePresenceStatus'),
		queryAll(conn, 'SELECT ServicePresenceStatusId FROM ServiceChannelStatus'),
	]);
	// A status with at least one service channel routes work (online); one without is away/busy.
	const withChannels = new Set(channelLinks.map((link) => String(link.ServicePresenceStatusId)));
	return statuses
		.map((status) => ({
			id: String(status.Id),
			developerName: String(status.DeveloperName),
			label: String(status.MasterLabel ?? status.DeveloperName),
			online: withChannels.has(String(status.Id)),
		}))
		.sort((a, b) => a.label.localeCompare(b.label));
}

export async function listUsers(
	conn: Connection,
	filter: { ids?: string[]; activeOnly?: boolean } = {},
): Promise<SalesforceUser[]> {
	const select = 'SELECT Id, Username, Email, FederationIdentifier, Name, IsActive FROM User';
	const active = filter.activeOnly ? 'IsActive = true' : null;
	const idGroups = filter.ids ? chunks(filter.ids, IDS_PER_QUERY) : [null];
	const records: SObjectRecord[] = [];
	for (const ids of idGroups) {
		const byId = ids ? `Id IN (${ids.map((id) => soqlId(id, 'User id')).join(', ')})` : null;
		const where = [active, byId].filter(Boolean).join(' AND ');
		records.push(...(await queryAll(conn, `${select}${where ? ` WHERE ${where}` : ''} ORDER BY Name`)));
	}
	return records.map((user) => ({
		id: String(user.Id),
		username: String(user.Username ?? ''),
		email: String(user.Email ?? ''),
		federationId: user.FederationIdentifier == null ? null : String(user.FederationIdentifier),
		name: String(user.Name ?? ''),
		isActive: user.IsActive === true,
	}));
}

export async function currentPresence(conn: Connection, userIds?: string[]): Promise<PresenceRow[]> {
	const current = `${PRESENCE_SELECT} WHERE IsCurrentState = true`;
	if (!userIds) return (await queryAll(conn, current)).map(toPresenceRow);
	const rows: PresenceRow[] = [];
	for (const ids of chunks(userIds, IDS_PER_QUERY)) {
		const list = ids.map((id) => soqlId(id, 'User id')).join(', ');
		rows.push(...(await queryAll(conn, `${current} AND UserId IN (${list})`)).map(toPresenceRow));
	}
	return rows;
}

/**
 * The change feed. It reads the recycle bin too (queryAll): a Force Offline deletes the current row, and
 * a deleted row is invisible to query but stamped with the delete's SystemModstamp.
 */
export async function presenceChangesSince(conn: Connection, cursor: string): Promise<PresenceRow[]> {
	const since = soqlDateTime(cursor, 'Presence cursor');
	const soql = `SELECT ${PRESENCE_FIELDS.join(', ')}, IsDeleted FROM UserServicePresence WHERE SystemModstamp > ${since} ORDER BY SystemModstamp`;
	return (await queryAll(conn, soql, { includeDeleted: true })).map(toPresenceRow);
}

export async function deletePresence(conn: Connection, rowId: string): Promise<void> {
	soqlId(rowId, 'UserServicePresence id');
	const result = await conn.sobject('UserServicePresence').destroy(rowId);
	if (!result.success) {
		const [first] = (result as { errors?: Array<{ statusCode?: string; message?: string }> }).errors ?? [];
		throw Object.assign(new Error(first?.message ?? 'delete failed'), {
			errorCode: first?.statusCode ?? 'DELETE_FAILED',
		});
	}
}
