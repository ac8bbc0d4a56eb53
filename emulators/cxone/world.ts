/**
 * The emulated ACD: agents, teams, unavailable codes, each agent's current state and session. Changes
 * come from two sides, the agent in MAX (control API, console) and API clients (agent-sessions), and
 * both are announced on `events` as 'state' (agentId, state, cause).
 */
import { EventEmitter } from 'events';
import { randomBytes } from 'crypto';
import { SEED_TEAMS, seedAgents, type SeedAgent } from '../common/seed';

export type EmulatedState = 'Available' | 'Unavailable' | 'LoggedOut' | 'LoggedIn' | 'InboundContact';
export type StateCause = 'agent' | 'api';

/** agentStateId per agentStateName (cxone.md §3.1). */
export const AGENT_STATE_IDS: Record<EmulatedState, number> = {
	LoggedOut: 0,
	Available: 1,
	Unavailable: 2,
	InboundContact: 3,
	LoggedIn: 8,
};

export const BUSINESS_UNIT_ID = 4607084;
export const FIRST_TEAM_ID = 1001;
const FIRST_AGENT_ID = 30000001;
/** The API user the access key belongs to (id_token icAgentId); not one of the seeded agents. */
export const API_USER_AGENT_ID = 30000000;

export interface EmulatedAgent {
	agentId: number;
	userName: string;
	firstName: string;
	lastName: string;
	emailAddress: string;
	federatedId: string;
	userID: string;
	isActive: boolean;
	teamId: number;
	teamName: string;
	lastUpdated: string;
}

export interface EmulatedTeam {
	teamId: number;
	teamName: string;
	teamUuid: string;
	isActive: boolean;
	lastUpdateTime: string;
}

export interface EmulatedCode {
	outStateId: number;
	outStateName: string;
	isAcw: boolean;
	isActive: boolean;
	agentTimeoutMins: number;
}

export interface AgentStatus {
	state: EmulatedState;
	reason: string | null;
	isAcw: boolean;
	contactId: number;
	/** When the current state began (startDate). */
	since: string;
	/** Server time of the last change (lastUpdateTime): what updatedSince compares against. */
	lastUpdateTime: string;
	sessionId: string | null;
	/** State to return to when the contact ends without ACW: set by the API while on a contact. */
	afterContact: { state: 'Available' | 'Unavailable'; reason: string | null } | null;
}

/** An "Open"-style label is an unavailable code (the NICE setup guide), not an ACD state. */
const CODE_NAMES = ['Lunch', 'Break', 'Meeting', 'Training', 'Open'];
export const ACW_CODE_NAME = 'Wrap-up';

export class StateError extends Error {
	constructor(
		readonly status: number,
		readonly code: string,
		message: string,
	) {
		super(message);
	}
}

/**
 * Change times are unique and strictly increasing, and later than any lastPollTime already handed out,
 * so `lastUpdateTime > updatedSince` never misses nor repeats a change.
 */
class Clock {
	private last = 0;

	stamp(): string {
		this.last = Math.max(Date.now(), this.last + 1);
		return new Date(this.last).toISOString();
	}

	pollTime(): string {
		this.last = Math.max(Date.now(), this.last);
		return new Date(this.last).toISOString();
	}
}

export interface InitialState {
	state: 'Available' | 'Unavailable' | 'LoggedOut';
	reason?: string;
}

export class CxoneWorld {
	readonly events = new EventEmitter();
	readonly clock = new Clock();
	readonly teams: EmulatedTeam[];
	readonly codes: EmulatedCode[];
	private agentList: EmulatedAgent[] = [];
	private readonly status = new Map<number, AgentStatus>();
	private readonly sessions = new Map<string, number>();
	private nextContactId = 7000001;

	constructor(
		agents: number | SeedAgent[],
		private readonly initialState: InitialState,
	) {
		const created = new Date(Date.UTC(2024, 11, 1)).toISOString();
		this.teams = SEED_TEAMS.map((teamName, i) => ({
			teamId: FIRST_TEAM_ID + i,
			teamName,
			teamUuid: `11ee0000-0000-4000-8000-00000000${String(FIRST_TEAM_ID + i).padStart(4, '0')}`,
			isActive: true,
			lastUpdateTime: created,
		}));
		this.codes = [...CODE_NAMES, ACW_CODE_NAME].map((outStateName, i) => ({
			outStateId: 11 + i,
			outStateName,
			isAcw: outStateName === ACW_CODE_NAME,
			isActive: true,
			agentTimeoutMins: outStateName === ACW_CODE_NAME ? 2 : 0,
		}));
		this.codeByName(initialState.reason ?? null);
		this.seed(agents);
	}

