/**
 * Turns an exported or template workflow into the body n8n 2.8.4's public API accepts for
 * POST /api/v1/workflows (reference/n8n.md §8): only name, nodes, connections, settings and staticData,
 * each node and the settings reduced to the keys the API schema allows, and every node credential
 * pointed at the credential of that type created in this n8n.
 */
import type { IConnections, IDataObject, INode, INodeCredentials } from 'n8n-workflow';

/** A workflow as exported by n8n or kept in templates/: extra keys are allowed and dropped. */
export interface WorkflowJson {
	name: string;
	nodes: INode[];
	connections: IConnections;
	settings?: IDataObject;
	staticData?: IDataObject | string | null;
	[key: string]: unknown;
}

export interface WorkflowCreateBody {
	name: string;
	nodes: INode[];
	connections: IConnections;
	settings: IDataObject;
	staticData?: IDataObject | string;
}

/** The credential a node should use, by credential type name. */
export type CredentialsByType = Record<string, { id: string; name: string }>;

const NODE_KEYS = [
	'id',
	'name',
	'webhookId',
	'disabled',
	'notesInFlow',
	'notes',
	'type',
	'typeVersion',
	'executeOnce',
	'alwaysOutputData',
	'retryOnFail',
	'maxTries',
	'waitBetweenTries',
	'continueOnFail',
	'onError',
	'position',
	'parameters',
	'credentials',
] as const;

const SETTINGS_KEYS = [
	'saveExecutionProgress',
	'saveManualExecutions',
	'saveDataErrorExecution',
	'saveDataSuccessExecution',
	'executionTimeout',
	'errorWorkflow',
	'timezone',
	'executionOrder',
	'callerPolicy',
	'callerIds',
	'timeSavedPerExecution',
	'availableInMCP',
] as const;

function pick<T extends object>(source: T, keys: readonly string[]): Partial<T> {
	const picked: Record<string, unknown> = {};
	for (const key of keys) {
		const value = (source as Record<string, unknown>)[key];
		if (value !== undefined) picked[key] = value;
	}
	return picked as Partial<T>;
}

function remapCredentials(workflowName: string, node: INode, credentials: CredentialsByType): INodeCredentials {
	const remapped: INodeCredentials = {};
	for (const type of Object.keys(node.credentials ?? {})) {
		const credential = credentials[type];
		if (credential === undefined) {
			const known = Object.keys(credentials).join(', ') || 'none';
			throw new Error(
				`Workflow '${workflowName}' node '${node.name}' uses a '${type}' credential, but none was created ` +
					`or found in this n8n (credential types available: ${known}). Create it with createCredential() first.`,
			);
		}
		remapped[type] = { id: credential.id, name: credential.name };
	}
	return remapped;
}

export function workflowCreateBody(workflow: WorkflowJson, credentials: CredentialsByType): WorkflowCreateBody {
	const missing = (['name', 'nodes', 'connections'] as const).filter((key) => workflow[key] === undefined);
	if (missing.length > 0) {
		throw new Error(`Workflow JSON lacks ${missing.join(', ')}; n8n requires name, nodes and connections`);
	}
	const nodes = workflow.nodes.map((node) => {
		const body = pick(node, NODE_KEYS) as INode;
		if (node.credentials !== undefined) body.credentials = remapCredentials(workflow.name, node, credentials);
		return body;
	});
	const body: WorkflowCreateBody = {
		name: workflow.name,
		nodes,
		connections: workflow.connections,
		settings: { executionOrder: 'v1', ...pick(workflow.settings ?? {}, SETTINGS_KEYS) },
	};
	if (workflow.staticData !== undefined && workflow.staticData !== null) body.staticData = workflow.staticData;
	return body;
}
