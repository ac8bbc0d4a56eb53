/**
 * The two Salesforce credentials and the Salesforce dropdowns, run by n8n-core itself against the
 * emulator: the credential test goes through RoutingNode + httpRequestWithAuthentication as n8n's
 * credentials tester does (JWT: preAuthentication → authenticate; OAuth2: requestOAuth2 with refresh),
 * and the dropdown methods run in a real LoadOptionsContext.
 */
import { createEmptyRunExecutionData, type ICredentialDataDecryptedObject, type INodeParameters, type INodeType } from 'n8n-workflow';
import { ExecuteContext, LoadOptionsContext } from 'n8n-core';
import { OAuth2Api } from 'n8n-nodes-base/dist/credentials/OAuth2Api.credentials';

import { SalesforceOmniJwtApi } from '../../credentials/SalesforceOmniJwtApi.credentials';
import { SalesforceOmniOAuth2Api } from '../../credentials/SalesforceOmniOAuth2Api.credentials';
import { startSalesforceEmulator, type SalesforceEmulator } from '../../emulators/salesforce';
import { forgetConnections } from '../../lib/salesforce/connection';
import { getOmniStatuses, getSalesforceUsers } from '../../lib/salesforce/methods';
import { credentialTesterType, oneNodeWorkflow, runTesterNode } from '../helpers/credentialTester';
import { NodeTypes, TestCredentialsHelper, teardownN8nCore } from '../helpers/harness';
import { jwtCredentialData, oauth2CredentialData } from '../helpers/salesforceCredentialData';

const jwtType = new SalesforceOmniJwtApi();
const oauth2Type = new SalesforceOmniOAuth2Api();
const credentialTypes = { salesforceOmniJwtApi: jwtType, salesforceOmniOAuth2Api: oauth2Type, oAuth2Api: new OAuth2Api() };

let emulator: SalesforceEmulator;

/** As n8n stores it before the first sign-in: the hidden fields preAuthentication fills are empty. */
const jwtData = (overrides: ICredentialDataDecryptedObject = {}) =>
	jwtCredentialData(emulator, { myDomainUrl: '', accessToken: '', instanceUrl: '', ...overrides });
const oauth2Data = async () => await oauth2CredentialData(emulator);

type SalesforceCredential = 'salesforceOmniJwtApi' | 'salesforceOmniOAuth2Api';

const testerType = (credential: SalesforceCredential) =>
	credentialTesterType(credential, (credential === 'salesforceOmniJwtApi' ? jwtType : oauth2Type).test.request);

const dropdownNodeType: INodeType = {
	description: {
		...testerType('salesforceOmniJwtApi').description,
		name: 'salesforceDropdowns',
		credentials: [{ name: 'salesforceOmniJwtApi' }, { name: 'salesforceOmniOAuth2Api' }],
		properties: [],
	},
	methods: { loadOptions: { getOmniStatuses, getSalesforceUsers } },
};

const nodeTypes = new NodeTypes({
	credentialTest: testerType('salesforceOmniJwtApi'),
	oauth2Test: testerType('salesforceOmniOAuth2Api'),
	salesforceDropdowns: dropdownNodeType,
});

const contextParts = (type: string, name: string, credentialsHelper: TestCredentialsHelper, parameters: INodeParameters = {}) =>
	oneNodeWorkflow({
		nodeTypes,
		type,
		name,
		credentialsHelper,
		parameters,
		credentials: {
			salesforceOmniJwtApi: { id: 'cred-jwt', name: 'Salesforce JWT' },
			salesforceOmniOAuth2Api: { id: 'cred-oauth2', name: 'Salesforce OAuth2' },
		},
	});

/** The credential test's response body. */
async function runCredentialTest(helper: TestCredentialsHelper, credential: SalesforceCredential) {
	const type = credential === 'salesforceOmniJwtApi' ? 'credentialTest' : 'oauth2Test';
	const data = helper.stored(credential) ?? {};
	const [items] = (await runTesterNode(contextParts(type, 'Temp-Node', helper), testerType(credential), { id: 'c', name: 'Salesforce', type: credential, data })) ?? [[]];
	return items[0].json;
}

/** The value of a credential field's expression, as n8n's credentials helper resolves it ($self = the credential). */
function resolveField(field: string, data: ICredentialDataDecryptedObject): unknown {
	const property = oauth2Type.properties.find((p) => p.name === field)!;
	const { workflow, node } = contextParts('credentialTest', 'Temp-Node', new TestCredentialsHelper(credentialTypes, {}));
	return workflow.expression.getParameterValue(property.default as string, null, 0, 0, node.name, [], 'internal', {}, undefined, false, data);
}

beforeEach(async () => {
	forgetConnections();
	emulator = await startSalesforceEmulator({ port: 0, agents: 4 });
});

afterEach(async () => {
	await emulator.stop();
});

afterAll(() => teardownN8nCore());

describe('credential types', () => {
	it('do not clash with n8n’s built-in Salesforce credentials and keep secrets in password fields', () => {
		expect([jwtType.name, oauth2Type.name]).toEqual(['salesforceOmniJwtApi', 'salesforceOmniOAuth2Api']);
		expect(oauth2Type.extends).toEqual(['oAuth2Api']);
		const jwtFields = Object.fromEntries(jwtType.properties.map((p) => [p.name, p]));
		expect(jwtFields.privateKey.typeOptions?.password).toBe(true);
		expect(jwtFields.accessToken).toMatchObject({ type: 'hidden', typeOptions: { expirable: true } });
		const oauthFields = Object.fromEntries(oauth2Type.properties.map((p) => [p.name, p]));
		expect(oauthFields.scope.default).toBe('api refresh_token');
		expect(oauthFields.grantType.default).toBe('authorizationCode');
	});

	it.each([
		['production', '', 'https://login.salesforce.com'],
		['sandbox', '', 'https://test.salesforce.com'],
		['custom', 'https://acme.my.salesforce.com/', 'https://acme.my.salesforce.com'],
	])('OAuth2 URLs follow the environment (%s)', (environment, customUrl, host) => {
		const data = { environment, customUrl };
		expect(resolveField('authUrl', data)).toBe(`${host}/services/oauth2/authorize`);
		expect(resolveField('accessTokenUrl', data)).toBe(`${host}/services/oauth2/token`);
	});
});

