/**
 * lib/cxone against the CXone emulator over real HTTP: auth and token renewal, retries, paging, both
 * unavailable-code shapes, the state feed's cursor, setting state, and errors that name the problem
 * without ever carrying a secret.
 */
import * as http from 'http';
import type { AddressInfo } from 'net';
import { startCxoneEmulator, type CxoneEmulator } from '../../emulators/cxone';
import { TransportError } from '../../lib/errors';
import { authenticate } from '../../lib/cxone/auth';
import { createCxoneClient, type CxoneClientOptions } from '../../lib/cxone/client';
import { cxoneAuthFromCredentials } from '../../lib/cxone/credentials';
import { DEFAULT_RETRY_POLICY } from '../../lib/cxone/http';
import type { CxoneAuth, CxoneClient } from '../../lib/cxone/types';

const FAST: CxoneClientOptions = { retry: { baseDelayMs: 5, maxDelayMs: 20, maxTries: 5 } };
const TOKEN_CALLS = 'POST /auth/token';
const API = '/incontactapi/services/:version';

let emulator: CxoneEmulator;
/** Every message of every error a test provoked: checked for secrets at the end. */
const messages: string[] = [];
const issuedTokens: string[] = [];

function authFor(target: CxoneEmulator, overrides: Record<string, string> = {}): CxoneAuth {
	return cxoneAuthFromCredentials({ issuer: target.url, ...target.access, apiVersion: 'v33.0', ...overrides });
}

function clientFor(target: CxoneEmulator, options: CxoneClientOptions = FAST, overrides: Record<string, string> = {}): CxoneClient {
	return createCxoneClient(authFor(target, overrides), options);
}

/** The rejection, recorded for the secret check. */
async function failure(promise: Promise<unknown>): Promise<TransportError> {
	const error = await promise.then(
		() => undefined,
		(e: unknown) => e,
	);
	expect(error).toBeInstanceOf(TransportError);
	messages.push((error as TransportError).message, String((error as Error).stack));
	return error as TransportError;
}

const calls = (key: string) => emulator.router.counters().calls[key] ?? 0;

beforeAll(async () => {
	emulator = await startCxoneEmulator();
	issuedTokens.push((await authenticate(authFor(emulator), DEFAULT_RETRY_POLICY)).accessToken);
});

afterEach(() => {
	emulator.router.clearFaults();
});

afterAll(async () => {
	await emulator.stop();
});

