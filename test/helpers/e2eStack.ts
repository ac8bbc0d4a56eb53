/**
 * What the e2e suites share: the demo stack (both emulators, the live console, a real n8n 2.8.4 running
 * this package from dist/, the template workflow active) in a throwaway folder; the seeded people as
 * pairs; convergence waits; n8n's own execution data read back per node; sync latency as the console
 * measures it from the emulators' change events; and a summary file per suite under test-output/.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import type { IDataObject } from 'n8n-workflow';

import type { ObservedSync } from '../../emulators/console';
import type { Router } from '../../emulators/common/http';
import type { CxoneEmulator } from '../../emulators/cxone';
import type { SalesforceEmulator } from '../../emulators/salesforce';
import type { ApplyResult, PresenceEvent, Skip } from '../../lib/engine';
import type { N8nExecution, N8nInstance } from '../../scripts/n8n/instance';
import { startDemoStack, type DemoStack, type DemoStackOptions } from '../../scripts/demo/stack';

export const PACKAGE_ROOT = resolve(__dirname, '..', '..');
/** Screenshots and suite summaries; git-ignored. */
export const OUTPUT_DIR = join(PACKAGE_ROOT, 'test-output', 'e2e');

/** Node names in templates/bidirectional-presence-sync.json. */
export const NODE = {
	salesforceTrigger: 'Salesforce Omni-Channel Trigger',
	cxoneTrigger: 'CXone Agent State Trigger',
	rule: 'Presence Rule',
	toSalesforce: 'Salesforce Omni-Channel',
	toCxone: 'CXone Agent',
} as const;

/** The Presence Rule's outputs, in the order of its outputNames. */
export const RULE_OUTPUT = { toSalesforce: 0, toCxone: 1, notInScope: 2, skipped: 3 } as const;

/**
 * n8n loads the package from dist/ (linked into its user folder), so the tests run the build, not the
 * sources: `npm test` builds first. Without a build there is nothing for n8n to load.
 */
export function assertPackageBuilt(): void {
	const manifest = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as {
		n8n: { nodes: string[]; credentials: string[] };
	};
	const missing = [...manifest.n8n.nodes, ...manifest.n8n.credentials].filter((file) => !existsSync(join(PACKAGE_ROOT, file)));
	if (missing.length > 0) {
		throw new Error(
			`The e2e tests run the built package inside a real n8n, but ${missing.length} built file(s) are missing ` +
				`(${missing.join(', ')}). Run \`npm test\` (it builds first) or \`npm run build\`, then the e2e tests.`,
		);
	}
}

/** One person in both emulators: the CXone agent and the Salesforce user sharing a seed email. */
export interface AgentPair {
	email: string;
	name: string;
	agentId: number;
	userId: string;
	teamId: number;
	teamName: string;
}

export interface E2eStack extends DemoStack {
	userFolder: string;
	/** Every seeded person, in seed order. */
	pairs: AgentPair[];
	/** A person no earlier scenario used, from a team when asked: scenarios never share agents. */
	freshPair(teamName?: string): AgentPair;
	/** Syncs the console saw land (agent's change on one side → the sync's write on the other). */
	syncs: ObservedSync[];
	/** Stops everything and removes the user folder (kept, with n8n's log, when keepFolder). */
	close(keepFolder?: boolean): Promise<void>;
}

export function pairsOf(salesforce: SalesforceEmulator, cxone: CxoneEmulator): AgentPair[] {
	return cxone.agents().flatMap((agent) => {
		const user = salesforce.userByEmail(agent.emailAddress);
		return user === undefined
			? []
			: [
					{
						email: agent.emailAddress,
						name: `${agent.firstName} ${agent.lastName}`,
						agentId: agent.agentId,
						userId: user.id,
						teamId: agent.teamId,
						teamName: agent.teamName,
					},
				];
	});
}

