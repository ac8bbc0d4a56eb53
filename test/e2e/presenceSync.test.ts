/**
 * The template workflow, imported and active in a real n8n 2.8.4 with this package installed, syncing
 * the two emulators: changes made as the agents would, outcomes read from the emulators and from n8n's
 * own execution data. One n8n for the file; each scenario uses agents no other scenario touched, and
 * counts the writes it caused from counter marks (counters are never reset). Then the editor and the
 * console in headless Chromium, deactivation, and a team-limited second workflow for Not in Scope.
 * Needs the package built (`npm test` builds first).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { IDataObject } from 'n8n-workflow';

import type { CxoneEmulator } from '../../emulators/cxone';
import type { SalesforceEmulator } from '../../emulators/salesforce';
import { DEFAULT_API_VERSION } from '../../lib/cxone/credentials';
import type { PresenceEvent, Skip, SyncCommand } from '../../lib/engine';
import type { WorkflowJson } from '../../scripts/n8n/workflowBody';
import { chromiumMissing, launchChromium } from '../helpers/e2eBrowser';
import {
	ExecutionLog,
	NODE,
	OUTPUT_DIR,
	PACKAGE_ROOT,
	RULE_OUTPUT,
	acdOf,
	isAbout,
	latencySummary,
	omniOf,
	reportSuite,
	sleep,
	startE2eStack,
	stateName,
	trafficMark,
	until,
	writesOf,
	type AgentPair,
	type E2eStack,
} from '../helpers/e2eStack';

jest.setTimeout(240_000);

const SUITE = 'presence-sync';
const CONVERGE_MS = 30_000;
const JOIN = 'POST /incontactapi/services/:version/agent-sessions/join';
/** Decisions that mean "nothing to write": how every echo of a write must end. */
const NO_WRITE = ['echo', 'already-consistent', 'stale'];

let stack: E2eStack;
let salesforce: SalesforceEmulator;
let cxone: CxoneEmulator;
let runs: ExecutionLog;
let totalTraffic: ReturnType<typeof trafficMark>;

beforeAll(async () => {
	stack = await startE2eStack(SUITE, { agents: 24 });
	({ salesforce, cxone } = stack);
	runs = new ExecutionLog(stack.n8n, stack.workflow.id);
	totalTraffic = trafficMark(salesforce, cxone);
});

afterAll(async () => {
	if (stack === undefined) return;
	reportSuite(SUITE, {
		latency: { ...latencySummary(stack.syncs) },
		byDirection: {
			cxoneToSalesforce: { ...latencySummary(stack.syncs.filter((sync) => sync.from === 'cxone')) },
			salesforceToCxone: { ...latencySummary(stack.syncs.filter((sync) => sync.from === 'salesforce')) },
		},
		writes: writesOf(totalTraffic()),
		executions: (await runs.all().catch(() => [])).length,
		n8nStartupMs: stack.n8n.startupMs,
	});
	await stack.close();
});

/** The Presence Rule decided on this person's event on `side` showing `state` and skipped it. */
async function skipOf(pair: AgentPair, side: PresenceEvent['side'], state: string): Promise<Skip> {
	const skips = await until(
		`the Presence Rule to decide on ${pair.name}'s ${side} event ${state}`,
		async () => await runs.skips(),
		(all) => all.some((skip) => isAbout(skip.event, side, pair) && stateName(skip.event) === state),
		CONVERGE_MS,
	);
	return skips.find((skip) => isAbout(skip.event, side, pair) && stateName(skip.event) === state) as Skip;
}

async function commandsFor(pair: AgentPair, output: number): Promise<SyncCommand[]> {
	const commands = (await runs.items(NODE.rule, output)) as unknown as SyncCommand[];
	return commands.filter((command) => command.user.email?.toLowerCase() === pair.email.toLowerCase());
}

async function eventsOf(pair: AgentPair, side: PresenceEvent['side']): Promise<string[]> {
	return (await runs.events()).filter((event) => isAbout(event, side, pair)).map(stateName);
}

