/**
 * A real n8n 2.8.4 with this package linked in as a community package: the node and credential types
 * load under the package's name, credentials and workflows are created through the public API, a
 * schedule-triggered workflow runs while active and stops when deactivated, a second start reuses the
 * owner, API key, credentials and workflows of the first, and stop() leaves no process behind.
 * Needs `npm run build` (or `npx tsc -p tsconfig.json`) first: n8n loads the package's dist/.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';

import type { INodeType } from 'n8n-workflow';

import { nodeOutput, startN8n, type N8nInstance } from '../../scripts/n8n/instance';
import type { WorkflowJson } from '../../scripts/n8n/workflowBody';

jest.setTimeout(240_000);

const packageRoot = resolve(__dirname, '../..');
const manifest = JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as {
	name: string;
	n8n: { nodes: string[]; credentials: string[] };
};

/** The type name n8n derives from a built file: the class named after the file, its description.name. */
function declaredName(distPath: string, suffix: '.node.js' | '.credentials.js'): string {
	const file = join(packageRoot, distPath);
	if (!existsSync(file)) throw new Error(`${distPath} is not built; run npm run build before the e2e tests`);
	const className = basename(distPath, suffix);
	const loaded = new (require(file) as Record<string, new () => unknown>)[className]();
	return suffix === '.node.js' ? (loaded as INodeType).description.name : (loaded as { name: string }).name;
}

const pollUntil = async <T>(what: string, read: () => Promise<T>, done: (value: T) => boolean): Promise<T> => {
	for (let attempt = 0; attempt < 120; attempt++) {
		const value = await read();
		if (done(value)) return value;
		await new Promise((resolveWait) => setTimeout(resolveWait, 250));
	}
	throw new Error(`Gave up waiting for ${what}`);
};

const presenceWorkflow: WorkflowJson = {
	// Keys an n8n export carries that the public API rejects: createWorkflow must drop them.
	id: 'exported-id',
	active: true,
	versionId: 'v-old',
	pinData: {},
	meta: { instanceId: 'elsewhere' },
	tags: [],
	name: 'e2e presence rule',
	nodes: [
		{
			id: 'n1',
			name: 'Manual',
			type: 'n8n-nodes-base.manualTrigger',
			typeVersion: 1,
			position: [0, 0],
			parameters: {},
		},
		{
			id: 'n2',
			name: 'Rule',
			type: `${manifest.name}.presenceRule`,
			typeVersion: 1,
			position: [220, 0],
			parameters: {},
			credentials: { niceCxoneApi: { id: 'from-the-template', name: 'CXone (template)' } },
			createdAt: 'read-only',
		} as WorkflowJson['nodes'][number],
	],
	connections: { Manual: { main: [[{ node: 'Rule', type: 'main', index: 0 }]] } },
	settings: { executionOrder: 'v1', binaryMode: 'separate' },
};

const scheduleWorkflow: WorkflowJson = {
	name: 'e2e schedule',
	nodes: [
		{
			id: 's1',
			name: 'Every second',
			type: 'n8n-nodes-base.scheduleTrigger',
			typeVersion: 1.2,
			position: [0, 0],
			parameters: { rule: { interval: [{ field: 'seconds', secondsInterval: 1 }] } },
		},
		{
			id: 's2',
			name: 'Stamp',
			type: 'n8n-nodes-base.set',
			typeVersion: 3.4,
			position: [220, 0],
			parameters: {
				assignments: { assignments: [{ id: 'a1', name: 'stamped', value: true, type: 'boolean' }] },
				options: {},
			},
		},
	],
	connections: { 'Every second': { main: [[{ node: 'Stamp', type: 'main', index: 0 }]] } },
};

