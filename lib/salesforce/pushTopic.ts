/**
 * The PushTopic on UserServicePresence the streaming trigger subscribes to. Streaming queries must
 * select Id and cannot use relationship fields, so status names are resolved from the status list.
 */
import type { Connection } from 'jsforce';

import { TransportError } from '../errors';
import { queryAll, soqlString } from './soql';

export const PUSH_TOPIC_QUERY =
	'SELECT Id, UserId, ServicePresenceStatusId, IsCurrentState, IsAway, StatusStartDate, StatusEndDate FROM UserServicePresence';

const TOPIC_NAME = /^[A-Za-z][A-Za-z0-9_]{0,24}$/;

const DEFINITION = {
	Query: PUSH_TOPIC_QUERY,
	NotifyForFields: 'Referenced',
	NotifyForOperationCreate: true,
	NotifyForOperationUpdate: true,
	NotifyForOperationDelete: true,
	NotifyForOperationUndelete: true,
	IsActive: true,
} as const;

export async function ensurePushTopic(conn: Connection, name: string, apiVersion: string): Promise<string> {
	if (!TOPIC_NAME.test(name)) {
		throw new TransportError(
			'salesforce',
			'INVALID_TOPIC_NAME',
			`PushTopic name "${name}" is invalid: use 1–25 letters, digits or underscores, starting with a letter`,
		);
	}
	const fields = ['Id', ...Object.keys(DEFINITION)].join(', ');
	const [existing] = await queryAll(conn, `SELECT ${fields} FROM PushTopic WHERE Name = ${soqlString(name)}`);
	if (!existing) {
		const created = await conn.sobject('PushTopic').create({ Name: name, ApiVersion: Number(apiVersion), ...DEFINITION });
		if (!created.success) {
			throw new TransportError('salesforce', 'PUSH_TOPIC_NOT_CREATED', `PushTopic ${name} was not created`);
		}
		return name;
	}
	const outdated = Object.entries(DEFINITION).some(([field, value]) => existing[field] !== value);
	if (outdated) {
		await conn.sobject('PushTopic').update({ Id: String(existing.Id), ...DEFINITION });
	}
	return name;
}
