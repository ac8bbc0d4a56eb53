/**
 * The live console against both emulators on free ports, read the way the page reads it: a WebSocket
 * snapshot, then one row message per change; actions through POST /api/action.
 */
import { readFileSync } from 'fs';
import * as path from 'path';
import WebSocket from 'ws';

import { createCxoneClient } from '../../lib/cxone/client';
import { cxoneAuthFromCredentials } from '../../lib/cxone/credentials';
import { NO_SYNC, OFFLINE, ANY_REASON, presenceRule } from '../../lib/engine/rule';
import { startConsole, type AgentConsole, type AgentRow, type ObservedSync } from '../../emulators/console';
import { projectRoot } from '../../emulators/common/projectRoot';
import { templateRule, TEMPLATE_FILE } from '../../emulators/console/templateRule';
import { startCxoneEmulator, type CxoneEmulator } from '../../emulators/cxone';
import { startSalesforceEmulator, type SalesforceEmulator } from '../../emulators/salesforce';

const AGENTS = 4;

const rule = presenceRule({
	name: 'Console test',
	publisherMap: [
		{ acdState: 'Available', reason: null, omni: 'Available_for_Chats' },
		{ acdState: 'Unavailable', reason: 'Lunch', omni: 'Lunch_Break' },
		{ acdState: 'Unavailable', reason: ANY_REASON, omni: 'Busy' },
		{ acdState: 'LoggedOut', reason: null, omni: OFFLINE },
	],
	subscriberMap: [
		{ omni: 'Available_for_Chats', acd: { state: 'Available' } },
		{ omni: 'Lunch_Break', acd: { state: 'Unavailable', reason: 'Lunch' } },
		{ omni: 'Busy', acd: { state: 'Unavailable', reason: 'Meeting' } },
		{ omni: OFFLINE, acd: NO_SYNC },
	],
});

interface Message {
	type: string;
	rows?: AgentRow[];
	row?: AgentRow;
	options?: { omniStatuses: Array<{ developerName: string }>; unavailableCodes: string[] };
}

/** A WebSocket client that keeps every message, so a test can wait for the one it expects. */
class PageClient {
	readonly messages: Message[] = [];
	private waiters: Array<() => void> = [];

	constructor(readonly socket: WebSocket) {
		socket.on('message', (data) => {
			this.messages.push(JSON.parse(String(data)) as Message);
			this.waiters.forEach((wake) => wake());
		});
	}

	static async open(url: string): Promise<PageClient> {
		const socket = new WebSocket(`${url.replace('http', 'ws')}/ws`);
		const client = new PageClient(socket);
		await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
		return client;
	}

	/** The first message (from `from` on) that satisfies `match`. */
	async next(match: (message: Message) => boolean, from = 0): Promise<Message> {
		for (;;) {
			const found = this.messages.slice(from).find(match);
			if (found) return found;
			await new Promise<void>((resolve, reject) => {
				const timer = setTimeout(() => reject(new Error(`no matching message; got ${JSON.stringify(this.messages.slice(from).map((m) => m.type))}`)), 10_000);
				this.waiters.push(() => {
					clearTimeout(timer);
					resolve();
				});
			});
			this.waiters = [];
		}
	}

	close(): void {
		this.socket.close();
	}
}

const rowUpdate = (email: string, match: (row: AgentRow) => boolean) => (message: Message) =>
	message.type === 'row' && message.row!.email === email && match(message.row!);

