/**
 * Proves the in-process harness with test-only node and credential types over a local HTTP server:
 * a workflow runs with paired items, generic and function authentication reach the wire, an expirable
 * credential's preAuthentication runs once and again after a 401, and triggers emit, keep static data
 * and close.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import type {
	ICredentialDataDecryptedObject,
	ICredentialType,
	IExecuteFunctions,
	IHttpRequestHelper,
	IHttpRequestOptions,
	INode,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	ITriggerFunctions,
	ITriggerResponse,
} from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import {
	NodeTypes,
	TEST_START_TYPE,
	TestCredentialsHelper,
	TestStart,
	runTrigger,
	runWorkflow,
	teardownN8nCore,
} from '../helpers/harness';

/** A session-token credential: the token is fetched by preAuthentication and expires (401). */
class DemoSessionApi implements ICredentialType {
	name = 'demoSessionApi';
	displayName = 'Demo Session API';
	properties: ICredentialType['properties'] = [
		{ displayName: 'Base URL', name: 'baseUrl', type: 'string', default: '' },
		{ displayName: 'API Key', name: 'apiKey', type: 'string', typeOptions: { password: true }, default: '' },
		{ displayName: 'Session Token', name: 'sessionToken', type: 'hidden', typeOptions: { expirable: true }, default: '' },
	];
	async preAuthentication(this: IHttpRequestHelper, credentials: ICredentialDataDecryptedObject) {
		const { token } = (await this.helpers.httpRequest({
			method: 'POST',
			url: `${credentials.baseUrl}/token`,
			body: { apiKey: credentials.apiKey },
			json: true,
		})) as { token: string };
		return { sessionToken: token };
	}
	authenticate: ICredentialType['authenticate'] = {
		type: 'generic',
		properties: { headers: { Authorization: '=Bearer {{$credentials.sessionToken}}' } },
	};
}

/** A static-key credential with a function authenticate. */
class DemoKeyApi implements ICredentialType {
	name = 'demoKeyApi';
	displayName = 'Demo Key API';
	properties: ICredentialType['properties'] = [
		{ displayName: 'Base URL', name: 'baseUrl', type: 'string', default: '' },
		{ displayName: 'Key', name: 'key', type: 'string', typeOptions: { password: true }, default: '' },
		{ displayName: 'Region', name: 'region', type: 'string', default: 'eu' },
	];
	authenticate = async (credentials: ICredentialDataDecryptedObject, request: IHttpRequestOptions) => ({
		...request,
		headers: { ...request.headers, 'x-api-key': `${credentials.key}@${credentials.region}` },
	});
}

/** Routes Busy agents to output 0, the rest to output 1; throws on status 'boom'. */
class Route implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Route',
		name: 'route',
		group: ['transform'],
		version: 1,
		description: 'test router',
		defaults: { name: 'Route' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main, NodeConnectionTypes.Main],
		properties: [],
	};
	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const busy: INodeExecutionData[] = [];
		const other: INodeExecutionData[] = [];
		this.getInputData().forEach((item, index) => {
			if (item.json.status === 'boom') throw new NodeOperationError(this.getNode(), 'boom value');
			(item.json.status === 'Busy' ? busy : other).push({ json: item.json, pairedItem: { item: index } });
		});
		return [busy, other];
	}
}

/** Posts each agent to the server with the chosen credential. */
class SetPresence implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Set Presence',
		name: 'setPresence',
		group: ['output'],
		version: 1,
		description: 'test writer',
		defaults: { name: 'Set' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{ name: 'demoSessionApi', required: true, displayOptions: { show: { authentication: ['session'] } } },
			{ name: 'demoKeyApi', required: true, displayOptions: { show: { authentication: ['key'] } } },
		],
		properties: [
			{
				displayName: 'Authentication',
				name: 'authentication',
				type: 'options',
				options: [
					{ name: 'Session', value: 'session' },
					{ name: 'Key', value: 'key' },
				],
				default: 'session',
			},
		],
	};
	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const credentialType = this.getNodeParameter('authentication', 0) === 'key' ? 'demoKeyApi' : 'demoSessionApi';
		const { baseUrl } = await this.getCredentials(credentialType);
		const out: INodeExecutionData[] = [];
		for (const [index, item] of this.getInputData().entries()) {
			const response = await this.helpers.httpRequestWithAuthentication.call(this, credentialType, {
				method: 'POST',
				url: `${baseUrl}/presence`,
				body: { agent: item.json.agent },
				json: true,
			});
			out.push({ json: response, pairedItem: { item: index } });
		}
		return [out];
	}
}