const omni = (pair: AgentPair) => omniOf(salesforce, pair);
const acd = (pair: AgentPair) => acdOf(cxone, pair);

describe('the template workflow, active in n8n', () => {
	it('CXone Unavailable with a code, then Available → the companion applies the mapped Omni status; the echoes write nothing', async () => {
		const pair = stack.freshPair();
		const traffic = trafficMark(salesforce, cxone);

		cxone.setAgentState(pair.agentId, 'Unavailable', 'Lunch');
		await until('Salesforce to show Lunch_Break', () => omni(pair), (status) => status === 'Lunch_Break', CONVERGE_MS);
		const lunchEcho = await skipOf(pair, 'salesforce', 'Lunch_Break');
		cxone.setAgentState(pair.agentId, 'Available');
		await until('Salesforce to show Available_for_Chats', () => omni(pair), (status) => status === 'Available_for_Chats', CONVERGE_MS);
		const availableEcho = await skipOf(pair, 'salesforce', 'Available_for_Chats');

		expect(await commandsFor(pair, RULE_OUTPUT.toSalesforce)).toMatchObject([
			{ target: 'salesforce', desired: { developerName: 'Lunch_Break' }, rule: { name: 'Default', row: 3, table: 'publisher' } },
			{ target: 'salesforce', desired: { developerName: 'Available_for_Chats' }, rule: { name: 'Default', row: 1, table: 'publisher' } },
		]);
		expect(await runs.results(NODE.toSalesforce)).toEqual(
			expect.arrayContaining([expect.objectContaining({ outcome: 'written', user: expect.objectContaining({ email: pair.email }) })]),
		);
		expect([lunchEcho.decision, availableEcho.decision]).toEqual(['echo', 'echo']);
		expect(writesOf(traffic())).toMatchObject({ salesforceCommands: 2, salesforceApplied: 2, cxoneStates: 0 });
		expect(acd(pair)).toEqual({ state: 'Available', reason: null });
	});

	it('Omni-Channel status changes → CXone Unavailable with the mapped code; the echoes write nothing', async () => {
		const pair = stack.freshPair();
		const traffic = trafficMark(salesforce, cxone);

		salesforce.setPresence(pair.userId, 'Lunch_Break');
		await until('CXone to show Unavailable/Lunch', () => acd(pair), (state) => state.reason === 'Lunch', CONVERGE_MS);
		const lunchEcho = await skipOf(pair, 'cxone', 'Unavailable/Lunch');
		salesforce.setPresence(pair.userId, 'Busy');
		await until('CXone to show Unavailable/Meeting', () => acd(pair), (state) => state.reason === 'Meeting', CONVERGE_MS);
		const meetingEcho = await skipOf(pair, 'cxone', 'Unavailable/Meeting');

		expect(await commandsFor(pair, RULE_OUTPUT.toCxone)).toMatchObject([
			{ target: 'cxone', desired: { state: 'Unavailable', reason: 'Lunch' }, rule: { row: 4, table: 'subscriber' } },
			{ target: 'cxone', desired: { state: 'Unavailable', reason: 'Meeting' }, rule: { row: 3, table: 'subscriber' } },
		]);
		expect([lunchEcho.decision, meetingEcho.decision]).toEqual(['echo', 'echo']);
		expect(writesOf(traffic())).toMatchObject({ salesforceCommands: 0, cxoneStates: 2 });
		expect(omni(pair)).toBe('Busy');
	});

	it('non-inverse rows (Open → Available_for_Chats → Available; Available_for_Voice → Available → Available_for_Chats) stop after one write', async () => {
		const fromCxone = stack.freshPair();
		const fromSalesforce = stack.freshPair();
		cxone.setAgentState(fromCxone.agentId, 'Unavailable', 'Training');
		salesforce.setPresence(fromSalesforce.userId, 'Busy');
		await until('the starting states to sync', () => [omni(fromCxone), acd(fromSalesforce).reason], ([a, b]) => a === 'Training' && b === 'Meeting', CONVERGE_MS);
		await skipOf(fromCxone, 'salesforce', 'Training');
		await skipOf(fromSalesforce, 'cxone', 'Unavailable/Meeting');
		const traffic = trafficMark(salesforce, cxone);

		cxone.setAgentState(fromCxone.agentId, 'Unavailable', 'Open');
		salesforce.setPresence(fromSalesforce.userId, 'Available_for_Voice');
		await until('Salesforce Available_for_Chats and CXone Available', () => [omni(fromCxone), acd(fromSalesforce).state], ([a, b]) => a === 'Available_for_Chats' && b === 'Available', CONVERGE_MS);
		const chatsEcho = await skipOf(fromCxone, 'salesforce', 'Available_for_Chats');
		const availableEcho = await skipOf(fromSalesforce, 'cxone', 'Available');

		expect(NO_WRITE).toContain(chatsEcho.decision);
		expect(NO_WRITE).toContain(availableEcho.decision);
		// Neither echo pulled the source side to the inverse of the target's state.
		expect(acd(fromCxone)).toEqual({ state: 'Unavailable', reason: 'Open' });
		expect(omni(fromSalesforce)).toBe('Available_for_Voice');
		expect(writesOf(traffic())).toMatchObject({ salesforceCommands: 1, cxoneStates: 1 });
	});

	describe('Offline both ways', () => {
		it('CXone LoggedOut → the companion logs the user out of Omni-Channel; the Offline echo leaves CXone alone', async () => {
			const pair = stack.freshPair();
			const traffic = trafficMark(salesforce, cxone);

			cxone.setAgentState(pair.agentId, 'LoggedOut');
			await until('the Salesforce user to be Offline', () => omni(pair), (status) => status === null, CONVERGE_MS);
			const echo = await skipOf(pair, 'salesforce', 'Offline');

			expect(await commandsFor(pair, RULE_OUTPUT.toSalesforce)).toMatchObject([{ desired: { statusId: null }, rule: { row: 7 } }]);
			expect(NO_WRITE).toContain(echo.decision);
			expect(writesOf(traffic())).toMatchObject({ salesforceCommands: 1, salesforceApplied: 1, salesforceDeletes: 0, cxoneStates: 0 });
			expect(traffic().cxone.calls).toBeGreaterThan(0);
			expect(acd(pair)).toEqual({ state: 'LoggedOut', reason: null });
		});

		it('Salesforce Offline (the agent logs out of Omni-Channel) → CXone Unavailable with no code; the echo leaves Salesforce Offline', async () => {
			const pair = stack.freshPair();
			const traffic = trafficMark(salesforce, cxone);

			salesforce.setPresence(pair.userId, null);
			await until('CXone to show Unavailable', () => acd(pair), (state) => state.state === 'Unavailable', CONVERGE_MS);
			const echo = await skipOf(pair, 'cxone', 'Unavailable');

			expect(acd(pair)).toEqual({ state: 'Unavailable', reason: null });
			expect(NO_WRITE).toContain(echo.decision);
			expect(writesOf(traffic())).toMatchObject({ salesforceCommands: 0, cxoneStates: 1 });
			expect(omni(pair)).toBeNull();
		});
	});

	it('a LoggedOut CXone agent is never logged in: their Salesforce change ends target-logged-out with no session joined', async () => {
		const pair = stack.freshPair();
		cxone.setAgentState(pair.agentId, 'LoggedOut');
		await until('the Salesforce user to be Offline', () => omni(pair), (status) => status === null, CONVERGE_MS);
		await skipOf(pair, 'salesforce', 'Offline');
		const traffic = trafficMark(salesforce, cxone);
		const joins = () => cxone.router.counters().calls[JOIN] ?? 0;
		const joinsBefore = joins();

		salesforce.setPresence(pair.userId, 'Training');
		const results = await until(
			'the CXone Agent node to report on the command',
			async () => (await runs.results(NODE.toCxone)).filter((result) => result.user.email === pair.email),
			(found) => found.length > 0,
			CONVERGE_MS,
		);

		expect(results).toMatchObject([{ outcome: 'target-logged-out', desired: { state: 'Unavailable', reason: 'Training' } }]);
		expect(results[0].reason).toMatch(/logged out/i);
		expect(joins()).toBe(joinsBefore);
		expect(writesOf(traffic())).toMatchObject({ cxoneStates: 0, salesforceCommands: 0 });
		expect(acd(pair)).toEqual({ state: 'LoggedOut', reason: null });
	});

	it('an unmapped ACD state is skipped unmapped, a contact is skipped no-sync, each with its reason; Salesforce is left alone', async () => {
		const pair = stack.freshPair();
		const traffic = trafficMark(salesforce, cxone);

		cxone.setAgentState(pair.agentId, 'LoggedIn');
		const unmapped = await skipOf(pair, 'cxone', 'LoggedIn');
		cxone.startContact(pair.agentId);
		const onContact = await skipOf(pair, 'cxone', 'InboundContact');

		expect(unmapped).toMatchObject({ decision: 'unmapped', reason: expect.stringContaining("no publisher row of rule 'Default' maps this state") });
		expect(onContact).toMatchObject({ decision: 'no-sync', reason: expect.stringContaining('Do Not Sync') });
		expect(writesOf(traffic())).toMatchObject({ salesforceCommands: 0, cxoneStates: 0 });
		expect(omni(pair)).toBe('Available_for_Chats');
	});

	describe('flapping', () => {
		it('three Omni-Channel changes in a row: every event arrives, CXone ends on the last, nothing echoes back to Salesforce', async () => {
			const pair = stack.freshPair();
			const traffic = trafficMark(salesforce, cxone);

			for (const status of ['Busy', 'Lunch_Break', 'Training']) salesforce.setPresence(pair.userId, status);
			await until('CXone to show Unavailable/Training', () => acd(pair), (state) => state.reason === 'Training', CONVERGE_MS);
			await skipOf(pair, 'cxone', 'Unavailable/Training');

			expect(await eventsOf(pair, 'salesforce')).toEqual(['Busy', 'Lunch_Break', 'Training']);
			const cxoneSide = (await runs.skips()).filter((skip) => isAbout(skip.event, 'cxone', pair));
			expect(cxoneSide.map((skip) => skip.decision).filter((decision) => !NO_WRITE.includes(decision))).toEqual([]);
			expect(await commandsFor(pair, RULE_OUTPUT.toSalesforce)).toEqual([]);
			expect(writesOf(traffic()).salesforceCommands).toBe(0);
			expect(omni(pair)).toBe('Training');
		});

		it('three CXone changes within one poll: Salesforce ends on the last, nothing echoes back to CXone', async () => {
			const pair = stack.freshPair();
			const traffic = trafficMark(salesforce, cxone);

			cxone.setAgentState(pair.agentId, 'Unavailable', 'Lunch');
			cxone.setAgentState(pair.agentId, 'Available');
			cxone.setAgentState(pair.agentId, 'Unavailable', 'Break');
			await until('Salesforce to show On_Break', () => omni(pair), (status) => status === 'On_Break', CONVERGE_MS);
			await skipOf(pair, 'salesforce', 'On_Break');

			const salesforceSide = (await runs.skips()).filter((skip) => isAbout(skip.event, 'salesforce', pair));
			expect(salesforceSide.map((skip) => skip.decision).filter((decision) => !NO_WRITE.includes(decision))).toEqual([]);
			expect(await commandsFor(pair, RULE_OUTPUT.toCxone)).toEqual([]);
			expect(writesOf(traffic()).cxoneStates).toBe(0);
			expect(acd(pair)).toEqual({ state: 'Unavailable', reason: 'Break' });
		});

		it('both sides change at once: the newer change wins, the older one is skipped stale, and the pair agrees', async () => {
			const pair = stack.freshPair();
			// The write to CXone is held back long enough for the CXone poll to see the agent's own, older change.
			cxone.router.inject({ kind: 'latency', ms: 2500, count: 1, pathPrefix: `/incontactapi/services/${DEFAULT_API_VERSION}/agent-sessions/join` });
			cxone.setAgentState(pair.agentId, 'Unavailable', 'Lunch');
			await sleep(5);
			salesforce.setPresence(pair.userId, 'Training');

			const toSalesforce = await until(
				'the Salesforce Omni-Channel node to report on the older CXone change',
				async () => (await runs.results(NODE.toSalesforce)).filter((result) => result.user.email === pair.email),
				(found) => found.length > 0,
				CONVERGE_MS,
			);
			await until(
				'both sides to show Training',
				() => [acd(pair).reason, omni(pair)],
				([reason, status]) => reason === 'Training' && status === 'Training',
				CONVERGE_MS,
			);
			await skipOf(pair, 'cxone', 'Unavailable/Training');

			expect(toSalesforce).toMatchObject([{ outcome: 'stale', desired: { developerName: 'Lunch_Break' }, current: { developerName: 'Training' } }]);
			expect(await eventsOf(pair, 'cxone')).toEqual(['Unavailable/Lunch', 'Unavailable/Training']);
		});
	});

	it('leaves every agent the scenarios touched in agreement, by the console\'s judgement', async () => {
		const board = stack.console!.board;
		const rows = await until(
			'no pair to be pending or out of sync',
			() => board.rows(),
			(all) => all.every((row) => row.sync === 'in-sync' || row.sync === 'not-synced'),
			CONVERGE_MS,
		);
		// The rule leaves alone only the agent still on a contact (Do Not Sync) and the one logged out of CXone.
		expect(rows.filter((row) => row.sync === 'not-synced').map((row) => row.cxone.state).sort()).toEqual(['InboundContact', 'LoggedOut']);
		expect(await runs.failures()).toEqual([]);
		expect(stack.syncs.length).toBeGreaterThan(0);
	});
});

