/**
 * The whole demo, as one call: both emulators, the live console, a real n8n with this package, its owner
 * and API key, the three credentials pointing at the emulators, and the template workflow imported and
 * active. `npm start` is a thin CLI around it; the e2e tests and the benchmark call it with free ports
 * (0) and a throwaway user folder.
 *
 * A second start in the same user folder reuses what the first made: the login, the Salesforce connected
 * app (client id, secret and JWT key, kept in the folder so a saved credential still fits), the
 * credentials (by name, with their data rewritten for this run's emulators, whose URLs may be new) and
 * the workflow (by name, updated from the template). The emulators' data starts fresh every time, so the
 * workflow's trigger cursors from a previous run point into a world that is gone: they are reset with the update.
 */
import { readFileSync } from 'fs';
import * as path from 'path';
import type { IDataObject } from 'n8n-workflow';

import { CXONE_CREDENTIAL_TYPE } from '../../lib/cxone/credentials';
import { startConsole, type AgentConsole } from '../../emulators/console';
import { projectRoot } from '../../emulators/common/projectRoot';
import { TEMPLATE_FILE } from '../../emulators/console/templateRule';
import type { SeedAgent } from '../../emulators/common/seed';
import { startCxoneEmulator, type CxoneEmulator, type CxoneEmulatorOptions } from '../../emulators/cxone';
import {
	keptConnectedAppKeys,
	startSalesforceEmulator,
	type SalesforceEmulator,
	type SalesforceEmulatorOptions,
} from '../../emulators/salesforce';
import { startN8n, type N8nCredential, type N8nInstance, type N8nLogin, type N8nWorkflow } from '../n8n/instance';
import { workflowCreateBody, type CredentialsByType, type WorkflowJson } from '../n8n/workflowBody';

export const SALESFORCE_JWT_CREDENTIAL_TYPE = 'salesforceOmniJwtApi';
export const SALESFORCE_OAUTH2_CREDENTIAL_TYPE = 'salesforceOmniOAuth2Api';

/** Credential names the demo creates, and finds again on a second start. */
export const DEMO_CREDENTIAL_NAMES = {
	[SALESFORCE_JWT_CREDENTIAL_TYPE]: 'Salesforce Omni-Channel JWT (demo emulator)',
	[SALESFORCE_OAUTH2_CREDENTIAL_TYPE]: 'Salesforce Omni-Channel OAuth2 (demo emulator)',
	[CXONE_CREDENTIAL_TYPE]: 'NICE CXone (demo emulator)',
} as const;

/** In the user folder: the Salesforce emulator's connected app, the same on every start (owner-only file). */
export const CONNECTED_APP_FILE = 'salesforce-connected-app.json';

export interface DemoStackOptions {
	/** n8n's data folder (database, encryption key, login); kept between runs by `npm start`. */
	userFolder: string;
	/** 0 = any free port. Defaults: all 0. */
	ports?: { salesforce?: number; cxone?: number; console?: number; n8n?: number };
	/** Agents seeded on both emulators (agent i shares an email on both). Default 20. */
	agents?: number | SeedAgent[];
	/** Start the live console. Default true (a benchmark of thousands of agents may leave it out). */
	console?: boolean;
	/** Workflow to import and activate. Default: templates/bidirectional-presence-sync.json. */
	workflowFile?: string;
	/**
	 * Passed on to the emulators (port and agents are set from the options above). The Salesforce connected
	 * app defaults to the one kept in `<userFolder>/salesforce-connected-app.json` (made on the first start).
	 */
	salesforceOptions?: Omit<SalesforceEmulatorOptions, 'port' | 'agents'>;
	cxoneOptions?: Omit<CxoneEmulatorOptions, 'port' | 'agents'>;
	/** Extra environment for n8n (e.g. N8N_LOG_LEVEL). */
	n8nEnv?: Record<string, string>;
	/** Where n8n's output goes; default `<userFolder>/n8n.log`. */
	n8nLogFile?: string;
	/** Told about each step, e.g. to print progress. */
	onStep?: (step: string) => void;
}

export interface DemoStack {
	salesforce: SalesforceEmulator;
	cxone: CxoneEmulator;
	/** Absent when started with `console: false`. */
	console?: AgentConsole;
	n8n: N8nInstance;
	login: N8nLogin;
	credentials: Record<keyof typeof DEMO_CREDENTIAL_NAMES, N8nCredential>;
	/** The imported workflow, active. */
	workflow: N8nWorkflow;
	/** Stops n8n first (its triggers would otherwise report the emulators gone), then the console and emulators. */
	stop(): Promise<void>;
}

