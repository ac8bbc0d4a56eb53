/**
 * The Salesforce emulator: an org with Omni-Channel presence served over HTTP on 127.0.0.1, faithful to
 * the shapes in shared/reference/salesforce-omni.md so jsforce (REST and its Faye streaming client) works
 * against it unmodified. The demo runs it embedded; every test uses it as the wire.
 */
import { EventEmitter } from 'events';
import { Router, serve } from '../common/http';
import { seedAgents, type SeedAgent } from '../common/seed';
import { redact } from '../../lib/errors';
import { addOAuthRoutes, createConnectedApp, TokenStore, type ConnectedApp, type ConnectedAppKeys } from './auth';
import { SimulatedCompanion } from './companion';
import { addControlRoutes } from './control';
import { INTEGRATION_USERNAME, Org } from './org';
import { addRestRoutes, pushTopicDefinitions, restorePushTopics, type PushTopicDefinition } from './rest';
import { DEFAULT_CONNECT_TIMEOUT_MS, StreamingServer } from './streaming';

export { generateConnectedAppKeys, USER_PASSWORD, type ConnectedApp, type ConnectedAppKeys } from './auth';
export { keptConnectedAppKeys } from './connectedAppFile';
export type { PushTopicDefinition } from './rest';
export type { CompanionDecision } from './companion';
export type { PresenceCause } from './org';
export { CDC_CHANNEL } from './streaming';

export interface SalesforceEmulatorOptions {
	/** 0 = any free port (tests). Default 0. */
	port?: number;
	/** Default 20 (seedAgents(n)); each becomes an active User with Email = the seed email. */
	agents?: number | SeedAgent[];
	/** Simulated companion apply delay. Default 300 ms. */
	companionDelayMs?: number;
	/** Access token lifetime. Default 7200 s. */
	tokenTtlSec?: number;
	/** Default true: every agent's console is open. */
	consoleOpenByDefault?: boolean;
	/** Developer name every agent starts in; null = Offline. Default 'Available_for_Chats'. */
	initialStatus?: string | null;
	/** How long a CometD /meta/connect is held (and advertised as advice.timeout). Default 110 000 ms, as Salesforce. */
	streamingTimeoutMs?: number;
	/**
	 * The connected app's client id, secret and JWT signing key. Default: new ones on every start. Give the
	 * previous run's (emulator.connectedApp, or keptConnectedAppKeys(file)) so a restarted emulator is the
	 * same org to clients holding a saved credential.
	 */
	connectedApp?: ConnectedAppKeys;
	/** PushTopics the org starts with (a previous run's emulator.pushTopics()): they are org configuration. */
	pushTopics?: PushTopicDefinition[];
}

export interface EmulatedUser {
	id: string;
	username: string;
	email: string;
	federationId: string | null;
	name: string;
	isActive: boolean;
}

export interface EmulatedStatus {
	id: string;
	developerName: string;
	label: string;
	online: boolean;
}

export interface PresenceSnapshot {
	statusId: string;
	developerName: string;
	since: string;
}

export interface SalesforceEmulator {
	url: string;
	port: number;
	stop(): Promise<void>;
	router: Router;
	connectedApp: ConnectedApp;
	statuses(): EmulatedStatus[];
	users(): EmulatedUser[];
	userByEmail(email: string): { id: string } | undefined;
	/** null = Offline (no current UserServicePresence row). */
	presenceOf(userId: string): PresenceSnapshot | null;
	/** As the agent in the Omni widget; null = log out of Omni. */
	setPresence(userId: string, developerName: string | null): void;
	isConsoleOpen(userId: string): boolean;
	/** Emits 'console' when the flag changes. */
	setConsoleOpen(userId: string, open: boolean): void;
	/** Every PushTopic's definition, to start a restarted emulator with. */
	pushTopics(): PushTopicDefinition[];
	/**
	 * Every issued access token becomes invalid (INVALID_SESSION_ID / 401::Authentication invalid on the
	 * next /meta/connect; held ones end now). CometD clients stay known: that is dropStreamingClients().
	 */
	expireTokens(): void;
	/** The server forgets every CometD client → the next connect gets 403::Unknown client. */
	dropStreamingClients(): void;
	/** Adds seeded agents until there are `count` (for benchmarks: thousands). */
	seed(count: number): void;
	/** Every user with their presence and console flag (GET /__control/state). */
	state(): { users: Array<EmulatedUser & { consoleOpen: boolean; presence: PresenceSnapshot | null }>; statuses: EmulatedStatus[] };
	/**
	 * 'presence' (userId, {statusId, developerName} | null, cause: 'agent' | 'companion' | 'api-delete'),
	 * 'console' (userId, open) when an agent's console opens or closes, and 'command' (decision, event
	 * payload) for every published Presence_Sync_Command__e.
	 */
	events: EventEmitter;
}

