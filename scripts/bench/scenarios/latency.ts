/**
 * Scenario 1: latency each way, with the Salesforce trigger streaming (the template as shipped) or polling.
 * A fresh copy of the template is activated and warmed up; then agents change at random spacing and each
 * sync is timed from the agent's change to the other side's applied state.
 */
import { changeSeries, warmUp, type BenchContext, type ChangeSeries } from '../context';
import { activateCopy, salesforcePollSeconds, templateWorkflow } from '../workflows';

export interface LatencyResult extends ChangeSeries {
	salesforceMode: 'pushTopic' | 'polling';
	/** Polling mode: the Salesforce trigger's poll interval (s). */
	pollSeconds?: number;
}

export async function latencyScenario(ctx: BenchContext, salesforceMode: 'pushTopic' | 'polling'): Promise<LatencyResult> {
	const workflow = templateWorkflow({ label: `latency, Salesforce ${salesforceMode}`, salesforceMode });
	const workflowId = await activateCopy(ctx.n8n, workflow);
	const pool = ctx.watch.pairs.slice(0, ctx.config.agents);
	await warmUp(ctx, pool, `Latency (${salesforceMode})`);
	const series = await changeSeries(ctx, pool, ctx.config.latency, `latency (${salesforceMode})`);
	await ctx.n8n.deactivate(workflowId);
	return {
		...series,
		salesforceMode,
		...(salesforceMode === 'polling' ? { pollSeconds: salesforcePollSeconds(workflow) } : {}),
	};
}