	/** Replaces every agent (and session) with `agents`, all in the initial state. */
	seed(agents: number | SeedAgent[]): void {
		const seeds = typeof agents === 'number' ? seedAgents(agents) : agents;
		const created = new Date(Date.UTC(2024, 11, 1)).toISOString();
		this.status.clear();
		this.sessions.clear();
		this.agentList = seeds.map((seed) => {
			const team = this.teams.find((t) => t.teamName === seed.teamName) ?? this.teams[seed.index % this.teams.length];
			return {
				agentId: FIRST_AGENT_ID + seed.index,
				userName: seed.email,
				firstName: seed.firstName,
				lastName: seed.lastName,
				emailAddress: seed.email,
				federatedId: seed.federationId,
				userID: `11ee215a-${String(seed.index).padStart(4, '0')}-4000-8000-000000000000`,
				isActive: true,
				teamId: team.teamId,
				teamName: team.teamName,
				lastUpdated: created,
			};
		});
		const since = this.clock.stamp();
		for (const agent of this.agentList) {
			const { state, reason } = this.initialState;
			this.status.set(agent.agentId, {
				state,
				reason: state === 'Unavailable' ? (reason ?? null) : null,
				isAcw: false,
				contactId: 0,
				since,
				lastUpdateTime: since,
				sessionId: state === 'LoggedOut' ? null : this.openSession(agent.agentId),
				afterContact: null,
			});
		}
	}

	agents(): EmulatedAgent[] {
		return this.agentList;
	}

	agent(agentId: number): EmulatedAgent | undefined {
		return this.agentList.find((a) => a.agentId === agentId);
	}

	agentByEmail(email: string): EmulatedAgent | undefined {
		const wanted = email.toLowerCase();
		return this.agentList.find((a) => a.emailAddress.toLowerCase() === wanted);
	}

	statusOf(agentId: number): AgentStatus {
		const status = this.status.get(agentId);
		if (!status) {
			throw new StateError(404, 'AgentNotFound', `Agent ${agentId} does not exist in this business unit`);
		}
		return status;
	}

	codeByName(name: string | null): EmulatedCode | undefined {
		if (name === null) return undefined;
		const code = this.codes.find((c) => c.outStateName.toLowerCase() === name.toLowerCase());
		if (!code) {
			throw new StateError(
				400,
				'InvalidUnavailableCode',
				`Unavailable code '${name}' does not exist; valid: ${this.codes.map((c) => c.outStateName).join(', ')}`,
			);
		}
		return code;
	}

	/** The agent changes state in MAX. LoggedOut ends the session; any other state from LoggedOut logs in. */
	setByAgent(agentId: number, state: 'Available' | 'Unavailable' | 'LoggedOut' | 'LoggedIn', reason?: string | null): void {
		const status = this.statusOf(agentId);
		if (!['Available', 'Unavailable', 'LoggedOut', 'LoggedIn'].includes(state)) {
			throw new StateError(400, 'InvalidState', `State '${state}' cannot be chosen by an agent; valid: Available, Unavailable, LoggedOut, LoggedIn`);
		}
		const code = state === 'Unavailable' ? this.codeByName(reason ?? null) : undefined;
		if (state === 'LoggedOut') {
			this.logout(agentId, 'agent');
			return;
		}
		if (!status.sessionId) status.sessionId = this.openSession(agentId);
		status.contactId = 0;
		status.afterContact = null;
		this.change(agentId, state, code?.outStateName ?? null, code?.isAcw ?? false, 'agent');
	}

