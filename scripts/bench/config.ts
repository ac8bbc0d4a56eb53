/**
 * What each scenario does in a full run and in a quick one (`--quick`: the same scenarios, smaller, so
 * the whole bench finishes in under 2 minutes on a 2-core machine, n8n's start included).
 */

export interface LatencyConfig {
	/** Changes per direction (CXone → Salesforce and Salesforce → CXone), interleaved at random. */
	changesPerDirection: number;
	/** Pause between two changes, drawn uniformly from [min, max] ms. */
	spacingMs: [number, number];
	/** A change whose sync has not come within this is counted lost. */
	timeoutMs: number;
}

export interface BenchConfig {
	mode: 'full' | 'quick';
	/** Agents seeded for latency, economy and the baselines (the economy scenario's 50). */
	agents: number;
	latency: LatencyConfig;
	economy: {
		/** A window with no change: what the triggers cost while nothing happens (polling, streaming). */
		idleMs: number;
		/** Changes made in the change window (full: one simulated hour of 50 agents changing every 10 minutes). */
		changes: number;
		/** Pause between two changes; the real hour has one change every 12 s, so this compresses time. */
		spacingMs: [number, number];
		/** A template copy reconciling every this many minutes prices one reconcile in `reconcileWindowMs`. */
		reconcileProbeMinutes: number;
		reconcileWindowMs: number;
	};
	baselineB: { idleMs: number; latency: LatencyConfig };
	/** Baseline (a) latency: measured on these changes, or, when null, computed from its 1-minute schedule. */
	baselineA: LatencyConfig | null;
	burst: { agents: number; windowMs: number; deadlineMs: number };
	memory: { agents: number; waveChanges: number; waveMs: number; settleMs: number; sampleMs: number };
}

/** The economy scenario's contact center: 50 agents, each changing state about every 10 minutes. */
export const ECONOMY_AGENTS = 50;
export const CHANGE_EVERY_MINUTES = 10;
export const CHANGES_PER_DAY = (ECONOMY_AGENTS * 24 * 60) / CHANGE_EVERY_MINUTES;

export const FULL: BenchConfig = {
	mode: 'full',
	agents: ECONOMY_AGENTS,
	latency: { changesPerDirection: 200, spacingMs: [100, 700], timeoutMs: 30_000 },
	economy: { idleMs: 120_000, changes: 300, spacingMs: [1000, 3000], reconcileProbeMinutes: 0.25, reconcileWindowMs: 62_000 },
	baselineB: { idleMs: 60_000, latency: { changesPerDirection: 100, spacingMs: [100, 700], timeoutMs: 30_000 } },
	baselineA: { changesPerDirection: 20, spacingMs: [3000, 9000], timeoutMs: 150_000 },
	burst: { agents: 5000, windowMs: 10_000, deadlineMs: 60_000 },
	memory: { agents: 10_000, waveChanges: 1000, waveMs: 10_000, settleMs: 10_000, sampleMs: 5000 },
};

export const QUICK: BenchConfig = {
	mode: 'quick',
	agents: ECONOMY_AGENTS,
	latency: { changesPerDirection: 30, spacingMs: [50, 250], timeoutMs: 5000 },
	economy: { idleMs: 6000, changes: 10, spacingMs: [400, 800], reconcileProbeMinutes: 0.05, reconcileWindowMs: 6500 },
	baselineB: { idleMs: 5000, latency: { changesPerDirection: 10, spacingMs: [50, 250], timeoutMs: 5000 } },
	baselineA: null,
	// The same rate of changes as the full burst (500 per second).
	burst: { agents: 500, windowMs: 1000, deadlineMs: 30_000 },
	memory: { agents: 1000, waveChanges: 100, waveMs: 2000, settleMs: 2000, sampleMs: 1500 },
};

/**
 * Before the shift everyone is on a break, consistent under the template's rule (Unavailable + Break ⇄
 * On_Break); at shift start they go Available on one side or the other. The emulators seed every agent so.
 */
export const BEFORE_SHIFT = {
	salesforce: 'On_Break',
	cxone: { state: 'Unavailable' as const, reason: 'Break' },
};
export const SHIFT_START = {
	salesforce: 'Available_for_Chats',
	cxone: { state: 'Available' as const, reason: null },
};