export async function startDemoStack(options: DemoStackOptions): Promise<DemoStack> {
	const root = projectRoot();
	const ports = options.ports ?? {};
	const agents = options.agents ?? 20;
	const step = options.onStep ?? (() => undefined);
	const stops: Array<() => Promise<void>> = [];
	/** Everything started, newest first; one part failing to stop does not keep the others running. */
	const stop = async () => {
		const failures: Error[] = [];
		for (const stopOne of stops.splice(0).reverse()) await stopOne().catch((error: Error) => failures.push(error));
		if (failures.length) throw new Error(`Stopping the demo stack: ${failures.map((error) => error.message).join('; ')}`);
	};

	try {
		const salesforce = await startSalesforceEmulator({
			...options.salesforceOptions,
			connectedApp: options.salesforceOptions?.connectedApp ?? keptConnectedAppKeys(path.join(options.userFolder, CONNECTED_APP_FILE)),
			port: ports.salesforce ?? 0,
			agents,
		});
		stops.push(() => salesforce.stop());
		const cxone = await startCxoneEmulator({ ...options.cxoneOptions, port: ports.cxone ?? 0, agents });
		stops.push(() => cxone.stop());
		step(`emulators up: Salesforce ${salesforce.url}, CXone ${cxone.url}`);

		let agentConsole: AgentConsole | undefined;
		if (options.console ?? true) {
			agentConsole = await startConsole({ port: ports.console ?? 0, salesforce, cxone });
			stops.push(() => agentConsole!.stop());
			step(`console up: ${agentConsole.url}`);
		}

		step('starting n8n (the first start takes a few seconds longer: database migrations)');
		const n8n = await startN8n({
			userFolder: options.userFolder,
			port: ports.n8n ?? 0,
			packageRoot: root,
			env: options.n8nEnv,
			logFile: options.n8nLogFile,
		});
		stops.push(() => n8n.stop());
		const login = await n8n.owner();
		step(`n8n up: ${n8n.baseUrl}`);

		const credentials = {
			[SALESFORCE_JWT_CREDENTIAL_TYPE]: await upsertCredential(n8n, SALESFORCE_JWT_CREDENTIAL_TYPE, {
				environment: 'custom',
				customUrl: salesforce.url,
				clientId: salesforce.connectedApp.clientId,
				username: salesforce.connectedApp.integrationUsername,
				privateKey: salesforce.connectedApp.jwtPrivateKey,
			}),
			[SALESFORCE_OAUTH2_CREDENTIAL_TYPE]: await upsertCredential(n8n, SALESFORCE_OAUTH2_CREDENTIAL_TYPE, {
				environment: 'custom',
				customUrl: salesforce.url,
				clientId: salesforce.connectedApp.clientId,
				clientSecret: salesforce.connectedApp.clientSecret,
			}),
			[CXONE_CREDENTIAL_TYPE]: await upsertCredential(n8n, CXONE_CREDENTIAL_TYPE, {
				issuer: cxone.url,
				clientId: cxone.access.clientId,
				clientSecret: cxone.access.clientSecret,
				accessKeyId: cxone.access.accessKeyId,
				accessKeySecret: cxone.access.accessKeySecret,
			}),
		};
		step('credentials ready');

		const template = JSON.parse(readFileSync(options.workflowFile ?? path.join(root, TEMPLATE_FILE), 'utf8')) as WorkflowJson;
		const workflow = await importAndActivate(n8n, template, credentials);
		// Left active, n8n would activate it at its next start with credentials still pointing at this run's
		// emulators, which will be gone (a failed activation at startup, retried in the background).
		stops.push(async () => {
			await n8n.deactivate(workflow.id);
		});
		step(`workflow '${workflow.name}' active`);

		return { salesforce, cxone, console: agentConsole, n8n, login, credentials, workflow, stop };
	} catch (error) {
		await stop().catch((stopError: Error) => ((error as Error).message += `; then: ${stopError.message}`));
		throw error;
	}
}

/**
 * The demo credential of a type: created, or found by name and rewritten with this run's data (an
 * emulator on port 0 has a new URL each start; keeping the id keeps the workflow's references valid).
 */
async function upsertCredential(n8n: N8nInstance, type: keyof typeof DEMO_CREDENTIAL_NAMES, data: IDataObject): Promise<N8nCredential> {
	const name = DEMO_CREDENTIAL_NAMES[type];
	const existing = await n8n.findCredential(name);
	if (existing === undefined) return await n8n.createCredential(name, type, data);
	if (existing.type !== type) {
		throw new Error(`n8n already has a credential named '${name}' of type '${existing.type}', not '${type}'; rename or delete it`);
	}
	// The editor's route takes the data as a whole; the public API would also validate it against a schema of its own.
	await n8n.rest('PATCH', `/rest/credentials/${encodeURIComponent(existing.id)}`, { name, type, data });
	return existing;
}

/** Imports the workflow (or updates the one of that name, trigger cursors reset) and activates it. */
async function importAndActivate(n8n: N8nInstance, template: WorkflowJson, credentials: CredentialsByType): Promise<N8nWorkflow> {
	const existing = await n8n.findWorkflow(template.name);
	if (existing === undefined) {
		const created = await n8n.createWorkflow(template);
		return await n8n.activate(created.id);
	}
	if (existing.active) await n8n.deactivate(existing.id);
	const body = { ...workflowCreateBody(template, credentials), staticData: {} };
	await n8n.api('PUT', `/workflows/${encodeURIComponent(existing.id)}`, body);
	return await n8n.activate(existing.id);
}