describe('auth', () => {
	it('authenticates with %3D-encoded keys and resolves the api_endpoint from cxone-configuration', async () => {
		expect(emulator.access.accessKeyId.endsWith('==')).toBe(true);
		const session = await authenticate(authFor(emulator), DEFAULT_RETRY_POLICY);
		issuedTokens.push(session.accessToken);
		expect(session.tenantId).toBe(emulator.tenantId);
		expect(session.apiBaseUrl).toBe(emulator.url);
	});

	it('shares one token across clients of the same credential', async () => {
		emulator.router.resetCounters();
		await clientFor(emulator).listTeams();
		await clientFor(emulator).listTeams();
		expect(calls(TOKEN_CALLS)).toBe(0);
	});

	it('renews once on a 401 after the tokens expire mid-run, without losing the call', async () => {
		const client = clientFor(emulator);
		await client.listTeams();
		emulator.expireTokens();
		emulator.router.resetCounters();
		const teams = await client.listTeams();
		expect(teams.map((t) => t.teamName)).toEqual(['Support', 'Sales', 'Billing']);
		expect(calls(TOKEN_CALLS)).toBe(1);
		expect(calls(`GET ${API}/teams`)).toBe(2);
	});

	it('fetches one new token for many calls refused at once', async () => {
		const client = clientFor(emulator);
		await client.listTeams();
		emulator.expireTokens();
		emulator.router.resetCounters();
		const results = await Promise.all([1, 2, 3, 4, 5].map(() => client.listTeams()));
		expect(results.every((teams) => teams.length === 3)).toBe(true);
		expect(calls(TOKEN_CALLS)).toBe(1);
	});

	it('renews before expiry instead of waiting for a 401', async () => {
		const shortLived = await startCxoneEmulator({ tokenTtlSec: 1 });
		try {
			const client = clientFor(shortLived);
			await client.listTeams();
			await new Promise((resolve) => setTimeout(resolve, 600));
			shortLived.router.resetCounters();
			await client.listTeams();
			expect(shortLived.router.counters().calls).toEqual({
				'GET /.well-known/openid-configuration': 1,
				[TOKEN_CALLS]: 1,
				'GET /.well-known/cxone-configuration': 1,
				[`GET ${API}/teams`]: 1,
			});
		} finally {
			await shortLived.stop();
		}
	});

	// authenticate() is what the credential test runs; clients would keep using a token cached for this identity.
	it('says which credential part is wrong, for the client, the access key and the issuer', async () => {
		const fast = { ...DEFAULT_RETRY_POLICY, baseDelayMs: 1, maxTries: 2 };
		const badClient = await failure(authenticate(authFor(emulator, { clientSecret: 'wrong-secret' }), fast));
		expect(badClient.errorCode).toBe('invalid_client');
		expect(badClient.message).toMatch(/Client ID and Client Secret/);

		const badKey = await failure(authenticate(authFor(emulator, { accessKeySecret: 'WRONGSECRETVALUE==' }), fast));
		expect(badKey.errorCode).toBe('invalid_grant');
		expect(badKey.message).toMatch(/Access Key ID and Access Key Secret/);
		expect(badKey.message).not.toContain('WRONGSECRETVALUE');

		const closed = await closedPortUrl();
		const badIssuer = await failure(clientFor(emulator, { retry: fast }, { issuer: closed }).listTeams());
		expect(badIssuer.errorCode).toBe('NETWORK');
		expect(badIssuer.message).toMatch(/Issuer URL/);
		expect(badIssuer.message).toContain('after 2 tries');
	});

	it('refuses an incomplete credential, naming the missing fields', () => {
		expect(() => cxoneAuthFromCredentials({ issuer: emulator.url, clientId: 'x' })).toThrow(
			/missing Client Secret, Access Key ID, Access Key Secret/,
		);
		expect(() => cxoneAuthFromCredentials({ ...emulator.access, apiVersion: '33' })).toThrow(/API Version must look like v33.0/);
	});

	it('keys the token cache by identity, never by a secret', () => {
		const auth = authFor(emulator);
		expect(auth.cacheKey).toMatch(/^cxone:[0-9a-f]{64}$/);
		expect(authFor(emulator, { accessKeySecret: 'OTHER==' }).cacheKey).toBe(auth.cacheKey);
		expect(authFor(emulator, { accessKeyId: 'OTHERKEY==' }).cacheKey).not.toBe(auth.cacheKey);
	});
});

describe('retries', () => {
	it('waits out a 429 with Retry-After and recovers', async () => {
		emulator.router.inject({ kind: 'status', status: 429, count: 1, retryAfterSec: 1, pathPrefix: '/incontactapi' });
		const started = Date.now();
		const teams = await clientFor(emulator).listTeams();
		expect(teams).toHaveLength(3);
		// Backoff alone would be ~5 ms here: having waited the second shows Retry-After was honoured.
		expect(Date.now() - started).toBeGreaterThanOrEqual(950);
	});

	it('recovers from a burst of 5xx', async () => {
		emulator.router.inject({ kind: 'status', status: 503, count: 2, pathPrefix: '/incontactapi' });
		emulator.router.inject({ kind: 'status', status: 500, count: 1, pathPrefix: '/incontactapi' });
		expect(await clientFor(emulator).listAgents()).toHaveLength(20);
	});

	it('recovers from dropped connections', async () => {
		emulator.router.inject({ kind: 'drop', count: 2, pathPrefix: '/incontactapi' });
		expect(await clientFor(emulator).listTeams()).toHaveLength(3);
	});

	it('gives up after the configured tries with a clear error', async () => {
		emulator.router.inject({ kind: 'status', status: 503, count: 10, pathPrefix: '/incontactapi' });
		const error = await failure(clientFor(emulator, { retry: { maxTries: 3, baseDelayMs: 1, maxDelayMs: 5 } }).listTeams());
		expect(error.errorCode).toBe('HTTP_503');
		expect(error.httpStatus).toBe(503);
		expect(error.message).toMatch(/GET \/teams failed after 3 tries: HTTP 503/);
	});
});

