/**
 * One bench run: the demo stack (both emulators, a real n8n with this package, credentials) in a
 * throwaway n8n folder, then the scenarios in an order that lets them share it: latency (streaming),
 * economy and latency (polling) at 50 agents, the stock baselines, the burst (agents seeded up), memory
 * (n8n restarted, agents seeded up again). Each scenario activates its own workflow copy and deactivates it.
 */
import { mkdtempSync, readFileSync, rmSync } from 'fs';
import { cpus, tmpdir } from 'os';
import * as path from 'path';

import { projectRoot } from '../../emulators/common/projectRoot';
import { templateRule } from '../../emulators/console/templateRule';
import { startDemoStack } from '../demo/stack';
import { BEFORE_SHIFT, type BenchConfig } from './config';
import type { BenchContext } from './context';
import { benchResult, type BenchResult } from './report';
import { baselinesScenario } from './scenarios/baselines';
import { burstScenario } from './scenarios/burst';
import { economyScenario } from './scenarios/economy';
import { latencyScenario } from './scenarios/latency';
import { memoryScenario } from './scenarios/memory';
import { seededRandom } from './stats';
import { SyncWatch } from './syncWatch';

export interface RunOptions {
	seed: number;
	progress(message: string): void;
}

function n8nVersion(): string {
	return (JSON.parse(readFileSync(path.join(projectRoot(), 'node_modules', 'n8n', 'package.json'), 'utf8')) as { version: string }).version;
}

export async function runBench(config: BenchConfig, options: RunOptions): Promise<BenchResult> {
	const started = Date.now();
	const userFolder = mkdtempSync(path.join(tmpdir(), 'presence-bench-'));
	const stack = await startDemoStack({
		userFolder,
		agents: config.agents,
		console: false,
		salesforceOptions: { companionDelayMs: 0, initialStatus: BEFORE_SHIFT.salesforce },
		cxoneOptions: { initialState: BEFORE_SHIFT.cxone },
		onStep: options.progress,
	});
	// The demo activates the template; every scenario activates a copy of its own instead.
	await stack.n8n.deactivate(stack.workflow.id);
	const ctx: BenchContext = {
		config,
		stack,
		n8n: stack.n8n,
		watch: new SyncWatch(stack.salesforce, stack.cxone, templateRule()),
		random: seededRandom(options.seed),
		progress: options.progress,
	};
	let failed = true;
	try {
		options.progress('latency, Salesforce streaming');
		const streaming = await latencyScenario(ctx, 'pushTopic');
		const economy = await economyScenario(ctx);
		options.progress('latency, Salesforce polling');
		const polling = await latencyScenario(ctx, 'polling');
		const baselines = await baselinesScenario(ctx);
		const burst = await burstScenario(ctx);
		const memory = await memoryScenario(ctx);
		failed = false;
		return benchResult(
			{
				mode: config.mode,
				startedAt: new Date(started).toISOString(),
				durationS: Math.round((Date.now() - started) / 1000),
				seed: options.seed,
				node: process.versions.node,
				n8n: n8nVersion(),
				cpus: cpus().length,
				config,
			},
			{ latency: { streaming, polling }, burst, economy, memory, baselines },
			ctx.watch.lost,
		);
	} finally {
		ctx.watch.close();
		// A failure to stop is reported, but never hides the scenario's own error.
		const report = (error: Error) => options.progress(`while stopping: ${error.message}`);
		await stack.stop().catch(report);
		// The memory scenario's restart left a process the stack does not know (on the same port).
		if (ctx.n8n !== stack.n8n) await ctx.n8n.stop().catch(report);
		if (failed) options.progress(`n8n's folder and log are kept for a look: ${userFolder}`);
		else rmSync(userFolder, { recursive: true, force: true });
	}
}