export async function startSalesforceEmulator(options: SalesforceEmulatorOptions = {}): Promise<SalesforceEmulator> {
	const events = new EventEmitter();
	const agents = typeof options.agents === 'number' ? seedAgents(options.agents) : (options.agents ?? seedAgents(20));
	const org = new Org({
		agents,
		initialStatus: options.initialStatus === undefined ? 'Available_for_Chats' : options.initialStatus,
		consoleOpenByDefault: options.consoleOpenByDefault ?? true,
		events,
	});
	const tokens = new TokenStore(options.tokenTtlSec ?? 7200);
	const connectedApp = createConnectedApp(INTEGRATION_USERNAME, org.integrationUserId, options.connectedApp);
	const router = new Router();
	const companion = new SimulatedCompanion(org, events, options.companionDelayMs ?? 300, () =>
		router.countWrite('presence-applied'),
	);
	const streaming = new StreamingServer({
		org,
		tokens,
		connectTimeoutMs: options.streamingTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
		onCommandEvent: (message) => companion.receive(message),
	});
	let url = '';
	addOAuthRoutes(router, { org, tokens, app: connectedApp, url: () => url });
	const rest = { org, tokens, streaming, router };
	addRestRoutes(rest);
	try {
		restorePushTopics(rest, options.pushTopics ?? []);
	} catch (error) {
		streaming.stop();
		throw error;
	}
	router.add('POST', '/cometd/:version', (req) => streaming.handle(req));

	const toUser = (r: Record<string, unknown>): EmulatedUser => ({
		id: r.Id as string,
		username: r.Username as string,
		email: r.Email as string,
		federationId: (r.FederationIdentifier as string | null) ?? null,
		name: r.Name as string,
		isActive: r.IsActive === true,
	});
	const statuses = () =>
		org.statuses().map((s) => ({
			id: s.Id,
			developerName: s.DeveloperName as string,
			label: s.MasterLabel as string,
			online: org.isOnline(s.Id),
		}));

	const emulator: SalesforceEmulator = {
		url: '',
		port: 0,
		router,
		connectedApp,
		events,
		stop: async () => {
			companion.stop();
			streaming.stop();
			await server.close();
		},
		statuses,
		users: () => org.users().map(toUser),
		userByEmail: (email) => {
			const id = org.userIdByEmailAddress(email);
			return id ? { id } : undefined;
		},
		presenceOf: (userId) => org.presenceOf(userId),
		setPresence: (userId, developerName) => org.setPresence(userId, developerName, 'agent'),
		isConsoleOpen: (userId) => org.isConsoleOpen(userId),
		setConsoleOpen: (userId, open) => org.setConsoleOpen(userId, open),
		pushTopics: () => pushTopicDefinitions(org),
		expireTokens: () => {
			tokens.expireAll();
			streaming.invalidateSessions();
		},
		dropStreamingClients: () => streaming.dropClients(),
		seed: (count) => org.seed(count),
		state: () => ({
			users: org.users().map((r) => ({
				...toUser(r),
				consoleOpen: org.isConsoleOpen(r.Id),
				presence: org.presenceOf(r.Id),
			})),
			statuses: statuses(),
		}),
	};
	addControlRoutes(router, emulator);

	const server = await serve(router, options.port ?? 0, (error) =>
		process.stderr.write(`salesforce emulator: ${redact(error.stack ?? error.message)}\n`),
	);
	url = server.url;
	emulator.url = server.url;
	emulator.port = server.port;
	return emulator;
}