describe('a real n8n with the package installed', () => {
	const userFolder = mkdtempSync(join(tmpdir(), 'n8n-e2e-instance-'));
	let n8n: N8nInstance | undefined;
	const started = () => {
		if (n8n === undefined) throw new Error('n8n did not start');
		return n8n;
	};

	beforeAll(async () => {
		n8n = await startN8n({ userFolder, packageRoot });
	});

	afterAll(async () => {
		await n8n?.stop();
		rmSync(userFolder, { recursive: true, force: true });
	});

	it('loads every node and credential type of the package under its name', async () => {
		const nodeNames = new Set((await started().nodeTypes()).map((type) => type.name));
		const credentialNames = new Set((await started().credentialTypes()).map((type) => type.name));

		const expectedNodes = manifest.n8n.nodes.map((path) => `${manifest.name}.${declaredName(path, '.node.js')}`);
		const expectedCredentials = manifest.n8n.credentials.map((path) => declaredName(path, '.credentials.js'));
		expect(expectedNodes).toContain(`${manifest.name}.presenceRule`);
		expect(expectedNodes.filter((name) => !nodeNames.has(name))).toEqual([]);
		expect(expectedCredentials.filter((name) => !credentialNames.has(name))).toEqual([]);
	});

	it('creates credentials through the public API and the OAuth2 one through the editor route', async () => {
		const cxone = await started().createCredential('e2e CXone', 'niceCxoneApi', {
			clientId: 'client',
			clientSecret: 'secret',
			accessKeyId: 'key-id',
			accessKeySecret: 'key-secret',
		});
		const salesforce = await started().createCredential('e2e Salesforce', 'salesforceOmniOAuth2Api', {
			clientId: 'client',
			clientSecret: 'secret',
		});

		expect(cxone).toEqual({ id: expect.any(String), name: 'e2e CXone', type: 'niceCxoneApi' });
		expect(salesforce).toEqual({ id: expect.any(String), name: 'e2e Salesforce', type: 'salesforceOmniOAuth2Api' });
		expect(await started().findCredential('e2e CXone')).toEqual(cxone);
		expect(await started().findCredential('no such credential')).toBeUndefined();
	});

	it('creates a workflow from export JSON with its credentials mapped by type', async () => {
		const cxone = await started().findCredential('e2e CXone');
		const created = await started().createWorkflow(presenceWorkflow);

		expect(created.id).not.toBe('exported-id');
		expect(created.active).toBe(false);
		const stored = await started().workflow(created.id);
		expect(stored.nodes.map((node) => node.type)).toEqual(['n8n-nodes-base.manualTrigger', `${manifest.name}.presenceRule`]);
		expect(stored.nodes[1].credentials).toEqual({ niceCxoneApi: { id: cxone?.id, name: 'e2e CXone' } });
		expect((await started().findWorkflow('e2e presence rule'))?.id).toBe(created.id);
	});

	it('refuses a workflow whose node needs a credential type not created here', async () => {
		const needsJwt: WorkflowJson = {
			...presenceWorkflow,
			nodes: [{ ...presenceWorkflow.nodes[1], credentials: { salesforceOmniJwtApi: { id: 'x', name: 'JWT' } } }],
			connections: {},
		};
		await expect(started().createWorkflow(needsJwt)).rejects.toThrow(
			"node 'Rule' uses a 'salesforceOmniJwtApi' credential, but none was created",
		);
	});

	it('runs a schedule-triggered workflow while active and stops when deactivated', async () => {
		const workflow = await started().createWorkflow(scheduleWorkflow);
		expect((await started().activate(workflow.id)).active).toBe(true);

		// limit 1 makes executions() follow nextCursor from page to page.
		const runs = await pollUntil(
			'two successful scheduled executions',
			async () => await started().executions(workflow.id, { includeData: true, limit: 1, status: 'success' }),
			(executions) => executions.length >= 2,
		);
		expect(new Set(runs.map((run) => run.id)).size).toBe(runs.length);
		expect(runs[0]).toMatchObject({ workflowId: workflow.id, mode: 'trigger', status: 'success', finished: true });
		expect(nodeOutput(runs[0], 'Stamp')).toEqual([expect.objectContaining({ stamped: true })]);

		expect((await started().deactivate(workflow.id)).active).toBe(false);
		// Let an execution that was already under way finish, then no new one may start.
		await new Promise((resolveWait) => setTimeout(resolveWait, 1500));
		const afterDeactivation = (await started().executions(workflow.id)).length;
		await new Promise((resolveWait) => setTimeout(resolveWait, 2500));
		expect(await started().executions(workflow.id)).toHaveLength(afterDeactivation);
	});

	it('stops cleanly, and a second start reuses the owner, API key, credentials and workflows', async () => {
		const first = started();
		const login = await first.owner();
		await first.stop();
		expect(() => process.kill(first.pid, 0)).toThrow(expect.objectContaining({ code: 'ESRCH' }));
		expect(() => process.kill(-first.pid, 0)).toThrow(expect.objectContaining({ code: 'ESRCH' }));

		n8n = await startN8n({ userFolder, packageRoot });
		expect(await started().owner()).toEqual(login);
		expect(await started().findCredential('e2e CXone')).toMatchObject({ type: 'niceCxoneApi' });
		expect(await started().findWorkflow('e2e presence rule')).toBeDefined();
	});
});
