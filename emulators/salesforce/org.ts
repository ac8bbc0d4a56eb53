/**
 * The emulated org's data: users, presence statuses, channels, UserServicePresence rows and PushTopics,
 * plus the presence lifecycle (§2.4 of the reference): a status change closes the current row and opens
 * a new one; a logout closes it with no successor, so "Offline" is "no current row". SystemModstamp is
 * strictly increasing (bumped by 1 ms on ties) so clients can page by cursor without losing rows.
 */
import type { EventEmitter } from 'events';
import type { SeedAgent } from '../common/seed';
import { seedAgents } from '../common/seed';
import { IdFactory, withChecksum } from './ids';
import { findObject } from './schema';

/** A record keyed by canonical field names; datetimes are epoch milliseconds. */
export type SfRecord = Record<string, unknown> & { Id: string };

export type ChangeType = 'created' | 'updated' | 'deleted';

export interface RecordChange {
	object: string;
	changeType: ChangeType;
	record: SfRecord;
	/** Fields whose value changed (updates) or were set (creates). */
	changedFields: string[];
	commitUser: string;
	at: number;
}

export type PresenceCause = 'agent' | 'companion' | 'api-delete';

export interface PresenceState {
	statusId: string;
	developerName: string;
	since: string;
}

const STATUSES: Array<{ developerName: string; label: string; channel?: string }> = [
	{ developerName: 'Available_for_Chats', label: 'Available for Chats', channel: 'sfdc_livechat' },
	{ developerName: 'Available_for_Voice', label: 'Available for Voice', channel: 'sfdc_phone' },
	{ developerName: 'Busy', label: 'Busy' },
	{ developerName: 'Lunch_Break', label: 'Lunch Break' },
	{ developerName: 'On_Break', label: 'On Break' },
	{ developerName: 'Training', label: 'Training' },
];

const CHANNELS = [
	{ developerName: 'sfdc_livechat', label: 'Chat', relatedEntity: 'LiveChatTranscript' },
	{ developerName: 'sfdc_phone', label: 'Phone', relatedEntity: 'VoiceCall' },
];

export const INTEGRATION_USERNAME = 'integration@example.com.demo';

export interface OrgOptions {
	agents: SeedAgent[];
	initialStatus: string | null;
	consoleOpenByDefault: boolean;
	/** Public emitter: 'presence' (userId, state | null, cause) and 'console' (userId, open). */
	events: EventEmitter;
}

/**
 * Org setup: the same seed gives the same records with the same ids in every run. Everything else, presence
 * rows included, is data of one run: a restarted emulator's rows start at a new time, so they are new rows
 * with new ids (a client must not take them for the rows it knew).
 */
const SETUP_OBJECTS = new Set(['User', 'ServiceChannel', 'ServicePresenceStatus', 'ServiceChannelStatus']);

export class Org {
	/**
	 * Where sequences that must keep rising across restarts start (run-time record ids, replay ids): the
	 * start time in microseconds, so a later run of the same org starts above anything an earlier one issued.
	 */
	readonly sequenceBase = Date.now() * 1000;
	readonly ids = new IdFactory(this.sequenceBase);
	readonly integrationUserId: string;
	private readonly tables = new Map<string, Map<string, SfRecord>>();
	private readonly changeListeners: Array<(change: RecordChange) => void> = [];
	private readonly currentRow = new Map<string, SfRecord>();
	private readonly consoleOpen = new Map<string, boolean>();
	private readonly userIdByEmail = new Map<string, string>();
	private readonly userIdByUsername = new Map<string, string>();
	private agentCount = 0;
	private lastStamp = 0;
	private presenceRowNumber = 0;

	constructor(private readonly options: OrgOptions) {
		if (options.initialStatus !== null && !STATUSES.some((s) => s.developerName === options.initialStatus)) {
			throw new Error(
				`initialStatus '${options.initialStatus}' is not a presence status; valid: ${STATUSES.map((s) => s.developerName).join(', ')} or null (Offline)`,
			);
		}
		this.integrationUserId = this.addUser({
			FirstName: 'Integration',
			LastName: 'User',
			Email: 'integration@example.com',
			Username: INTEGRATION_USERNAME,
			FederationIdentifier: null,
		});
		const channelIds = new Map<string, string>();
		for (const channel of CHANNELS) {
			const row = this.insert('ServiceChannel', {
				DeveloperName: channel.developerName,
				MasterLabel: channel.label,
				RelatedEntity: channel.relatedEntity,
			});
			channelIds.set(channel.developerName, row.Id);
		}
		for (const status of STATUSES) {
			const row = this.insert('ServicePresenceStatus', {
				DeveloperName: status.developerName,
				MasterLabel: status.label,
				Language: 'en_US',
			});
			if (status.channel) {
				this.insert('ServiceChannelStatus', {
					ServiceChannelId: channelIds.get(status.channel),
					ServicePresenceStatusId: row.Id,
				});
			}
		}
		this.addAgents(options.agents);
	}

