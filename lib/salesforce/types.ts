/**
 * The Salesforce transport's surface (lib/salesforce). Nodes, triggers and dropdown methods call only
 * this; it owns jsforce, auth, retries, paging and error mapping. Plain data in and out.
 */
import type { PresenceCommand } from './companionContract';

/** How to authenticate, extracted from either n8n credential by lib/salesforce/credentials.ts. */
export type SalesforceAuth =
	| {
			kind: 'oauth2';
			/** Stable key for the in-process connection cache (credential id or a hash); never a secret. */
			cacheKey: string;
			instanceUrl: string;
			accessToken: string;
			refreshToken?: string;
			clientId: string;
			clientSecret: string;
			/** Login host, e.g. https://login.salesforce.com or the emulator URL; token URL is derived. */
			loginUrl: string;
			apiVersion: string;
	  }
	| {
			kind: 'jwt';
			cacheKey: string;
			loginUrl: string;
			/** JWT audience; defaults to loginUrl (My Domain for Spring '26+ orgs). */
			audience: string;
			clientId: string;
			username: string;
			privateKey: string;
			apiVersion: string;
	  };

/** A ServicePresenceStatus with its routability (has service channels ⇒ online, else away/busy). */
export interface OmniStatus {
	id: string;
	developerName: string;
	label: string;
	online: boolean;
}

export interface SalesforceUser {
	id: string;
	username: string;
	email: string;
	federationId: string | null;
	name: string;
	isActive: boolean;
}

/** One UserServicePresence row. */
export interface PresenceRow {
	id: string;
	userId: string;
	statusId: string;
	isCurrentState: boolean;
	isAway: boolean;
	statusStartDate: string;
	statusEndDate: string | null;
	systemModstamp: string;
	/** Set on rows read from the change feed: true when the row was deleted (Force Offline). */
	isDeleted?: boolean;
}

export interface PublishResult {
	commandId: string;
	success: boolean;
	eventId?: string;
	error?: { code: string; message: string };
}

export type StreamMode = 'pushTopic' | 'cdc';

/** A presence change as streamed: PushTopic (`sobject` = selected fields) or CDC (`payload`). */
export interface StreamMessage {
	replayId: number;
	createdDate: string;
	changeType: 'created' | 'updated' | 'deleted' | 'undeleted';
	row: Partial<PresenceRow> & { id: string };
}

export interface StreamHandlers {
	onMessage(message: StreamMessage): void;
	/** Stream lost and rebuilt, replay failed, or stalled: the caller should reconcile with SOQL. */
	onGap(reason: string): void;
	onError(error: Error): void;
}

export interface StreamSubscription {
	close(): Promise<void>;
	/** Latest replay id received (persist it). */
	lastReplayId(): number | null;
}

export interface SalesforceClient {
	listStatuses(): Promise<OmniStatus[]>;
	listUsers(filter?: { ids?: string[]; activeOnly?: boolean }): Promise<SalesforceUser[]>;
	/** Current rows (IsCurrentState = true), optionally for some users only. Users absent are Offline. */
	currentPresence(userIds?: string[]): Promise<PresenceRow[]>;
	/** Rows with SystemModstamp > cursor, oldest first (opened, closed and deleted rows). */
	presenceChangesSince(cursor: string): Promise<PresenceRow[]>;
	/** Publish companion commands (composite, ≤ 200 per call). One result per command, in order. */
	publishCommands(commands: PresenceCommand[]): Promise<PublishResult[]>;
	/** Force Offline: delete a current UserServicePresence row. */
	deletePresence(rowId: string): Promise<void>;
	/** Create or update the PushTopic on UserServicePresence; returns its name. */
	ensurePushTopic(name: string): Promise<string>;
	subscribe(
		mode: StreamMode,
		options: { topicName?: string; replayId: number | null; watchdogMs?: number },
		handlers: StreamHandlers,
	): Promise<StreamSubscription>;
	/** API usage from the last Sforce-Limit-Info header, when known. */
	apiUsage(): { used: number; limit: number } | null;
}
