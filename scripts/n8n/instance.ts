/**
 * Runs a real n8n 2.8.4 with this package installed the way a user's community install is
 * (`<userFolder>/.n8n/nodes/node_modules/<package>`, node types named `<package>.<node>`), bound to
 * 127.0.0.1 on free ports, and drives it through its REST and public APIs (reference/n8n.md §6, §8).
 * Used by the e2e tests, `npm start` and `npm run bench`. n8n's output goes to a log file only.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
	closeSync,
	existsSync,
	lstatSync,
	mkdirSync,
	openSync,
	readFileSync,
	readSync,
	realpathSync,
	rmSync,
	statSync,
	symlinkSync,
	writeFileSync,
} from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';

import type { IDataObject, INodeTypeDescription } from 'n8n-workflow';

import { redact } from '../../lib/errors';
import { fitCredentialData, type CredentialSchema } from './credentialSchema';
import { workflowCreateBody, type CredentialsByType, type WorkflowJson } from './workflowBody';

export interface StartN8nOptions {
	/** n8n keeps its data in `<userFolder>/.n8n` (sqlite database, encryption key, nodes). */
	userFolder: string;
	/** HTTP port for the editor, REST and public API; 0 (default) picks a free one. */
	port?: number;
	/** This package's root: holds package.json, dist/ and node_modules/.bin/n8n. */
	packageRoot: string;
	/** Extra environment for n8n, applied last (e.g. N8N_LOG_LEVEL, EXECUTIONS_DATA_PRUNE). */
	env?: Record<string, string>;
	/** Where n8n's stdout and stderr go (appended); default `<userFolder>/n8n.log`. */
	logFile?: string;
	/** How long to wait for n8n to serve its API; default 120 s. */
	readyTimeoutMs?: number;
}

export interface N8nLogin {
	email: string;
	password: string;
	apiKey: string;
}

export interface N8nCredential {
	id: string;
	name: string;
	type: string;
}

export interface N8nWorkflow {
	id: string;
	name: string;
	active: boolean;
	nodes: WorkflowJson['nodes'];
	connections: WorkflowJson['connections'];
	settings?: IDataObject;
	staticData?: IDataObject | null;
	versionId?: string;
	[key: string]: unknown;
}

export interface N8nCredentialType {
	name: string;
	displayName: string;
	extends?: string[];
	properties: Array<{ name: string; type: string; default?: unknown }>;
	[key: string]: unknown;
}

/** One node run in an execution's data (as stored by n8n). */
export interface N8nTaskData {
	data?: { main: Array<Array<{ json: IDataObject }> | null> };
	error?: IDataObject;
	executionStatus?: string;
}

export interface N8nExecution {
	id: string;
	finished: boolean;
	/** 'trigger' for executions started by trigger and poll nodes. */
	mode: string;
	status: string;
	startedAt: string;
	stoppedAt: string | null;
	workflowId: string;
	/** Present with includeData. */
	data?: {
		resultData: { runData: Record<string, N8nTaskData[]>; error?: IDataObject; lastNodeExecuted?: string };
	};
	[key: string]: unknown;
}

/** The json of each item a node emitted on one output in an execution (fetched with includeData). */
export function nodeOutput(execution: N8nExecution, nodeName: string, output = 0, runIndex = 0): IDataObject[] {
	if (execution.data === undefined) throw new Error(`Execution ${execution.id} was fetched without includeData`);
	const runs = execution.data.resultData.runData[nodeName];
	if (runs?.[runIndex] === undefined) {
		const ran = Object.keys(execution.data.resultData.runData).join(', ') || 'none';
		throw new Error(`Node '${nodeName}' has no run ${runIndex} in execution ${execution.id}; ran: ${ran}`);
	}
	return (runs[runIndex].data?.main[output] ?? []).map((item) => item.json);
}

export interface ExecutionQuery {
	includeData?: boolean;
	/** Page size per request (n8n caps it at 250); all pages are followed. */
	limit?: number;
	status?: 'canceled' | 'error' | 'running' | 'success' | 'waiting';
}

/** n8n answered an API call with an error status; the message carries n8n's (redacted) reason. */
export class N8nApiError extends Error {
	constructor(
		readonly status: number,
		message: string,
	) {
		super(message);
		this.name = 'N8nApiError';
	}
}

type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

const LOCALHOST = '127.0.0.1';
const OWNER_EMAIL = 'owner@example.com';
const STOP_GRACE_MS = 10_000;