describe('directory', () => {
	it('pages beyond one page until totalRecords', async () => {
		const big = await startCxoneEmulator({ agents: 250 });
		try {
			const agents = await clientFor(big, { ...FAST, pageSize: 100 }).listAgents({ activeOnly: true });
			expect(agents).toHaveLength(250);
			expect(new Set(agents.map((a) => a.agentId)).size).toBe(250);
			expect(big.router.counters().calls[`GET ${API}/agents`]).toBe(3);
			expect(agents[0]).toEqual(
				expect.objectContaining({ emailAddress: big.agents()[0].emailAddress, teamId: 1001, teamName: 'Support', isActive: true }),
			);
		} finally {
			await big.stop();
		}
	});

	it('reads one agent from the array-shaped response', async () => {
		const [first] = emulator.agents();
		expect(await clientFor(emulator).getAgent(first.agentId)).toMatchObject({ agentId: first.agentId, emailAddress: first.emailAddress });
		const missing = await failure(clientFor(emulator).getAgent(99));
		expect(missing.errorCode).toBe('AGENT_NOT_FOUND');
	});

	it.each(['array', 'resultSet'] as const)('reads per-team unavailable codes served as %s', async (shape) => {
		const target = await startCxoneEmulator({ unavailableCodesShape: shape, agents: 1 });
		try {
			const codes = await clientFor(target).listUnavailableCodes(1001);
			expect(codes.map((c) => c.outStateName)).toEqual(['Lunch', 'Break', 'Meeting', 'Training', 'Open', 'Wrap-up']);
			expect(codes.find((c) => c.outStateName === 'Wrap-up')).toEqual({ outStateId: 16, outStateName: 'Wrap-up', isAcw: true, isActive: true });
		} finally {
			await target.stop();
		}
	});

	it('reads the business-unit list (PascalCase), or the union of team lists where it is not served', async () => {
		const client = clientFor(emulator);
		const bu = await client.listUnavailableCodes();
		expect(bu.find((c) => c.outStateName === 'Lunch')).toEqual({ outStateId: 11, outStateName: 'Lunch', isAcw: false, isActive: true });
		emulator.router.inject({ kind: 'status', status: 404, count: 1, pathPrefix: '/incontactapi/services/v33.0/unavailable-codes' });
		expect(await client.listUnavailableCodes()).toEqual(bu);
	});
});

describe('agent states feed', () => {
	it('keeps the cursor on 204 and reports a change after it', async () => {
		const client = clientFor(emulator);
		const snapshot = await client.agentStatesSince(null);
		expect(snapshot.states).toHaveLength(emulator.agents().length);
		const available = snapshot.states.find((row) => row.agentStateName === 'Available')!;
		expect(available).toMatchObject({ outStateId: null, outStateDescription: null, isACW: false });

		const quiet = await client.agentStatesSince(snapshot.lastPollTime);
		expect(quiet).toEqual({ lastPollTime: snapshot.lastPollTime, states: [] });

		const agent = emulator.agents()[7];
		emulator.setAgentState(agent.agentId, 'Unavailable', 'Lunch');
		const changed = await client.agentStatesSince(quiet.lastPollTime);
		expect(changed.states).toEqual([
			expect.objectContaining({ agentId: agent.agentId, agentStateId: 2, agentStateName: 'Unavailable', outStateId: 11, outStateDescription: 'Lunch' }),
		]);
		expect(changed.lastPollTime > quiet.lastPollTime).toBe(true);
		expect((await client.agentStatesSince(changed.lastPollTime)).states).toEqual([]);
	});

	it('refuses a cursor that is not a date', async () => {
		const error = await failure(clientFor(emulator).agentStatesSince('yesterday'));
		expect(error.errorCode).toBe('INVALID_CURSOR');
	});
});

