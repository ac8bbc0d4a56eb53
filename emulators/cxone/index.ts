/**
 * NICE CXone emulator: global auth, the ACD REST API the package uses, and a control API, on 127.0.0.1.
 * See README.md in this folder for the control API.
 */
import type { EventEmitter } from 'events';
import { Router, serve } from '../common/http';
import type { SeedAgent } from '../common/seed';
import { addApiRoutes } from './apiRoutes';
import { addAuthRoutes, type EmulatorAccess } from './authRoutes';
import { addControlRoutes } from './controlRoutes';
import { TokenService } from './tokens';
import { CxoneWorld, type EmulatedCode, type InitialState } from './world';

/** One business-unit unavailable code, as GET /unavailable-codes lists it; isAcw codes are entered by ending a contact. */
export type CxoneUnavailableCode = EmulatedCode;

export interface CxoneEmulatorOptions {
	/** 0 = any free port. Default 0. */
	port?: number;
	/** Default 20; agent i shares the seed email with Salesforce user i. */
	agents?: number | SeedAgent[];
	/** Access token lifetime. Default 3600. */
	tokenTtlSec?: number;
	/** Which documented per-team unavailable-codes shape to serve. Default 'array'. */
	unavailableCodesShape?: 'array' | 'resultSet';
	/** Every agent's state at start and after seed(). Default Available. */
	initialState?: InitialState;
	/** Fixed credentials (the demo keeps the same n8n credential across restarts); defaults below. */
	access?: Partial<EmulatorAccess>;
}

export interface CxoneAgentInfo {
	agentId: number;
	emailAddress: string;
	userName: string;
	firstName: string;
	lastName: string;
	federatedId: string;
	teamId: number;
	teamName: string;
}

export interface CxoneAgentStatus {
	state: string;
	reason: string | null;
	isAcw: boolean;
	contactId: number;
	since: string;
}

export interface CxoneEmulator {
	url: string;
	port: number;
	stop(): Promise<void>;
	router: Router;
	/** The keys end in '==' so clients must send the padding as %3D. */
	access: EmulatorAccess;
	tenantId: string;
	agents(): CxoneAgentInfo[];
	agentByEmail(email: string): { agentId: number } | undefined;
	stateOf(agentId: number): CxoneAgentStatus;
	/** The business unit's unavailable codes, ACW codes included (isAcw). */
	unavailableCodes(): CxoneUnavailableCode[];
	/** As the agent in MAX. LoggedOut ends the session; another state while logged out logs the agent in. */
	setAgentState(agentId: number, state: 'Available' | 'Unavailable' | 'LoggedOut' | 'LoggedIn', reason?: string | null): void;
	/** The agent is offered and accepts a contact: InboundContact. */
	startContact(agentId: number): void;
	/** Unavailable with isAcw and the ACW code, or back to the state before the contact (or the one an API set during it). */
	endContact(agentId: number, acwCode?: string): void;
	/** Every issued access token stops working (the next API call gets 401). */
	expireTokens(): void;
	/** Replaces all agents with `count` seed agents in the initial state. */
	seed(count: number): void;
	/** 'state' (agentId, state, cause: 'agent' | 'api'). */
	events: EventEmitter;
}

export const DEFAULT_ACCESS: EmulatorAccess = {
	clientId: 'emulator-backend-app',
	clientSecret: 'emulator-client-secret-7Hq2Vx9Lm4Rt',
	accessKeyId: 'EMUKEYID5QZ4XJ3NWPLR7TK2MV6HD8FYC4GBSA9QE3UXRN2W==',
	accessKeySecret: 'EMUSECRET2KP7VD4QXHM9TRLC6WN3ZF8JB5YGSAU4EXNQ7R==',
};

export const EMULATOR_TENANT_ID = '11eb0000-c0de-4e00-9e00-00000000e0a1';

export async function startCxoneEmulator(options: CxoneEmulatorOptions = {}): Promise<CxoneEmulator> {
	const router = new Router();
	const server = await serve(router, options.port ?? 0);
	const access: EmulatorAccess = { ...DEFAULT_ACCESS, ...options.access };
	const world = new CxoneWorld(options.agents ?? 20, options.initialState ?? { state: 'Available' });
	const tokens = new TokenService(server.url, options.tokenTtlSec ?? 3600, EMULATOR_TENANT_ID);
	const url = () => server.url;

	// CXone puts the error text in an icStatusDescription header too (some endpoints only there).
	router.decorate((_req, reply) => {
		const description = (reply.body as { error_description?: unknown } | undefined)?.error_description;
		if (reply.status >= 400 && typeof description === 'string') {
			reply.headers = { ...reply.headers, icStatusDescription: description.replace(/[^\x20-\x7e]/g, '?') };
		}
	});
	addAuthRoutes(router, url, access, tokens);
	addApiRoutes(router, world, tokens, { url, unavailableCodesShape: options.unavailableCodesShape ?? 'array' });

	const emulator: CxoneEmulator = {
		url: server.url,
		port: server.port,
		stop: () => server.close(),
		router,
		access,
		tenantId: EMULATOR_TENANT_ID,
		agents: () =>
			world.agents().map(({ agentId, emailAddress, userName, firstName, lastName, federatedId, teamId, teamName }) => ({
				agentId,
				emailAddress,
				userName,
				firstName,
				lastName,
				federatedId,
				teamId,
				teamName,
			})),
		agentByEmail: (email) => {
			const agent = world.agentByEmail(email);
			return agent && { agentId: agent.agentId };
		},
		stateOf: (agentId) => {
			const { state, reason, isAcw, contactId, since } = world.statusOf(agentId);
			return { state, reason, isAcw, contactId, since };
		},
		unavailableCodes: () => world.codes.map((code) => ({ ...code })),
		setAgentState: (agentId, state, reason) => world.setByAgent(agentId, state, reason),
		startContact: (agentId) => world.startContact(agentId),
		endContact: (agentId, acwCode) => world.endContact(agentId, acwCode),
		expireTokens: () => tokens.expireAll(),
		seed: (count) => world.seed(count),
		events: world.events,
	};
	addControlRoutes(router, emulator);
	return emulator;
}
