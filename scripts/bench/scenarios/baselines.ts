/**
 * Scenario 5: the stock flow (bench/baselines/stock-presence-sync.json), same emulators, same agents.
 *   (b) every second: an idle window gives its reads per run and runs per second; a change series gives
 *       its latency and, with the reads of the runs in that window taken off, its writes per change.
 *   (a) every minute: latency measured on a few changes (full run), or computed from the schedule (quick:
 *       a change waits uniformly 0–60 s for the next run, then one run's duration, the median of (b)'s).
 *       Its reads per run and writes per change are (b)'s: the flows differ only in their schedule.
 * Per day: reads per run × runs a day (1 440 or (b)'s measured rate × 86 400 s) + writes per change × 7 200.
 */
import { CHANGES_PER_DAY } from '../config';
import { changeSeries, sleep, waitQuiet, warmUp, type BenchContext } from '../context';
import { median, type LatencySummary } from '../stats';
import { DAY_MS, measureWindow, type DailyFigures, type Window } from './economy';
import { activateCopy, createStockCredentials, stockWorkflow } from '../workflows';
import type { TrafficTotals } from '../traffic';

const RUNS_PER_DAY_EVERY_MINUTE = 24 * 60;

export interface StockResult {
	schedule: 'every minute' | 'every second';
	cxoneToSalesforce: LatencySummary;
	salesforceToCxone: LatencySummary;
	perDay: DailyFigures;
}

export interface BaselinesResult {
	a: StockResult;
	b: StockResult & { idle: Window; change: Window & { changes: number }; runMs: number };
}

/** One run's reads and one change's writes, as (b) measured them, projected to `runsPerDay`. */
function stockPerDay(idle: Window, change: Window & { changes: number }, runsPerDay: number): DailyFigures {
	const daily = (kind: keyof TrafficTotals) => {
		const perRun = idle.calls[kind] / idle.executions;
		const perChange = (change.calls[kind] - perRun * change.executions) / change.changes;
		return Math.round(perRun * runsPerDay + perChange * CHANGES_PER_DAY);
	};
	const salesforceRest = daily('salesforceRest');
	const cxone = daily('cxone');
	return { salesforceRest, salesforceStreaming: daily('salesforceStreaming'), cxone, apiCalls: salesforceRest + cxone, executions: Math.round(runsPerDay) };
}

/** Nearest-rank percentile of "uniform wait 0–period, then one run". */
function fromSchedule(periodMs: number, runMs: number): LatencySummary {
	const at = (p: number) => Math.round((p / 100) * periodMs + runMs);
	return { changes: 0, lost: 0, p50Ms: at(50), p95Ms: at(95), p99Ms: at(99), maxMs: Math.round(periodMs + runMs), source: 'schedule' };
}

/** Median duration of the workflow's finished runs. */
async function runMs(ctx: BenchContext, workflowId: string): Promise<number> {
	const runs = await ctx.n8n.executions(workflowId, { limit: 250 });
	return median(runs.filter((run) => run.stoppedAt).map((run) => Date.parse(run.stoppedAt as string) - Date.parse(run.startedAt)));
}

export async function baselinesScenario(ctx: BenchContext): Promise<BaselinesResult> {
	const { salesforce, cxone } = ctx.stack;
	const urls = { salesforce: salesforce.url, cxone: cxone.url };
	const pool = ctx.watch.pairs.slice(0, ctx.config.agents);
	await createStockCredentials(ctx.n8n, salesforce, cxone);

	ctx.progress('baseline (b): stock flow every second');
	const everySecond = await activateCopy(ctx.n8n, stockWorkflow('second', urls));
	await warmUp(ctx, pool, 'Stock flow every second');
	await waitQuiet(ctx, everySecond);
	const { window: idle } = await measureWindow(ctx, everySecond, () => sleep(ctx.config.baselineB.idleMs));
	if (idle.executions === 0) throw new Error(`The stock flow did not run in ${idle.ms} ms; see ${ctx.n8n.logFile}`);
	const { window: changeWindow, value: b } = await measureWindow(ctx, everySecond, () =>
		changeSeries(ctx, pool, ctx.config.baselineB.latency, 'baseline (b)'),
	);
	await ctx.n8n.deactivate(everySecond);
	const change = { ...changeWindow, changes: b.changes };
	const bRunMs = await runMs(ctx, everySecond);

	let aLatency: Pick<StockResult, 'cxoneToSalesforce' | 'salesforceToCxone'>;
	if (ctx.config.baselineA === null) {
		const computed = fromSchedule(60_000, bRunMs);
		aLatency = { cxoneToSalesforce: computed, salesforceToCxone: computed };
	} else {
		ctx.progress('baseline (a): stock flow every minute');
		const everyMinute = await activateCopy(ctx.n8n, stockWorkflow('minute', urls));
		aLatency = await changeSeries(ctx, pool, ctx.config.baselineA, 'baseline (a)');
		await ctx.n8n.deactivate(everyMinute);
	}

	return {
		a: { schedule: 'every minute', ...aLatency, perDay: stockPerDay(idle, change, RUNS_PER_DAY_EVERY_MINUTE) },
		b: {
			schedule: 'every second',
			cxoneToSalesforce: b.cxoneToSalesforce,
			salesforceToCxone: b.salesforceToCxone,
			perDay: stockPerDay(idle, change, (idle.executions / idle.ms) * DAY_MS),
			idle,
			change,
			runMs: Math.round(bRunMs),
		},
	};
}
