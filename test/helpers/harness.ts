/**
 * In-process n8n harness: runs workflows and triggers with the real n8n-core engine (WorkflowExecute,
 * TriggerContext) and an in-memory credentials helper that behaves like n8n's own (generic and function
 * authenticate, preAuthentication of expirable credentials, defaults applied to credential data).
 * The published n8n-core ships no test harness (reference/n8n.md §5.1), so this replaces NodeTestHarness.
 */
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type {
	IConnections,
	ICredentialDataDecryptedObject,
	ICredentialType,
	ICredentialsEncrypted,
	ICredentialsExpressionResolveValues,
	IDataObject,
	IExecuteData,
	IExecuteFunctions,
	IHttpRequestHelper,
	IHttpRequestOptions,
	INode,
	INodeCredentialsDetails,
	INodeExecutionData,
	INodeParameters,
	INodeProperties,
	INodeType,
	INodeTypeDescription,
	INodeTypes,
	IRequestOptionsSimplified,
	IRun,
	ITriggerResponse,
	IVersionedNodeType,
	IWorkflowBase,
	IWorkflowExecuteAdditionalData,
	WorkflowActivateMode,
	WorkflowExecuteMode,
} from 'n8n-workflow';
import {
	ICredentials,
	ICredentialsHelper,
	NodeConnectionTypes,
	NodeHelpers,
	Workflow,
	createRunExecutionData,
	isExpression,
} from 'n8n-workflow';
import { Container } from '@n8n/di';
import { ExecutionLifecycleHooks, TriggerContext, WorkflowExecute } from 'n8n-core';
import { ScheduledTaskManager } from 'n8n-core/dist/execution-engine/scheduled-task-manager';
import { SSHClientsManager } from 'n8n-core/dist/execution-engine/ssh-clients-manager';
import { TriggersAndPollers } from 'n8n-core/dist/execution-engine/triggers-and-pollers';

import packageJson from '../../package.json';

/**
 * Every node execution context reads n8n's InstanceSettings, which creates `<N8N_USER_FOLDER>/.n8n/config`
 * (default: the user's home). Keep that file out of the home folder when tests run in-process.
 */
if (process.env.N8N_USER_FOLDER === undefined) {
	process.env.N8N_USER_FOLDER = join(tmpdir(), `${packageJson.name}-jest`);
	mkdirSync(process.env.N8N_USER_FOLDER, { recursive: true });
}

/** The prefix n8n gives our node types when the package is installed as a community package. */
export const PACKAGE_NAME: string = packageJson.name;

export type AnyNodeType = INodeType | IVersionedNodeType;

export class NodeTypes implements INodeTypes {
	constructor(private readonly types: Record<string, AnyNodeType>) {}

	/** Names each node type `<packageName>.<description.name>`, as n8n does for an installed package. */
	static fromPackage(packageName: string, types: AnyNodeType[], extra: Record<string, AnyNodeType> = {}) {
		const named: Record<string, AnyNodeType> = { ...extra };
		for (const type of types) named[`${packageName}.${type.description.name}`] = type;
		return new NodeTypes(named);
	}

	getByName(nodeType: string): AnyNodeType {
		const type = this.types[nodeType];
		if (type === undefined) {
			throw new Error(
				`Unknown node type '${nodeType}'; known: ${Object.keys(this.types).join(', ')}`,
			);
		}
		return type;
	}

	getByNameAndVersion(nodeType: string, version?: number): INodeType {
		return NodeHelpers.getVersionedNodeType(this.getByName(nodeType), version);
	}

	getKnownTypes(): IDataObject {
		return {};
	}
}

/** Plain in-memory credential record; n8n-core never reads it, but the ICredentialsHelper contract returns one. */
class MemoryCredentials extends ICredentials {
	constructor(
		nodeCredentials: INodeCredentialsDetails,
		type: string,
		private plain: ICredentialDataDecryptedObject,
	) {
		super(nodeCredentials, type);
	}

	getData(): ICredentialDataDecryptedObject {
		return { ...this.plain };
	}

	setData(data: ICredentialDataDecryptedObject): void {
		this.plain = { ...data };
	}

