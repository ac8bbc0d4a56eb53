/**
 * `npm run bench -- --quick` runs end to end as a user runs it (the built script, as a child process, with
 * its own emulators and real n8n) and produces every figure the issue asks for: each one a number, and the
 * printed table naming every scenario. It checks that the figures exist, never their values.
 * Needs `npm run build` first (npm test builds): the bench runs from dist/.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

jest.setTimeout(300_000);

const packageRoot = resolve(__dirname, '../..');
const benchScript = join(packageRoot, 'dist', 'scripts', 'bench.js');

/** Every figure of the issue, as a path into the result JSON. */
const FIGURES = [
	...['streaming', 'polling'].flatMap((mode) =>
		['cxoneToSalesforce', 'salesforceToCxone'].flatMap((direction) =>
			['p50Ms', 'p95Ms', 'p99Ms', 'lost'].map((figure) => `figures.latency.${mode}.${direction}.${figure}`),
		),
	),
	'figures.burst.allConsistentMs',
	'figures.burst.lost',
	'figures.burst.executions',
	'figures.burst.changes',
	'figures.burst.writesPerChange',
	'figures.burst.calls.salesforceRest',
	'figures.burst.calls.cxone',
	...['salesforceRest', 'cxone', 'apiCalls', 'executions'].map((figure) => `figures.economy.perDay.${figure}`),
	'figures.memory.idleRssMb',
	'figures.memory.activeRssMb',
	'figures.memory.overIdleMb',
	'figures.memory.peakRssMb',
	'figures.memory.activeHeapMb',
	...['a', 'b'].flatMap((stock) => [
		...['cxoneToSalesforce', 'salesforceToCxone'].flatMap((direction) =>
			['p50Ms', 'p95Ms', 'p99Ms'].map((figure) => `figures.baselines.${stock}.${direction}.${figure}`),
		),
		`figures.baselines.${stock}.perDay.apiCalls`,
		`figures.baselines.${stock}.perDay.executions`,
	]),
	...['latencyP50.cxoneToSalesforce', 'latencyP50.salesforceToCxone', 'latencyP99.cxoneToSalesforce', 'latencyP99.salesforceToCxone', 'apiCallsPerDay', 'executionsPerDay'].flatMap(
		(ratio) => ['timesA', 'timesB'].map((side) => `comparison.${ratio}.${side}`),
	),
];

const SCENARIO_TITLES = ['1. Latency', '2. Shift-start burst', '3. Idle economy', '4. Memory', '5. Baselines'];

function at(value: unknown, path: string): unknown {
	return path.split('.').reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], value);
}

describe('npm run bench -- --quick', () => {
	const folder = mkdtempSync(join(tmpdir(), 'bench-quick-'));
	const out = join(folder, 'result.json');
	let run: { code: number | null; stdout: string; stderr: string };

	beforeAll(async () => {
		if (!existsSync(benchScript)) throw new Error(`${benchScript} is not built; run npm run build before the e2e tests`);
		run = await new Promise((done) => {
			execFile(process.execPath, [benchScript, '--quick', '--out', out], { cwd: packageRoot, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) =>
				done({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
			);
		});
	});

	afterAll(() => rmSync(folder, { recursive: true, force: true }));

	it('exits 0 and writes its figures where --out says', () => {
		expect({ code: run.code, stderrTail: run.code === 0 ? '' : run.stderr.slice(-3000) }).toEqual({ code: 0, stderrTail: '' });
		expect(existsSync(out)).toBe(true);
	});

	it('produces every figure as a number', () => {
		const result = JSON.parse(readFileSync(out, 'utf8')) as unknown;
		const missing = FIGURES.filter((path) => {
			const value = at(result, path);
			return typeof value !== 'number' || !Number.isFinite(value);
		});
		expect(missing).toEqual([]);
	});

	it('counts the burst API calls by endpoint on both sides', () => {
		const byEndpoint = at(JSON.parse(readFileSync(out, 'utf8')), 'figures.burst.byEndpoint') as Record<string, { calls: Record<string, number> }>;
		for (const side of ['salesforce', 'cxone']) {
			const counts = Object.values(byEndpoint[side].calls);
			expect(counts.length).toBeGreaterThan(0);
			expect(counts.every((count) => Number.isInteger(count) && count > 0)).toBe(true);
		}
	});

	it('judges every target with a numeric value and a verdict', () => {
		const targets = at(JSON.parse(readFileSync(out, 'utf8')), 'targets') as Array<{ name: string; value: unknown; met: unknown }>;
		expect(targets.length).toBeGreaterThanOrEqual(14);
		expect(targets.filter((target) => typeof target.value !== 'number' || !Number.isFinite(target.value) || typeof target.met !== 'boolean')).toEqual([]);
	});

	it('prints one table that lists every scenario and every target verdict', () => {
		const missing = SCENARIO_TITLES.filter((title) => !run.stdout.includes(title));
		expect(missing).toEqual([]);
		expect(run.stdout).toMatch(/Targets met: \d+ of \d+/);
	});
});