/** The demo stack with every port free and n8n's data in a fresh folder under the OS temp dir. */
export async function startE2eStack(suite: string, options: Omit<DemoStackOptions, 'userFolder' | 'ports'> = {}): Promise<E2eStack> {
	assertPackageBuilt();
	const userFolder = mkdtempSync(join(tmpdir(), `n8n-e2e-${suite}-`));
	let stack: DemoStack;
	try {
		stack = await startDemoStack({ ...options, userFolder });
	} catch (error) {
		throw new Error(`The e2e stack did not start (n8n data and log kept in ${userFolder}): ${(error as Error).message}`);
	}
	const pairs = pairsOf(stack.salesforce, stack.cxone);
	const unused = [...pairs];
	const syncs: ObservedSync[] = [];
	stack.console?.board.on('sync', (sync: ObservedSync) => syncs.push(sync));
	return {
		...stack,
		userFolder,
		pairs,
		syncs,
		freshPair: (teamName) => {
			const index = unused.findIndex((pair) => teamName === undefined || pair.teamName === teamName);
			if (index < 0) throw new Error(`No unused agent${teamName ? ` in team ${teamName}` : ''} left; seed more agents`);
			return unused.splice(index, 1)[0];
		},
		close: async (keepFolder = false) => {
			await stack.stop();
			if (!keepFolder) rmSync(userFolder, { recursive: true, force: true });
		},
	};
}

/**
 * Reads `read()` until `done` holds: a wait for the systems to converge, never a timing assertion. On
 * timeout the error says what was awaited and the last value seen.
 */
export async function until<T>(
	what: string,
	read: () => T | Promise<T>,
	done: (value: T) => boolean,
	timeoutMs = 30_000,
	pollMs = 200,
): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = await read();
		if (done(value)) return value;
		if (Date.now() > deadline) {
			throw new Error(`Gave up after ${timeoutMs} ms waiting for ${what}; last seen: ${JSON.stringify(value)?.slice(0, 1500)}`);
		}
		await sleep(pollMs);
	}
}

export const sleep = async (ms: number) => await new Promise((done) => setTimeout(done, ms));

export const omniOf = (salesforce: SalesforceEmulator, pair: AgentPair) => salesforce.presenceOf(pair.userId)?.developerName ?? null;

export const acdOf = (cxone: CxoneEmulator, pair: AgentPair) => {
	const { state, reason } = cxone.stateOf(pair.agentId);
	return { state, reason };
};

/** Each emulator's calls and counted writes since a mark: what the workflow did to the two systems. */
export interface Traffic {
	salesforce: { calls: number; writes: Record<string, number> };
	cxone: { calls: number; writes: Record<string, number> };
}

function counted(router: Router): { calls: number; writes: Record<string, number> } {
	const counters = router.counters();
	return { calls: counters.totalCalls, writes: counters.writes };
}

function minus(now: Record<string, number>, before: Record<string, number>): Record<string, number> {
	const delta: Record<string, number> = {};
	for (const [kind, n] of Object.entries(now)) if (n - (before[kind] ?? 0) !== 0) delta[kind] = n - (before[kind] ?? 0);
	return delta;
}

/** Counters never reset: a mark is a snapshot, and the delta is what happened after it. */
export function trafficMark(salesforce: SalesforceEmulator, cxone: CxoneEmulator): () => Traffic {
	const before = { salesforce: counted(salesforce.router), cxone: counted(cxone.router) };
	return () => {
		const sf = counted(salesforce.router);
		const cx = counted(cxone.router);
		return {
			salesforce: { calls: sf.calls - before.salesforce.calls, writes: minus(sf.writes, before.salesforce.writes) },
			cxone: { calls: cx.calls - before.cxone.calls, writes: minus(cx.writes, before.cxone.writes) },
		};
	};
}

/** Salesforce: commands published (the sync's writes), applied by the companion, rows deleted; CXone: states set. */
export const writesOf = (traffic: Traffic) => ({
	salesforceCommands: traffic.salesforce.writes['presence-command'] ?? 0,
	salesforceApplied: traffic.salesforce.writes['presence-applied'] ?? 0,
	salesforceDeletes: traffic.salesforce.writes['presence-delete'] ?? 0,
	cxoneStates: traffic.cxone.writes['agent-state'] ?? 0,
	cxoneLogouts: traffic.cxone.writes['agent-logout'] ?? 0,
});

