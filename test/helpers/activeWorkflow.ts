/**
 * Runs a workflow JSON in-process the way n8n runs an active workflow: every trigger node's trigger() gets a
 * real n8n-core TriggerContext (mode 'trigger', activation 'activate'), and each emit starts an execution of
 * the workflow from that trigger node with the emitted items, without waiting for the previous one (as n8n's
 * ActiveWorkflowManager does when a trigger passes no donePromise). Every execution is recorded in order.
 * Static data lives in one object for the runner's lifetime, so stop() then activate() resumes from the
 * triggers' stored cursors, as a deactivated and reactivated workflow does.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { Container } from '@n8n/di';
import { TriggerContext } from 'n8n-core';
import { TriggersAndPollers } from 'n8n-core/dist/execution-engine/triggers-and-pollers';
import { NoOp } from 'n8n-nodes-base/dist/nodes/NoOp/NoOp.node';
import { StickyNote } from 'n8n-nodes-base/dist/nodes/StickyNote/StickyNote.node';
import type {
	ExecutionStatus,
	IConnections,
	ICredentialsHelper,
	IDataObject,
	INode,
	INodeExecutionData,
	ITriggerResponse,
	IWorkflowExecuteAdditionalData,
} from 'n8n-workflow';
import { Workflow } from 'n8n-workflow';

import { NiceCxoneApi } from '../../credentials/NiceCxoneApi.credentials';
import { SalesforceOmniJwtApi } from '../../credentials/SalesforceOmniJwtApi.credentials';
import type { CxoneEmulator } from '../../emulators/cxone';
import type { SalesforceEmulator } from '../../emulators/salesforce';
import { CxoneAgent } from '../../nodes/CxoneAgent/CxoneAgent.node';
import { CxoneAgentStateTrigger } from '../../nodes/CxoneAgentStateTrigger/CxoneAgentStateTrigger.node';
import { PresenceRule } from '../../nodes/PresenceRule/PresenceRule.node';
import { SalesforceOmni } from '../../nodes/SalesforceOmni/SalesforceOmni.node';
import { SalesforceOmniTrigger } from '../../nodes/SalesforceOmniTrigger/SalesforceOmniTrigger.node';
import { type AnyNodeType, NodeTypes, PACKAGE_NAME, TestCredentialsHelper, TestStart, runWorkflow } from './harness';
import { jwtCredentialData } from './salesforceCredentialData';

export const TEMPLATE_PATH = join(__dirname, '..', '..', 'templates', 'bidirectional-presence-sync.json');

/** A workflow as exported by n8n or kept in templates/. */
export interface WorkflowJson {
	id: string;
	name: string;
	nodes: INode[];
	connections: IConnections;
	[key: string]: unknown;
}

/** A fresh copy of the template workflow, safe to change (e.g. a variant rule). */
export function loadTemplate(): WorkflowJson {
	return JSON.parse(readFileSync(TEMPLATE_PATH, 'utf8')) as WorkflowJson;
}

/** The node of that name; throws naming the nodes there are. */
export function nodeNamed(workflow: WorkflowJson, name: string): INode {
	const node = workflow.nodes.find((candidate) => candidate.name === name);
	if (node === undefined) {
		throw new Error(`Workflow '${workflow.name}' has no node '${name}'; nodes: ${workflow.nodes.map((n) => n.name).join(', ')}`);
	}
	return node;
}

/** n8n-nodes-base types the template uses besides ours: the real ones, from the n8n devDependency. */
const BUILT_IN_TYPES: Record<string, AnyNodeType> = {
	'n8n-nodes-base.noOp': new NoOp(),
	'n8n-nodes-base.stickyNote': new StickyNote(),
};

/** Our five node types named as n8n names an installed community package's (`<package>.<node name>`). */
export function packageNodeTypeList(): AnyNodeType[] {
	return [new SalesforceOmniTrigger(), new CxoneAgentStateTrigger(), new PresenceRule(), new SalesforceOmni(), new CxoneAgent()];
}

