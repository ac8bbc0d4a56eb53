/**
 * The one definition of the Salesforce companion's Platform Event. The Salesforce Omni-Channel node
 * publishes it, the emulator's simulated companion consumes it, and tests check that the SFDX metadata in
 * salesforce/ declares exactly these fields.
 */
export const COMMAND_EVENT = 'Presence_Sync_Command__e';
export const COMMAND_CHANNEL = `/event/${COMMAND_EVENT}`;

export const COMMAND_FIELDS = {
	userId: 'UserId__c',
	statusId: 'StatusId__c',
	statusDeveloperName: 'StatusDeveloperName__c',
	action: 'Action__c',
	commandId: 'CommandId__c',
	issuedAt: 'IssuedAt__c',
	source: 'Source__c',
} as const;

export type CommandAction = 'set' | 'logout';

/** A command as the node builds it, before it is mapped onto the event's field names. */
export interface PresenceCommand {
	userId: string;
	action: CommandAction;
	statusId?: string | null;
	statusDeveloperName?: string | null;
	commandId: string;
	issuedAt: string;
	/** Free text naming who issued it, e.g. "n8n:<workflow id>". */
	source: string;
}

export function toEventRecord(command: PresenceCommand): Record<string, string | null> {
	return {
		[COMMAND_FIELDS.userId]: command.userId,
		[COMMAND_FIELDS.statusId]: command.statusId ?? null,
		[COMMAND_FIELDS.statusDeveloperName]: command.statusDeveloperName ?? null,
		[COMMAND_FIELDS.action]: command.action,
		[COMMAND_FIELDS.commandId]: command.commandId,
		[COMMAND_FIELDS.issuedAt]: command.issuedAt,
		[COMMAND_FIELDS.source]: command.source,
	};
}

export function fromEventRecord(record: Record<string, unknown>): PresenceCommand {
	const text = (field: string) => (record[field] == null ? null : String(record[field]));
	return {
		userId: text(COMMAND_FIELDS.userId) ?? '',
		action: (text(COMMAND_FIELDS.action) ?? 'set') as CommandAction,
		statusId: text(COMMAND_FIELDS.statusId),
		statusDeveloperName: text(COMMAND_FIELDS.statusDeveloperName),
		commandId: text(COMMAND_FIELDS.commandId) ?? '',
		issuedAt: text(COMMAND_FIELDS.issuedAt) ?? '',
		source: text(COMMAND_FIELDS.source) ?? '',
	};
}
