/**
 * The NICE CXone API credential and the CXone dropdowns, run by n8n-core itself against the emulator:
 * the credential test goes through RoutingNode + httpRequestWithAuthentication exactly as n8n's
 * credentials tester does (preAuthentication → authenticate → test request), and the dropdown methods
 * run in a real LoadOptionsContext.
 */
import {
	ICredentialsHelper,
	type ICredentialDataDecryptedObject,
	type ICredentials,
	type IHttpRequestHelper,
	type IHttpRequestOptions,
	type INode,
	type INodeType,
} from 'n8n-workflow';
import { Credentials, LoadOptionsContext } from 'n8n-core';
import { NiceCxoneApi } from '../../credentials/NiceCxoneApi.credentials';
import { startCxoneEmulator, type CxoneEmulator } from '../../emulators/cxone';
import { getCxoneAgents, getTeams, getUnavailableCodes } from '../../lib/cxone/methods';
import { credentialTesterType, oneNodeWorkflow, runTesterNode } from '../helpers/credentialTester';
import { NodeTypes, teardownN8nCore } from '../helpers/harness';

const credentialType = new NiceCxoneApi();
let emulator: CxoneEmulator;

/** What n8n's credentials-helper does for an expirable credential (n8n.md §3.6), and nothing more. */
class CredentialsHelper extends ICredentialsHelper {
	preAuthentications = 0;

	constructor(readonly data: ICredentialDataDecryptedObject) {
		super();
	}

	getParentTypes() {
		return [];
	}

	async authenticate(credentials: ICredentialDataDecryptedObject, _type: string, requestOptions: IHttpRequestOptions) {
		return await (credentialType.authenticate as (c: ICredentialDataDecryptedObject, r: IHttpRequestOptions) => Promise<IHttpRequestOptions>)(
			credentials,
			requestOptions,
		);
	}

	async preAuthentication(helpers: IHttpRequestHelper, credentials: ICredentialDataDecryptedObject, _type: string, node: INode, expired: boolean) {
		const testing = node.name === 'Temp-Node';
		if (credentials.accessToken !== '' && !expired && !testing) return undefined;
		this.preAuthentications++;
		return Object.assign(credentials, await credentialType.preAuthentication.call(helpers, credentials));
	}

	async getDecrypted() {
		return this.data;
	}

	async getCredentials(): Promise<ICredentials> {
		return new Credentials({ id: null, name: '' }, '', '');
	}

	async updateCredentials() {}

	async updateCredentialsOauthTokenData() {}

	getCredentialsProperties() {
		return credentialType.properties;
	}
}

/** The node n8n's credentials tester builds around a credential's test request. */
const testerNodeType = credentialTesterType('niceCxoneApi', credentialType.test.request);

const dropdownNodeType: INodeType = {
	description: { ...testerNodeType.description, name: 'cxoneDropdowns', properties: [] },
	methods: { loadOptions: { getUnavailableCodes, getTeams, getCxoneAgents } },
};

const nodeTypes = new NodeTypes({ credentialTest: testerNodeType, cxoneDropdowns: dropdownNodeType });

function credentialData(overrides: Record<string, string> = {}): ICredentialDataDecryptedObject {
	return { issuer: emulator.url, ...emulator.access, apiBaseUrl: '', apiVersion: 'v33.0', accessToken: '', resolvedApiBaseUrl: '', ...overrides };
}

const contextParts = (type: string, name: string, credentialsHelper: CredentialsHelper) =>
	oneNodeWorkflow({ nodeTypes, type, name, credentialsHelper, credentials: { niceCxoneApi: { id: 'cred-1', name: 'CXone' } } });

const runCredentialTest = async (helper: CredentialsHelper) =>
	await runTesterNode(contextParts('credentialTest', 'Temp-Node', helper), testerNodeType, { id: 'cred-1', name: 'CXone', type: 'niceCxoneApi', data: helper.data });

beforeAll(async () => {
	emulator = await startCxoneEmulator({ agents: 5 });
});

