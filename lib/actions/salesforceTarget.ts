/**
 * Salesforce as the target of SyncCommands. Salesforce has no server API to set another user's
 * Omni-Channel status (DESIGN.md §2), so a write is a Presence_Sync_Command__e for the companion in the
 * user's console: 'set' with the status id and DeveloperName, or 'logout' for Offline. A batch's commands
 * go out in one publishCommands call (the transport chunks it into composite requests).
 */
import { randomUUID } from 'crypto';
import { TargetDirectory, userIdKey } from '../engine/identity';
import { isOffline, sameSalesforceId } from '../engine/state';
import { listValues } from '../engine/validate';
import { OFFLINE_OMNI } from '../engine/types';
import type { OmniState, PresenceState } from '../engine/types';
import type { PresenceCommand } from '../salesforce/companionContract';
import { TransportError } from '../errors';
import type { OmniStatus, PresenceRow, PublishResult, SalesforceClient, SalesforceUser } from '../salesforce/types';
import { perList } from '../directory/shared';
import { salesforceDirectories } from '../directory/liveDirectories';
import type { SalesforceDirectories } from '../directory/liveDirectories';
import type { PresenceTarget, TargetWrite, WriteOutcome } from './applyCommands';
import { ActionInputError, failureFrom } from './failure';

/** A current UserServicePresence row as an OmniState; a status the catalog lacks keeps only its id. */
export function currentOmniState(row: PresenceRow, statuses: readonly OmniStatus[]): OmniState {
	const status = statuses.find((s) => sameSalesforceId(s.id, row.statusId));
	return {
		kind: 'omni',
		statusId: status?.id ?? row.statusId,
		developerName: status?.developerName ?? null,
		label: status?.label ?? row.statusId,
		online: status?.online ?? !row.isAway,
		since: row.statusStartDate,
	};
}

/** Is this the status named by DeveloperName (any case) or id? */
const statusNamed = (name: string) => (status: OmniStatus) =>
	status.developerName.toLowerCase() === name.toLowerCase() || sameSalesforceId(status.id, name);

/** The status named by DeveloperName (any case) or id, or an error listing the valid ones. */
export function findOmniStatus(statuses: readonly OmniStatus[], name: string): OmniStatus {
	const status = statuses.find(statusNamed(name));
	if (status) return status;
	throw new ActionInputError(
		`Salesforce status '${name}' does not exist or is not visible to the integration user; valid: ${listValues(statuses.map((s) => s.developerName))}`,
		'Use a Service Presence Status DeveloperName (Setup → Presence Statuses), and grant it to the integration user through a profile or permission set.',
		'UNKNOWN_STATUS',
	);
}

export function salesforceIdentity(user: SalesforceUser) {
	return {
		salesforceUserId: user.id,
		email: user.email,
		username: user.username,
		federationId: user.federationId ?? undefined,
		name: user.name,
	};
}

const usersDirectory = perList((users: readonly SalesforceUser[]) => new TargetDirectory(users, 'salesforce', salesforceIdentity));

export class SalesforceTarget implements PresenceTarget<SalesforceUser> {
	readonly side = 'salesforce';
	private lists: SalesforceDirectories;

	/** `source` names the issuer on each command, e.g. "n8n:<workflow id>". */
	constructor(
		readonly client: SalesforceClient,
		private readonly source: string,
	) {
		this.lists = salesforceDirectories(undefined, async () => client);
	}

	shareDirectories(cacheKey: string): void {
		this.lists = salesforceDirectories(cacheKey, async () => this.client);
	}

	statuses(): Promise<OmniStatus[]> {
		return this.lists.statuses.current();
	}

	async directory(covers: (directory: TargetDirectory<SalesforceUser>) => boolean = () => true): Promise<TargetDirectory<SalesforceUser>> {
		return usersDirectory(await this.lists.users.currentCovering((users) => covers(usersDirectory(users))));
	}

	identify(user: SalesforceUser) {
		return { userId: user.id, ids: { salesforceUserId: user.id, name: user.name } };
	}

	async resolveDesired(desired: PresenceState): Promise<OmniState> {
		if (desired.kind !== 'omni') throw new ActionInputError(`a Salesforce command needs an Omni status, got a CXone state`);
		if (isOffline(desired)) return { ...OFFLINE_OMNI };
		const name = desired.developerName ?? (desired.statusId as string);
		const status = findOmniStatus(await this.lists.statuses.currentCovering((statuses) => statuses.some(statusNamed(name))), name);
		return { kind: 'omni', statusId: status.id, developerName: status.developerName, label: status.label, online: status.online };
	}

	async currentStates(userIds: string[]): Promise<Map<string, PresenceState>> {
		const [rows, statuses] = await Promise.all([this.client.currentPresence(userIds), this.statuses()]);
		const states = new Map<string, PresenceState>(userIds.map((id) => [userIdKey('salesforce', id), { ...OFFLINE_OMNI }]));
		for (const row of rows) states.set(userIdKey('salesforce', row.userId), currentOmniState(row, statuses));
		return states;
	}

	async write(writes: TargetWrite[]): Promise<WriteOutcome[]> {
		const issuedAt = new Date().toISOString();
		const commands = writes.map(({ userId, desired }): PresenceCommand => {
			const omni = desired as OmniState;
			return isOffline(omni)
				? { userId, action: 'logout', commandId: randomUUID(), issuedAt, source: this.source }
				: {
						userId,
						action: 'set',
						statusId: omni.statusId,
						statusDeveloperName: omni.developerName,
						commandId: randomUUID(),
						issuedAt,
						source: this.source,
					};
		});
		let published: PublishResult[];
		try {
			published = await this.client.publishCommands(commands);
		} catch (error) {
			// A composite call failed as a whole: the chunks before it did go out, the rest did not.
			const before = (error instanceof TransportError && (error.details?.publishedBeforeFailure as PublishResult[])) || [];
			const failure = failureFrom(error);
			return commands.map((command, i): WriteOutcome => (before[i] ? publishOutcome(command, before[i]) : { outcome: 'failed', failure }));
		}
		return published.map((result, i) => publishOutcome(commands[i], result));
	}
}

function publishOutcome(command: PresenceCommand, result: PublishResult): WriteOutcome {
	if (result.success) return { outcome: 'written', writeId: command.commandId };
	return {
		outcome: 'failed',
		failure: {
			kind: 'service',
			service: 'salesforce',
			code: result.error?.code ?? 'PUBLISH_FAILED',
			message: result.error?.message ?? 'the Presence_Sync_Command__e event was not published',
		},
	};
}
