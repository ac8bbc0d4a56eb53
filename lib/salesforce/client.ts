/**
 * The SalesforceClient nodes, triggers and dropdowns use: each call takes the process-wide connection
 * for the auth and maps every failure onto a TransportError that says what to fix.
 */
import type { Connection } from 'jsforce';

import { publishCommands } from './commands';
import { cachedConnection, connectionFor, renewSession } from './connection';
import { toTransportError } from './errors';
import {
	DELETE_FIXES,
	STATUS_FIXES,
	currentPresence,
	deletePresence,
	listStatuses,
	listUsers,
	presenceChangesSince,
} from './presence';
import { ensurePushTopic } from './pushTopic';
import { subscribePresence } from './stream';
import type { SalesforceAuth, SalesforceClient } from './types';

const PUBLISH_FIXES: Record<string, string> = {
	NOT_FOUND: 'deploy the companion (salesforce/ folder): its Platform Event Presence_Sync_Command__e is missing',
	INVALID_TYPE: 'deploy the companion (salesforce/ folder): its Platform Event Presence_Sync_Command__e is missing',
	INSUFFICIENT_ACCESS: 'give the integration user Create on Presence_Sync_Command__e (the companion’s permission set)',
};

const PUSH_TOPIC_FIXES: Record<string, string> = {
	INSUFFICIENT_ACCESS: 'creating a PushTopic needs "Create" on PushTopic and "Customize Application"',
	INVALID_FIELD: 'the org rejected the PushTopic query on UserServicePresence: check that Omni-Channel is enabled',
};

export function createSalesforceClient(auth: SalesforceAuth): SalesforceClient {
	async function call<T>(action: string, work: (conn: Connection) => Promise<T>, fixes?: Record<string, string>): Promise<T> {
		try {
			return await work(await connectionFor(auth));
		} catch (error) {
			throw toTransportError(error, auth, action, fixes);
		}
	}

	const ensureTopic = (name: string) =>
		call('create or update the PushTopic', (conn) => ensurePushTopic(conn, name, auth.apiVersion), PUSH_TOPIC_FIXES);

	return {
		listStatuses: () => call('list Omni-Channel presence statuses', listStatuses, STATUS_FIXES),
		listUsers: (filter) => call('list users', (conn) => listUsers(conn, filter)),
		currentPresence: (userIds) => call('read current presence', (conn) => currentPresence(conn, userIds)),
		presenceChangesSince: (cursor) =>
			call('read presence changes', (conn) => presenceChangesSince(conn, cursor)),
		publishCommands: (commands) =>
			call('publish presence commands', (conn) =>
				publishCommands(conn, commands, (error) =>
					toTransportError(error, auth, 'publish presence commands', PUBLISH_FIXES),
				),
			),
		deletePresence: (rowId) => call('delete the presence row', (conn) => deletePresence(conn, rowId), DELETE_FIXES),
		ensurePushTopic: ensureTopic,
		subscribe: (mode, options, handlers) => {
			// A PushTopic can vanish under a running stream (deleted by an admin, an org refresh).
			const topicName = mode === 'pushTopic' ? options.topicName : undefined;
			const restoreChannel = topicName
				? async () => {
						await ensureTopic(topicName);
					}
				: undefined;
			return call('subscribe to presence changes', (conn) =>
				subscribePresence(
					{
						conn,
						renew: () => renewSession(conn),
						restoreChannel,
						mapError: (error, action) => toTransportError(error, auth, action),
					},
					mode,
					options,
					handlers,
				),
			);
		},
		apiUsage: () => cachedConnection(auth)?.limitInfo.apiUsage ?? null,
	};
}