describe('live console', () => {
	let salesforce: SalesforceEmulator;
	let cxone: CxoneEmulator;
	let agentConsole: AgentConsole;
	let page: PageClient;
	let snapshot: Message;

	beforeAll(async () => {
		salesforce = await startSalesforceEmulator({ agents: AGENTS, companionDelayMs: 20 });
		cxone = await startCxoneEmulator({ agents: AGENTS });
		agentConsole = await startConsole({ salesforce, cxone, rule });
		page = await PageClient.open(agentConsole.url);
		snapshot = await page.next((message) => message.type === 'snapshot');
	});

	afterAll(async () => {
		page?.close();
		await agentConsole?.stop();
		await Promise.all([salesforce?.stop(), cxone?.stop()]);
	});

	const agent = (i: number) => cxone.agents()[i];

	it('sends a snapshot with one row per agent, paired by email and judged by the rule', () => {
		expect(snapshot.rows).toHaveLength(AGENTS);
		const first = snapshot.rows!.find((row) => row.email === agent(0).emailAddress)!;
		expect(first).toMatchObject({
			name: `${agent(0).firstName} ${agent(0).lastName}`,
			team: agent(0).teamName,
			cxone: { agentId: agent(0).agentId, state: 'Available', onContact: false },
			salesforce: { userId: salesforce.userByEmail(agent(0).emailAddress)!.id, developerName: 'Available_for_Chats', online: true, consoleOpen: true },
			sync: 'in-sync',
		});
		expect(snapshot.options!.omniStatuses.map((status) => status.developerName)).toContain('Lunch_Break');
		// Every code an agent can pick in MAX, mapped by the rule or not; the ACW code comes from ending a contact.
		expect(snapshot.options!.unavailableCodes).toEqual(['Lunch', 'Break', 'Meeting', 'Training', 'Open']);
	});

	it('pushes a row when an agent changes, marked as waiting for the sync, then in sync once the other side follows', async () => {
		const { emailAddress: email, agentId } = agent(1);
		const from = page.messages.length;
		cxone.setAgentState(agentId, 'Unavailable', 'Lunch');
		const changed = await page.next(rowUpdate(email, (row) => row.cxone.state === 'Unavailable'), from);
		expect(changed.row).toMatchObject({ cxone: { reason: 'Lunch' }, sync: 'pending', syncNote: 'Salesforce should be Lunch_Break' });

		salesforce.setPresence(salesforce.userByEmail(email)!.id, 'Lunch_Break');
		const followed = await page.next(rowUpdate(email, (row) => row.salesforce.developerName === 'Lunch_Break'), from);
		expect(followed.row!.sync).toBe('in-sync');
	});

	it('marks a pair the rule leaves alone as not synced, with the reason', async () => {
		const { emailAddress: email } = agent(2);
		const from = page.messages.length;
		salesforce.setPresence(salesforce.userByEmail(email)!.id, null);
		const offline = await page.next(rowUpdate(email, (row) => row.salesforce.developerName === null), from);
		expect(offline.row).toMatchObject({ salesforce: { label: 'Offline', online: false }, sync: 'not-synced' });
		expect(offline.row!.syncNote).toMatch(/Do Not Sync/);
	});

	it('measures the latency from an agent change to the sync write that matches it', async () => {
		const { emailAddress: email, agentId } = agent(3);
		const synced = new Promise<ObservedSync>((resolve) => agentConsole.board.once('sync', resolve));
		salesforce.setPresence(salesforce.userByEmail(email)!.id, 'Busy');
		// The write a sync would make, over the wire: an agent session on the CXone API.
		const client = createCxoneClient(cxoneAuthFromCredentials({ issuer: cxone.url, ...cxone.access }));
		await client.setAgentState(agentId, 'Unavailable', 'Meeting');
		const sync = await synced;
		expect(sync).toMatchObject({ email, from: 'salesforce', state: 'Busy' });
		expect(sync.latencyMs).toBeGreaterThanOrEqual(0);
		expect(agentConsole.board.row(email)!.sync).toBe('in-sync');
		expect(agentConsole.board.stats()).toMatchObject({ syncs: 1, lastLatencyMs: sync.latencyMs, cxone: { writes: expect.any(Number) } });
		expect(agentConsole.board.stats().cxone.calls).toBeGreaterThan(0);
	});

	it('acts as the agent through POST /api/action, and answers a bad action with the valid values', async () => {
		const { emailAddress: email, agentId } = agent(0);
		const post = (body: unknown) =>
			fetch(`${agentConsole.url}/api/action`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

		const from = page.messages.length;
		const contact = await post({ email, side: 'cxone', action: 'start-contact' });
		expect(contact.status).toBe(200);
		expect(cxone.stateOf(agentId).state).toBe('InboundContact');
		await page.next(rowUpdate(email, (row) => row.cxone.onContact), from);

		const userId = salesforce.userByEmail(email)!.id;
		expect((await post({ email, side: 'salesforce', action: 'status', developerName: 'Busy' })).status).toBe(200);
		expect(salesforce.presenceOf(userId)?.developerName).toBe('Busy');

		const closed = await post({ email, side: 'salesforce', action: 'console', open: false });
		expect(((await closed.json()) as { row: AgentRow }).row.salesforce.consoleOpen).toBe(false);
		expect(salesforce.state().users.find((user) => user.id === userId)?.consoleOpen).toBe(false);

		const bad = await post({ email, side: 'cxone', action: 'dance' });
		expect(bad.status).toBe(400);
		expect(((await bad.json()) as { error: string }).error).toBe(
			"CXone action 'dance' is not known; valid: available, unavailable, logout, start-contact, end-contact",
		);
		const unknownCode = await post({ email, side: 'cxone', action: 'unavailable', reason: 'Nap' });
		expect(unknownCode.status).toBe(400);
		expect(((await unknownCode.json()) as { error: string }).error).toMatch(/Unavailable code 'Nap' does not exist; valid: .*Lunch/);
	});

	it('pushes a row when a console opens or closes outside the page (control API), and says what that means', async () => {
		const { emailAddress: email, agentId } = agent(2);
		const userId = salesforce.userByEmail(email)!.id;
		salesforce.setPresence(userId, 'Available_for_Chats');
		cxone.setAgentState(agentId, 'Unavailable', 'Lunch');
		const from = page.messages.length;
		const closed = await fetch(`${salesforce.url}/__control/console`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ userId, open: false }),
		});
		expect(closed.status).toBe(200);
		const update = await page.next(rowUpdate(email, (row) => !row.salesforce.consoleOpen), from);
		expect(update.row!.syncNote).toMatch(/the console is closed, so the companion cannot apply it/);
		salesforce.setConsoleOpen(userId, true);
		await page.next(rowUpdate(email, (row) => row.salesforce.consoleOpen), from);
	});

	it('serves the page', async () => {
		const response = await fetch(agentConsole.url);
		expect(response.headers.get('content-type')).toMatch(/text\/html/);
		expect(await response.text()).toContain('Presence sync · live console');
	});
});