/** Asks the OS for `count` distinct free TCP ports on loopback (all held open until each is known). */
export async function freePorts(count: number): Promise<number[]> {
	const servers = Array.from({ length: count }, () => createServer());
	try {
		return await Promise.all(
			servers.map(
				async (server) =>
					await new Promise<number>((resolvePort, reject) => {
						server.once('error', reject);
						server.listen(0, LOCALHOST, () => resolvePort((server.address() as AddressInfo).port));
					}),
			),
		);
	} finally {
		await Promise.all(servers.map(async (server) => await new Promise((closed) => server.close(closed))));
	}
}

function readPackageName(packageRoot: string): string {
	const manifest = join(packageRoot, 'package.json');
	if (!existsSync(manifest)) throw new Error(`No package.json in packageRoot '${packageRoot}'`);
	return (JSON.parse(readFileSync(manifest, 'utf8')) as { name: string }).name;
}

function resolveN8nBin(packageRoot: string): string {
	const bin = join(packageRoot, 'node_modules', '.bin', 'n8n');
	if (!existsSync(bin)) {
		throw new Error(`n8n is not installed: '${bin}' is missing. It is a devDependency (n8n@2.8.4); run npm install.`);
	}
	return realpathSync(bin);
}

/**
 * n8n scans `<userFolder>/.n8n/nodes/node_modules/n8n-nodes-*` at startup (community-packages module,
 * LazyPackageDirectoryLoader, which follows symlinks). A symlink keeps the running n8n on the freshly built dist/.
 */
function linkPackage(userFolder: string, packageRoot: string, packageName: string): void {
	const nodeModules = join(userFolder, '.n8n', 'nodes', 'node_modules');
	mkdirSync(nodeModules, { recursive: true });
	const link = join(nodeModules, packageName);
	const target = realpathSync(packageRoot);
	if (realpathOrNull(link) === target && lstatSync(link).isSymbolicLink()) return;
	rmSync(link, { recursive: true, force: true });
	symlinkSync(target, link, 'dir');
}

function realpathOrNull(path: string): string | null {
	try {
		return realpathSync(path);
	} catch {
		return null;
	}
}

/**
 * The parent's own n8n settings (N8N_…, DB_…) must not leak into the instance (another port, database, …),
 * nor jest's NODE_ENV=test: n8n refuses to load nodes when it thinks it runs inside its own tests.
 */
function inheritedEnv(): Record<string, string> {
	const env: Record<string, string> = {};
	for (const [key, value] of Object.entries(process.env)) {
		if (value !== undefined && !/^(N8N_|DB_|EXECUTIONS_|QUEUE_|JEST_|WEBHOOK_URL$|NODE_ENV$)/.test(key)) env[key] = value;
	}
	return env;
}

function tailOf(file: string, bytes = 4000): string {
	try {
		const size = statSync(file).size;
		const fd = openSync(file, 'r');
		const buffer = Buffer.alloc(Math.min(bytes, size));
		readSync(fd, buffer, 0, buffer.length, size - buffer.length);
		closeSync(fd);
		return redact(buffer.toString('utf8'));
	} catch {
		return '';
	}
}

const sleep = async (ms: number) => await new Promise((done) => setTimeout(done, ms));

export async function startN8n(options: StartN8nOptions): Promise<N8nInstance> {
	const userFolder = resolve(options.userFolder);
	const packageRoot = resolve(options.packageRoot);
	const packageName = readPackageName(packageRoot);
	const n8nBin = resolveN8nBin(packageRoot);
	mkdirSync(userFolder, { recursive: true });
	linkPackage(userFolder, packageRoot, packageName);

	const [freeHttpPort, brokerPort] = await freePorts(2);
	const port = options.port !== undefined && options.port !== 0 ? options.port : freeHttpPort;
	const logFile = resolve(options.logFile ?? join(userFolder, 'n8n.log'));
	const env: Record<string, string> = {
		...inheritedEnv(),
		N8N_USER_FOLDER: userFolder,
		N8N_LISTEN_ADDRESS: LOCALHOST,
		N8N_HOST: LOCALHOST,
		N8N_PORT: String(port),
		N8N_RUNNERS_BROKER_PORT: String(brokerPort),
		N8N_RUNNERS_BROKER_LISTEN_ADDRESS: LOCALHOST,
		DB_TYPE: 'sqlite',
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_WHATS_NEW_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_DYNAMIC_BANNERS_ENABLED: 'false',
		N8N_HIRING_BANNER_ENABLED: 'false',
		N8N_LICENSE_AUTO_RENEW_ENABLED: 'false',
		N8N_SECURE_COOKIE: 'false',
		N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'true',
		N8N_LOG_OUTPUT: 'console',
		...options.env,
	};

	const logFd = openSync(logFile, 'a');
	const started = Date.now();
	// Own process group (detached) so stop() can end n8n together with its task-runner child.
	// cwd is the user folder: n8n's bin loads a .env from its cwd.
	const child = spawn(process.execPath, [n8nBin, 'start'], {
		cwd: userFolder,
		env,
		detached: true,
		stdio: ['ignore', logFd, logFd],
	});
	closeSync(logFd);
	const instance = new N8nInstance(child, { userFolder, packageName, port, brokerPort, logFile });
	try {
		await instance.waitUntilReady(options.readyTimeoutMs ?? 120_000);
	} catch (error) {
		await instance.stop();
		throw error;
	}
	instance.startupMs = Date.now() - started;
	return instance;
}

