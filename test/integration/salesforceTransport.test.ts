/**
 * lib/salesforce against the Salesforce emulator over HTTP: both auth flows, session renewal, the SOQL
 * reads, publishing companion commands and Force Offline.
 */
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import { startSalesforceEmulator, type SalesforceEmulator } from '../../emulators/salesforce';
import { TransportError } from '../../lib/errors';
import { createSalesforceClient } from '../../lib/salesforce/client';
import { forgetConnections } from '../../lib/salesforce/connection';
import { authFromJwtCredential, authFromOAuth2Credential } from '../../lib/salesforce/credentials';
import type { PresenceCommand } from '../../lib/salesforce/companionContract';
import { jwtCredentialData, oauth2CredentialData } from '../helpers/salesforceCredentialData';

let emulator: SalesforceEmulator;

const jwtCredential = (overrides: ICredentialDataDecryptedObject = {}) => jwtCredentialData(emulator, overrides);
const oauth2Credential = async (overrides: ICredentialDataDecryptedObject = {}) => await oauth2CredentialData(emulator, overrides);

/** The seeded agents (every user but the integration user). */
const agents = () => emulator.users().filter((u) => u.id !== emulator.connectedApp.integrationUserId);
const calls = (key: string) => emulator.router.counters().calls[key] ?? 0;
const QUERY_MORE = 'GET /services/data/:version/query/:locator';
const COMPOSITE = 'POST /services/data/:version/composite/sobjects';
const TOKEN = 'POST /services/oauth2/token';

beforeEach(async () => {
	forgetConnections();
	emulator = await startSalesforceEmulator({ port: 0, agents: 12, companionDelayMs: 10 });
});

afterEach(async () => {
	await emulator.stop();
});

