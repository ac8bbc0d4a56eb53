/**
 * The CXone emulator on the wire, spoken to with plain fetch: what a real client would see
 * (cxone.md §1, §2, §3, §4, §5, §6), and the control API the demo and the other suites drive it with.
 */
import { startCxoneEmulator, type CxoneEmulator } from '../../emulators/cxone';

let emulator: CxoneEmulator;
let token: string;
let api: string;

const form = (fields: Record<string, string>) =>
	Object.entries(fields)
		.map(([name, value]) => `${name}=${encodeURIComponent(value)}`)
		.join('&');

async function tokenRequest(body: string, authorization?: string) {
	const response = await fetch(`${emulator.url}/auth/token`, {
		method: 'POST',
		headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...(authorization ? { Authorization: authorization } : {}) },
		body,
	});
	return { status: response.status, body: (await response.json()) as any, headers: response.headers };
}

const basic = () => `Basic ${Buffer.from(`${emulator.access.clientId}:${emulator.access.clientSecret}`).toString('base64')}`;
const keyForm = () => form({ grant_type: 'password', username: emulator.access.accessKeyId, password: emulator.access.accessKeySecret });

async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
	const response = await fetch(`${api}${path}`, {
		method,
		headers: { Authorization: `Bearer ${token}`, Accept: 'application/json', 'Content-Type': 'application/json', ...headers },
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	const text = await response.text();
	const isJson = response.headers.get('content-type')?.includes('application/json');
	return { status: response.status, text, body: isJson ? JSON.parse(text) : undefined, headers: response.headers };
}

async function control(method: string, path: string, body?: unknown) {
	const response = await fetch(`${emulator.url}/__control${path}`, {
		method,
		headers: { 'Content-Type': 'application/json' },
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	const text = await response.text();
	return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

beforeAll(async () => {
	emulator = await startCxoneEmulator();
	api = `${emulator.url}/incontactapi/services/v33.0`;
	const { body } = await tokenRequest(keyForm(), basic());
	token = body.access_token;
});

afterAll(async () => {
	await emulator.stop();
});

describe('global auth', () => {
	it('serves discovery and a token whose claims lead to the api_endpoint', async () => {
		const discovery: any = await (await fetch(`${emulator.url}/.well-known/openid-configuration`)).json();
		expect(discovery.token_endpoint).toBe(`${emulator.url}/auth/token`);
		expect(discovery.token_endpoint_auth_methods_supported).toEqual(['client_secret_basic', 'client_secret_post']);

		const { status, body } = await tokenRequest(keyForm(), basic());
		expect(status).toBe(200);
		expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 3600, issued_token_type: 'urn:ietf:params:oauth:token-type:access_token' });
		const claims = JSON.parse(Buffer.from(body.access_token.split('.')[1], 'base64url').toString());
		expect(claims).toMatchObject({ tenantId: emulator.tenantId, icBUId: expect.any(Number), icClusterId: expect.any(String) });
		expect(claims.exp - claims.iat).toBe(3600);
		const idClaims = JSON.parse(Buffer.from(body.id_token.split('.')[1], 'base64url').toString());
		expect(idClaims).toMatchObject({ icAgentId: expect.any(String), area: 'na1' });

		const config: any = await (await fetch(`${emulator.url}/.well-known/cxone-configuration?tenantId=${claims.tenantId}`)).json();
		expect(config.api_endpoint).toBe(emulator.url);
	});

	it('accepts client_secret_post as well as Basic client auth', async () => {
		const body = `${keyForm()}&${form({ client_id: emulator.access.clientId, client_secret: emulator.access.clientSecret })}`;
		expect((await tokenRequest(body)).status).toBe(200);
	});

	it("requires the keys' '=' padding as %3D", async () => {
		expect(emulator.access.accessKeySecret.endsWith('==')).toBe(true);
		const raw = `grant_type=password&username=${emulator.access.accessKeyId}&password=${emulator.access.accessKeySecret}`;
		const { status, body } = await tokenRequest(raw, basic());
		expect(status).toBe(400);
		expect(body.error).toBe('invalid_request');
		expect(body.error_description).toContain('%3D');
	});

	it('answers a wrong client with 401 invalid_client and a wrong key with 400 invalid_grant', async () => {
		const wrongClient = `Basic ${Buffer.from(`${emulator.access.clientId}:nope`).toString('base64')}`;
		const client = await tokenRequest(keyForm(), wrongClient);
		expect(client.status).toBe(401);
		expect(client.body.error).toBe('invalid_client');
		expect(client.headers.get('icStatusDescription')).toBeTruthy();

		const key = await tokenRequest(form({ grant_type: 'password', username: emulator.access.accessKeyId, password: 'WRONG==' }), basic());
		expect(key.status).toBe(400);
		expect(key.body.error).toBe('invalid_grant');
	});

	it('refuses API calls without a live token, and after expireTokens', async () => {
		expect((await call('GET', '/teams', undefined, { Authorization: '' })).status).toBe(401);
		const fresh = (await tokenRequest(keyForm(), basic())).body.access_token;
		expect((await call('GET', '/teams', undefined, { Authorization: `Bearer ${fresh}` })).status).toBe(200);
		emulator.expireTokens();
		const expired = await call('GET', '/teams', undefined, { Authorization: `Bearer ${fresh}` });
		expect(expired.status).toBe(401);
		expect(expired.headers.get('icStatusDescription')).toMatch(/expired/);
		token = (await tokenRequest(keyForm(), basic())).body.access_token;
	});
});

describe('ACD API', () => {
	it('answers "No known way to render data" without Accept: application/json', async () => {
		const { status, text } = await call('GET', '/agents', undefined, { Accept: 'text/html' });
		expect(status).toBe(406);
		expect(text).toBe('No known way to render data');
	});

	it('serves v19.0 to v34.0 on a case-insensitive path, and 404 for other versions', async () => {
		const upper = await fetch(`${emulator.url}/InContactAPI/services/V19.0/teams`, {
			headers: { Authorization: `Bearer ${token}`, Accept: 'application/json' },
		});
		expect(upper.status).toBe(200);
		const wrong = await fetch(`${emulator.url}/incontactapi/services/v99.0/teams`, {
			headers: { Authorization: `Bearer ${token}`, Accept: 'application/json' },
		});
		expect(wrong.status).toBe(404);
		expect(wrong.headers.get('icStatusDescription')).toContain('v34.0');
	});

	it('pages /agents with skip/top and totalRecords, and filters with searchString', async () => {
		const page = await call('GET', '/agents?skip=15&top=10&isActive=true');
		expect(page.body.totalRecords).toBe(20);
		expect(page.body.agents).toHaveLength(5);
		const [first] = emulator.agents();
		const search = await call('GET', `/agents?searchString=${encodeURIComponent(first.emailAddress)}`);
		expect(search.body.agents.map((a: { agentId: number }) => a.agentId)).toEqual([first.agentId]);
		const one = await call('GET', `/agents/${first.agentId}`);
		expect(one.body.agents).toEqual([expect.objectContaining({ agentId: first.agentId, emailAddress: first.emailAddress, teamId: 1001 })]);
	});

	it('lists teams with _links and serves the unavailable codes, ACW code included', async () => {
		const teams = await call('GET', '/teams?top=2');
		expect(teams.body.teams.map((t: { teamName: string }) => t.teamName)).toEqual(['Support', 'Sales']);
		expect(teams.body._links.next).toContain('skip=2');
		const codes = await call('GET', '/teams/1001/unavailable-codes?activityOnly=true');
		expect(codes.body.unavailableCodes.map((c: { outStateName: string }) => c.outStateName)).toEqual([
			'Lunch',
			'Break',
			'Meeting',
			'Training',
			'Open',
			'Wrap-up',
		]);
		expect(codes.body.unavailableCodes.find((c: { isAcw: boolean }) => c.isAcw).outStateName).toBe('Wrap-up');
		const bu = await call('GET', '/unavailable-codes');
		expect(bu.body.unavailableCodes[0]).toEqual(expect.objectContaining({ OutStateName: 'Lunch', IsAcw: false }));
		// The library API lists the same business-unit codes (the console's dropdown reads it), as copies.
		const listed = emulator.unavailableCodes();
		expect(listed.map((code) => [code.outStateName, code.isAcw])).toEqual(
			bu.body.unavailableCodes.map((code: { OutStateName: string; IsAcw: boolean }) => [code.OutStateName, code.IsAcw]),
		);
		listed[0].outStateName = 'Changed';
		expect(emulator.unavailableCodes()[0].outStateName).toBe('Lunch');
	});

	it('reports only changed agents since updatedSince, 204 when none', async () => {
		const all = await call('GET', '/agents/states');
		expect(all.body.agentStates).toHaveLength(20);
		const lastPollTime = all.body.agentStates[0].lastPollTime;
		expect((await call('GET', `/agents/states?updatedSince=${lastPollTime}`)).status).toBe(204);

		const [agent] = emulator.agents();
		emulator.setAgentState(agent.agentId, 'Unavailable', 'Open');
		const changed = await call('GET', `/agents/states?updatedSince=${lastPollTime}`);
		expect(changed.body.agentStates).toEqual([
			expect.objectContaining({ agentId: agent.agentId, agentStateId: 2, agentStateName: 'Unavailable', outStateDescription: 'Open', isACW: false }),
		]);
	});

	it('sets state through a joined session, with the documented refusals', async () => {
		const [, agent] = emulator.agents();
		emulator.router.resetCounters();
		const join = await call('POST', '/agent-sessions/join', { asAgentId: agent.agentId });
		const sessionId = join.body.sessionId;
		const set = await call('POST', `/agent-sessions/${sessionId}/state`, { state: 'Unavailable', reason: 'Lunch' });
		expect(set.status).toBe(202);
		expect(set.text).toBe('');
		expect(emulator.stateOf(agent.agentId)).toMatchObject({ state: 'Unavailable', reason: 'Lunch', isAcw: false });
		expect(emulator.router.counters().writes).toEqual({ 'agent-state': 1 });

		expect((await call('POST', `/agent-sessions/${sessionId}/state`, { state: 'LoggedOut' })).status).toBe(400);
		const unknown = await call('POST', `/agent-sessions/${sessionId}/state`, { state: 'Unavailable', reason: 'Nap' });
		expect(unknown.status).toBe(400);
		expect(unknown.body.error_description).toContain("'Nap'");
		expect((await call('POST', `/agent-sessions/${sessionId}/state`, { state: 'Unavailable', reason: 'Wrap-up' })).status).toBe(409);

		emulator.setAgentState(agent.agentId, 'LoggedOut');
		expect((await call('POST', `/agent-sessions/${sessionId}/state`, { state: 'Available' })).status).toBe(409);
		const loggedOut = await call('POST', '/agent-sessions/join', { asAgentId: agent.agentId });
		expect(loggedOut.status).toBe(409);
		expect(loggedOut.headers.get('icStatusDescription')).toMatch(/no active session/);
	});

	it('accepts an ACW code during a contact and applies it when the contact ends', async () => {
		const [, , agent] = emulator.agents();
		emulator.startContact(agent.agentId);
		expect(emulator.stateOf(agent.agentId)).toMatchObject({ state: 'InboundContact', contactId: expect.any(Number) });
		const { sessionId } = (await call('POST', '/agent-sessions/join', { asAgentId: agent.agentId })).body;
		expect((await call('POST', `/agent-sessions/${sessionId}/state`, { state: 'Unavailable', reason: 'Wrap-up' })).status).toBe(202);
		emulator.endContact(agent.agentId);
		expect(emulator.stateOf(agent.agentId)).toMatchObject({ state: 'Unavailable', reason: 'Wrap-up', isAcw: true });
	});

	it('logs an agent out with 202 and counts it', async () => {
		const [, , , agent] = emulator.agents();
		emulator.router.resetCounters();
		expect((await call('POST', `/agents/${agent.agentId}/logout`)).status).toBe(202);
		expect(emulator.stateOf(agent.agentId).state).toBe('LoggedOut');
		expect(emulator.router.counters().writes).toEqual({ 'agent-logout': 1 });
	});
});

describe('control API', () => {
	it('changes states as the agent, by email, and reports them with the cause', async () => {
		const agent = emulator.agents()[5];
		const seen: unknown[] = [];
		const listener = (...args: unknown[]) => seen.push(args);
		emulator.events.on('state', listener);
		const set = await control('POST', '/state', { email: agent.emailAddress, state: 'Unavailable', reason: 'Break' });
		emulator.events.off('state', listener);
		expect(set.body).toMatchObject({ state: 'Unavailable', reason: 'Break' });
		expect(seen).toEqual([[agent.agentId, 'Unavailable', 'agent']]);
		const bad = await control('POST', '/state', { agentId: agent.agentId, state: 'Unavailable', reason: 'Nap' });
		expect(bad.status).toBe(400);
		expect(bad.body.error_description).toContain('Lunch, Break');
		const all = await control('GET', '/state');
		expect(all.body.agents.find((a: { agentId: number }) => a.agentId === agent.agentId)).toMatchObject({ state: 'Unavailable', reason: 'Break' });
	});

	it('runs contacts, faults, counters and seeding', async () => {
		const agent = emulator.agents()[6];
		await control('POST', '/contact', { agentId: agent.agentId, action: 'start' });
		const ended = await control('POST', '/contact', { agentId: agent.agentId, action: 'end', acwCode: 'Wrap-up' });
		expect(ended.body).toMatchObject({ state: 'Unavailable', reason: 'Wrap-up', isAcw: true });

		await control('POST', '/counters/reset');
		await control('POST', '/faults', { kind: 'status', status: 503, count: 1, pathPrefix: '/incontactapi' });
		expect((await call('GET', '/teams')).status).toBe(503);
		expect((await call('GET', '/teams')).status).toBe(200);
		expect((await control('GET', '/counters')).body.calls).toEqual({ 'GET /incontactapi/services/:version/teams': 1 });

		await control('POST', '/seed', { count: 3 });
		expect(emulator.agents()).toHaveLength(3);
		await control('POST', '/expire-tokens');
		expect((await call('GET', '/teams')).status).toBe(401);
	});
});