/** Emits a counter every 20 ms, kept in the node's static data; manual mode emits one sample. */
class Ticker implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Ticker',
		name: 'ticker',
		group: ['trigger'],
		version: 1,
		description: 'test trigger',
		defaults: { name: 'Ticker' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		properties: [],
	};
	async trigger(this: ITriggerFunctions): Promise<ITriggerResponse> {
		if (this.getMode() === 'manual') {
			return { manualTriggerFunction: async () => this.emit([[{ json: { sample: true } }]]) };
		}
		const state = this.getWorkflowStaticData('node');
		const timer = setInterval(() => {
			state.count = ((state.count as number | undefined) ?? 0) + 1;
			this.emit([[{ json: { count: state.count } }]]);
		}, 20);
		return { closeFunction: async () => clearInterval(timer) };
	}
}

interface Seen {
	path: string;
	authorization?: string;
	apiKey?: string;
	status: number;
	body: Record<string, unknown>;
}

const seen: Seen[] = [];
let tokensIssued = 0;
let validToken = '';
let server: Server;
let baseUrl: string;

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
	const chunks: Buffer[] = [];
	for await (const chunk of req) chunks.push(chunk as Buffer);
	return chunks.length ? (JSON.parse(Buffer.concat(chunks).toString()) as Record<string, unknown>) : {};
}

