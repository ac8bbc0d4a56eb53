/**
 * The domain of presence sync, as plain data (DESIGN.md §5). No n8n import anywhere under lib/engine.
 * Triggers emit PresenceEvent items, the Presence Rule turns each into a SyncCommand or a Skip, and the
 * action nodes apply SyncCommands. Every type here is JSON-serialisable: it travels as n8n item json.
 */

export type Side = 'salesforce' | 'cxone';

/** CXone ACD state names (agentStateName). Only Available and Unavailable can be set through the API. */
export type AcdStateName =
	| 'Available'
	| 'Unavailable'
	| 'LoggedOut'
	| 'LoggedIn'
	| 'InboundContact'
	| 'OutboundContact'
	| 'InboundConsult'
	| 'OutboundConsult'
	| 'Dialer';

/** Every ACD state name, for validating rows and events at run time. */
export const ACD_STATE_NAMES: readonly AcdStateName[] = [
	'Available',
	'Unavailable',
	'LoggedOut',
	'LoggedIn',
	'InboundContact',
	'OutboundContact',
	'InboundConsult',
	'OutboundConsult',
	'Dialer',
];

export const SETTABLE_ACD_STATES: readonly AcdStateName[] = ['Available', 'Unavailable'];

/** States in which the agent is handling a contact: CXone must not be changed under them. */
export const ON_CONTACT_ACD_STATES: readonly AcdStateName[] = [
	'InboundContact',
	'OutboundContact',
	'InboundConsult',
	'OutboundConsult',
	'Dialer',
];

/** An agent's CXone state. `reason` is the unavailable-code name (outStateDescription), null when none. */
export interface AcdState {
	kind: 'acd';
	state: AcdStateName;
	reason: string | null;
	isAcw: boolean;
	/** When this state began on the CXone side (startDate), ISO. */
	since?: string;
	/**
	 * Only in SyncCommand.acceptable, from an "any reason" publisher row: this state with any reason
	 * except the listed ones (those have rows of their own that map elsewhere).
	 */
	anyReasonExcept?: Array<string | null>;
}

/**
 * A user's Omni-Channel presence. Offline is `statusId: null, developerName: null` (no current
 * UserServicePresence row); `online` is true when the status has service channels (routable).
 */
export interface OmniState {
	kind: 'omni';
	statusId: string | null;
	developerName: string | null;
	label: string;
	online: boolean;
	/** When this status began on the Salesforce side (StatusStartDate, or the close time for Offline), ISO. */
	since?: string;
}

export type PresenceState = AcdState | OmniState;

export const OFFLINE_OMNI: OmniState = {
	kind: 'omni',
	statusId: null,
	developerName: null,
	label: 'Offline',
	online: false,
};

/** Identity fields known about the user on either side; triggers fill what their directory has. */
export interface UserIdentity {
	salesforceUserId?: string;
	cxoneAgentId?: number;
	email?: string;
	username?: string;
	federationId?: string;
	name?: string;
	teamId?: number;
	teamName?: string;
}

export interface PresenceEvent {
	side: Side;
	/** Unique per change at the source: used to de-duplicate. */
	eventId: string;
	/** Source timestamp of the change, ISO. */
	changedAt: string;
	/** When the trigger saw it, ISO. */
	observedAt: string;
	user: UserIdentity;
	state: PresenceState;
	previous?: PresenceState;
	/** Re-emitted current state from a periodic reconcile, not a change. */
	reconcile?: true;
}

export type MatchKey = 'email' | 'username' | 'federationId' | 'explicit';

/** Who the command is for: the value to match on the target side, plus any ids already known. */
export interface CommandUser extends UserIdentity {
	matchKey: MatchKey;
	matchValue: string;
}

export interface SyncCommand {
	target: Side;
	user: CommandUser;
	desired: PresenceState;
	/** Every target state consistent with the source state: a target already in one is left alone. */
	acceptable: PresenceState[];
	source: { side: Side; eventId: string; changedAt: string; state: PresenceState };
	rule: { name: string; row: number; table: 'publisher' | 'subscriber' };
	/** Master side configured on the rule: the master's command wins over a newer target state. */
	masterSide?: Side;
	/** Do not change a CXone agent who is on a contact or in ACW. */
	protectBusyAgents?: boolean;
	dryRun?: boolean;
}

export type SkipDecision =
	| 'not-in-scope'
	| 'unmapped'
	| 'no-sync'
	| 'already-consistent'
	| 'echo'
	| 'stale'
	| 'target-busy'
	| 'target-logged-out'
	| 'user-not-matched'
	| 'invalid';

export interface Skip {
	decision: SkipDecision;
	reason: string;
	event: PresenceEvent;
}

/** What the Presence Rule decides for one event. */
export type Decision =
	| { output: 'command'; command: SyncCommand }
	| { output: 'not-in-scope'; skip: Skip }
	| { output: 'skipped'; skip: Skip };

/** What an action node did with one SyncCommand. */
export type ApplyOutcome = 'written' | 'already-consistent' | 'stale' | 'target-busy' | 'target-logged-out' | 'user-not-matched' | 'dry-run' | 'failed';

export interface ApplyResult {
	outcome: ApplyOutcome;
	reason: string;
	target: Side;
	user: CommandUser;
	desired: PresenceState;
	current?: PresenceState;
	source: SyncCommand['source'];
	/** Command id (Salesforce companion command) or CXone session id used for the write. */
	writeId?: string;
}