describe('Salesforce Omni-Channel JWT API credential', () => {
	it("passes n8n's credential test: preAuthentication signs in, authenticate sends the bearer token", async () => {
		const helper = new TestCredentialsHelper(credentialTypes, { salesforceOmniJwtApi: jwtData() });
		const userinfo = await runCredentialTest(helper, 'salesforceOmniJwtApi');
		expect(userinfo).toMatchObject({ preferred_username: emulator.connectedApp.integrationUsername });
		expect(helper.preAuthenticationCalls.salesforceOmniJwtApi).toBe(1);
		expect(helper.stored('salesforceOmniJwtApi')).toMatchObject({ accessToken: expect.stringMatching(/^00D/), instanceUrl: emulator.url });
	});

	it('signs in again when the cached token has expired (401), so the request still succeeds', async () => {
		const helper = new TestCredentialsHelper(credentialTypes, { salesforceOmniJwtApi: jwtData() });
		await runCredentialTest(helper, 'salesforceOmniJwtApi');
		emulator.expireTokens();
		const { node, workflow, additionalData } = contextParts('credentialTest', 'Salesforce', helper);
		const context = new ExecuteContext(workflow, node, additionalData, 'manual', createEmptyRunExecutionData(), 0, [], { main: [[{ json: {} }]] }, { node, data: {}, source: null }, []);
		const limits = await context.helpers.httpRequestWithAuthentication.call(context, 'salesforceOmniJwtApi', { url: '/services/data/v62.0/limits', json: true });
		expect(limits).toHaveProperty('DailyApiRequests');
		expect(helper.preAuthenticationCalls.salesforceOmniJwtApi).toBe(2);
	});

	it('fails the test naming what to check, without the key, the assertion or a token', async () => {
		const { generateKeyPairSync } = await import('crypto');
		const { privateKey } = generateKeyPairSync('rsa', {
			modulusLength: 2048,
			privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
			publicKeyEncoding: { type: 'spki', format: 'pem' },
		});
		const helper = new TestCredentialsHelper(credentialTypes, { salesforceOmniJwtApi: jwtData({ privateKey }) });
		const error = (await runCredentialTest(helper, 'salesforceOmniJwtApi').catch((e: unknown) => e)) as Error & { description?: string };
		const text = `${error.message} ${error.description ?? ''}`;
		expect(text).toMatch(/invalid_grant/);
		expect(text).toMatch(/pre-authorized/);
		expect(text).not.toContain(privateKey.split('\n')[1]);
		expect(text).not.toContain(emulator.connectedApp.jwtPrivateKey.split('\n')[1]);
		expect(text).not.toMatch(/eyJ[A-Za-z0-9_-]{8,}\./);
	});
});

describe('Salesforce Omni-Channel OAuth2 API credential', () => {
	// n8n's editor never offers "Test" for OAuth2 types (it shows "Account connected"); the request
	// still has to work when the API runs it with the stored token.
	it("passes n8n's credential test with the stored token, at the environment's login host", async () => {
		const helper = new TestCredentialsHelper(credentialTypes, { salesforceOmniOAuth2Api: await oauth2Data() });
		const userinfo = await runCredentialTest(helper, 'salesforceOmniOAuth2Api');
		expect(userinfo).toMatchObject({ preferred_username: emulator.connectedApp.integrationUsername });
		expect(emulator.router.counters().calls['GET /services/oauth2/userinfo']).toBe(1);
	});
});

describe('Salesforce dropdowns', () => {
	const loadOptionsContext = async (authentication: 'jwt' | 'oAuth2') => {
		const helper = new TestCredentialsHelper(credentialTypes, {
			salesforceOmniJwtApi: jwtData(),
			salesforceOmniOAuth2Api: await oauth2Data(),
		});
		const { node, workflow, additionalData } = contextParts('salesforceDropdowns', 'Salesforce Omni-Channel', helper, { authentication });
		return new LoadOptionsContext(workflow, node, additionalData, 'parameters.status');
	};

	it.each(['jwt', 'oAuth2'] as const)('lists statuses as "Label (DeveloperName)" with the developer name as value (%s)', async (authentication) => {
		const options = await getOmniStatuses.call(await loadOptionsContext(authentication));
		expect(options).toContainEqual({ name: 'Available for Chats (Available_for_Chats)', value: 'Available_for_Chats', description: 'Online: routes work' });
		expect(options).toContainEqual({ name: 'Busy (Busy)', value: 'Busy', description: 'Away: no service channels' });
		expect(options).toHaveLength(emulator.statuses().length);
	});

	it('lists active users as "Name <email>" with the user id as value', async () => {
		const options = await getSalesforceUsers.call(await loadOptionsContext('jwt'));
		const user = emulator.users().find((u) => u.id !== emulator.connectedApp.integrationUserId)!;
		expect(options).toContainEqual({ name: `${user.name} <${user.email}>`, value: user.id });
	});
});