beforeAll(async () => {
	server = createServer(async (req, res) => {
		const body = await readJson(req);
		const reply = (status: number, payload: unknown) => {
			seen.push({
				path: req.url ?? '',
				authorization: req.headers.authorization,
				apiKey: req.headers['x-api-key'] as string | undefined,
				status,
				body,
			});
			res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(payload));
		};
		if (req.url === '/token') {
			if (body.apiKey !== 'K3Y') return reply(403, { error: 'bad key' });
			validToken = `tok-${++tokensIssued}`;
			return reply(200, { token: validToken });
		}
		if (req.url === '/presence') {
			const viaSession = req.headers.authorization === `Bearer ${validToken}` && validToken !== '';
			const viaKey = req.headers['x-api-key'] === 'S3CRET@eu';
			if (!viaSession && !viaKey) return reply(401, { error: 'expired' });
			return reply(200, { agent: body.agent, applied: true });
		}
		reply(404, { error: 'not found' });
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
	teardownN8nCore();
	server.closeAllConnections();
	await new Promise((resolve) => server.close(resolve));
});

const nodeTypes = new NodeTypes({
	[TEST_START_TYPE]: new TestStart(),
	'test.route': new Route(),
	'test.setPresence': new SetPresence(),
	'test.ticker': new Ticker(),
});

function presenceWorkflow(authentication: 'session' | 'key') {
	const nodes: INode[] = [
		{ id: '1', name: 'Start', type: TEST_START_TYPE, typeVersion: 1, position: [0, 0], parameters: {} },
		{ id: '2', name: 'Route', type: 'test.route', typeVersion: 1, position: [200, 0], parameters: {} },
		{
			id: '3',
			name: 'Set',
			type: 'test.setPresence',
			typeVersion: 1,
			position: [400, 0],
			parameters: { authentication },
			credentials:
				authentication === 'key'
					? { demoKeyApi: { id: 'k1', name: 'Key' } }
					: { demoSessionApi: { id: 's1', name: 'Session' } },
		},
	];
	const connections = {
		Start: { main: [[{ node: 'Route', type: NodeConnectionTypes.Main, index: 0 }]] },
		Route: { main: [[{ node: 'Set', type: NodeConnectionTypes.Main, index: 0 }], []] },
	};
	return { nodes, connections, nodeTypes };
}

const agents = [
	{ json: { agent: 'a1', status: 'Busy' } },
	{ json: { agent: 'a2', status: 'Lunch' } },
	{ json: { agent: 'a3', status: 'Busy' } },
];

describe('runWorkflow', () => {
	const credentialsHelper = new TestCredentialsHelper(
		{ demoSessionApi: new DemoSessionApi(), demoKeyApi: new DemoKeyApi() },
		{ demoSessionApi: { baseUrl: '', apiKey: 'K3Y' }, demoKeyApi: { baseUrl: '', key: 'S3CRET' } },
	);

	beforeAll(async () => {
		// Credential data is fixed at construction; the server's port is only known now.
		await credentialsHelper.updateCredentials({ id: 's1', name: 'Session' }, 'demoSessionApi', { baseUrl, apiKey: 'K3Y' });
		await credentialsHelper.updateCredentials({ id: 'k1', name: 'Key' }, 'demoKeyApi', { baseUrl, key: 'S3CRET' });
	});

	beforeEach(() => {
		seen.length = 0;
	});

	it('runs nodes in order, routes items and keeps their pairing', async () => {
		const result = await runWorkflow({ ...presenceWorkflow('session'), credentialsHelper, input: agents });

		expect(result.run.status).toBe('success');
		expect(result.order).toEqual(['Start', 'Route', 'Set']);
		const [busy, other] = result.outputs('Route');
		expect(busy.map((item) => [item.json.agent, item.pairedItem])).toEqual([
			['a1', { item: 0 }],
			['a3', { item: 2 }],
		]);
		expect(other.map((item) => item.json.agent)).toEqual(['a2']);
		expect(result.outputs('Set')[0]).toEqual([
			{ json: { agent: 'a1', applied: true }, pairedItem: { item: 0 } },
			{ json: { agent: 'a3', applied: true }, pairedItem: { item: 1 } },
		]);
	});

	it('fetches an expirable token once, then again after a 401, and stores it', async () => {
		// The first test fetched tok-1 through preAuthentication (the stored token was empty).
		expect(credentialsHelper.preAuthenticationCalls.demoSessionApi).toBe(1);
		expect(credentialsHelper.stored('demoSessionApi')?.sessionToken).toBe('tok-1');

		const reused = await runWorkflow({ ...presenceWorkflow('session'), credentialsHelper, input: agents });
		expect(reused.run.status).toBe('success');
		expect(seen.map((s) => [s.path, s.authorization, s.status])).toEqual([
			['/presence', 'Bearer tok-1', 200],
			['/presence', 'Bearer tok-1', 200],
		]);

		validToken = 'revoked';
		seen.length = 0;
		const refreshed = await runWorkflow({ ...presenceWorkflow('session'), credentialsHelper, input: agents });

		expect(refreshed.run.status).toBe('success');
		expect(seen.map((s) => [s.path, s.authorization, s.status])).toEqual([
			['/presence', 'Bearer tok-1', 401],
			['/token', undefined, 200],
			['/presence', 'Bearer tok-2', 200],
			['/presence', 'Bearer tok-2', 200],
		]);
		expect(credentialsHelper.preAuthenticationCalls.demoSessionApi).toBe(2);
		expect(credentialsHelper.stored('demoSessionApi')?.sessionToken).toBe('tok-2');
	});

	it('applies a function authenticate with credential defaults filled in', async () => {
		const result = await runWorkflow({ ...presenceWorkflow('key'), credentialsHelper, input: agents });

		expect(result.run.status).toBe('success');
		// 'region' was not given: its default 'eu' comes from the credential type, as in n8n.
		expect(seen.map((s) => [s.apiKey, s.authorization])).toEqual([
			['S3CRET@eu', undefined],
			['S3CRET@eu', undefined],
		]);
	});

	it('reports a node error as a failed run', async () => {
		const result = await runWorkflow({
			...presenceWorkflow('session'),
			credentialsHelper,
			input: [{ json: { agent: 'a1', status: 'boom' } }],
		});

		expect(result.run.status).toBe('error');
		expect(result.run.data.resultData.error?.message).toBe('boom value');
		expect(() => result.outputs('Set')).toThrow("Node 'Set' did not run; ran: Start, Route");
	});

	it('names the start node and the known nodes when the start node is missing', async () => {
		await expect(
			runWorkflow({ ...presenceWorkflow('session'), credentialsHelper, startNode: 'Nope' }),
		).rejects.toThrow("Start node 'Nope' is not in the workflow; nodes: Start, Route, Set");
	});
});

describe('runTrigger', () => {
	const ticker: INode = { id: 't', name: 'Ticker', type: 'test.ticker', typeVersion: 1, position: [0, 0], parameters: {} };

	it('collects emits in trigger mode, keeps static data and stops emitting once closed', async () => {
		const staticData = {};
		const trigger = await runTrigger({ node: ticker, nodeTypes, staticData });

		await trigger.waitForEmits(2);
		await trigger.close();
		const countAtClose = trigger.emitted.length;
		expect(trigger.emitted.slice(0, 2)).toEqual([[[{ json: { count: 1 } }]], [[{ json: { count: 2 } }]]]);
		expect(trigger.workflow.staticData['node:Ticker']).toEqual({ count: countAtClose });

		// A second activation with the same static data resumes the counter.
		const resumed = await runTrigger({ node: ticker, nodeTypes, staticData: trigger.workflow.staticData });
		const [first] = await resumed.waitForEmits(1);
		await resumed.close();
		expect(first).toEqual([[{ json: { count: countAtClose + 1 } }]]);

		await new Promise((resolve) => setTimeout(resolve, 60));
		expect(trigger.emitted).toHaveLength(countAtClose);
	});

	it('returns the test event in manual mode', async () => {
		const trigger = await runTrigger({ node: ticker, nodeTypes, mode: 'manual' });

		expect(await trigger.waitForEmits(1)).toEqual([[[{ json: { sample: true } }]]]);
		await trigger.close();
	});
});
