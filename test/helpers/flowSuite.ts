/**
 * What the in-process flow suites share: both emulators with credentials for them and the agent pairs
 * they have in common, the template workflow activated under a fresh workflow id per scenario and
 * stopped after it, and the readings the scenarios assert on. Call useFlowSuite() at the top of a file:
 * it registers the jest hooks; the emulators are there from beforeAll on.
 */
import { startCxoneEmulator, type CxoneEmulator } from '../../emulators/cxone';
import { startSalesforceEmulator, type SalesforceEmulator } from '../../emulators/salesforce';
import type { PresenceEvent } from '../../lib/engine';
import { forgetConnections } from '../../lib/salesforce/connection';
import { ActiveWorkflow, agentPairs, emulatorCredentials, loadTemplate, type AgentPair, type WorkflowJson } from './activeWorkflow';
import { teardownN8nCore, type TestCredentialsHelper } from './harness';

export interface FlowSuiteOptions {
	/** Prefix of the workflow ids, one per activation (the echo ledger's scope). */
	name: string;
	agents: number;
	/** How long the simulated companion takes to apply a Salesforce command. */
	companionDelayMs: number;
}

export class FlowSuite {
	salesforce!: SalesforceEmulator;
	cxone!: CxoneEmulator;
	credentialsHelper!: TestCredentialsHelper;
	/** Agent pairs no scenario has taken yet: take them with splice to keep scenarios apart. */
	pairs: AgentPair[] = [];
	/** Every workflow activate() made, in order. */
	readonly activated: ActiveWorkflow[] = [];
	private active: ActiveWorkflow | undefined;

	constructor(private readonly options: FlowSuiteOptions) {}

	/** Activates `workflow` (the template by default) under a new workflow id; stopped after the test. */
	readonly activate = async (workflow: WorkflowJson = loadTemplate()): Promise<ActiveWorkflow> => {
		this.active = new ActiveWorkflow({ workflow, credentialsHelper: this.credentialsHelper, workflowId: `${this.options.name}-${this.activated.length + 1}` });
		this.activated.push(this.active);
		await this.active.activate();
		return this.active;
	};

	/** Companion commands published to Salesforce since the test began. */
	readonly sfWrites = () => this.salesforce.router.counters().writes['presence-command'] ?? 0;
	/** Agent state writes CXone received since the test began. */
	readonly cxWrites = () => this.cxone.router.counters().writes['agent-state'] ?? 0;
	readonly omniOf = (pair: AgentPair) => this.salesforce.presenceOf(pair.userId)?.developerName ?? null;
	/** 'Unavailable/Lunch'; 'Available/' when there is no reason. */
	readonly acdOf = (pair: AgentPair) => {
		const { state, reason } = this.cxone.stateOf(pair.agentId);
		return `${state}/${reason ?? ''}`;
	};
	/** Every event either trigger emitted into `flow`. */
	readonly eventsIn = (flow: ActiveWorkflow): PresenceEvent[] =>
		flow.executions.flatMap((execution) => execution.input.map((item) => item.json as unknown as PresenceEvent));

	async start(): Promise<void> {
		const { agents, companionDelayMs } = this.options;
		[this.salesforce, this.cxone] = await Promise.all([startSalesforceEmulator({ agents, companionDelayMs }), startCxoneEmulator({ agents })]);
		this.credentialsHelper = emulatorCredentials(this.salesforce, this.cxone);
		this.pairs = agentPairs(this.salesforce, this.cxone);
	}

	resetCounters(): void {
		this.salesforce.router.resetCounters();
		this.cxone.router.resetCounters();
	}

	async stopActive(): Promise<void> {
		await this.active?.stop();
		this.active = undefined;
	}

	async stop(): Promise<void> {
		teardownN8nCore();
		forgetConnections();
		await Promise.all([this.salesforce.stop(), this.cxone.stop()]);
	}
}

export function useFlowSuite(options: FlowSuiteOptions): FlowSuite {
	const suite = new FlowSuite(options);
	beforeAll(async () => await suite.start());
	beforeEach(() => suite.resetCounters());
	afterEach(async () => await suite.stopActive());
	afterAll(async () => await suite.stop());
	return suite;
}