	startContact(agentId: number): void {
		const status = this.statusOf(agentId);
		if (!status.sessionId) {
			throw new StateError(409, 'AgentNotLoggedIn', `Agent ${agentId} is logged out and cannot take a contact`);
		}
		status.contactId = this.nextContactId++;
		status.afterContact =
			status.state === 'Available' || status.state === 'Unavailable'
				? { state: status.state, reason: status.isAcw ? null : status.reason }
				: { state: 'Available', reason: null };
		this.change(agentId, 'InboundContact', null, false, 'agent');
	}

	/** Ends the contact: into ACW with the code, or straight to the state to return to. */
	endContact(agentId: number, acwCode?: string): void {
		const status = this.statusOf(agentId);
		if (status.state !== 'InboundContact') {
			throw new StateError(409, 'NoActiveContact', `Agent ${agentId} is not on a contact (state ${status.state})`);
		}
		if (acwCode) {
			const code = this.codeByName(acwCode);
			if (!code?.isAcw) {
				throw new StateError(400, 'NotAnAcwCode', `'${acwCode}' is not an ACW code; valid: ${this.acwCodeNames().join(', ')}`);
			}
			this.change(agentId, 'Unavailable', code.outStateName, true, 'agent');
			return;
		}
		const next = status.afterContact ?? { state: 'Available' as const, reason: null };
		const code = this.codeByName(next.reason);
		if (!code?.isAcw) status.contactId = 0;
		status.afterContact = null;
		this.change(agentId, next.state, next.reason, code?.isAcw ?? false, 'agent');
	}

	/** POST /agent-sessions/join {asAgentId}. */
	join(agentId: number): string {
		const status = this.statusOf(agentId);
		if (!status.sessionId) {
			throw new StateError(409, 'AgentNotLoggedIn', `Agent ${agentId} has no active session (the agent is logged out)`);
		}
		return status.sessionId;
	}

	/** POST /agent-sessions/{sessionId}/state: the rules of HELP-SAS (cxone.md §4.1). */
	setBySession(sessionId: string, state: unknown, reason: unknown): void {
		const agentId = this.sessions.get(sessionId);
		const status = agentId === undefined ? undefined : this.status.get(agentId);
		if (agentId === undefined || !status || status.sessionId !== sessionId) {
			throw new StateError(409, 'SessionEnded', `Agent session '${sessionId}' has ended or does not exist`);
		}
		if (state !== 'Available' && state !== 'Unavailable') {
			throw new StateError(400, 'InvalidState', `State '${String(state)}' cannot be set; valid: Available, Unavailable`);
		}
		if (reason !== undefined && reason !== null && typeof reason !== 'string') {
			throw new StateError(400, 'InvalidReason', 'reason must be an unavailable code name (string)');
		}
		const code = state === 'Unavailable' ? this.codeByName((reason as string | undefined) || null) : undefined;
		const onContact = status.state === 'InboundContact';
		if (code?.isAcw && !onContact && !status.isAcw) {
			throw new StateError(409, 'AcwWithoutContact', `ACW code '${code.outStateName}' can only be set while the agent is handling a contact`);
		}
		if (onContact) {
			// As in MAX: a state chosen during a contact is the one the agent goes to when it ends.
			status.afterContact = { state, reason: code?.outStateName ?? null };
			return;
		}
		if (!code?.isAcw) status.contactId = 0;
		this.change(agentId, state, code?.outStateName ?? null, code?.isAcw ?? false, 'api');
	}

	logout(agentId: number, cause: StateCause): void {
		const status = this.statusOf(agentId);
		if (status.sessionId) this.sessions.delete(status.sessionId);
		status.sessionId = null;
		status.contactId = 0;
		status.afterContact = null;
		this.change(agentId, 'LoggedOut', null, false, cause);
	}

	acwCodeNames(): string[] {
		return this.codes.filter((c) => c.isAcw).map((c) => c.outStateName);
	}

	private openSession(agentId: number): string {
		const sessionId = randomBytes(9).toString('base64url');
		this.sessions.set(sessionId, agentId);
		return sessionId;
	}

	private change(agentId: number, state: EmulatedState, reason: string | null, isAcw: boolean, cause: StateCause): void {
		const status = this.statusOf(agentId);
		const stamp = this.clock.stamp();
		Object.assign(status, { state, reason, isAcw, since: stamp, lastUpdateTime: stamp });
		this.events.emit('state', agentId, state, cause);
	}
}