	getDataToSave(): ICredentialsEncrypted {
		return { id: this.id, name: this.name, type: this.type, data: JSON.stringify(this.plain) };
	}
}

/**
 * Credentials by type name, held in memory. Mirrors n8n 2.8.4's CredentialsHelper (packages/cli
 * credentials-helper.js) for what node code can observe: authenticate, preAuthentication (expirable
 * hidden property, refreshed when empty or on a 401 retry, result stored back), parent types and
 * defaults applied by getDecrypted. Credential values holding `={{…}}` expressions are only resolved
 * when n8n-core passes expressionResolveValues (execute contexts), as in n8n.
 */
export class TestCredentialsHelper extends ICredentialsHelper {
	/** How often each credential type's preAuthentication ran: tests assert token refreshes with it. */
	readonly preAuthenticationCalls: Record<string, number> = {};

	private readonly data: Record<string, ICredentialDataDecryptedObject>;

	constructor(
		private readonly credentialTypes: Record<string, ICredentialType>,
		data: Record<string, ICredentialDataDecryptedObject>,
	) {
		super();
		this.data = Object.fromEntries(Object.entries(data).map(([type, values]) => [type, { ...values }]));
	}

	/** The stored data of a credential type, e.g. to assert that a refreshed token was saved. */
	stored(typeName: string): ICredentialDataDecryptedObject | undefined {
		const values = this.data[typeName];
		return values === undefined ? undefined : { ...values };
	}

	getParentTypes(typeName: string): string[] {
		const parents = this.credentialTypes[typeName]?.extends ?? [];
		return parents.flatMap((parent) => [parent, ...this.getParentTypes(parent)]);
	}

	getCredentialsProperties(typeName: string): INodeProperties[] {
		const type = this.credentialType(typeName);
		// Parents first, so the child's own property of the same name wins (as n8n's CredentialTypes does).
		const merged = new Map<string, INodeProperties>();
		for (const parent of [...this.getParentTypes(typeName)].reverse()) {
			for (const property of this.credentialTypes[parent]?.properties ?? []) merged.set(property.name, property);
		}
		for (const property of type.properties) merged.set(property.name, property);
		return [...merged.values()];
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		incomingRequestOptions: IHttpRequestOptions | IRequestOptionsSimplified,
		workflow: Workflow,
		node: INode,
	): Promise<IHttpRequestOptions> {
		const requestOptions = incomingRequestOptions as IHttpRequestOptions;
		const { authenticate } = this.credentialType(typeName);
		if (typeof authenticate === 'function') return await authenticate(credentials, requestOptions);
		if (authenticate?.type === 'generic') {
			requestOptions.headers ??= {};
			const target = requestOptions as unknown as Record<string, Record<string, unknown>>;
			for (const [outerKey, outerValue] of Object.entries(authenticate.properties)) {
				for (const [key, value] of Object.entries(outerValue as Record<string, unknown>)) {
					const resolvedKey = this.resolveValue(key, credentials, workflow, node);
					target[outerKey] ??= {};
					target[outerKey][resolvedKey] = this.resolveValue(value, credentials, workflow, node);
				}
			}
		}
		return requestOptions;
	}

	async preAuthentication(
		helpers: IHttpRequestHelper,
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		node: INode,
		credentialsExpired: boolean,
	): Promise<ICredentialDataDecryptedObject | undefined> {
		const type = this.credentialType(typeName);
		const expirable = type.properties.find(
			(property) => property.type === 'hidden' && property.typeOptions?.expirable === true,
		);
		if (expirable === undefined || typeof type.preAuthentication !== 'function') return undefined;
		if (credentials[expirable.name] !== '' && !credentialsExpired) return undefined;

		this.preAuthenticationCalls[typeName] = (this.preAuthenticationCalls[typeName] ?? 0) + 1;
		const output = await type.preAuthentication.call(helpers, credentials);
		// n8n only stores the result when it carries the expirable property.
		if (output[expirable.name] === undefined || node.credentials === undefined) return undefined;
		const updated = Object.assign(credentials, output);
		await this.updateCredentials(node.credentials[typeName], typeName, updated);
		return updated;
	}

