/**
 * Small statistics for the bench: nearest-rank percentiles and a latency summary.
 */

/** Nearest-rank percentile (p in 0–100) of the values; NaN for none. */
export function percentile(values: readonly number[], p: number): number {
	if (values.length === 0) return Number.NaN;
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export function median(values: readonly number[]): number {
	return percentile(values, 50);
}

export interface LatencySummary {
	/** Changes made. */
	changes: number;
	/** Changes whose sync never came within the scenario's timeout (left out of the percentiles). */
	lost: number;
	p50Ms: number;
	p95Ms: number;
	p99Ms: number;
	maxMs: number;
	/** How the figures were obtained: measured on `changes` changes, or computed from a schedule. */
	source: 'measured' | 'schedule';
}

const round = (ms: number) => Math.round(ms);

export function summarize(samples: Array<number | undefined>): LatencySummary {
	const measured = samples.filter((ms): ms is number => ms !== undefined);
	return {
		changes: samples.length,
		lost: samples.length - measured.length,
		p50Ms: round(percentile(measured, 50)),
		p95Ms: round(percentile(measured, 95)),
		p99Ms: round(percentile(measured, 99)),
		maxMs: round(percentile(measured, 100)),
		source: 'measured',
	};
}

/** Uniform random number in [min, max). */
export function uniform(random: () => number, [min, max]: readonly [number, number]): number {
	return min + random() * (max - min);
}

/** A small seeded generator (mulberry32): the same seed makes the same agents change in the same order. */
export function seededRandom(seed: number): () => number {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}
