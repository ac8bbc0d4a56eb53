/** The demo's activity generator acts as the agents on both emulators, one change at a time, until stopped. */
import { startCxoneEmulator, type CxoneEmulator } from '../../emulators/cxone';
import { startSalesforceEmulator, type SalesforceEmulator } from '../../emulators/salesforce';
import { startActivity, type AgentChange } from '../../scripts/demo/activity';

/** A repeatable stand-in for Math.random (mulberry32). */
function seeded(seed: number): () => number {
	let a = seed;
	return () => {
		a = (a + 0x6d2b79f5) | 0;
		let t = Math.imul(a ^ (a >>> 15), 1 | a);
		t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

describe('demo activity', () => {
	let salesforce: SalesforceEmulator;
	let cxone: CxoneEmulator;

	beforeAll(async () => {
		salesforce = await startSalesforceEmulator({ agents: 5 });
		cxone = await startCxoneEmulator({ agents: 5 });
	});

	afterAll(async () => {
		await Promise.all([salesforce?.stop(), cxone?.stop()]);
	});

	it('changes agents on both sides as agents would, and stops when told', async () => {
		const changes: AgentChange[] = [];
		const errors: Error[] = [];
		const events = { cxone: 0, salesforce: 0 };
		const countCxone = (_agentId: number, _state: string, cause: string) => cause === 'agent' && events.cxone++;
		const countSalesforce = (_userId: string, _state: unknown, cause: string) => cause === 'agent' && events.salesforce++;
		cxone.events.on('state', countCxone);
		salesforce.events.on('presence', countSalesforce);

		const activity = startActivity({
			salesforce,
			cxone,
			intervalMs: [1, 3],
			random: seeded(7),
			onChange: (change) => changes.push(change),
			onError: (error) => errors.push(error),
		});
		while (changes.length < 40) await new Promise((resolve) => setTimeout(resolve, 5));
		activity.stop();
		const stoppedAt = changes.length;
		await new Promise((resolve) => setTimeout(resolve, 30));

		cxone.events.off('state', countCxone);
		salesforce.events.off('presence', countSalesforce);
		expect(changes.length).toBe(stoppedAt);
		expect(errors).toEqual([]);
		// Every reported change is a real change the emulator announced, on the side it says.
		expect(events.cxone).toBe(changes.filter((change) => change.side === 'cxone').length);
		expect(events.salesforce).toBe(changes.filter((change) => change.side === 'salesforce').length);
		expect(events.cxone).toBeGreaterThan(0);
		expect(events.salesforce).toBeGreaterThan(0);
		const emails = new Set(cxone.agents().map((agent) => agent.emailAddress));
		expect(changes.every((change) => emails.has(change.email))).toBe(true);
	});
});