/** The page's image elements, seen without the DOM typings (the tests compile for Node). */
interface Img {
	src: string;
	naturalWidth: number;
}

const browserSkip = chromiumMissing();
if (browserSkip !== undefined) console.log(`e2e ${SUITE}: the headless browser check is skipped: ${browserSkip}`);

(browserSkip === undefined ? it : it.skip)(
	browserSkip === undefined
		? 'headless Chromium shows the five nodes on the editor canvas and every agent row on the live console'
		: `headless Chromium check (skipped: ${browserSkip})`,
	async () => {
		const browser = await launchChromium();
		try {
			const { context } = browser;
			// Logging in through the REST route sets n8n's auth cookie in this browser context.
			const login = await context.request.post(`${stack.n8n.baseUrl}/rest/login`, {
				data: { emailOrLdapLoginId: stack.login.email, password: stack.login.password },
			});
			expect(login.status()).toBe(200);

			const editor = await context.newPage();
			await editor.goto(`${stack.n8n.baseUrl}/workflow/${stack.workflow.id}`);
			const canvasNodes = editor.locator('[data-test-id="canvas-node"]');
			const canvasNode = (name: string) => editor.locator(`[data-test-id="canvas-node"][data-node-name="${name}"]`);
			await canvasNode(NODE.toCxone).waitFor({ timeout: 60_000 });
			const names = await canvasNodes.evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-node-name')));
			expect(names).toEqual(expect.arrayContaining(Object.values(NODE)));
			// Our nodes' icons are files in the package (copied into dist/ by the build): each must load.
			await editor.waitForLoadState('networkidle');
			const unloadedIcons: Array<{ node: string; src: string }> = [];
			for (const name of Object.values(NODE)) {
				const images = await canvasNode(name)
					.locator('img')
					.evaluateAll((found) => found.map((image) => ({ src: (image as unknown as Img).src, width: (image as unknown as Img).naturalWidth })));
				if (images.length === 0) unloadedIcons.push({ node: name, src: '(no icon image)' });
				for (const image of images) if (image.width === 0) unloadedIcons.push({ node: name, src: image.src });
			}
			expect(unloadedIcons).toEqual([]);
			await editor.screenshot({ path: join(OUTPUT_DIR, 'editor-workflow.png') });

			const agentConsole = await context.newPage();
			await agentConsole.goto(stack.console!.url);
			const rows = agentConsole.locator('tbody tr');
			await until('every agent row on the console', async () => await rows.count(), (count) => count === stack.pairs.length, CONVERGE_MS);
			const text = await rows.allInnerTexts();
			for (const pair of stack.pairs) expect(text.some((row) => row.includes(pair.email))).toBe(true);
			await agentConsole.screenshot({ path: join(OUTPUT_DIR, 'live-console.png'), fullPage: true });
		} finally {
			await browser.close();
		}
	},
);