afterAll(async () => {
	teardownN8nCore();
	await emulator.stop();
});

describe('NICE CXone API credential', () => {
	it('describes the fields, with secrets as password fields and an expirable token', () => {
		expect(credentialType.name).toBe('niceCxoneApi');
		expect(credentialType.displayName).toBe('NICE CXone API');
		const byName = Object.fromEntries(credentialType.properties.map((p) => [p.name, p]));
		for (const secret of ['clientSecret', 'accessKeySecret', 'accessToken']) expect(byName[secret].typeOptions?.password).toBe(true);
		expect(byName.accessToken).toMatchObject({ type: 'hidden', typeOptions: { expirable: true } });
		expect(byName.issuer.default).toBe('https://cxone.niceincontact.com');
		expect(byName.apiVersion.default).toBe('v33.0');
	});

	it('preAuthentication returns a bearer token and the api_endpoint from cxone-configuration', async () => {
		const result = await credentialType.preAuthentication.call({} as IHttpRequestHelper, credentialData());
		expect(result.resolvedApiBaseUrl).toBe(emulator.url);
		expect(String(result.accessToken).split('.')).toHaveLength(3);
		const overridden = await credentialType.preAuthentication.call({} as IHttpRequestHelper, credentialData({ apiBaseUrl: `${emulator.url}/` }));
		expect(overridden.resolvedApiBaseUrl).toBe(emulator.url);
	});

	it("passes n8n's credential test against the emulator", async () => {
		const helper = new CredentialsHelper(credentialData());
		emulator.router.resetCounters();
		const [items] = (await runCredentialTest(helper)) ?? [[]];
		expect(helper.preAuthentications).toBe(1);
		expect(items[0].json).toMatchObject({ totalRecords: 5, agents: [expect.objectContaining({ agentId: emulator.agents()[0].agentId })] });
		expect(emulator.router.counters().calls['GET /incontactapi/services/:version/agents']).toBe(1);
	});

	it('fails the credential test naming the wrong part, without the secret', async () => {
		const helper = new CredentialsHelper(credentialData({ accessKeySecret: 'NOTTHESECRET==' }));
		const error = await runCredentialTest(helper).then(
			() => undefined,
			(e: Error) => e,
		);
		const text = `${error?.message} ${(error as { description?: string })?.description ?? ''}`;
		expect(text).toMatch(/Access Key ID and Access Key Secret/);
		expect(text).not.toContain('NOTTHESECRET');
		expect(text).not.toContain(emulator.access.clientSecret);
	});
});

describe('CXone dropdowns', () => {
	const loadOptionsContext = () => {
		const { node, workflow, additionalData } = contextParts('cxoneDropdowns', 'CXone Agent', new CredentialsHelper(credentialData()));
		return new LoadOptionsContext(workflow, node, additionalData, 'parameters.reason');
	};

	it('lists unavailable codes by name, marking the ACW code', async () => {
		const options = await getUnavailableCodes.call(loadOptionsContext());
		expect(options.map((o) => o.value)).toEqual(['Break', 'Lunch', 'Meeting', 'Open', 'Training', 'Wrap-up']);
		expect(options.find((o) => o.value === 'Wrap-up')?.name).toBe('Wrap-up (ACW)');
		expect(options.find((o) => o.value === 'Lunch')?.name).toBe('Lunch');
	});

	it('lists teams and agents with human names and stable ids', async () => {
		const ctx = loadOptionsContext();
		expect(await getTeams.call(ctx)).toEqual([
			{ name: 'Billing (1003)', value: 1003 },
			{ name: 'Sales (1002)', value: 1002 },
			{ name: 'Support (1001)', value: 1001 },
		]);
		const agents = await getCxoneAgents.call(ctx);
		const first = emulator.agents()[0];
		expect(agents).toHaveLength(5);
		expect(agents).toContainEqual(
			expect.objectContaining({ name: `${first.firstName} ${first.lastName} (${first.emailAddress})`, value: first.agentId }),
		);
	});
});