	async getCredentials(nodeCredentials: INodeCredentialsDetails, typeName: string): Promise<ICredentials> {
		return new MemoryCredentials(nodeCredentials, typeName, this.storedOrThrow(nodeCredentials, typeName));
	}

	async getDecrypted(
		_additionalData: IWorkflowExecuteAdditionalData,
		nodeCredentials: INodeCredentialsDetails,
		typeName: string,
		mode: WorkflowExecuteMode,
		executeData?: IExecuteData,
		raw?: boolean,
		expressionResolveValues?: ICredentialsExpressionResolveValues,
	): Promise<ICredentialDataDecryptedObject> {
		const original = this.storedOrThrow(nodeCredentials, typeName);
		if (raw === true) return original;
		let decrypted = (NodeHelpers.getNodeParameters(
			this.getCredentialsProperties(typeName),
			original as INodeParameters,
			true,
			false,
			null,
			null,
		) ?? {}) as ICredentialDataDecryptedObject;
		// Same keys n8n carries over although no property declares them.
		for (const key of ['oauthTokenData', 'allowedHttpRequestDomains', 'allowedDomains']) {
			if (decrypted[key] === undefined && original[key] !== undefined) decrypted[key] = original[key];
		}
		if (expressionResolveValues) {
			const { workflow, runExecutionData, runIndex, itemIndex, node, connectionInputData } =
				expressionResolveValues;
			decrypted = workflow.expression.getParameterValue(
				decrypted as INodeParameters,
				runExecutionData,
				runIndex,
				itemIndex,
				node.name,
				connectionInputData,
				mode,
				{},
				executeData,
				false,
				decrypted,
			) as ICredentialDataDecryptedObject;
		}
		return decrypted;
	}

	async updateCredentials(
		_nodeCredentials: INodeCredentialsDetails,
		typeName: string,
		data: ICredentialDataDecryptedObject,
	): Promise<void> {
		this.data[typeName] = { ...data };
	}

	async updateCredentialsOauthTokenData(
		_nodeCredentials: INodeCredentialsDetails,
		typeName: string,
		data: ICredentialDataDecryptedObject,
	): Promise<void> {
		this.data[typeName] = { ...this.data[typeName], oauthTokenData: data.oauthTokenData };
	}

	private credentialType(typeName: string): ICredentialType {
		const type = this.credentialTypes[typeName];
		if (type === undefined) {
			throw new Error(
				`Unknown credential type '${typeName}'; known: ${Object.keys(this.credentialTypes).join(', ')}`,
			);
		}
		return type;
	}

	private storedOrThrow(nodeCredentials: INodeCredentialsDetails, typeName: string) {
		const values = this.data[typeName];
		if (values === undefined) {
			throw new Error(
				`No data for credential '${nodeCredentials.name}' of type '${typeName}'; ` +
					`data given for: ${Object.keys(this.data).join(', ') || 'none'}`,
			);
		}
		return { ...values };
	}

	private resolveValue(value: unknown, credentials: ICredentialDataDecryptedObject, workflow: Workflow, node: INode) {
		if (!isExpression(value)) return value as string;
		const resolved = workflow.expression.getSimpleParameterValue(
			node,
			value,
			'internal',
			{ $credentials: credentials },
			undefined,
			'',
		);
		return resolved ? resolved.toString() : '';
	}
}

/** Passes its input through, like n8n's old "Start" node, so a workflow can begin with chosen items. */
export class TestStart implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Test Start',
		name: 'testStart',
		group: ['input'],
		version: 1,
		description: 'Passes the harness input to the next node',
		defaults: { name: 'Start' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		properties: [],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return [this.getInputData()];
	}
}

export const TEST_START_TYPE = 'test.testStart';