describe('console rule from the template workflow', () => {
	it('reads the Presence Rule node of templates/bidirectional-presence-sync.json, defaults filled as n8n does', () => {
		const fromTemplate = templateRule();
		const template = JSON.parse(readFileSync(path.join(projectRoot(), TEMPLATE_FILE), 'utf8')) as {
			nodes: Array<{ type: string; parameters: { publisherStates: { row: unknown[] }; subscriberStates: { row: unknown[] } } }>;
		};
		const node = template.nodes.find((candidate) => candidate.type.endsWith('.presenceRule'))!;
		expect(fromTemplate.publisherMap).toHaveLength(node.parameters.publisherStates.row.length);
		expect(fromTemplate.subscriberMap).toHaveLength(node.parameters.subscriberStates.row.length);
		expect(fromTemplate.publisherMap.every((row) => typeof row.omni === 'string' && row.omni !== '')).toBe(true);
	});

	it('judges freshly seeded emulators in sync when started without a rule of its own', async () => {
		const salesforce = await startSalesforceEmulator({ agents: 2 });
		const cxone = await startCxoneEmulator({ agents: 2 });
		const agentConsole = await startConsole({ salesforce, cxone });
		try {
			const snapshot = (await (await fetch(`${agentConsole.url}/api/snapshot`)).json()) as { rows: AgentRow[] };
			expect(snapshot.rows.map((row) => row.sync)).toEqual(['in-sync', 'in-sync']);
		} finally {
			await agentConsole.stop();
			await Promise.all([salesforce.stop(), cxone.stop()]);
		}
	});
});