export class N8nInstance {
	readonly baseUrl: string;
	readonly userFolder: string;
	readonly packageName: string;
	readonly port: number;
	readonly brokerPort: number;
	readonly logFile: string;
	/** The n8n main process (not the task runner): read its RSS from /proc/<pid>/status. */
	readonly pid: number;
	/** Milliseconds from spawn until the REST and public APIs answered. */
	startupMs = 0;

	private exited: Promise<void>;
	private exitCode: number | null = null;
	private hasExited = false;
	private login: Promise<N8nLogin> | undefined;
	private cookie: string | undefined;
	private readonly credentialsByType: CredentialsByType = {};
	private readonly killOnParentExit = () => this.signal(-this.pid, 'SIGKILL');

	constructor(
		child: ChildProcess,
		info: { userFolder: string; packageName: string; port: number; brokerPort: number; logFile: string },
	) {
		if (child.pid === undefined) throw new Error('n8n did not start (no pid)');
		this.pid = child.pid;
		this.userFolder = info.userFolder;
		this.packageName = info.packageName;
		this.port = info.port;
		this.brokerPort = info.brokerPort;
		this.logFile = info.logFile;
		this.baseUrl = `http://${LOCALHOST}:${info.port}`;
		this.exited = new Promise((done) =>
			child.once('exit', (code) => {
				this.hasExited = true;
				this.exitCode = code;
				process.off('exit', this.killOnParentExit);
				done();
			}),
		);
		// A detached n8n would outlive a crashed parent; take it down with us.
		process.on('exit', this.killOnParentExit);
	}

	/** `/healthz/readiness` turns 200 seconds before the routes exist, so wait for the APIs as well. */
	async waitUntilReady(timeoutMs: number): Promise<void> {
		const deadline = Date.now() + timeoutMs;
		while (Date.now() < deadline) {
			if (this.hasExited) {
				const log = tailOf(this.logFile);
				throw new Error(`n8n exited with code ${this.exitCode} while starting; log ${this.logFile}:\n${log}`);
			}
			const [readiness, settings, publicApi] = await Promise.all([
				this.probe('/healthz/readiness'),
				this.probe('/rest/settings'),
				this.probe('/api/v1/workflows'),
			]);
			if (readiness === 200 && settings === 200 && publicApi === 401) return;
			await sleep(200);
		}
		throw new Error(`n8n did not become ready within ${timeoutMs} ms; log ${this.logFile}:\n${tailOf(this.logFile)}`);
	}

	/** SIGTERM to n8n (it deactivates its triggers, stops its task runner and exits); SIGKILL to the group if it hangs. */
	async stop(): Promise<void> {
		if (!this.hasExited) {
			this.signal(this.pid, 'SIGTERM');
			const timer = setTimeout(() => this.signal(-this.pid, 'SIGKILL'), STOP_GRACE_MS);
			await this.exited;
			clearTimeout(timer);
		}
		// The task runner child shares the group; make sure nothing of it is left.
		this.signal(-this.pid, 'SIGKILL');
	}

	/** The owner login and an API key: created on first use, reused from `<userFolder>/demo-login.json` later. */
	async owner(): Promise<N8nLogin> {
		this.login ??= this.signIn().catch((error: Error) => {
			this.login = undefined;
			throw error;
		});
		return await this.login;
	}