/** Credentials of both types pointing at the emulators, by the types the template's nodes reference. */
export function emulatorCredentials(salesforce: SalesforceEmulator, cxone: CxoneEmulator): TestCredentialsHelper {
	return new TestCredentialsHelper(
		{ salesforceOmniJwtApi: new SalesforceOmniJwtApi(), niceCxoneApi: new NiceCxoneApi() },
		{ salesforceOmniJwtApi: jwtCredentialData(salesforce), niceCxoneApi: { issuer: cxone.url, ...cxone.access } },
	);
}

/** One execution started by a trigger's emit. `status` is undefined while it runs. */
export interface FlowExecution {
	/** 0-based, in the order the emits happened. */
	index: number;
	trigger: string;
	/** The items the trigger emitted. */
	input: INodeExecutionData[];
	status?: ExecutionStatus;
	/** The execution's error message, when it failed. */
	error?: string;
	/** Node names in the order they finished. */
	order: string[];
	/** Per node that ran: output index → items. */
	outputs: Record<string, INodeExecutionData[][]>;
}

export interface ActiveWorkflowOptions {
	workflow: WorkflowJson;
	credentialsHelper: ICredentialsHelper;
	/**
	 * The workflow id nodes see (default: the workflow's own). The echo ledger is scoped by it, so tests in
	 * one file that give each workflow its own id never take each other's writes for echoes.
	 */
	workflowId?: string;
}

export class ActiveWorkflow {
	readonly executions: FlowExecution[] = [];
	/** Errors the triggers reported: emitError (fatal, n8n deactivates) and saveFailedExecution (lasting). */
	readonly triggerErrors: Error[] = [];
	/** The workflow's static data (`node:<name>` keys), kept across stop() and activate(). */
	readonly staticData: IDataObject = {};

	private readonly workflowId: string;
	private readonly triggerTypes: NodeTypes;
	/** In an execution a trigger node only passes on what it emitted, as WorkflowExecute does outside manual mode. */
	private readonly executionTypes: NodeTypes;
	private readonly triggerNodes: INode[];
	private responses: ITriggerResponse[] = [];
	private readonly running = new Set<Promise<void>>();

	constructor(private readonly options: ActiveWorkflowOptions) {
		this.workflowId = options.workflowId ?? options.workflow.id;
		const ours = packageNodeTypeList();
		this.triggerTypes = NodeTypes.fromPackage(PACKAGE_NAME, ours, BUILT_IN_TYPES);
		this.triggerNodes = options.workflow.nodes.filter(
			(node) => node.disabled !== true && this.triggerTypes.getByNameAndVersion(node.type, node.typeVersion).trigger !== undefined,
		);
		const passThrough = new TestStart();
		this.executionTypes = NodeTypes.fromPackage(
			PACKAGE_NAME,
			ours.filter((type) => !('trigger' in type && type.trigger !== undefined)),
			{ ...BUILT_IN_TYPES, ...Object.fromEntries(this.triggerNodes.map((node) => [node.type, passThrough])) },
		);
	}

	/** Starts every trigger; throws (after closing those already started) when one cannot start. */
	async activate(): Promise<void> {
		if (this.responses.length > 0) throw new Error('The workflow is already active; stop() it first');
		const { workflow, credentialsHelper } = this.options;
		const triggerWorkflow = new Workflow({
			id: this.workflowId,
			name: workflow.name,
			// n8n's Workflow rewrites its nodes' parameters (defaults filled, unknown ones dropped): each gets its own copy.
			nodes: structuredClone(workflow.nodes),
			connections: workflow.connections,
			nodeTypes: this.triggerTypes,
			active: true,
			staticData: this.staticData,
			settings: { executionOrder: 'v1' },
		});
		// A trigger context reads credentials and variables only; it never runs nodes.
		const additionalData = { credentialsHelper, variables: {} } as unknown as IWorkflowExecuteAdditionalData;
		const triggers = Container.get(TriggersAndPollers);
		try {
			for (const { name } of this.triggerNodes) {
				const response = await triggers.runTrigger(
					triggerWorkflow,
					triggerWorkflow.getNode(name) as INode,
					(wf, triggerNode, data, mode, activation) =>
						new TriggerContext(
							wf,
							triggerNode,
							data,
							mode,
							activation,
							(emitted) => this.execute(triggerNode.name, emitted[0] ?? []),
							(error) => this.triggerErrors.push(error),
							(error) => this.triggerErrors.push(error as Error),
						),
					additionalData,
					'trigger',
					'activate',
				);
				if (response !== undefined) this.responses.push(response);
			}
		} catch (error) {
			await this.stop();
			throw error;
		}
	}