describe('after the template', () => {
	it('deactivating the workflow stops both triggers: no API call reaches either system, even when agents change', async () => {
		const pair = stack.freshPair();
		expect((await stack.n8n.deactivate(stack.workflow.id)).active).toBe(false);
		// Let a poll or an execution already under way finish.
		await sleep(2000);
		const traffic = trafficMark(salesforce, cxone);
		const executionsBefore = (await runs.all()).length;

		cxone.setAgentState(pair.agentId, 'Unavailable', 'Break');
		salesforce.setPresence(stack.freshPair().userId, 'Busy');
		await sleep(5000);

		expect(traffic()).toEqual({ salesforce: { calls: 0, writes: {} }, cxone: { calls: 0, writes: {} } });
		expect(await runs.all()).toHaveLength(executionsBefore);
		expect(omni(pair)).toBe('Available_for_Chats');
	});

	it('a second workflow whose rule is limited to one team sends other teams\' agents out by Not in Scope, untouched', async () => {
		const template = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'templates', 'bidirectional-presence-sync.json'), 'utf8')) as WorkflowJson;
		const support = stack.pairs.find((pair) => pair.teamName === 'Support') as AgentPair;
		const rule = template.nodes.find((node) => node.name === NODE.rule);
		(rule?.parameters as IDataObject).teamIds = [support.teamId];
		const created = await stack.n8n.createWorkflow({ ...template, name: 'e2e: Support team only' });
		await stack.n8n.activate(created.id);
		const scoped = new ExecutionLog(stack.n8n, created.id);
		try {
			const outside = stack.freshPair('Sales');
			const inside = stack.freshPair('Support');
			const traffic = trafficMark(salesforce, cxone);

			cxone.setAgentState(outside.agentId, 'Unavailable', 'Break');
			cxone.setAgentState(inside.agentId, 'Unavailable', 'Break');
			const notInScope = await until(
				`${outside.name}'s event to leave by Not in Scope`,
				async () => (await scoped.items(NODE.rule, RULE_OUTPUT.notInScope)) as unknown as PresenceEvent[],
				(events) => events.some((event) => isAbout(event, 'cxone', outside)),
				CONVERGE_MS,
			);
			await until(`${inside.name} (Support) to sync`, () => omni(inside), (status) => status === 'On_Break', CONVERGE_MS);

			expect(notInScope.filter((event) => isAbout(event, 'cxone', outside))).toMatchObject([
				{ side: 'cxone', state: { state: 'Unavailable', reason: 'Break' }, user: { teamName: 'Sales' } },
			]);
			expect(omni(outside)).toBe('Available_for_Chats');
			expect(writesOf(traffic())).toMatchObject({ salesforceCommands: 1 });
		} finally {
			await stack.n8n.deactivate(created.id);
		}
	});
});