	private async signIn(): Promise<N8nLogin> {
		const loginFile = join(this.userFolder, 'demo-login.json');
		const saved = existsSync(loginFile) ? (JSON.parse(readFileSync(loginFile, 'utf8')) as Partial<N8nLogin>) : {};
		const settings = await this.session<{ userManagement: { showSetupOnFirstLoad: boolean } }>('GET', '/rest/settings');

		let email: string;
		let password: string;
		if (settings.userManagement.showSetupOnFirstLoad) {
			email = OWNER_EMAIL;
			// Meets n8n's rule: at least 8 characters with a digit and an uppercase letter.
			password = `${randomBytes(12).toString('base64url')}Aa1`;
			await this.session('POST', '/rest/owner/setup', { email, firstName: 'Demo', lastName: 'Owner', password });
		} else {
			if (saved.email === undefined || saved.password === undefined) {
				throw new Error(
					`n8n in '${this.userFolder}' already has an owner, but its login is not in ${loginFile}. ` +
						`Delete '${join(this.userFolder, '.n8n')}' to start from scratch.`,
				);
			}
			email = saved.email;
			password = saved.password;
			await this.session('POST', '/rest/login', { emailOrLdapLoginId: email, password });
		}

		let apiKey = saved.email === email ? saved.apiKey : undefined;
		if (apiKey === undefined || (await this.probe('/api/v1/workflows?limit=1', { 'X-N8N-API-KEY': apiKey })) !== 200) {
			const scopes = await this.session<string[]>('GET', '/rest/api-keys/scopes');
			const created = await this.session<{ rawApiKey: string }>('POST', '/rest/api-keys', {
				label: `presence-sync ${new Date().toISOString()}`,
				scopes,
				expiresAt: null,
			});
			apiKey = created.rawApiKey;
		}
		const login = { email, password, apiKey };
		writeFileSync(loginFile, JSON.stringify(login, null, '\t'), { mode: 0o600 });
		return login;
	}

	/** Creates a credential; later createWorkflow() calls point nodes needing this type at it. */
	async createCredential(name: string, type: string, data: IDataObject): Promise<N8nCredential> {
		const schema = await this.api<CredentialSchema>('GET', `/credentials/schema/${encodeURIComponent(type)}`).catch(
			(error: Error) => {
				if (error instanceof N8nApiError && error.status === 404) {
					throw new Error(`n8n does not know credential type '${type}'; is the package loaded? (${this.logFile})`);
				}
				throw error;
			},
		);
		let fitted = fitCredentialData(schema, data);
		if (fitted.needsDefaults.length > 0 && fitted.publicApiAccepts) {
			fitted = fitCredentialData(schema, data, await this.credentialDefaults(type));
		}
		const created = fitted.publicApiAccepts
			? await this.api<N8nCredential>('POST', '/credentials', { name, type, data: fitted.data })
			: await this.rest<N8nCredential>('POST', '/rest/credentials', { name, type, data: fitted.data });
		return this.remember({ id: created.id, name: created.name, type: created.type });
	}

	/** Finds a credential by name (e.g. one a previous start created) and remembers it like createCredential. */
	async findCredential(name: string): Promise<N8nCredential | undefined> {
		const found = (await this.pages<N8nCredential>('/credentials', {})).find((credential) => credential.name === name);
		return found === undefined ? undefined : this.remember({ id: found.id, name: found.name, type: found.type });
	}

	/** Creates a workflow from exported/template JSON; node credentials are mapped by type to those created here. */
	async createWorkflow(json: WorkflowJson): Promise<N8nWorkflow> {
		return await this.api<N8nWorkflow>('POST', '/workflows', workflowCreateBody(json, this.credentialsByType));
	}

	/** Finds a workflow by name (e.g. one a previous start created). */
	async findWorkflow(name: string): Promise<N8nWorkflow | undefined> {
		return (await this.pages<N8nWorkflow>('/workflows', {})).find((workflow) => workflow.name === name);
	}

	/** The workflow as stored, including its staticData (trigger cursors). */
	async workflow(id: string): Promise<N8nWorkflow> {
		return await this.api<N8nWorkflow>('GET', `/workflows/${encodeURIComponent(id)}`);
	}

	/** Activates (publishes) a workflow; its triggers start at once. n8n's reason is in the error when it cannot. */
	async activate(id: string): Promise<N8nWorkflow> {
		return await this.api<N8nWorkflow>('POST', `/workflows/${encodeURIComponent(id)}/activate`);
	}

	/** Deactivates a workflow; n8n runs the triggers' closeFunction before answering. */
	async deactivate(id: string): Promise<N8nWorkflow> {
		return await this.api<N8nWorkflow>('POST', `/workflows/${encodeURIComponent(id)}/deactivate`);
	}

	/** All executions of a workflow, newest first, following nextCursor. Running ones only with status 'running'. */
	async executions(workflowId: string, query: ExecutionQuery = {}): Promise<N8nExecution[]> {
		return await this.pages<N8nExecution>('/executions', {
			workflowId,
			includeData: query.includeData ? 'true' : undefined,
			limit: String(query.limit ?? 100),
			status: query.status,
		});
	}