const FINISHED = new Set(['success', 'error', 'crashed', 'canceled']);

/**
 * A workflow's executions as n8n stored them (public API, with data), read incrementally: finished
 * executions never change, so each is fetched with its data once.
 */
export class ExecutionLog {
	private readonly finished = new Map<string, N8nExecution>();

	constructor(
		private readonly n8n: N8nInstance,
		readonly workflowId: string,
	) {}

	/** Every finished execution, oldest first. */
	async all(): Promise<N8nExecution[]> {
		const listed = await this.n8n.executions(this.workflowId);
		for (const execution of listed) {
			if (this.finished.has(execution.id) || !FINISHED.has(execution.status)) continue;
			const full = await this.n8n.api<N8nExecution>('GET', `/executions/${encodeURIComponent(execution.id)}?includeData=true`);
			this.finished.set(execution.id, full);
		}
		return [...this.finished.values()].sort((a, b) => Number(a.id) - Number(b.id));
	}

	/** The json of every item `node` put on `output`, over all finished executions, oldest first. */
	async items(node: string, output = 0): Promise<IDataObject[]> {
		return (await this.all()).flatMap((execution) => {
			const run = execution.data?.resultData.runData[node]?.[0];
			return (run?.data?.main[output] ?? []).map((item) => item.json);
		});
	}

	/** Events both triggers emitted. */
	async events(): Promise<PresenceEvent[]> {
		const [salesforce, cxone] = [await this.items(NODE.salesforceTrigger), await this.items(NODE.cxoneTrigger)];
		return [...salesforce, ...cxone] as unknown as PresenceEvent[];
	}

	/** The Presence Rule's Skipped output: {decision, reason, event}. */
	async skips(): Promise<Skip[]> {
		return (await this.items(NODE.rule, RULE_OUTPUT.skipped)) as unknown as Skip[];
	}

	/** What an action node reported per command (written, already-consistent, target-logged-out, …). */
	async results(node: typeof NODE.toSalesforce | typeof NODE.toCxone): Promise<ApplyResult[]> {
		return (await this.items(node)) as unknown as ApplyResult[];
	}

	/** Executions that did not succeed, with n8n's error message. */
	async failures(): Promise<Array<{ id: string; status: string; error: string }>> {
		return (await this.all())
			.filter((execution) => execution.status !== 'success')
			.map((execution) => ({
				id: execution.id,
				status: execution.status,
				error: String(execution.data?.resultData.error?.message ?? '(no message)'),
			}));
	}
}

/** The event is about this person, on this side. */
export const isAbout = (event: PresenceEvent, side: PresenceEvent['side'], pair: AgentPair) =>
	event.side === side && event.user.email?.toLowerCase() === pair.email.toLowerCase();

/** How a state reads in an event: 'Unavailable/Lunch', 'Available', 'Lunch_Break', 'Offline'. */
export function stateName(event: PresenceEvent): string {
	const { state } = event;
	if (state.kind === 'omni') return state.developerName ?? 'Offline';
	return state.reason ? `${state.state}/${state.reason}` : state.state;
}

export interface LatencySummary {
	syncs: number;
	minMs: number | null;
	p50Ms: number | null;
	maxMs: number | null;
}

export function latencySummary(syncs: ObservedSync[]): LatencySummary {
	const sorted = syncs.map((sync) => sync.latencyMs).sort((a, b) => a - b);
	if (sorted.length === 0) return { syncs: 0, minMs: null, p50Ms: null, maxMs: null };
	return { syncs: sorted.length, minMs: sorted[0], p50Ms: sorted[Math.ceil(sorted.length / 2) - 1], maxMs: sorted[sorted.length - 1] };
}

/** Writes the suite's numbers to test-output/e2e/<suite>.json and prints them once. */
export function reportSuite(suite: string, summary: IDataObject): void {
	mkdirSync(OUTPUT_DIR, { recursive: true });
	const file = join(OUTPUT_DIR, `${suite}.json`);
	writeFileSync(file, `${JSON.stringify(summary, null, '\t')}\n`);
	console.log(`e2e ${suite}: ${JSON.stringify(summary)} (${file})`);
}
