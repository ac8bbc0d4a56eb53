/**
 * Scenario 4: memory. n8n is restarted (same folder and port) with its V8 inspector on, so both figures come
 * from a fresh main process: first idle (no workflow active), then with the template active for `agents`
 * agents after a wave of changes has gone through it (trigger state, directories and caches filled).
 * RSS is the n8n main process's VmRSS (/proc/<pid>/status; the task runner is a separate process).
 * Idle and active are read after a full garbage collection forced through the inspector, as the median of
 * samples every 250 ms: what the process holds, not garbage the collector has not freed yet (without it,
 * the same run gave +172 MB once and −54 MB the next). Peak is the highest sample while active, before that
 * collection: garbage included, for the record.
 */
import { readFileSync } from 'fs';

import { projectRoot } from '../../../emulators/common/projectRoot';
import { DEMO_CREDENTIAL_NAMES } from '../../demo/stack';
import { freePorts, startN8n } from '../../n8n/instance';
import { changeSeries, growAgents, sleep, waitQuiet, warmUp, type BenchContext } from '../context';
import { connectInspector, type Inspector } from '../inspector';
import { median } from '../stats';
import { activateCopy, templateWorkflow } from '../workflows';

const SAMPLE_EVERY_MS = 250;
const MB = 1024 * 1024;

export interface MemoryResult {
	agents: number;
	idleRssMb: number;
	activeRssMb: number;
	peakRssMb: number;
	/** Active minus idle, both after a full collection. */
	overIdleMb: number;
	peakOverIdleMb: number;
	/** V8 heap in use after a full collection. */
	idleHeapMb: number;
	activeHeapMb: number;
}

function rssBytes(pid: number): number {
	const kb = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
	if (kb === undefined) throw new Error(`No VmRSS for n8n (pid ${pid})`);
	return Number(kb) * 1024;
}

/** Samples the process's RSS until stopped; `samples` holds every reading. */
function rssSampler(pid: number): { samples: number[]; stop(): void } {
	const samples = [rssBytes(pid)];
	const timer = setInterval(() => samples.push(rssBytes(pid)), SAMPLE_EVERY_MS);
	return { samples, stop: () => clearInterval(timer) };
}

/** RSS (median of a sampling window) and heap in use, after settling and a full collection. */
async function retained(pid: number, inspector: Inspector, settleMs: number, sampleMs: number): Promise<{ rss: number; heap: number }> {
	await sleep(settleMs);
	await inspector.collectGarbage();
	const sampler = rssSampler(pid);
	await sleep(sampleMs);
	sampler.stop();
	return { rss: median(sampler.samples), heap: await inspector.heapUsed() };
}

const mb = (bytes: number) => Math.round((bytes / MB) * 10) / 10;

export async function memoryScenario(ctx: BenchContext): Promise<MemoryResult> {
	const { memory } = ctx.config;
	ctx.progress('memory: restarting n8n for a fresh main process');
	const { userFolder, logFile, port } = ctx.n8n;
	await ctx.n8n.stop();
	const [inspectorPort] = await freePorts(1);
	// Same folder and port: to everything else it is the same n8n, only its main process is new.
	ctx.n8n = await startN8n({
		userFolder,
		logFile,
		port,
		packageRoot: projectRoot(),
		env: { NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --inspect=127.0.0.1:${inspectorPort}`.trim() },
	});
	await ctx.n8n.owner();
	const inspector = await connectInspector(inspectorPort);
	try {
		const idle = await retained(ctx.n8n.pid, inspector, memory.settleMs, memory.sampleMs);

		ctx.progress(`memory: template active for ${memory.agents} agents`);
		growAgents(ctx, memory.agents);
		for (const name of Object.values(DEMO_CREDENTIAL_NAMES)) await ctx.n8n.findCredential(name);
		const peak = rssSampler(ctx.n8n.pid);
		const workflowId = await activateCopy(ctx.n8n, templateWorkflow({ label: `memory, ${memory.agents} agents` }));
		await warmUp(ctx, ctx.watch.pairs, 'Memory');
		const half = Math.ceil(memory.waveChanges / 2);
		const spacing = (2 * memory.waveMs) / memory.waveChanges;
		await changeSeries(ctx, ctx.watch.pairs, { changesPerDirection: half, spacingMs: [0, spacing], timeoutMs: 60_000 }, 'memory');
		await waitQuiet(ctx, workflowId);
		peak.stop();
		const active = await retained(ctx.n8n.pid, inspector, memory.settleMs, memory.sampleMs);
		await ctx.n8n.deactivate(workflowId);
		const peakBytes = Math.max(...peak.samples);
		return {
			agents: memory.agents,
			idleRssMb: mb(idle.rss),
			activeRssMb: mb(active.rss),
			peakRssMb: mb(peakBytes),
			overIdleMb: mb(active.rss - idle.rss),
			peakOverIdleMb: mb(peakBytes - idle.rss),
			idleHeapMb: mb(idle.heap),
			activeHeapMb: mb(active.heap),
		};
	} finally {
		inspector.close();
	}
}