describe('authentication', () => {
	it('signs in with the JWT bearer flow and reads statuses, online when the status has channels', async () => {
		const client = createSalesforceClient(authFromJwtCredential(jwtCredential()));
		const statuses = await client.listStatuses();
		expect(statuses.map((s) => [s.developerName, s.online])).toEqual(
			expect.arrayContaining([
				['Available_for_Chats', true],
				['Available_for_Voice', true],
				['Busy', false],
				['Lunch_Break', false],
			]),
		);
		expect(statuses).toHaveLength(emulator.statuses().length);
		expect(statuses.find((s) => s.developerName === 'Busy')?.label).toBe('Busy');
	});

	it('uses the OAuth2 tokens n8n stored', async () => {
		const client = createSalesforceClient(authFromOAuth2Credential(await oauth2Credential()));
		const users = await client.listUsers({ activeOnly: true });
		expect(users.map((u) => u.email)).toEqual(expect.arrayContaining(emulator.users().map((u) => u.email)));
		expect(calls(TOKEN)).toBe(1); // the authorization-code exchange only: no refresh needed
	});

	it.each([
		['OAuth2', async () => authFromOAuth2Credential(await oauth2Credential())],
		['JWT', async () => authFromJwtCredential(jwtCredential())],
	])('%s: renews an expired session and retries the call, so nothing is lost', async (_kind, makeAuth) => {
		const client = createSalesforceClient(await makeAuth());
		await client.listStatuses();
		const tokensBefore = calls(TOKEN);
		emulator.expireTokens();
		const current = await client.currentPresence();
		expect(current).toHaveLength(emulator.users().filter((u) => emulator.presenceOf(u.id)).length);
		expect(calls(TOKEN)).toBe(tokensBefore + 1);
	});

	it('shares one session between clients of the same credential', async () => {
		const credential = jwtCredential();
		await createSalesforceClient(authFromJwtCredential(credential)).listStatuses();
		await createSalesforceClient(authFromJwtCredential(credential)).listStatuses();
		expect(calls(TOKEN)).toBe(1);
	});

	it('reports a wrong private key clearly, without the key', async () => {
		const { generateKeyPairSync } = await import('crypto');
		const { privateKey } = generateKeyPairSync('rsa', {
			modulusLength: 2048,
			privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
			publicKeyEncoding: { type: 'spki', format: 'pem' },
		});
		const error = await createSalesforceClient(authFromJwtCredential(jwtCredential({ privateKey })))
			.listStatuses()
			.catch((e: unknown) => e);
		expect(error).toBeInstanceOf(TransportError);
		expect((error as TransportError).errorCode).toBe('invalid_grant');
		expect((error as TransportError).message).toMatch(/certificate of this Private Key/);
		expect((error as TransportError).message).not.toContain('PRIVATE KEY-----');
		expect((error as TransportError).message).not.toContain(privateKey.split('\n')[1]);
	});

	it('reports a text that is not a key before any request', async () => {
		const error = await createSalesforceClient(authFromJwtCredential(jwtCredential({ privateKey: 'not-a-key-secret-value' })))
			.listStatuses()
			.catch((e: unknown) => e);
		expect((error as TransportError).errorCode).toBe('INVALID_PRIVATE_KEY');
		expect((error as TransportError).message).not.toContain('not-a-key-secret-value');
		expect(calls(TOKEN)).toBe(0);
	});

	it('reports a refused refresh with what to fix and no secret or token', async () => {
		const credential = await oauth2Credential({ clientSecret: 'WRONG-secret-0123456789abcdef' });
		emulator.expireTokens();
		const error = (await createSalesforceClient(authFromOAuth2Credential(credential))
			.listStatuses()
			.catch((e: unknown) => e)) as TransportError;
		expect(error).toBeInstanceOf(TransportError);
		expect(error.errorCode).toBe('invalid_client');
		expect(error.message).toMatch(/Consumer Key and Consumer Secret/);
		const token = credential.oauthTokenData as Record<string, string>;
		for (const secret of ['WRONG-secret-0123456789abcdef', emulator.connectedApp.clientSecret, token.access_token, token.refresh_token]) {
			expect(error.message).not.toContain(secret);
		}
	});

	it('says a credential that was never connected must be connected', () => {
		expect(() => authFromOAuth2Credential({ environment: 'production', clientId: 'x' })).toThrow(/Connect my account/);
	});

	it('names the valid environments', () => {
		expect(() => authFromJwtCredential(jwtCredential({ environment: 'staging' }))).toThrow(
			/unknown Environment "staging"; valid: production, sandbox, custom/,
		);
	});
});

describe('presence reads', () => {
	it('reads current presence, for some users only', async () => {
		const client = createSalesforceClient(authFromJwtCredential(jwtCredential()));
		const [first, second, third] = agents();
		emulator.setPresence(first.id, 'Busy');
		emulator.setPresence(second.id, null);
		const rows = await client.currentPresence([first.id, second.id, third.id]);
		const statusIds = Object.fromEntries(emulator.statuses().map((s) => [s.developerName, s.id]));
		expect(rows.map((r) => [r.userId, r.statusId, r.isCurrentState])).toEqual(
			expect.arrayContaining([
				[first.id, statusIds.Busy, true],
				[third.id, statusIds.Available_for_Chats, true],
			]),
		);
		expect(rows).toHaveLength(2); // the second user is Offline: no current row
		expect(await client.currentPresence([])).toEqual([]);
	});

	it('rejects an id that would not be a Salesforce id, naming it', async () => {
		const client = createSalesforceClient(authFromJwtCredential(jwtCredential()));
		await expect(client.currentPresence(["005' OR Id != '"])).rejects.toThrow(/is not a Salesforce id/);
	});

	it('reads every change since a cursor across pages, oldest first', async () => {
		emulator.seed(1100);
		const client = createSalesforceClient(authFromJwtCredential(jwtCredential()));
		const cursor = new Date(Date.now() - 1000).toISOString();
		for (const user of emulator.users()) if (emulator.presenceOf(user.id)) emulator.setPresence(user.id, 'Busy');
		const changes = await client.presenceChangesSince(cursor);
		expect(changes.length).toBeGreaterThan(2000);
		expect(calls(QUERY_MORE)).toBeGreaterThanOrEqual(1);
		const stamps = changes.map((c) => c.systemModstamp);
		expect([...stamps].sort()).toEqual(stamps);
		expect(new Set(changes.map((c) => c.id)).size).toBe(changes.length);
		const closed = changes.filter((c) => !c.isCurrentState);
		expect(closed.length).toBeGreaterThan(1000);
		expect(closed.every((c) => c.statusEndDate !== null)).toBe(true);
	});

	it('rejects a cursor that is not a timestamp', async () => {
		const client = createSalesforceClient(authFromJwtCredential(jwtCredential()));
		await expect(client.presenceChangesSince('yesterday')).rejects.toThrow(/"yesterday" is not an ISO 8601 timestamp/);
	});

	it('reports API usage from Sforce-Limit-Info', async () => {
		const client = createSalesforceClient(authFromJwtCredential(jwtCredential()));
		expect(client.apiUsage()).toBeNull();
		await client.listUsers();
		expect(client.apiUsage()).toEqual({ used: expect.any(Number), limit: expect.any(Number) });
		expect(client.apiUsage()!.used).toBeGreaterThan(0);
	});
});

