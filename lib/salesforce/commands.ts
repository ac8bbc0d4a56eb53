/**
 * Publishing companion commands: one Presence_Sync_Command__e Platform Event per command, through the
 * sObject Collections API (≤ 200 records per call), with one result per command in input order.
 */
import type { Connection } from 'jsforce';

import { TransportError } from '../errors';
import { COMMAND_EVENT, toEventRecord, type PresenceCommand } from './companionContract';
import { chunks } from './soql';
import type { PublishResult } from './types';

/** sObject Collections accepts at most 200 records per request. */
const RECORDS_PER_CALL = 200;

interface SaveResult {
	id?: string | null;
	success: boolean;
	errors?: Array<{ statusCode?: string; errorCode?: string; message?: string }>;
}

function toPublishResult(command: PresenceCommand, saved: SaveResult | undefined): PublishResult {
	if (saved?.success) return { commandId: command.commandId, success: true, eventId: saved.id ?? undefined };
	const [first] = saved?.errors ?? [];
	return {
		commandId: command.commandId,
		success: false,
		error: {
			code: first?.statusCode ?? first?.errorCode ?? 'NO_RESULT',
			message: first?.message ?? 'Salesforce returned no result for this command',
		},
	};
}

/**
 * A call that fails as a whole (auth, network, event not deployed) throws; its TransportError details
 * carry the results of the calls that went through before it, so nothing is reported twice.
 */
export async function publishCommands(
	conn: Connection,
	commands: PresenceCommand[],
	mapError: (error: unknown) => TransportError,
): Promise<PublishResult[]> {
	const results: PublishResult[] = [];
	for (const batch of chunks(commands, RECORDS_PER_CALL)) {
		let saved: SaveResult[];
		try {
			saved = (await conn.create(COMMAND_EVENT, batch.map(toEventRecord), { allOrNone: false })) as SaveResult[];
		} catch (error) {
			const mapped = mapError(error);
			throw new TransportError('salesforce', mapped.errorCode, mapped.message, mapped.httpStatus, {
				publishedBeforeFailure: results,
			});
		}
		batch.forEach((command, index) => results.push(toPublishResult(command, saved[index])));
	}
	return results;
}