	/** Node type descriptions as the editor sees them (one entry per version), via the owner's session. */
	async nodeTypes(): Promise<INodeTypeDescription[]> {
		await this.owner();
		return await this.http<INodeTypeDescription[]>('GET', '/types/nodes.json', { cookie: true, unwrap: false });
	}

	/** Credential type descriptions as the editor sees them (our types keep their plain names). */
	async credentialTypes(): Promise<N8nCredentialType[]> {
		await this.owner();
		return await this.http<N8nCredentialType[]>('GET', '/types/credentials.json', { cookie: true, unwrap: false });
	}

	/** A call to the public API (`/api/v1` + path) with the owner's API key. */
	async api<T>(method: HttpMethod, path: string, body?: unknown): Promise<T> {
		const { apiKey } = await this.owner();
		return await this.http<T>(method, `/api/v1${path}`, { body, headers: { 'X-N8N-API-KEY': apiKey }, unwrap: false });
	}

	/** A call to the editor's REST API (path starts with /rest) as the owner; returns the response's `data`. */
	async rest<T>(method: HttpMethod, path: string, body?: unknown): Promise<T> {
		await this.owner();
		return await this.session<T>(method, path, body);
	}

	/** A REST call with whatever session cookie is held (none before setup or login). */
	private async session<T>(method: HttpMethod, path: string, body?: unknown): Promise<T> {
		return await this.http<T>(method, path, { body, cookie: true, unwrap: true });
	}

	private remember(credential: N8nCredential): N8nCredential {
		this.credentialsByType[credential.type] = { id: credential.id, name: credential.name };
		return credential;
	}

	/** Defaults of a credential type and the types it extends, as the editor would prefill them. */
	private async credentialDefaults(type: string): Promise<IDataObject> {
		const types = await this.credentialTypes();
		const byName = new Map(types.map((entry) => [entry.name, entry]));
		const collect = (name: string): IDataObject => {
			const entry = byName.get(name);
			if (entry === undefined) return {};
			const inherited = Object.assign({}, ...(entry.extends ?? []).map(collect)) as IDataObject;
			for (const property of entry.properties) inherited[property.name] = property.default as IDataObject[string];
			return inherited;
		};
		return collect(type);
	}

	private async pages<T>(path: string, query: Record<string, string | undefined>): Promise<T[]> {
		const items: T[] = [];
		let cursor: string | undefined;
		do {
			const params = new URLSearchParams();
			for (const [key, value] of Object.entries({ ...query, cursor })) if (value !== undefined) params.set(key, value);
			const page = await this.api<{ data: T[]; nextCursor: string | null }>('GET', `${path}?${params.toString()}`);
			items.push(...page.data);
			cursor = page.nextCursor ?? undefined;
		} while (cursor !== undefined);
		return items;
	}

	private async probe(path: string, headers: Record<string, string> = {}): Promise<number> {
		try {
			const response = await fetch(`${this.baseUrl}${path}`, { headers, signal: AbortSignal.timeout(5000) });
			await response.arrayBuffer();
			return response.status;
		} catch {
			return 0;
		}
	}

	private async http<T>(
		method: HttpMethod,
		path: string,
		options: { body?: unknown; headers?: Record<string, string>; cookie?: boolean; unwrap: boolean },
	): Promise<T> {
		const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
		if (options.body !== undefined) headers['content-type'] = 'application/json';
		if (options.cookie && this.cookie !== undefined) headers.cookie = this.cookie;
		const response = await fetch(`${this.baseUrl}${path}`, {
			method,
			headers,
			body: options.body === undefined ? undefined : JSON.stringify(options.body),
			signal: AbortSignal.timeout(60_000),
		});
		const authCookie = response.headers.getSetCookie().find((cookie) => cookie.startsWith('n8n-auth='));
		if (authCookie !== undefined) this.cookie = authCookie.split(';')[0];
		const text = await response.text();
		if (!response.ok) {
			// Paths carry no secrets; the body may echo what was sent, so it is redacted and cut short.
			const reason = redact(text).slice(0, 1000);
			throw new N8nApiError(response.status, `n8n ${method} ${path.split('?')[0]} answered ${response.status}: ${reason}`);
		}
		const parsed = text === '' ? undefined : (JSON.parse(text) as unknown);
		return (options.unwrap ? (parsed as { data: T }).data : parsed) as T;
	}

	/** A negative pid addresses n8n's process group (n8n and its task runner). */
	private signal(pid: number, signal: NodeJS.Signals): void {
		try {
			process.kill(pid, signal);
		} catch {
			// Already gone.
		}
	}
}