function additionalDataFor(
	credentialsHelper: ICredentialsHelper,
	hooks: ExecutionLifecycleHooks,
	executionId: string,
): IWorkflowExecuteAdditionalData {
	const unsupported = (what: string) => async () => {
		throw new Error(`${what} is not available in the in-process harness`);
	};
	return {
		executionId,
		hooks,
		credentialsHelper,
		currentNodeExecutionIndex: 0,
		restApiUrl: '',
		instanceBaseUrl: '',
		formWaitingBaseUrl: '',
		webhookBaseUrl: '',
		webhookWaitingBaseUrl: '',
		webhookTestBaseUrl: '',
		variables: {},
		executeWorkflow: unsupported('Execute Workflow'),
		getRunExecutionData: async () => undefined,
		logAiEvent: () => {},
		startRunnerTask: unsupported('The task runner'),
	} as unknown as IWorkflowExecuteAdditionalData;
}

function workflowBase(id: string, nodes: INode[], connections: IConnections): IWorkflowBase {
	return {
		id,
		name: id,
		nodes,
		connections,
		active: false,
		isArchived: false,
		activeVersionId: null,
		settings: { executionOrder: 'v1' },
		createdAt: new Date(),
		updatedAt: new Date(),
	};
}

export interface RunWorkflowOptions {
	nodes: INode[];
	connections: IConnections;
	nodeTypes: INodeTypes;
	credentialsHelper: ICredentialsHelper;
	/** Items handed to the start node (default: one empty item). */
	input?: INodeExecutionData[];
	/** Node the execution starts at (default: the first node). */
	startNode?: string;
	workflowId?: string;
	/** The workflow's static data; mutated in place by nodes that use getWorkflowStaticData. */
	staticData?: IDataObject;
}

export interface WorkflowRun {
	run: IRun;
	/** Node names in the order they finished. */
	order: string[];
	workflow: Workflow;
	/** Main outputs of a node's run (output index → items). */
	outputs(nodeName: string, runIndex?: number): INodeExecutionData[][];
}

let executionCounter = 0;

/** Runs a workflow in manual mode with the real WorkflowExecute, starting at `startNode` with `input`. */
export async function runWorkflow(options: RunWorkflowOptions): Promise<WorkflowRun> {
	const id = options.workflowId ?? 'harness';
	const workflow = new Workflow({
		id,
		nodes: options.nodes,
		connections: options.connections,
		nodeTypes: options.nodeTypes,
		active: false,
		staticData: options.staticData,
		settings: { executionOrder: 'v1' },
	});
	const startName = options.startNode ?? options.nodes[0]?.name;
	const startNode = startName === undefined ? null : workflow.getNode(startName);
	if (startNode === null) {
		throw new Error(
			`Start node '${startName}' is not in the workflow; nodes: ${options.nodes.map((n) => n.name).join(', ')}`,
		);
	}

	const executionId = String(++executionCounter);
	const hooks = new ExecutionLifecycleHooks('manual', executionId, workflowBase(id, options.nodes, options.connections));
	const order: string[] = [];
	hooks.addHandler('nodeExecuteAfter', (nodeName: string) => {
		order.push(nodeName);
	});
	// The start node goes on the stack explicitly: a custom start node is neither trigger nor poller,
	// so n8n's own start-node lookup would not find it (reference/n8n.md §5.3).
	const runExecutionData = createRunExecutionData({
		executionData: {
			nodeExecutionStack: [
				{ node: startNode, data: { main: [options.input ?? [{ json: {} }]] }, source: null },
			],
		},
	});
	const additionalData = additionalDataFor(options.credentialsHelper, hooks, executionId);
	const run = await new WorkflowExecute(additionalData, 'manual', runExecutionData).processRunExecutionData(
		workflow,
	);

	return {
		run,
		order,
		workflow,
		outputs(nodeName: string, runIndex = 0) {
			const runs = run.data.resultData.runData[nodeName];
			if (runs === undefined) {
				throw new Error(
					`Node '${nodeName}' did not run; ran: ${Object.keys(run.data.resultData.runData).join(', ') || 'none'}`,
				);
			}
			const task = runs[runIndex];
			if (task === undefined) throw new Error(`Node '${nodeName}' has no run ${runIndex}; it ran ${runs.length} time(s)`);
			return (task.data?.main ?? []).map((items) => items ?? []);
		},
	};
}

