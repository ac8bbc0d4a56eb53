/**
 * The NICE CXone API credential and the CXone dropdowns, run by n8n-core itself against the emulator:
 * the credential test goes through RoutingNode + httpRequestWithAuthentication exactly as n8n's
 * credentials tester does (preAuthentication → authenticate → test request), and the dropdown methods
 * run in a real LoadOptionsContext.
 */
import { Container } from '@n8n/di';
import {
	createEmptyRunExecutionData,
	ICredentialsHelper,
	NodeHelpers,
	Workflow,
	type ICredentialDataDecryptedObject,
	type ICredentials,
	type IHttpRequestHelper,
	type IHttpRequestOptions,
	type INode,
	type INodeType,
	type INodeTypes,
	type IVersionedNodeType,
	type IWorkflowExecuteAdditionalData,
} from 'n8n-workflow';
import { Credentials, ExecuteContext, LoadOptionsContext, RoutingNode } from 'n8n-core';
import { ScheduledTaskManager } from 'n8n-core/dist/execution-engine/scheduled-task-manager';
import { SSHClientsManager } from 'n8n-core/dist/execution-engine/ssh-clients-manager';
import { NiceCxoneApi } from '../../credentials/NiceCxoneApi.credentials';
import { startCxoneEmulator, type CxoneEmulator } from '../../emulators/cxone';
import { getCxoneAgents, getTeams, getUnavailableCodes } from '../../lib/cxone/methods';

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

class NodeTypes implements INodeTypes {
	constructor(private readonly types: Record<string, INodeType>) {}

	getByName(type: string) {
		return this.types[type];
	}

	getByNameAndVersion(type: string, version?: number) {
		return NodeHelpers.getVersionedNodeType(this.types[type] as INodeType | IVersionedNodeType, version);
	}

	getKnownTypes() {
		return {};
	}
}

/** The node n8n's credentials tester builds around a credential's test request. */
const testerNodeType: INodeType = {
	description: {
		displayName: 'Credential Test',
		name: 'credentialTest',
		group: ['input'],
		version: 1,
		description: '',
		defaults: { name: 'Temp-Node' },
		inputs: ['main'],
		outputs: ['main'],
		credentials: [{ name: 'niceCxoneApi', required: true }],
		properties: [{ displayName: 'Temp', name: 'temp', type: 'string', routing: { request: credentialType.test.request }, default: '' }],
	},
};

const dropdownNodeType: INodeType = {
	description: { ...testerNodeType.description, name: 'cxoneDropdowns', properties: [] },
	methods: { loadOptions: { getUnavailableCodes, getTeams, getCxoneAgents } },
};

function credentialData(overrides: Record<string, string> = {}): ICredentialDataDecryptedObject {
	return { issuer: emulator.url, ...emulator.access, apiBaseUrl: '', apiVersion: 'v33.0', accessToken: '', resolvedApiBaseUrl: '', ...overrides };
}

function contextParts(type: string, name: string, helper: CredentialsHelper) {
	const node: INode = {
		id: 'temp',
		name,
		type,
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
		credentials: { niceCxoneApi: { id: 'cred-1', name: 'CXone' } },
	};
	const nodeTypes = new NodeTypes({ credentialTest: testerNodeType, cxoneDropdowns: dropdownNodeType });
	const workflow = new Workflow({ nodes: [node], connections: {}, active: false, nodeTypes });
	const additionalData = { credentialsHelper: helper, variables: {}, executionId: '1' } as unknown as IWorkflowExecuteAdditionalData;
	return { node, workflow, additionalData };
}

/** n8n's "Test" button: credentials-tester.service runs the test request through RoutingNode. */
async function runCredentialTest(helper: CredentialsHelper) {
	const { node, workflow, additionalData } = contextParts('credentialTest', 'Temp-Node', helper);
	const input = { main: [[{ json: {} }]] };
	const context = new ExecuteContext(workflow, node, additionalData, 'internal', createEmptyRunExecutionData(), 0, [], input, { node, data: input, source: null }, []);
	const routingNode = new RoutingNode(context, testerNodeType, { id: 'cred-1', name: 'CXone', type: 'niceCxoneApi', data: helper.data });
	return await routingNode.runNode();
}

beforeAll(async () => {
	emulator = await startCxoneEmulator({ agents: 5 });
});

afterAll(async () => {
	// n8n-core's DI singletons start intervals when an execute context is built (n8n.md §5.3).
	if (Container.has(ScheduledTaskManager)) clearInterval((Container.get(ScheduledTaskManager) as unknown as { logInterval: NodeJS.Timeout }).logInterval);
	if (Container.has(SSHClientsManager)) clearInterval((Container.get(SSHClientsManager) as unknown as { cleanupTimer: NodeJS.Timeout }).cleanupTimer);
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
