/**
 * Scenario 2: shift-start burst. Every agent (all on a break, in sync) goes Available within `windowMs`,
 * each at a random moment and on a random side (CXone Available or Omni Available_for_Chats). Measured:
 * the time from the burst's start until every agent is consistent on both sides, the changes whose sync
 * never came (lost), the workflow's executions (echoes included), API calls by endpoint and sync writes.
 */
import { performance } from 'perf_hooks';

import { SHIFT_START } from '../config';
import { executionsBetween, growAgents, sleep, waitQuiet, warmUp, type BenchContext } from '../context';
import { between, snapshot, totals, type Counts, type TrafficTotals } from '../traffic';
import type { AgentChoice } from '../syncWatch';
import { activateCopy, templateWorkflow } from '../workflows';

export interface BurstResult {
	agents: number;
	changes: number;
	windowMs: number;
	/** From the burst's first change until every agent was consistent; when that never happened, until the bench gave up. */
	allConsistentMs: number;
	allConsistent: boolean;
	lost: number;
	executions: number;
	writes: number;
	writesPerChange: number;
	calls: TrafficTotals;
	byEndpoint: { salesforce: Counts; cxone: Counts };
}

export async function burstScenario(ctx: BenchContext): Promise<BurstResult> {
	const { burst } = ctx.config;
	ctx.progress(`burst: seeding ${burst.agents} agents`);
	growAgents(ctx, burst.agents);
	const workflowId = await activateCopy(ctx.n8n, templateWorkflow({ label: `burst of ${burst.agents}` }));
	await warmUp(ctx, ctx.watch.pairs, 'Burst');
	await waitQuiet(ctx, workflowId);

	const pairs = ctx.watch.pairs.slice(0, burst.agents);
	const schedule = pairs
		.map((pair) => {
			const side = ctx.random() < 0.5 ? ('cxone' as const) : ('salesforce' as const);
			const shiftStart: AgentChoice = side === 'cxone' ? { side, ...SHIFT_START.cxone } : { side, developerName: SHIFT_START.salesforce };
			// The warmed-up agents may be Available already; they pick another change that needs a sync.
			const choice = ctx.watch.needsSync(pair, shiftStart) ? shiftStart : ctx.watch.choose(pair, side, ctx.random);
			return { pair, choice, at: ctx.random() * burst.windowMs };
		})
		.filter((entry) => entry.choice !== undefined)
		.sort((a, b) => a.at - b.at);

	ctx.progress(`burst: ${schedule.length} changes within ${burst.windowMs / 1000} s`);
	const before = snapshot(ctx.stack.salesforce, ctx.stack.cxone);
	const start = performance.now();
	let lastSyncAt = start;
	const synced: Array<Promise<number | undefined>> = [];
	for (const entry of schedule) {
		const wait = entry.at - (performance.now() - start);
		if (wait > 1) await sleep(wait);
		const sync = ctx.watch.apply(entry.pair, entry.choice as AgentChoice, burst.deadlineMs);
		synced.push(
			sync.then((ms) => {
				if (ms !== undefined) lastSyncAt = Math.max(lastSyncAt, performance.now());
				return ms;
			}),
		);
	}
	const outcomes = await Promise.all(synced);
	const lost = outcomes.filter((ms) => ms === undefined).length;
	const allConsistent = lost === 0 && ctx.watch.inconsistent.size === 0;
	const allConsistentMs = Math.round((allConsistent ? lastSyncAt : performance.now()) - start);

	await waitQuiet(ctx, workflowId, 60_000);
	const after = snapshot(ctx.stack.salesforce, ctx.stack.cxone);
	const traffic = between(before, after);
	const calls = totals(traffic);
	const executions = await executionsBetween(ctx, workflowId, before.at, after.at);
	await ctx.n8n.deactivate(workflowId);
	return {
		agents: burst.agents,
		changes: schedule.length,
		windowMs: burst.windowMs,
		allConsistentMs,
		allConsistent,
		lost,
		executions,
		writes: calls.writes,
		writesPerChange: calls.writes / schedule.length,
		calls,
		byEndpoint: { salesforce: traffic.salesforce, cxone: traffic.cxone },
	};
}
