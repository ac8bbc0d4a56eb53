/**
 * What every scenario works with: the running stack (emulators + n8n), the sync watch, the seeded random
 * source, and the few moves they share: warming a workflow up, making a series of agent changes, counting
 * a workflow's executions in a time window and waiting for n8n to go quiet.
 */
import type { DemoStack } from '../demo/stack';
import type { N8nInstance } from '../n8n/instance';
import { BEFORE_SHIFT, type BenchConfig, type LatencyConfig } from './config';
import { summarize, uniform, type LatencySummary } from './stats';
import type { AgentPair, SyncWatch } from './syncWatch';
import type { Side } from '../../lib/engine/types';

export interface BenchContext {
	config: BenchConfig;
	stack: DemoStack;
	/** The running n8n (the memory scenario restarts it). */
	n8n: N8nInstance;
	watch: SyncWatch;
	random: () => number;
	progress(message: string): void;
}

export const sleep = async (ms: number) => await new Promise((done) => setTimeout(done, ms));

/** Executions of a workflow that started in [from, to] (epoch ms), finished or not. */
export async function executionsBetween(ctx: BenchContext, workflowId: string, from: number, to = Date.now()): Promise<number> {
	const [done, running] = await Promise.all([
		ctx.n8n.executions(workflowId, { limit: 250 }),
		ctx.n8n.executions(workflowId, { limit: 250, status: 'running' }),
	]);
	return [...done, ...running].filter((execution) => {
		const started = Date.parse(execution.startedAt);
		return started >= from && started <= to;
	}).length;
}

/** Waits until the workflow has no running execution (its writes' echoes included), at most `maxMs`. */
export async function waitQuiet(ctx: BenchContext, workflowId: string, maxMs = 30_000): Promise<void> {
	const deadline = Date.now() + maxMs;
	let quietSince = Date.now();
	while (Date.now() < deadline) {
		const running = await ctx.n8n.executions(workflowId, { limit: 250, status: 'running' });
		if (running.length > 0) quietSince = Date.now();
		else if (Date.now() - quietSince >= 1500) return;
		await sleep(250);
	}
}

/** Pairs free to change: not waiting for a sync of their own. */
function freePair(ctx: BenchContext, pool: AgentPair[], busy: Set<AgentPair>): AgentPair | undefined {
	for (let attempt = 0; attempt < pool.length * 4; attempt++) {
		const pair = pool[Math.floor(ctx.random() * pool.length)];
		if (!busy.has(pair) && pair.awaiting === null && pair.consistent) return pair;
	}
	return pool.find((pair) => !busy.has(pair) && pair.awaiting === null && pair.consistent);
}

export interface ChangeSeries {
	cxoneToSalesforce: LatencySummary;
	salesforceToCxone: LatencySummary;
	changes: number;
}

/**
 * Agents of `pool` change `changesPerDirection` times on each side, interleaved at random, one agent at a
 * time per change and never one whose previous change is still syncing; resolves when every sync came or
 * timed out.
 */
export async function changeSeries(ctx: BenchContext, pool: AgentPair[], latency: LatencyConfig, label: string): Promise<ChangeSeries> {
	const sides: Side[] = [...Array(latency.changesPerDirection).fill('cxone'), ...Array(latency.changesPerDirection).fill('salesforce')];
	for (let i = sides.length - 1; i > 0; i--) {
		const j = Math.floor(ctx.random() * (i + 1));
		[sides[i], sides[j]] = [sides[j], sides[i]];
	}
	const busy = new Set<AgentPair>();
	const samples: Record<Side, Array<Promise<number | undefined>>> = { cxone: [], salesforce: [] };
	for (const [index, side] of sides.entries()) {
		let pair = freePair(ctx, pool, busy);
		while (pair === undefined) {
			await sleep(20);
			pair = freePair(ctx, pool, busy);
		}
		const choice = ctx.watch.choose(pair, side, ctx.random);
		if (choice === undefined) throw new Error(`No state for ${pair.email} on ${side} would need a sync under the template's rule`);
		const chosen = pair;
		busy.add(chosen);
		const synced = ctx.watch.apply(chosen, choice, latency.timeoutMs);
		void synced.then(() => busy.delete(chosen));
		samples[side].push(synced);
		if ((index + 1) % 50 === 0) ctx.progress(`${label}: ${index + 1}/${sides.length} changes`);
		await sleep(uniform(ctx.random, latency.spacingMs));
	}
	const [fromCxone, fromSalesforce] = await Promise.all([Promise.all(samples.cxone), Promise.all(samples.salesforce)]);
	return { cxoneToSalesforce: summarize(fromCxone), salesforceToCxone: summarize(fromSalesforce), changes: sides.length };
}

/**
 * One change each way, waited for: the workflow's triggers are up and its first executions (token, caches,
 * n8n's own first-run work) are behind it. Throws when no sync comes, with what to look at.
 */
export async function warmUp(ctx: BenchContext, pool: AgentPair[], what: string, timeoutMs = 90_000): Promise<void> {
	for (const side of ['cxone', 'salesforce'] as const) {
		const pair = freePair(ctx, pool, new Set());
		const choice = pair && ctx.watch.choose(pair, side, ctx.random);
		if (!pair || !choice) throw new Error(`No agent can make a change on ${side} that needs a sync`);
		const ms = await ctx.watch.apply(pair, choice, timeoutMs);
		if (ms === undefined) {
			throw new Error(`${what}: a change on ${side} for ${pair.email} was not synced within ${timeoutMs / 1000} s; see ${ctx.n8n.logFile}`);
		}
	}
}

/**
 * Seeds both emulators up to `agents`, with no workflow active: Salesforce keeps its users and adds the
 * new ones, CXone replaces every agent in the seed state, so existing users are put back in the matching
 * status first and every pair starts consistent.
 */
export function growAgents(ctx: BenchContext, agents: number): void {
	const { salesforce, cxone } = ctx.stack;
	for (const pair of ctx.watch.pairs) salesforce.setPresence(pair.userId, BEFORE_SHIFT.salesforce);
	salesforce.seed(agents);
	cxone.seed(agents);
	ctx.watch.repair();
	if (ctx.watch.inconsistent.size > 0) throw new Error(`${ctx.watch.inconsistent.size} agents are out of sync after seeding ${agents}`);
}