describe('setting state', () => {
	it('joins the session and sets Unavailable with a reason, then Available on the cached session', async () => {
		const client = clientFor(emulator);
		const agent = emulator.agents()[8];
		const causes: string[] = [];
		const listener = (agentId: number, _state: string, cause: string) => agentId === agent.agentId && causes.push(cause);
		emulator.events.on('state', listener);
		emulator.router.resetCounters();
		await client.setAgentState(agent.agentId, 'Unavailable', 'Meeting');
		expect(emulator.stateOf(agent.agentId)).toMatchObject({ state: 'Unavailable', reason: 'Meeting' });
		await client.setAgentState(agent.agentId, 'Available');
		emulator.events.off('state', listener);
		expect(emulator.stateOf(agent.agentId)).toMatchObject({ state: 'Available', reason: null });
		expect(causes).toEqual(['api', 'api']);
		expect(calls(`POST ${API}/agent-sessions/join`)).toBe(1);
		expect(emulator.router.counters().writes).toEqual({ 'agent-state': 2 });
	});

	it('reports AGENT_LOGGED_OUT for a logged-out agent, also when its cached session has ended', async () => {
		const client = clientFor(emulator);
		const [fresh, cached] = [emulator.agents()[9], emulator.agents()[10]];
		emulator.setAgentState(fresh.agentId, 'LoggedOut');
		const first = await failure(client.setAgentState(fresh.agentId, 'Available'));
		expect(first.errorCode).toBe('AGENT_LOGGED_OUT');
		expect(first.message).toContain(String(fresh.agentId));

		await client.setAgentState(cached.agentId, 'Unavailable', 'Break');
		emulator.setAgentState(cached.agentId, 'LoggedOut');
		expect((await failure(client.setAgentState(cached.agentId, 'Available'))).errorCode).toBe('AGENT_LOGGED_OUT');
		expect(emulator.stateOf(cached.agentId).state).toBe('LoggedOut');
	});

	it('follows the agent into a new session after a re-login', async () => {
		const client = clientFor(emulator);
		const agent = emulator.agents()[11];
		await client.setAgentState(agent.agentId, 'Unavailable', 'Training');
		emulator.setAgentState(agent.agentId, 'LoggedOut');
		emulator.setAgentState(agent.agentId, 'Unavailable');
		await client.setAgentState(agent.agentId, 'Available');
		expect(emulator.stateOf(agent.agentId).state).toBe('Available');
	});

	it('surfaces 409 for an ACW code without a contact and 400 for an unknown code', async () => {
		const client = clientFor(emulator);
		const agent = emulator.agents()[12];
		const acw = await failure(client.setAgentState(agent.agentId, 'Unavailable', 'Wrap-up'));
		expect(acw.errorCode).toBe('HTTP_409');
		expect(acw.message).toMatch(/only be set while the agent is handling a contact/);

		const unknown = await failure(client.setAgentState(agent.agentId, 'Unavailable', 'Siesta'));
		expect(unknown.errorCode).toBe('HTTP_400');
		expect(unknown.message).toContain("'Siesta'");
		expect(unknown.message).toContain('Lunch, Break');

		const invalid = await failure(client.setAgentState(agent.agentId, 'LoggedOut' as 'Available'));
		expect(invalid.errorCode).toBe('INVALID_STATE');
	});

	it('logs an agent out', async () => {
		const agent = emulator.agents()[13];
		await clientFor(emulator).logoutAgent(agent.agentId);
		expect(emulator.stateOf(agent.agentId).state).toBe('LoggedOut');
	});
});

/** A URL where nothing listens: a port taken and released. */
async function closedPortUrl(): Promise<string> {
	const server = http.createServer();
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	await new Promise((resolve) => server.close(resolve));
	return `http://127.0.0.1:${port}`;
}

// Runs last (jest keeps declaration order): every error message collected above.
describe('secrets', () => {
	it('never appear in an error message', () => {
		expect(messages.length).toBeGreaterThan(10);
		const secrets = [
			emulator.access.clientSecret,
			emulator.access.accessKeySecret,
			encodeURIComponent(emulator.access.accessKeySecret),
			'wrong-secret',
			...issuedTokens,
		];
		for (const message of messages) for (const secret of secrets) expect(message).not.toContain(secret);
	});
});
