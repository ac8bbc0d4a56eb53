/**
 * The workflows the bench runs: the template (as shipped, or with its Salesforce trigger polling, or with a
 * short reconcile period to price one reconcile), and the stock baseline from bench/baselines/ (Schedule
 * Trigger + HTTP Request + Code, as a user would build it without this package) every minute or every
 * second. Each phase creates its own copy, so triggers start with fresh cursors.
 */
import { readFileSync } from 'fs';
import * as path from 'path';
import type { IDataObject, INode } from 'n8n-workflow';

import type { CxoneEmulator } from '../../emulators/cxone';
import { projectRoot } from '../../emulators/common/projectRoot';
import { TEMPLATE_FILE } from '../../emulators/console/templateRule';
import type { SalesforceEmulator } from '../../emulators/salesforce';
import type { N8nInstance } from '../n8n/instance';
import type { WorkflowJson } from '../n8n/workflowBody';

export const STOCK_BASELINE_FILE = path.join('bench', 'baselines', 'stock-presence-sync.json');

export interface TemplateVariant {
	/** Added to the workflow's name. */
	label: string;
	/** Salesforce trigger mode; default: as in the template. */
	salesforceMode?: 'pushTopic' | 'cdc' | 'polling';
	/** Both triggers' reconcile period; default: the triggers' own default. */
	reconcileEveryMinutes?: number;
}

function readJson(file: string): WorkflowJson {
	return JSON.parse(readFileSync(path.join(projectRoot(), file), 'utf8')) as WorkflowJson;
}

const isTrigger = (node: INode) => /\.(salesforceOmniTrigger|cxoneAgentStateTrigger)$/.test(node.type);

export function templateWorkflow(variant: TemplateVariant): WorkflowJson {
	const workflow = readJson(TEMPLATE_FILE);
	workflow.name = `${workflow.name} [bench: ${variant.label}]`;
	for (const node of workflow.nodes) {
		if (!isTrigger(node)) continue;
		if (variant.salesforceMode !== undefined && node.type.endsWith('.salesforceOmniTrigger')) node.parameters.mode = variant.salesforceMode;
		if (variant.reconcileEveryMinutes !== undefined) {
			node.parameters.options = { ...(node.parameters.options as IDataObject), reconcileEvery: variant.reconcileEveryMinutes };
		}
	}
	return workflow;
}

/** The Salesforce trigger's poll interval in polling mode as the template sets it, or the node's default (2 s). */
export function salesforcePollSeconds(workflow: WorkflowJson): number {
	const trigger = workflow.nodes.find((node) => node.type.endsWith('.salesforceOmniTrigger'));
	return Number(trigger?.parameters.pollInterval ?? 2);
}

/** The Presence Rule's mapping rows as the template's parameters hold them; the stock flow's Code node gets a copy. */
function ruleRows(): { publisher: unknown[]; subscriber: unknown[] } {
	const rule = readJson(TEMPLATE_FILE).nodes.find((node) => node.type.endsWith('.presenceRule'));
	if (!rule) throw new Error(`${TEMPLATE_FILE} has no Presence Rule node; the stock baseline copies its rows`);
	const rows = (name: string) => ((rule.parameters[name] as IDataObject | undefined)?.row as unknown[] | undefined) ?? [];
	return { publisher: rows('publisherStates'), subscriber: rows('subscriberStates') };
}

/** Fills the placeholders a user would replace by hand: the two base URLs and the rule's rows. */
function filled(value: unknown, replacements: Record<string, string>): unknown {
	if (typeof value === 'string') return Object.entries(replacements).reduce((text, [from, to]) => text.split(from).join(to), value);
	if (Array.isArray(value)) return value.map((entry) => filled(entry, replacements));
	if (value !== null && typeof value === 'object') {
		return Object.fromEntries(Object.entries(value).map(([key, entry]) => [key, filled(entry, replacements)]));
	}
	return value;
}

/** The stock flow, scheduled every `every` (minute or second), pointing at this run's emulators. */
export function stockWorkflow(every: 'minute' | 'second', urls: { salesforce: string; cxone: string }): WorkflowJson {
	const { publisher, subscriber } = ruleRows();
	const workflow = filled(readJson(STOCK_BASELINE_FILE), {
		__SALESFORCE_URL__: urls.salesforce,
		__CXONE_URL__: urls.cxone,
		__PUBLISHER_ROWS__: JSON.stringify(publisher),
		__SUBSCRIBER_ROWS__: JSON.stringify(subscriber),
	}) as WorkflowJson;
	workflow.name = `${workflow.name} [bench: every ${every}]`;
	const schedule = workflow.nodes.find((node) => node.type === 'n8n-nodes-base.scheduleTrigger');
	if (!schedule) throw new Error(`${STOCK_BASELINE_FILE} has no Schedule Trigger node`);
	schedule.parameters.rule = {
		interval: [every === 'minute' ? { field: 'minutes', minutesInterval: 1 } : { field: 'seconds', secondsInterval: 1 }],
	};
	return workflow;
}

/** Creates the workflow and activates it; its triggers start at once. */
export async function activateCopy(n8n: N8nInstance, workflow: WorkflowJson): Promise<string> {
	const created = await n8n.createWorkflow(workflow);
	await n8n.activate(created.id);
	return created.id;
}

async function tokenOf(url: string, init: RequestInit, what: string): Promise<string> {
	const response = await fetch(url, { ...init, method: 'POST', signal: AbortSignal.timeout(10_000) });
	const body = (await response.json()) as { access_token?: string; error?: string };
	if (!response.ok || !body.access_token) throw new Error(`${what} token request answered ${response.status} ${body.error ?? ''}`);
	return body.access_token;
}

/**
 * The stock flow's credentials: n8n's generic Bearer Auth (Salesforce) and Header Auth (CXone) holding
 * tokens the bench fetches once from the emulators' token endpoints, as a user would paste them (the
 * integration user's client-credentials token; the CXone access-key password grant). Their lifetimes
 * (2 h, 1 h) outlast every phase that uses them.
 */
export async function createStockCredentials(n8n: N8nInstance, salesforce: SalesforceEmulator, cxone: CxoneEmulator): Promise<void> {
	const app = salesforce.connectedApp;
	const salesforceToken = await tokenOf(
		`${salesforce.url}/services/oauth2/token`,
		{
			headers: { 'content-type': 'application/x-www-form-urlencoded' },
			body: new URLSearchParams({ grant_type: 'client_credentials', client_id: app.clientId, client_secret: app.clientSecret }).toString(),
		},
		'Salesforce',
	);
	const { clientId, clientSecret, accessKeyId, accessKeySecret } = cxone.access;
	const cxoneToken = await tokenOf(
		`${cxone.url}/auth/token`,
		{
			headers: {
				'content-type': 'application/x-www-form-urlencoded',
				authorization: `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`).toString('base64')}`,
			},
			body: new URLSearchParams({ grant_type: 'password', username: accessKeyId, password: accessKeySecret }).toString(),
		},
		'CXone',
	);
	await n8n.createCredential('Salesforce bearer token', 'httpBearerAuth', { token: salesforceToken });
	await n8n.createCredential('CXone bearer token', 'httpHeaderAuth', { name: 'Authorization', value: `Bearer ${cxoneToken}` });
}
