/**
 * The Salesforce emulator's OAuth and REST surface, driven over HTTP by jsforce 3.10.16 (the package's
 * own client) and by plain fetch where the raw wire shape is the point.
 */
import * as crypto from 'crypto';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { Connection } from 'jsforce';
import { keptConnectedAppKeys, startSalesforceEmulator, USER_PASSWORD, type SalesforceEmulator } from '../../emulators/salesforce';
import { collect, connectWithCode, jsonOf, signJwt } from './emulator-salesforce.helpers';

const errorOf = async (promise: PromiseLike<unknown>): Promise<Error & { errorCode?: string }> => {
	try {
		await promise;
	} catch (error) {
		return error as Error & { errorCode?: string };
	}
	throw new Error('expected the call to fail');
};

describe('Salesforce emulator: OAuth', () => {
	let emulator: SalesforceEmulator;
	const token = (form: Record<string, string>) =>
		fetch(`${emulator.url}/services/oauth2/token`, {
			method: 'POST',
			headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
			body: new URLSearchParams(form),
		});

	beforeAll(async () => {
		emulator = await startSalesforceEmulator({ agents: 3 });
	});
	afterAll(() => emulator.stop());

	it('issues tokens by authorization code with the documented body, and userinfo answers for them', async () => {
		const conn = await connectWithCode(emulator);
		expect(conn.instanceUrl).toBe(emulator.url);
		expect(conn.accessToken).toMatch(/^00D\w{12}!/);
		expect(conn.refreshToken).toBeTruthy();
		expect(conn.userInfo?.id).toBe(emulator.connectedApp.integrationUserId);
		const info = await jsonOf(await fetch(`${emulator.url}/services/oauth2/userinfo`, { headers: { Authorization: `Bearer ${conn.accessToken}` } }));
		expect(info).toMatchObject({ user_id: emulator.connectedApp.integrationUserId, preferred_username: emulator.connectedApp.integrationUsername });
		const denied = await fetch(`${emulator.url}/services/oauth2/userinfo`, { headers: { Authorization: 'Bearer nope' } });
		expect(denied.status).toBe(403);
		expect(await denied.text()).toBe('Bad_OAuth_Token');
	});

	it('rejects a reused code, a wrong secret, an unknown refresh token and an unknown grant type', async () => {
		const app = emulator.connectedApp;
		const authorize = await fetch(
			`${emulator.url}/services/oauth2/authorize?response_type=code&client_id=${app.clientId}&redirect_uri=${encodeURIComponent('http://localhost/cb')}`,
			{ redirect: 'manual' },
		);
		const code = new URL(authorize.headers.get('location')!).searchParams.get('code')!;
		const exchange = { grant_type: 'authorization_code', code, client_id: app.clientId, client_secret: app.clientSecret, redirect_uri: 'http://localhost/cb' };
		expect((await token(exchange)).status).toBe(200);
		const reused = await token(exchange);
		expect(reused.status).toBe(400);
		expect(await jsonOf(reused)).toEqual({ error: 'invalid_grant', error_description: 'invalid authorization code' });
		expect(await jsonOf(await token({ grant_type: 'client_credentials', client_id: app.clientId, client_secret: 'wrong' }))).toEqual({
			error: 'invalid_client',
			error_description: 'invalid client credentials',
		});
		expect(await jsonOf(await token({ grant_type: 'refresh_token', refresh_token: 'nope', client_id: app.clientId }))).toEqual({
			error: 'invalid_grant',
			error_description: 'expired access/refresh token',
		});
		expect((await jsonOf(await token({ grant_type: 'implicit' }))).error).toBe('unsupported_grant_type');
	});

	it('runs client_credentials as the integration user and password as the named user', async () => {
		const app = emulator.connectedApp;
		const cc = await jsonOf(await token({ grant_type: 'client_credentials', client_id: app.clientId, client_secret: app.clientSecret }));
		expect(cc.id).toBe(`${emulator.url}/id/00Dxx0000000001EAA/${app.integrationUserId}`);
		expect(cc.refresh_token).toBeUndefined();
		const agent = emulator.users()[1];
		const conn = new Connection({ oauth2: { clientId: app.clientId, clientSecret: app.clientSecret, loginUrl: emulator.url }, version: '62.0' });
		const user = await conn.login(agent.username, USER_PASSWORD);
		expect(user.id).toBe(agent.id);
		const failure = await errorOf(conn.login(agent.username, 'wrong'));
		expect(failure.name).toBe('invalid_grant');
		expect(failure.message).toBe('authentication failure');
	});

	describe('JWT bearer grant', () => {
		const claims = () => ({
			iss: emulator.connectedApp.clientId,
			sub: emulator.connectedApp.integrationUsername,
			aud: 'https://login.salesforce.com',
			exp: Math.floor(Date.now() / 1000) + 180,
		});
		const jwtConnection = () => new Connection({ oauth2: { loginUrl: emulator.url }, version: '62.0' });
		const grant = (assertion: string) =>
			jwtConnection().authorize({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion });

		it('issues a token for an assertion signed with the connected app key', async () => {
			const conn = jwtConnection();
			const user = await conn.authorize({
				grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
				assertion: signJwt({ ...claims(), aud: emulator.url }, emulator.connectedApp.jwtPrivateKey),
			});
			expect(user.id).toBe(emulator.connectedApp.integrationUserId);
			const result = await conn.query<{ Id: string }>('SELECT Id FROM ServicePresenceStatus');
			expect(result.totalSize).toBe(6);
		});

		it.each([
			['a signature from another key', () => signJwt(claims(), crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string), 'invalid_grant', 'invalid assertion'],
			['a foreign audience', () => signJwt({ ...claims(), aud: 'https://example.com' }, emulator.connectedApp.jwtPrivateKey), 'invalid_grant', 'audience is invalid'],
			['an expired assertion', () => signJwt({ ...claims(), exp: Math.floor(Date.now() / 1000) - 10 }, emulator.connectedApp.jwtPrivateKey), 'invalid_grant', 'expired authorization code'],
			['an unknown user', () => signJwt({ ...claims(), sub: 'nobody@example.com' }, emulator.connectedApp.jwtPrivateKey), 'invalid_grant', "user hasn't approved this consumer"],
			['another client id', () => signJwt({ ...claims(), iss: 'someone-else' }, emulator.connectedApp.jwtPrivateKey), 'invalid_client_id', 'client identifier invalid'],
		])('rejects %s', async (_case, assertion, name, description) => {
			const failure = await errorOf(grant(assertion()));
			expect(failure.name).toBe(name);
			expect(failure.message).toBe(description);
		});
	});
});

