/**
 * SOQL helpers: literals that cannot break out of a query, and reading every page of a result.
 */
import type { Connection } from 'jsforce';

import { TransportError } from '../errors';

const SALESFORCE_ID = /^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$/;

/** Ids in one `IN (…)` list: keeps each query far below SOQL's length limit. */
export const IDS_PER_QUERY = 200;

export function soqlString(value: string): string {
	return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

export function soqlId(id: string, what: string): string {
	if (!SALESFORCE_ID.test(id)) {
		throw new TransportError(
			'salesforce',
			'INVALID_ID',
			`${what} "${id}" is not a Salesforce id (15 or 18 letters and digits, e.g. 005xx000001Sv6AAAS)`,
		);
	}
	return soqlString(id);
}

/** A dateTime literal (unquoted in SOQL), from any ISO 8601 timestamp. */
export function soqlDateTime(value: string, what: string): string {
	const time = Date.parse(value);
	if (Number.isNaN(time)) {
		throw new TransportError(
			'salesforce',
			'INVALID_DATETIME',
			`${what} "${value}" is not an ISO 8601 timestamp (e.g. 2024-05-01T08:00:00.000Z)`,
		);
	}
	return new Date(time).toISOString();
}

export function chunks<T>(items: T[], size: number): T[][] {
	const out: T[][] = [];
	for (let start = 0; start < items.length; start += size) out.push(items.slice(start, start + size));
	return out;
}

/**
 * All records of a query, following nextRecordsUrl (Salesforce returns at most 2,000 per page).
 * `includeDeleted` reads through the queryAll resource, which also returns rows in the recycle bin.
 */
export async function queryAll<T extends Record<string, unknown>>(
	conn: Connection,
	soql: string,
	options: { includeDeleted?: boolean } = {},
): Promise<T[]> {
	let page = await conn.query<T>(soql, { scanAll: options.includeDeleted === true });
	const records = [...page.records];
	while (!page.done && page.nextRecordsUrl) {
		page = await conn.queryMore<T>(page.nextRecordsUrl);
		records.push(...page.records);
	}
	return records;
}