export interface RunTriggerOptions {
	node: INode;
	nodeTypes: INodeTypes;
	credentialsHelper?: ICredentialsHelper;
	/** 'trigger': an active workflow, every emit is collected. 'manual': the editor's "Fetch test event". */
	mode?: 'trigger' | 'manual';
	activation?: WorkflowActivateMode;
	workflowId?: string;
	/** The workflow's static data, shared across runs to test resuming from stored cursors. */
	staticData?: IDataObject;
}

export interface TriggerRun {
	workflow: Workflow;
	response: ITriggerResponse | undefined;
	/** Each emit's data (output index → items), in order. In manual mode: the one test event. */
	emitted: INodeExecutionData[][][];
	/** Errors passed to emitError or saveFailedExecution. */
	errors: Error[];
	/** Resolves once at least `count` emits happened; rejects after `timeoutMs` or on an emitted error. */
	waitForEmits(count: number, timeoutMs?: number): Promise<INodeExecutionData[][][]>;
	/** Runs the trigger's closeFunction (once), as n8n does on deactivation. */
	close(): Promise<void>;
}

/** Starts a node's trigger() with a real TriggerContext, as n8n does for an active or a manual workflow. */
export async function runTrigger(options: RunTriggerOptions): Promise<TriggerRun> {
	const mode = options.mode ?? 'trigger';
	const activation = options.activation ?? (mode === 'manual' ? 'manual' : 'activate');
	const id = options.workflowId ?? 'harness';
	const workflow = new Workflow({
		id,
		nodes: [options.node],
		connections: {},
		nodeTypes: options.nodeTypes,
		active: mode === 'trigger',
		staticData: options.staticData,
		settings: { executionOrder: 'v1' },
	});
	const credentialsHelper = options.credentialsHelper ?? new TestCredentialsHelper({}, {});
	const executionId = String(++executionCounter);
	const hooks = new ExecutionLifecycleHooks(mode, executionId, workflowBase(id, [options.node], {}));
	const additionalData = additionalDataFor(credentialsHelper, hooks, executionId);

	const emitted: INodeExecutionData[][][] = [];
	const errors: Error[] = [];
	const waiters = new Set<() => void>();
	const notify = () => waiters.forEach((waiter) => waiter());
	const collect = (data: INodeExecutionData[][]) => {
		emitted.push(data);
		notify();
	};
	const fail = (error: Error) => {
		errors.push(error);
		notify();
	};

	const response = await Container.get(TriggersAndPollers).runTrigger(
		workflow,
		options.node,
		(wf, node, data, executeMode, activateMode) =>
			new TriggerContext(wf, node, data, executeMode, activateMode, collect, fail, fail),
		additionalData,
		mode,
		activation,
	);
	if (mode === 'manual' && response !== undefined) {
		// As WorkflowExecute.executeTriggerNode: start the manual fetch, the first emit is the test event.
		response.manualTriggerResponse?.then(collect, fail);
		if (response.manualTriggerFunction !== undefined) await response.manualTriggerFunction();
	}

	let closed = false;
	return {
		workflow,
		response,
		emitted,
		errors,
		waitForEmits(count: number, timeoutMs = 10_000) {
			return new Promise((resolve, reject) => {
				const check = () => {
					if (errors.length > 0) done(() => reject(errors[0]));
					else if (emitted.length >= count) done(() => resolve(emitted));
				};
				const timer = setTimeout(
					() => done(() => reject(new Error(`Trigger emitted ${emitted.length} of ${count} expected time(s)`))),
					timeoutMs,
				);
				const done = (settle: () => void) => {
					clearTimeout(timer);
					waiters.delete(check);
					settle();
				};
				waiters.add(check);
				check();
			});
		},
		async close() {
			if (closed) return;
			closed = true;
			await response?.closeFunction?.();
		},
	};
}

/** n8n-core lazily creates DI singletons with setInterval timers; clear them so jest can exit. */
export function teardownN8nCore(): void {
	if (Container.has(ScheduledTaskManager)) {
		clearInterval((Container.get(ScheduledTaskManager) as unknown as { logInterval?: NodeJS.Timeout }).logInterval);
	}
	if (Container.has(SSHClientsManager)) Container.get(SSHClientsManager).onShutdown();
}