	// ---- records -------------------------------------------------------------------------------

	onChange(listener: (change: RecordChange) => void): void {
		this.changeListeners.push(listener);
	}

	table(object: string): Map<string, SfRecord> {
		let table = this.tables.get(object);
		if (!table) {
			table = new Map();
			this.tables.set(object, table);
		}
		return table;
	}

	/** Finds a record by its 15- or 18-character id. */
	get(object: string, id: string): SfRecord | undefined {
		if (id.length !== 15 && id.length !== 18) return undefined;
		return this.table(object).get(id.length === 15 ? withChecksum(id) : id);
	}

	/** Strictly increasing wall-clock milliseconds: ties are bumped by 1 ms. */
	tick(): number {
		const now = Date.now();
		this.lastStamp = now > this.lastStamp ? now : this.lastStamp + 1;
		return this.lastStamp;
	}

	insert(object: string, fields: Record<string, unknown>, actorId?: string): SfRecord {
		const def = findObject(object);
		if (!def) throw new Error(`Unknown object ${object}`);
		const at = this.tick();
		const id = SETUP_OBJECTS.has(object) ? this.ids.next(def.keyPrefix) : this.ids.nextRuntime(def.keyPrefix);
		// The integration user is the org's first record and is recorded as its own creator.
		const actor = actorId ?? this.integrationUserId ?? id;
		const record: SfRecord = {
			Id: id,
			...(def.fieldIndex.has('isdeleted') ? { IsDeleted: false } : {}),
			CreatedDate: at,
			CreatedById: actor,
			LastModifiedDate: at,
			LastModifiedById: actor,
			SystemModstamp: at,
			...fields,
		};
		this.table(object).set(record.Id, record);
		this.emitChange({ object, changeType: 'created', record, changedFields: Object.keys(fields), commitUser: actor, at });
		return record;
	}

	update(object: string, record: SfRecord, fields: Record<string, unknown>, actorId: string): void {
		const changed = Object.keys(fields).filter((name) => record[name] !== fields[name]);
		if (changed.length === 0) return;
		const changedFields = [...changed, 'LastModifiedDate', 'LastModifiedById'];
		const at = this.tick();
		Object.assign(record, fields, { LastModifiedDate: at, LastModifiedById: actorId, SystemModstamp: at });
		this.emitChange({ object, changeType: 'updated', record, changedFields, commitUser: actorId, at });
	}

	/** Moves a record to the recycle bin: hidden from query, visible to queryAll. */
	remove(object: string, record: SfRecord, actorId: string): void {
		const at = this.tick();
		Object.assign(record, { IsDeleted: true, LastModifiedDate: at, LastModifiedById: actorId, SystemModstamp: at });
		this.emitChange({ object, changeType: 'deleted', record, changedFields: [], commitUser: actorId, at });
	}

	/** Removes a record outright (objects without a recycle bin in the emulator, e.g. PushTopic). */
	purge(object: string, record: SfRecord, actorId: string): void {
		this.table(object).delete(record.Id);
		this.emitChange({ object, changeType: 'deleted', record, changedFields: [], commitUser: actorId, at: this.tick() });
	}

	private emitChange(change: RecordChange): void {
		for (const listener of this.changeListeners) listener(change);
	}

	// ---- users ---------------------------------------------------------------------------------

	private addUser(seed: { FirstName: string; LastName: string; Email: string; Username: string; FederationIdentifier: string | null }): string {
		const record = this.insert('User', {
			...seed,
			Name: `${seed.FirstName} ${seed.LastName}`,
			Alias: `${seed.FirstName.slice(0, 1)}${seed.LastName.slice(0, 4)}`.toLowerCase(),
			IsActive: true,
			UserType: 'Standard',
		});
		this.userIdByEmail.set(seed.Email.toLowerCase(), record.Id);
		this.userIdByUsername.set(seed.Username.toLowerCase(), record.Id);
		this.consoleOpen.set(record.Id, this.options.consoleOpenByDefault);
		return record.Id;
	}

	private addAgents(agents: SeedAgent[]): void {
		for (const agent of agents) {
			const userId = this.addUser({
				FirstName: agent.firstName,
				LastName: agent.lastName,
				Email: agent.email,
				Username: agent.username,
				FederationIdentifier: agent.federationId,
			});
			if (this.options.initialStatus) this.setPresence(userId, this.options.initialStatus, 'agent');
		}
		this.agentCount += agents.length;
	}