describe('Salesforce emulator: REST', () => {
	let emulator: SalesforceEmulator;
	let conn: Connection;

	beforeAll(async () => {
		emulator = await startSalesforceEmulator({ agents: 20 });
		conn = await connectWithCode(emulator);
	});
	afterAll(() => emulator.stop());

	it('queries users and statuses with Salesforce ids, attributes and relationship objects', async () => {
		const users = await conn.query<any>('SELECT Id, Username, Email, FederationIdentifier FROM User WHERE IsActive = true ORDER BY Username');
		expect(users.totalSize).toBe(21);
		expect(users.records[0].attributes).toEqual({ type: 'User', url: `/services/data/v62.0/sobjects/User/${users.records[0].Id}` });
		expect(users.records.every((u: any) => /^005[A-Za-z0-9]{15}$/.test(u.Id))).toBe(true);
		expect(users.records.map((u: any) => u.Username)).toEqual([...users.records.map((u: any) => u.Username)].sort());

		const statuses = await conn.query<any>('SELECT Id, DeveloperName, MasterLabel FROM ServicePresenceStatus');
		expect(statuses.records.map((s: any) => s.DeveloperName)).toEqual(['Available_for_Chats', 'Available_for_Voice', 'Busy', 'Lunch_Break', 'On_Break', 'Training']);
		expect(statuses.records.every((s: any) => /^0N5[A-Za-z0-9]{15}$/.test(s.Id))).toBe(true);

		const links = await conn.query<any>('SELECT ServicePresenceStatus.DeveloperName, ServiceChannel.RelatedEntity FROM ServiceChannelStatus');
		expect(links.records.map((l: any) => [l.ServicePresenceStatus.DeveloperName, l.ServiceChannel.RelatedEntity])).toEqual([
			['Available_for_Chats', 'LiveChatTranscript'],
			['Available_for_Voice', 'VoiceCall'],
		]);

		const rows = await conn.query<any>(
			"SELECT Id, UserId, User.Email, ServicePresenceStatus.DeveloperName FROM UserServicePresence WHERE IsCurrentState = true AND User.Email LIKE 'ada.lovelace%'",
		);
		expect(rows.totalSize).toBe(1);
		expect(rows.records[0].ServicePresenceStatus).toEqual({
			attributes: { type: 'ServicePresenceStatus', url: expect.stringMatching(/\/sobjects\/ServicePresenceStatus\/0N5/) },
			DeveloperName: 'Available_for_Chats',
		});
		expect(rows.records[0].User.Email).toBe(emulator.users()[1].email);
	});

	it('evaluates AND/OR/IN/parentheses, null and datetime literals in every documented form', async () => {
		const [a, b] = emulator.users().slice(1, 3);
		const byId = await conn.query<any>(`SELECT Id FROM User WHERE (Id IN ('${a.id}', '${b.id.slice(0, 15)}') OR Email = 'x@y') AND FederationIdentifier != null`);
		expect(byId.records.map((r: any) => r.Id).sort()).toEqual([a.id, b.id].sort());
		for (const literal of ['2000-01-01T00:00:00Z', '2000-01-01T00:00:00.000Z', '2000-01-01T00:00:00+0000', '2000-01-01T01:00:00+01:00']) {
			const result = await conn.query(`SELECT Id FROM UserServicePresence WHERE SystemModstamp > ${literal}`);
			expect(result.totalSize).toBe(20);
		}
		expect((await conn.query('SELECT Id FROM UserServicePresence WHERE StatusStartDate >= 2999-01-01T00:00:00.000+0000')).totalSize).toBe(0);
		expect((await conn.query('SELECT Id FROM User ORDER BY Email DESC LIMIT 3')).records).toHaveLength(3);
	});

	it.each([
		['SELECT Id FRM User', 'MALFORMED_QUERY', /ERROR at Row:1:Column:11\nunexpected token: 'FRM'/],
		['SELECT Id, FROM User', 'MALFORMED_QUERY', /unexpected token: 'FROM'/],
		["SELECT Id FROM User WHERE (Email = 'a'", 'MALFORMED_QUERY', /expecting a right parentheses, found '<EOF>'/],
		['SELECT Foo FROM User', 'INVALID_FIELD', /No such column 'Foo' on entity 'User'/],
		['SELECT Bogus.Name FROM UserServicePresence', 'INVALID_FIELD', /Didn't understand relationship 'Bogus'/],
		["SELECT Id FROM User WHERE IsActive = 'true'", 'INVALID_FIELD', /must be of type boolean and should not be enclosed in quotes/],
		["SELECT Id FROM UserServicePresence WHERE SystemModstamp > '2024-01-01'", 'INVALID_FIELD', /must be of type dateTime/],
		['SELECT Id FROM Account', 'INVALID_TYPE', /sObject type 'Account' is not supported/],
		["SELECT Id FROM User WHERE Id = 'abc'", 'INVALID_QUERY_FILTER_OPERATOR', /invalid ID field: abc/],
	])('rejects %s with %s', async (soql, code, message) => {
		const failure = await errorOf(conn.query(soql));
		expect(failure.errorCode).toBe(code);
		expect(failure.message).toMatch(message);
	});

	it('pages past 2,000 records with nextRecordsUrl, and jsforce autoFetch gets them all', async () => {
		emulator.seed(4500);
		const first = await conn.request<any>('/services/data/v62.0/query?q=' + encodeURIComponent('SELECT Id FROM User'));
		expect(first).toMatchObject({ totalSize: 4501, done: false });
		expect(first.records).toHaveLength(2000);
		expect(first.nextRecordsUrl).toMatch(/^\/services\/data\/v62\.0\/query\/01g[A-Za-z0-9]{15}-2000$/);
		const all = await conn.query<{ Id: string }>('SELECT Id, Email FROM User').execute({ autoFetch: true, maxFetch: 10_000 });
		expect(all.records).toHaveLength(4501);
		expect(new Set(all.records.map((u) => u.Id)).size).toBe(4501);
		const stale = await errorOf(conn.request('/services/data/v62.0/query/01gxx0000000999AAA-2000'));
		expect(stale.errorCode).toBe('INVALID_QUERY_LOCATOR');
	});

	it('refreshes after expireTokens() and retries the failed call (jsforce refresh flow)', async () => {
		const before = conn.accessToken;
		const refreshed = new Promise<string>((resolve) => conn.once('refresh', (accessToken: string) => resolve(accessToken)));
		emulator.expireTokens();
		const raw = await fetch(`${emulator.url}/services/data/v62.0/limits`, { headers: { Authorization: `Bearer ${before}` } });
		expect(raw.status).toBe(401);
		expect(await jsonOf(raw)).toEqual([{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }]);
		const result = await conn.query('SELECT Id FROM ServicePresenceStatus');
		expect(result.totalSize).toBe(6);
		expect(await refreshed).not.toBe(before);
		expect(conn.accessToken).not.toBe(before);
	});

	it('reports API usage in Sforce-Limit-Info on every data response and in /limits', async () => {
		emulator.router.resetCounters();
		const response = await fetch(`${emulator.url}/services/data/v62.0/limits`, { headers: { Authorization: `Bearer ${conn.accessToken}` } });
		expect(response.headers.get('sforce-limit-info')).toBe('api-usage=1/15000');
		expect((await jsonOf(response)).DailyApiRequests).toEqual({ Max: 15000, Remaining: 14999 });
		await conn.query('SELECT Id FROM ServicePresenceStatus');
		expect(conn.limitInfo.apiUsage).toEqual({ used: 2, limit: 15000 });
		const versions = await jsonOf(await fetch(`${emulator.url}/services/data/`));
		expect(versions[0]).toEqual({ label: "Winter '18", url: '/services/data/v41.0', version: '41.0' });
		expect((await fetch(`${emulator.url}/services/data/v40.0/limits`, { headers: { Authorization: `Bearer ${conn.accessToken}` } })).status).toBe(404);
	});

	it('recovers from two injected 503s because jsforce retries GETs', async () => {
		emulator.router.inject({ kind: 'status', status: 503, count: 2, pathPrefix: '/services/data' });
		const result = await conn.query('SELECT Id FROM ServicePresenceStatus');
		expect(result.totalSize).toBe(6);
		// Both faults were consumed by jsforce's attempts: the next request goes straight through.
		const next = await fetch(`${emulator.url}/services/data/v62.0/limits`, { headers: { Authorization: `Bearer ${conn.accessToken}` } });
		expect(next.status).toBe(200);
	});

	it('follows the UserServicePresence lifecycle and a SystemModstamp cursor sees every change in order', async () => {
		const agent = emulator.users()[1];
		const latest = await conn.query<any>('SELECT SystemModstamp FROM UserServicePresence ORDER BY SystemModstamp DESC LIMIT 1');
		const cursor = latest.records[0].SystemModstamp as string;
		expect(cursor).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$/);
		const since = (c: string) =>
			conn.query<any>(
				`SELECT Id, UserId, ServicePresenceStatus.DeveloperName, IsCurrentState, IsAway, StatusStartDate, StatusEndDate, StatusDuration, SystemModstamp FROM UserServicePresence WHERE SystemModstamp > ${c} ORDER BY SystemModstamp`,
			);

		emulator.setPresence(agent.id, 'Busy');
		const change = await since(cursor);
		expect(change.records.map((r: any) => [r.ServicePresenceStatus.DeveloperName, r.IsCurrentState, r.IsAway])).toEqual([
			['Available_for_Chats', false, false],
			['Busy', true, true],
		]);
		expect(change.records[0].StatusEndDate).not.toBeNull();
		expect(typeof change.records[0].StatusDuration).toBe('number');
		expect(change.records[1].StatusEndDate).toBeNull();
		expect(change.records[0].SystemModstamp < change.records[1].SystemModstamp).toBe(true);

		emulator.setPresence(agent.id, null);
		const logout = await since(change.records[1].SystemModstamp);
		expect(logout.records.map((r: any) => [r.Id, r.IsCurrentState])).toEqual([[change.records[1].Id, false]]);
		expect(emulator.presenceOf(agent.id)).toBeNull();
		const current = await conn.query(`SELECT Id FROM UserServicePresence WHERE IsCurrentState = true AND UserId = '${agent.id}'`);
		expect(current.totalSize).toBe(0);
	});

	it('describes UserServicePresence as delete-only, refuses inserts, and a DELETE of the current row is a real delete that logs the user out', async () => {
		const describe = await conn.sobject('UserServicePresence').describe();
		expect(describe).toMatchObject({ createable: false, updateable: false, deletable: true, keyPrefix: '0Pd' });
		const insert = await errorOf(conn.sobject('UserServicePresence').create({ UserId: emulator.users()[2].id }) as Promise<unknown>);
		expect(insert.errorCode).toBe('INVALID_TYPE_FOR_OPERATION');
		expect(insert.message).toMatch(/entity type cannot be inserted/);

		const agent = emulator.users()[3];
		const row = await conn.query<any>(`SELECT Id FROM UserServicePresence WHERE IsCurrentState = true AND UserId = '${agent.id}'`);
		const offline = collect(emulator.events, 'presence', 1, (userId) => userId === agent.id);
		await conn.sobject('UserServicePresence').destroy(row.records[0].Id);
		expect((await offline)[0]).toEqual([agent.id, null, 'api-delete']);
		expect(emulator.presenceOf(agent.id)).toBeNull();
		expect(emulator.router.counters().writes['presence-delete']).toBe(1);
		const rowId = row.records[0].Id;
		// Gone from query, kept in the recycle bin for queryAll, and a second DELETE says so.
		expect((await conn.query(`SELECT Id FROM UserServicePresence WHERE Id = '${rowId}'`)).totalSize).toBe(0);
		const binned = await conn.query<any>(`SELECT Id, IsDeleted, UserId FROM UserServicePresence WHERE Id = '${rowId}'`, { scanAll: true });
		expect(binned.records.map(({ attributes: _a, ...fields }: any) => fields)).toEqual([{ Id: rowId, IsDeleted: true, UserId: agent.id }]);
		const again = await fetch(`${emulator.url}/services/data/v62.0/sobjects/UserServicePresence/${rowId}`, {
			method: 'DELETE',
			headers: { Authorization: `Bearer ${conn.accessToken}` },
		});
		expect(again.status).toBe(404);
		expect(await jsonOf(again)).toEqual([{ errorCode: 'ENTITY_IS_DELETED', message: 'entity is deleted' }]);
		expect((await errorOf(conn.sobject('UserServicePresence').retrieve(rowId))).errorCode).toBe('ENTITY_IS_DELETED');
		expect(emulator.router.counters().writes['presence-delete']).toBe(1);
	});

	it('validates Platform Event fields and PushTopic queries on insert', async () => {
		const badEvent = await errorOf(conn.sobject('Presence_Sync_Command__e').create({ Bogus__c: 'x' }) as Promise<unknown>);
		expect(badEvent.errorCode).toBe('INVALID_FIELD');
		expect(badEvent.message).toBe("No such column 'Bogus__c' on sobject of type Presence_Sync_Command__e");
		const mixed = await conn.request<any[]>({
			method: 'POST',
			url: '/services/data/v62.0/composite/sobjects',
			body: JSON.stringify({
				allOrNone: false,
				records: [
					{ attributes: { type: 'Presence_Sync_Command__e' }, CommandId__c: 'c-ok', UserId__c: emulator.users()[1].id },
					{ attributes: { type: 'Presence_Sync_Command__e' }, Bogus__c: 'x' },
				],
			}),
			headers: { 'Content-Type': 'application/json' },
		});
		expect(mixed).toEqual([
			{ id: expect.stringMatching(/^e00/), success: true, errors: [] },
			{ success: false, errors: [{ statusCode: 'INVALID_FIELD', message: "No such column 'Bogus__c' on sobject of type Presence_Sync_Command__e", fields: [] }] },
		]);
		const topic = { Name: 'Presence', ApiVersion: 62.0, NotifyForFields: 'Referenced' };
		for (const [query, message] of [
			['SELECT UserId FROM UserServicePresence', /must include the Id field/],
			['SELECT Id FROM UserServicePresence ORDER BY Id', /'ORDER BY' clause is not allowed/],
			['SELECT Id FROM UserServicePresence LIMIT 5', /'LIMIT' is not allowed/],
			['SELECT Id, ServicePresenceStatus.DeveloperName FROM UserServicePresence', /relationships are not supported/],
		] as const) {
			const failure = await errorOf(conn.sobject('PushTopic').create({ ...topic, Query: query }) as Promise<unknown>);
			expect(failure.errorCode).toBe('INVALID_FIELD');
			expect(failure.message).toMatch(message);
		}
		const created: any = await conn.sobject('PushTopic').create({ ...topic, Query: 'SELECT Id, UserId FROM UserServicePresence' });
		expect(created).toMatchObject({ success: true, errors: [] });
		expect(created.id).toMatch(/^0IF/);
		const duplicate = await errorOf(conn.sobject('PushTopic').create({ ...topic, Query: 'SELECT Id FROM UserServicePresence' }) as Promise<unknown>);
		expect(duplicate.errorCode).toBe('DUPLICATE_VALUE');
		await conn.sobject('PushTopic').update({ Id: created.id, Query: 'SELECT Id, UserId, IsCurrentState FROM UserServicePresence' });
		const stored = await conn.query<any>(`SELECT Query, NotifyForOperationCreate FROM PushTopic WHERE Name = 'Presence'`);
		expect(stored.records[0]).toMatchObject({ Query: 'SELECT Id, UserId, IsCurrentState FROM UserServicePresence', NotifyForOperationCreate: true });
	});

	it('drives presence and consoles through the control API', async () => {
		const agent = emulator.users()[4];
		const post = (path: string, body: unknown) =>
			fetch(`${emulator.url}/__control/${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
		const set = await post('presence', { email: agent.email, developerName: 'Lunch_Break' });
		expect((await jsonOf(set)).presence).toMatchObject({ developerName: 'Lunch_Break' });
		const wrong = await post('presence', { email: agent.email, developerName: 'Lunch' });
		expect(wrong.status).toBe(400);
		expect((await jsonOf(wrong)).error).toMatch(/'Lunch' does not exist; valid: Available_for_Chats, .*Lunch_Break/);
		const toggles = collect<[string, boolean]>(emulator.events, 'console', 1);
		expect((await post('console', { userId: agent.id, open: false })).status).toBe(200);
		expect(await toggles).toEqual([[agent.id, false]]);
		expect(emulator.isConsoleOpen(agent.id)).toBe(false);
		const state = await jsonOf(await fetch(`${emulator.url}/__control/state`));
		expect(state.users.find((u: any) => u.id === agent.id)).toMatchObject({ consoleOpen: false, presence: { developerName: 'Lunch_Break' } });
		expect(state.statuses.filter((s: any) => s.online).map((s: any) => s.developerName)).toEqual(['Available_for_Chats', 'Available_for_Voice']);
		const counters = await jsonOf(await fetch(`${emulator.url}/__control/counters`));
		expect(counters.apiUsage.limit).toBe(15000);
		const agents = emulator.users().length - 1;
		expect(await jsonOf(await post('seed', { count: agents + 5 }))).toEqual({ users: agents + 6 });
		const badFault = await post('faults', { kind: 'sometimes' });
		expect(badFault.status).toBe(400);
		expect((await jsonOf(badFault)).error).toMatch(/"kind" must be one of status, latency, drop/);
		expect((await post('faults', { kind: 'status', status: 429, count: 1, retryAfterSec: 2, pathPrefix: '/services/data' })).status).toBe(201);
		const limited = await fetch(`${emulator.url}/services/data/v62.0/limits`, { headers: { Authorization: `Bearer ${conn.accessToken}` } });
		expect(limited.status).toBe(429);
		expect(limited.headers.get('retry-after')).toBe('2');
	});
});

describe('Salesforce emulator: started again as the same org', () => {
	const running: SalesforceEmulator[] = [];
	const start = async (options: Parameters<typeof startSalesforceEmulator>[0]) => {
		const emulator = await startSalesforceEmulator(options);
		running.push(emulator);
		return emulator;
	};
	afterAll(() => Promise.all(running.map((emulator) => emulator.stop())));

	it('keeps the connected app, user and status ids and the PushTopics it is given; presence row ids never repeat', async () => {
		const first = await start({ agents: 4 });
		const conn = await connectWithCode(first);
		await conn.sobject('PushTopic').create({ Name: 'Kept', Query: 'SELECT Id, UserId FROM UserServicePresence', ApiVersion: 62.0 });
		const [changed, untouched] = first.users().slice(1);
		const currentRow = async (connection: Connection, userId: string) =>
			(await connection.query<any>(`SELECT Id FROM UserServicePresence WHERE IsCurrentState = true AND UserId = '${userId}'`)).records[0].Id as string;
		const seededRow = await currentRow(conn, untouched.id);
		first.setPresence(changed.id, 'Busy');
		const busyRow = await currentRow(conn, changed.id);
		const { clientId, clientSecret, jwtPrivateKey } = first.connectedApp;
		await first.stop();

		const second = await start({ agents: 4, connectedApp: { clientId, clientSecret, jwtPrivateKey }, pushTopics: first.pushTopics() });
		expect(second.connectedApp).toEqual(first.connectedApp);
		expect(second.users()).toEqual(first.users());
		expect(second.statuses()).toEqual(first.statuses());
		// n8n's saved JWT credential still signs in.
		const jwt = new Connection({ oauth2: { loginUrl: second.url }, version: '62.0' });
		const assertion = signJwt(
			{ iss: clientId, sub: first.connectedApp.integrationUsername, aud: second.url, exp: Math.floor(Date.now() / 1000) + 60 },
			jwtPrivateKey,
		);
		expect((await jwt.authorize({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion })).id).toBe(first.connectedApp.integrationUserId);
		const topics = await jwt.query<any>('SELECT Name, Query, NotifyForOperationDelete FROM PushTopic');
		expect(topics.records.map(({ attributes: _a, ...fields }: any) => fields)).toEqual([
			{ Name: 'Kept', Query: 'SELECT Id, UserId FROM UserServicePresence', NotifyForOperationDelete: true },
		]);
		// Presence rows are data of one run: the new run's rows, seeded or not, never reuse an earlier id.
		expect(await currentRow(jwt, untouched.id)).not.toBe(seededRow);
		second.setPresence(changed.id, 'Busy');
		expect(await currentRow(jwt, changed.id)).not.toBe(busyRow);
	});

	it('keeps generated connected app keys in an owner-only file and reads them back (the demo\'s next start)', async () => {
		const folder = mkdtempSync(path.join(tmpdir(), 'sf-connected-app-'));
		try {
			const file = path.join(folder, 'n8n', 'salesforce-connected-app.json');
			const made = keptConnectedAppKeys(file);
			expect(statSync(file).mode & 0o777).toBe(0o600);
			expect(keptConnectedAppKeys(file)).toEqual(made);
			const emulator = await start({ agents: 1, connectedApp: keptConnectedAppKeys(file) });
			expect(emulator.connectedApp.clientId).toBe(made.clientId);
			writeFileSync(file, '{"clientId": "only"}');
			expect(() => keptConnectedAppKeys(file)).toThrow(`${file} lacks clientSecret, jwtPrivateKey; delete it to make a new connected app`);
		} finally {
			rmSync(folder, { recursive: true, force: true });
		}
	});

	it('refuses connected app keys it cannot use, naming the field and never echoing the key', async () => {
		const keys = { clientId: 'id', clientSecret: 'secret', jwtPrivateKey: 'not-a-key-SECRETMATERIAL' };
		const failure = await errorOf(startSalesforceEmulator({ agents: 1, connectedApp: keys }));
		expect(failure.message).toMatch(/^connectedApp\.jwtPrivateKey is not a PEM private key/);
		expect(failure.message).not.toContain('SECRETMATERIAL');
		const blank = await errorOf(startSalesforceEmulator({ agents: 1, connectedApp: { ...keys, clientSecret: '' } }));
		expect(blank.message).toBe('connectedApp.clientSecret must be a non-empty string (connectedApp needs clientId, clientSecret and jwtPrivateKey)');
		const badTopic = await errorOf(startSalesforceEmulator({ agents: 1, pushTopics: [{ Name: 'Bad', Query: 'SELECT UserId FROM UserServicePresence', ApiVersion: 62 }] }));
		expect(badTopic.message).toMatch(/^pushTopics\[0\] \(Bad\): INVALID_FIELD: [\s\S]*must include the Id field/);
	});
});
