/**
 * Scenario 3: idle economy. 50 agents each changing about every 10 minutes, projected to a day from
 * three measured windows on the template (Salesforce streaming):
 *   idle       no change at all: what the triggers cost per real second (CXone polling, CometD long polls);
 *              this copy's periodic reconcile is off, so the reconcile is never counted twice;
 *   change     `changes` agent changes at compressed spacing: calls and executions per change, after the
 *              idle rate × the window's length is taken off;
 *   reconcile  a copy of the template whose triggers reconcile every few seconds, idle: calls per reconcile
 *              execution (the idle rate taken off), since the default 10-minute reconcile is longer than any
 *              window the bench can wait for.
 * Per day = idle rate × 86 400 s + per change × 7 200 changes (50 agents × 6 an hour × 24 h)
 *         + per reconcile × reconciles a day (2 triggers × 24 h × 60 / the triggers' default period).
 */
import { description as salesforceTriggerDescription } from '../../../nodes/SalesforceOmniTrigger/description';
import { CHANGES_PER_DAY } from '../config';
import { changeSeries, executionsBetween, sleep, waitQuiet, warmUp, type BenchContext } from '../context';
import { between, snapshot, totals, type TrafficTotals } from '../traffic';
import { activateCopy, templateWorkflow } from '../workflows';

export const DAY_MS = 86_400_000;

export interface Window {
	ms: number;
	calls: TrafficTotals;
	executions: number;
}

export interface DailyFigures {
	salesforceRest: number;
	salesforceStreaming: number;
	cxone: number;
	/** Salesforce REST + CXone. */
	apiCalls: number;
	executions: number;
}

export interface EconomyResult {
	idle: Window;
	change: Window & { changes: number };
	reconcile: Window & { periodMinutes: number };
	reconcilesPerDay: number;
	perDay: DailyFigures;
}

/** The triggers' default reconcile period (minutes), read from the node's own description. */
export function defaultReconcileMinutes(): number {
	const options = salesforceTriggerDescription.properties.find((property) => property.name === 'options');
	const reconcile = options?.options?.find((option) => 'name' in option && option.name === 'reconcileEvery');
	const minutes = reconcile && 'default' in reconcile ? Number(reconcile.default) : Number.NaN;
	if (!(minutes > 0)) throw new Error('The Salesforce trigger has no positive default for its reconcileEvery option');
	return minutes;
}

/** Calls and executions of `workflowId` while `during` runs, and what `during` returned. */
export async function measureWindow<T>(ctx: BenchContext, workflowId: string, during: () => Promise<T>): Promise<{ window: Window; value: T }> {
	const before = snapshot(ctx.stack.salesforce, ctx.stack.cxone);
	const value = await during();
	const after = snapshot(ctx.stack.salesforce, ctx.stack.cxone);
	const window = {
		ms: after.at - before.at,
		calls: totals(between(before, after)),
		executions: await executionsBetween(ctx, workflowId, before.at, after.at),
	};
	return { window, value };
}

type CallKind = keyof TrafficTotals;

/** One kind of call (or executions) a day: the idle rate all day, plus what each change and each reconcile adds to it. */
function perDay(
	read: (window: Window) => number,
	idle: Window,
	change: Window & { changes: number },
	reconcile: Window,
	reconcileCalls: (perReconcile: number) => number,
): number {
	const idleRate = read(idle) / idle.ms;
	const perChange = (read(change) - idleRate * change.ms) / change.changes;
	const perReconcile = (read(reconcile) - idleRate * reconcile.ms) / reconcile.executions;
	return Math.round(idleRate * DAY_MS + perChange * CHANGES_PER_DAY + reconcileCalls(perReconcile));
}

export async function economyScenario(ctx: BenchContext): Promise<EconomyResult> {
	const { economy } = ctx.config;
	const pool = ctx.watch.pairs.slice(0, ctx.config.agents);
	const workflowId = await activateCopy(ctx.n8n, templateWorkflow({ label: 'economy, reconcile measured apart', reconcileEveryMinutes: 0 }));
	await warmUp(ctx, pool, 'Economy');
	await waitQuiet(ctx, workflowId);
	ctx.progress(`economy: idle window ${economy.idleMs / 1000} s`);
	const { window: idle } = await measureWindow(ctx, workflowId, () => sleep(economy.idleMs));
	ctx.progress(`economy: ${economy.changes} changes`);
	const { window: changeWindow, value: series } = await measureWindow(ctx, workflowId, async () => {
		const latency = { changesPerDirection: Math.ceil(economy.changes / 2), spacingMs: economy.spacingMs, timeoutMs: 30_000 };
		const made = await changeSeries(ctx, pool, latency, 'economy');
		await waitQuiet(ctx, workflowId);
		return made;
	});
	const change = { ...changeWindow, changes: series.changes };
	await ctx.n8n.deactivate(workflowId);

	ctx.progress(`economy: reconcile every ${economy.reconcileProbeMinutes * 60} s for ${economy.reconcileWindowMs / 1000} s`);
	const probeId = await activateCopy(ctx.n8n, templateWorkflow({ label: 'reconcile probe', reconcileEveryMinutes: economy.reconcileProbeMinutes }));
	// Activation's own reads (directories, snapshots, PushTopic, handshake) stay out of the window.
	await sleep(1000);
	const { window: reconcileWindow } = await measureWindow(ctx, probeId, async () => {
		await sleep(economy.reconcileWindowMs);
		await waitQuiet(ctx, probeId);
	});
	await ctx.n8n.deactivate(probeId);
	const reconcile = { ...reconcileWindow, periodMinutes: economy.reconcileProbeMinutes };
	if (reconcile.executions === 0) throw new Error(`No reconcile ran in the ${reconcile.ms} ms probe window; lengthen reconcileWindowMs`);

	const reconcilesPerDay = (2 * 24 * 60) / defaultReconcileMinutes();
	const daily = (kind: CallKind) => perDay((w) => w.calls[kind], idle, change, reconcile, (perReconcile) => perReconcile * reconcilesPerDay);
	const salesforceRest = daily('salesforceRest');
	const cxone = daily('cxone');
	return {
		idle,
		change,
		reconcile,
		reconcilesPerDay,
		perDay: {
			salesforceRest,
			salesforceStreaming: daily('salesforceStreaming'),
			cxone,
			apiCalls: salesforceRest + cxone,
			// Every reconcile is one execution per trigger.
			executions: perDay((w) => w.executions, idle, change, reconcile, () => reconcilesPerDay),
		},
	};
}