	/** Closes every trigger (as n8n does on deactivation), then waits for the executions still running. */
	async stop(): Promise<void> {
		const responses = this.responses.splice(0);
		await Promise.all(responses.map(async (response) => await response.closeFunction?.()));
		await this.idle();
	}

	/** Resolves once no execution is running. */
	async idle(): Promise<void> {
		while (this.running.size > 0) await Promise.all([...this.running]);
	}

	/**
	 * Polls until `predicate` holds: a wait for the sync to converge, not a timing assertion. Rejects after
	 * `timeoutMs` saying what was awaited, or as soon as a trigger reports an error (in a test, none should).
	 */
	async waitFor(predicate: () => boolean, timeoutMs = 30_000, what = 'the condition'): Promise<void> {
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			if (predicate()) return;
			if (this.triggerErrors.length > 0) throw new Error(`Waiting for ${what}: a trigger failed: ${this.triggerErrors[0].message}`);
			if (Date.now() > deadline) {
				const failed = this.executions.find((execution) => execution.error !== undefined);
				throw new Error(
					`Gave up waiting ${timeoutMs} ms for ${what}: ${this.executions.length} execution(s)` +
						(failed ? `; execution ${failed.index} failed: ${failed.error}` : ''),
				);
			}
			await new Promise((resolve) => setTimeout(resolve, 25));
		}
	}

	/** The items a node put on an output, over every finished execution, in execution order. */
	items(nodeName: string, output = 0): IDataObject[] {
		return this.executions.flatMap((execution) => (execution.outputs[nodeName]?.[output] ?? []).map((item) => item.json));
	}

	private execute(trigger: string, input: INodeExecutionData[]): void {
		const execution: FlowExecution = { index: this.executions.length, trigger, input, order: [], outputs: {} };
		this.executions.push(execution);
		const { workflow, credentialsHelper } = this.options;
		const done = runWorkflow({
			nodes: structuredClone(workflow.nodes),
			connections: workflow.connections,
			nodeTypes: this.executionTypes,
			credentialsHelper,
			input,
			startNode: trigger,
			workflowId: this.workflowId,
			staticData: this.staticData,
		})
			.then(({ run, order }) => {
				execution.order = order;
				for (const [name, runs] of Object.entries(run.data.resultData.runData)) {
					execution.outputs[name] = (runs[0]?.data?.main ?? []).map((items) => items ?? []);
				}
				execution.error = run.data.resultData.error?.message;
				execution.status = run.status;
			})
			.catch((error: Error) => {
				execution.error = error.message;
				execution.status = 'crashed';
			})
			.finally(() => this.running.delete(done));
		this.running.add(done);
	}
}

/** One person in both emulators: the Salesforce user and the CXone agent sharing a seed email. */
export interface AgentPair {
	email: string;
	userId: string;
	agentId: number;
	teamId: number;
	teamName: string;
}

/** Every seeded person found in both emulators, in seed order (the integration user has no agent). */
export function agentPairs(salesforce: SalesforceEmulator, cxone: CxoneEmulator): AgentPair[] {
	return cxone.agents().flatMap((agent) => {
		const user = salesforce.userByEmail(agent.emailAddress);
		return user ? [{ email: agent.emailAddress, userId: user.id, agentId: agent.agentId, teamId: agent.teamId, teamName: agent.teamName }] : [];
	});
}