	/** Adds seeded agents until there are `count` (existing agents are kept). */
	seed(count: number): void {
		if (count <= this.agentCount) return;
		this.addAgents(seedAgents(count).slice(this.agentCount));
	}

	users(): SfRecord[] {
		return [...this.table('User').values()];
	}

	userIdByEmailAddress(email: string): string | undefined {
		return this.userIdByEmail.get(email.toLowerCase());
	}

	userIdByUsernameValue(username: string): string | undefined {
		return this.userIdByUsername.get(username.toLowerCase());
	}

	isConsoleOpen(userId: string): boolean {
		return this.consoleOpen.get(userId) ?? false;
	}

	setConsoleOpen(userId: string, open: boolean): void {
		if (!this.get('User', userId)) throw new Error(`No user with id '${userId}'`);
		if (this.isConsoleOpen(userId) === open) return;
		this.consoleOpen.set(userId, open);
		this.options.events.emit('console', userId, open);
	}

	// ---- presence ------------------------------------------------------------------------------

	statuses(): SfRecord[] {
		return [...this.table('ServicePresenceStatus').values()];
	}

	/** Statuses linked to at least one service channel are routable ("online"); the rest are away. */
	isOnline(statusId: string): boolean {
		for (const link of this.table('ServiceChannelStatus').values()) {
			if (link.ServicePresenceStatusId === statusId) return true;
		}
		return false;
	}

	statusByDeveloperName(developerName: string): SfRecord | undefined {
		return this.statuses().find((s) => s.DeveloperName === developerName);
	}

	presenceOf(userId: string): PresenceState | null {
		const row = this.currentRow.get(userId);
		if (!row) return null;
		const status = this.get('ServicePresenceStatus', row.ServicePresenceStatusId as string)!;
		return {
			statusId: status.Id,
			developerName: status.DeveloperName as string,
			since: new Date(row.StatusStartDate as number).toISOString(),
		};
	}

	currentRowOf(userId: string): SfRecord | undefined {
		return this.currentRow.get(userId);
	}

	/**
	 * Changes a user's Omni status as the Omni widget would (developerName null = log out of Omni).
	 * Setting the status the user is already in changes nothing.
	 */
	setPresence(userId: string, developerName: string | null, cause: PresenceCause): void {
		if (!this.get('User', userId)) throw new Error(`No user with id '${userId}'`);
		const status = developerName === null ? undefined : this.statusByDeveloperName(developerName);
		if (developerName !== null && !status) {
			throw new Error(
				`Presence status '${developerName}' does not exist; valid: ${this.statuses()
					.map((s) => s.DeveloperName)
					.join(', ')} or null (Offline)`,
			);
		}
		const current = this.currentRow.get(userId);
		if (current && status && current.ServicePresenceStatusId === status.Id) return;
		if (!current && !status) return;
		if (current) this.closeRow(userId, current);
		if (status) {
			const row = this.insert(
				'UserServicePresence',
				{
					Name: `USP-${String(++this.presenceRowNumber).padStart(10, '0')}`,
					OwnerId: userId,
					UserId: userId,
					ServicePresenceStatusId: status.Id,
					IsCurrentState: true,
					IsAway: !this.isOnline(status.Id),
					StatusStartDate: Date.now(),
					StatusEndDate: null,
					StatusDuration: null,
					ConfiguredCapacity: 5,
					AverageCapacity: 0,
					AtCapacityDuration: 0,
					IdleDuration: 0,
				},
				userId,
			);
			this.currentRow.set(userId, row);
		}
		const state = this.presenceOf(userId);
		this.options.events.emit('presence', userId, state && { statusId: state.statusId, developerName: state.developerName }, cause);
	}

	private closeRow(userId: string, row: SfRecord): void {
		this.currentRow.delete(userId);
		const end = Date.now();
		const start = row.StatusStartDate as number;
		this.update(
			'UserServicePresence',
			row,
			{ IsCurrentState: false, StatusEndDate: Math.max(end, start), StatusDuration: Math.max(0, Math.round((end - start) / 1000)) },
			userId,
		);
	}

	/**
	 * DELETE on a UserServicePresence row: a real delete. The row goes to the recycle bin as it was (only
	 * queryAll sees it, with IsDeleted = true); when it was the user's current row, the user is Offline.
	 */
	deletePresenceRow(row: SfRecord, actorId: string): void {
		const userId = row.UserId as string;
		const wasCurrent = this.currentRow.get(userId) === row;
		if (wasCurrent) this.currentRow.delete(userId);
		this.remove('UserServicePresence', row, actorId);
		if (wasCurrent) this.options.events.emit('presence', userId, null, 'api-delete');
	}
}