describe('writes', () => {
	it('publishes 250 commands in 2 composite calls, one result per command in order, applied by the companion', async () => {
		const client = createSalesforceClient(authFromJwtCredential(jwtCredential()));
		const targets = agents();
		const commands: PresenceCommand[] = Array.from({ length: 250 }, (_, i) => ({
			userId: targets[i % targets.length].id,
			action: 'set',
			statusDeveloperName: 'Lunch_Break',
			statusId: emulator.statuses().find((s) => s.developerName === 'Lunch_Break')!.id,
			commandId: `cmd-${i}`,
			issuedAt: new Date().toISOString(),
			source: 'n8n:test',
		}));
		const applied = new Promise<void>((resolve) => {
			emulator.events.on('presence', () => {
				if (targets.every((a) => emulator.presenceOf(a.id)?.developerName === 'Lunch_Break')) resolve();
			});
		});
		const results = await client.publishCommands(commands);
		expect(calls(COMPOSITE)).toBe(2);
		expect(results.map((r) => r.commandId)).toEqual(commands.map((c) => c.commandId));
		expect(results.every((r) => r.success && typeof r.eventId === 'string')).toBe(true);
		await applied;
		expect(targets.map((a) => emulator.presenceOf(a.id)?.developerName)).toEqual(targets.map(() => 'Lunch_Break'));
	});

	it('Force Offline deletes the current presence row; the change feed shows it deleted, stamped by the delete', async () => {
		const client = createSalesforceClient(authFromJwtCredential(jwtCredential()));
		const [agent] = agents();
		const [row] = await client.currentPresence([agent.id]);
		await client.deletePresence(row.id);
		expect(emulator.presenceOf(agent.id)).toBeNull();
		expect(await client.currentPresence([agent.id])).toEqual([]);

		const changes = (await client.presenceChangesSince(row.systemModstamp)).filter((change) => change.id === row.id);
		expect(changes).toEqual([expect.objectContaining({ userId: agent.id, isCurrentState: true, isDeleted: true })]);
		expect(Date.parse(changes[0].systemModstamp)).toBeGreaterThan(Date.parse(row.systemModstamp));

		const again = (await client.deletePresence(row.id).catch((e: unknown) => e)) as TransportError;
		expect(again).toBeInstanceOf(TransportError);
		expect(again.errorCode).toBe('ENTITY_IS_DELETED');
		expect(again.message).toMatch(/already gone/);

		const gone = `${row.id.slice(0, 3)}000000000000AAA`;
		const error = (await client.deletePresence(gone).catch((e: unknown) => e)) as TransportError;
		expect(error).toBeInstanceOf(TransportError);
		expect(error.errorCode).toBe('NOT_FOUND');
		expect(error.message).toMatch(/already gone/);
	});
});
