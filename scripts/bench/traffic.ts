/**
 * API traffic as the emulators count it (every non-control request, by "METHOD route"), read as the
 * difference between two snapshots so scenarios never reset counters under one another. Salesforce calls
 * are split the way Salesforce meters them: REST (/services/data, the daily API request limit), streaming
 * (CometD, metered apart) and OAuth (not metered).
 */
import type { CxoneEmulator } from '../../emulators/cxone';
import type { SalesforceEmulator } from '../../emulators/salesforce';

export interface Counts {
	calls: Record<string, number>;
	writes: Record<string, number>;
}

export interface TrafficSnapshot {
	at: number;
	salesforce: Counts;
	cxone: Counts;
}

export interface Traffic {
	ms: number;
	salesforce: Counts;
	cxone: Counts;
}

export interface TrafficTotals {
	salesforceRest: number;
	salesforceStreaming: number;
	salesforceAuth: number;
	cxone: number;
	/** Sync writes: Presence_Sync_Command__e published + CXone agent states set (+ logouts). */
	writes: number;
}

function counts(router: { counters(): { calls: Record<string, number>; writes: Record<string, number> } }): Counts {
	const { calls, writes } = router.counters();
	return { calls: { ...calls }, writes: { ...writes } };
}

export function snapshot(salesforce: SalesforceEmulator, cxone: CxoneEmulator): TrafficSnapshot {
	return { at: Date.now(), salesforce: counts(salesforce.router), cxone: counts(cxone.router) };
}

function minus(after: Record<string, number>, before: Record<string, number>): Record<string, number> {
	const out: Record<string, number> = {};
	for (const [key, value] of Object.entries(after)) {
		const delta = value - (before[key] ?? 0);
		if (delta !== 0) out[key] = delta;
	}
	return out;
}

/** What happened between two snapshots. */
export function between(before: TrafficSnapshot, after: TrafficSnapshot): Traffic {
	return {
		ms: after.at - before.at,
		salesforce: { calls: minus(after.salesforce.calls, before.salesforce.calls), writes: minus(after.salesforce.writes, before.salesforce.writes) },
		cxone: { calls: minus(after.cxone.calls, before.cxone.calls), writes: minus(after.cxone.writes, before.cxone.writes) },
	};
}

const sum = (values: Record<string, number>, keep: (key: string) => boolean = () => true) =>
	Object.entries(values).reduce((total, [key, n]) => (keep(key) ? total + n : total), 0);

export function totals(traffic: Traffic): TrafficTotals {
	const sf = traffic.salesforce.calls;
	return {
		salesforceRest: sum(sf, (key) => key.includes('/services/data')),
		salesforceStreaming: sum(sf, (key) => key.includes('/cometd')),
		salesforceAuth: sum(sf, (key) => !key.includes('/services/data') && !key.includes('/cometd')),
		cxone: sum(traffic.cxone.calls),
		writes: sum(traffic.salesforce.writes, (kind) => kind === 'presence-command' || kind === 'presence-delete') + sum(traffic.cxone.writes),
	};
}
