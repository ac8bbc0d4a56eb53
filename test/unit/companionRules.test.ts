/**
 * The Salesforce companion's browser code, run in Node: the presenceSyncRules static resource (the decisions)
 * and the PresenceSyncCompanion Aura controller/helper wired to fakes of lightning:empApi and
 * lightning:omniToolkitAPI that behave as their documentation says (Promises, onError listeners, rejections).
 */
import { readFileSync } from 'fs';
import { join } from 'path';
import { runInNewContext } from 'vm';
import { COMMAND_CHANNEL, COMMAND_FIELDS, toEventRecord, type PresenceCommand } from '../../lib/salesforce/companionContract';

const DEFAULT_DIR = join(__dirname, '..', '..', 'salesforce', 'force-app', 'main', 'default');
const RULES_PATH = join(DEFAULT_DIR, 'staticresources', 'presenceSyncRules.js');
const BUNDLE_DIR = join(DEFAULT_DIR, 'aura', 'PresenceSyncCompanion');

interface GrantedStatus {
	id: string;
	developerName: string;
	label?: string;
}
interface Decision {
	verdict: 'apply' | 'ignore' | 'refuse';
	action?: 'set' | 'logout';
	statusId?: string;
	developerName?: string | null;
	commandId: string | null;
	reason?: string;
	code?: string;
}
interface EmpMessage {
	channel: string;
	data: { schema: string; payload: Record<string, unknown>; event: { replayId: number } };
}
interface CommandProcessor {
	decide(message: unknown, nowMs?: number): Decision;
	grant(status: GrantedStatus): GrantedStatus;
	grantedStatuses(): GrantedStatus[];
}
interface PresenceSyncRules {
	FIELDS: Record<string, string>;
	CHANNEL: string;
	createCommandProcessor(options: Record<string, unknown>): CommandProcessor;
	describeDecision(decision: Decision): string;
	parseStatusMap(source: string): GrantedStatus[];
}

const rules: PresenceSyncRules = require(RULES_PATH);

const AGENT = '005xx0000000001AAA';
const OTHER_AGENT = '005xx0000000002AAA';
const INTEGRATION = '005xx0000000INTAAA';
const INTRUDER = '005xx0000000009AAA';
const AVAILABLE: GrantedStatus = { id: '0N5xx0000000001AAA', developerName: 'Available_for_Chats', label: 'Available' };
const BUSY: GrantedStatus = { id: '0N5xx0000000002AAA', developerName: 'Busy', label: 'Busy' };
const NOW = Date.parse('2025-03-01T12:00:00.000Z');

let replayId = 0;
let commandSeq = 0;

/** A message as empApi delivers it: the node's record (toEventRecord) plus the platform's CreatedById/CreatedDate. */
function commandMessage(
	overrides: Partial<PresenceCommand> = {},
	platform: { createdById?: string; issuedAtMs?: number } = {},
): EmpMessage {
	commandSeq += 1;
	const issuedAt = new Date(platform.issuedAtMs ?? NOW - 1000).toISOString();
	const command: PresenceCommand = {
		userId: AGENT,
		action: 'set',
		statusId: AVAILABLE.id,
		statusDeveloperName: AVAILABLE.developerName,
		commandId: `cmd-${commandSeq}`,
		issuedAt,
		source: 'n8n:test',
		...overrides,
	};
	replayId += 1;
	return {
		channel: COMMAND_CHANNEL,
		data: {
			schema: 'schema-1',
			payload: { ...toEventRecord(command), CreatedById: platform.createdById ?? INTEGRATION, CreatedDate: issuedAt },
			event: { replayId },
		},
	};
}

function processor(options: Record<string, unknown> = {}): CommandProcessor {
	return rules.createCommandProcessor({
		currentUserId: AGENT,
		integrationUserId: INTEGRATION,
		maxAgeMs: 60_000,
		grantedStatuses: [AVAILABLE, BUSY],
		...options,
	});
}

describe('presenceSyncRules (static resource)', () => {
	it('defines window.PresenceSyncRules when loaded as a browser script (no module)', () => {
		const window: { PresenceSyncRules?: PresenceSyncRules } = {};
		runInNewContext(readFileSync(RULES_PATH, 'utf8'), { window });
		expect(Object.keys(window.PresenceSyncRules ?? {}).sort()).toEqual(Object.keys(rules).sort());
		expect(window.PresenceSyncRules?.FIELDS).toEqual(COMMAND_FIELDS);
	});

	it('declares the contract field names and channel', () => {
		expect(rules.FIELDS).toEqual(COMMAND_FIELDS);
		expect(rules.CHANNEL).toBe(COMMAND_CHANNEL);
	});

	it('applies a set command carrying both the status Id and developer name', () => {
		const message = commandMessage();
		expect(processor().decide(message, NOW)).toMatchObject({
			verdict: 'apply',
			action: 'set',
			statusId: AVAILABLE.id,
			developerName: AVAILABLE.developerName,
			commandId: message.data.payload[COMMAND_FIELDS.commandId],
		});
	});

	it('resolves the status Id from the developer name alone', () => {
		const decision = processor().decide(commandMessage({ statusId: null, statusDeveloperName: 'Busy' }), NOW);
		expect(decision).toMatchObject({ verdict: 'apply', action: 'set', statusId: BUSY.id, developerName: 'Busy' });
	});

	it('applies a set command carrying only a granted status Id', () => {
		const decision = processor().decide(commandMessage({ statusId: BUSY.id, statusDeveloperName: null }), NOW);
		expect(decision).toMatchObject({ verdict: 'apply', action: 'set', statusId: BUSY.id, developerName: 'Busy' });
	});

	it('matches a 15-character user and status Id against their 18-character forms', () => {
		const decision = processor().decide(
			commandMessage({ userId: AGENT.slice(0, 15), statusId: BUSY.id.slice(0, 15), statusDeveloperName: null }),
			NOW,
		);
		expect(decision).toMatchObject({ verdict: 'apply', statusId: BUSY.id });
	});

	it('applies a logout command', () => {
		const message = commandMessage({ action: 'logout', statusId: null, statusDeveloperName: null });
		expect(processor().decide(message, NOW)).toEqual({
			verdict: 'apply',
			action: 'logout',
			commandId: message.data.payload[COMMAND_FIELDS.commandId],
		});
	});

	it('ignores a command for another user', () => {
		const decision = processor().decide(commandMessage({ userId: OTHER_AGENT }), NOW);
		expect(decision.verdict).toBe('ignore');
		expect(decision.reason).toContain(OTHER_AGENT);
	});

	it('refuses a command published by someone other than the integration user', () => {
		const decision = processor().decide(commandMessage({}, { createdById: INTRUDER }), NOW);
		expect(decision).toMatchObject({ verdict: 'refuse', code: 'publisher' });
		expect(decision.reason).toContain(INTRUDER);
		expect(decision.reason).toContain(INTEGRATION);
	});

	it('refuses a command without CreatedById', () => {
		const message = commandMessage();
		delete message.data.payload.CreatedById;
		expect(processor().decide(message, NOW)).toMatchObject({ verdict: 'refuse', code: 'publisher' });
	});

	it('ignores a repeated CommandId, but a forged copy does not block the genuine command', () => {
		const rulesFor = processor();
		const genuine = commandMessage();
		const forged = JSON.parse(JSON.stringify(genuine)) as EmpMessage;
		forged.data.payload.CreatedById = INTRUDER;
		expect(rulesFor.decide(forged, NOW).verdict).toBe('refuse');
		expect(rulesFor.decide(genuine, NOW).verdict).toBe('apply');
		expect(rulesFor.decide(genuine, NOW)).toMatchObject({ verdict: 'ignore', code: 'duplicate' });
	});

	it('forgets the oldest CommandId beyond dedupeCapacity', () => {
		const rulesFor = processor({ dedupeCapacity: 2 });
		const [first, second, third] = [commandMessage(), commandMessage(), commandMessage()];
		for (const message of [first, second, third]) expect(rulesFor.decide(message, NOW).verdict).toBe('apply');
		expect(rulesFor.decide(third, NOW).verdict).toBe('ignore');
		expect(rulesFor.decide(first, NOW).verdict).toBe('apply');
	});

	it('refuses a command older than maxAgeMs and accepts one just inside it', () => {
		const stale = processor().decide(commandMessage({}, { issuedAtMs: NOW - 61_000 }), NOW);
		expect(stale).toMatchObject({ verdict: 'refuse', code: 'stale' });
		expect(stale.reason).toContain('61 s ago');
		expect(processor().decide(commandMessage({}, { issuedAtMs: NOW - 59_000 }), NOW).verdict).toBe('apply');
	});

	it('refuses an unknown developer name and lists the granted statuses', () => {
		const decision = processor().decide(commandMessage({ statusId: null, statusDeveloperName: 'Lunch_Break' }), NOW);
		expect(decision).toMatchObject({ verdict: 'refuse', code: 'unknown-status' });
		expect(decision.reason).toContain("'Lunch_Break'");
		expect(decision.reason).toContain('granted: Available_for_Chats, Busy');
	});

	it('refuses a status Id that is not granted', () => {
		const decision = processor().decide(commandMessage({ statusId: '0N5xx0000000077AAA', statusDeveloperName: null }), NOW);
		expect(decision).toMatchObject({ verdict: 'refuse', code: 'unknown-status' });
		expect(decision.reason).toContain('0N5xx0000000077AAA');
	});

	it('refuses a command whose status Id and developer name disagree', () => {
		const decision = processor().decide(commandMessage({ statusId: AVAILABLE.id, statusDeveloperName: 'Busy' }), NOW);
		expect(decision).toMatchObject({ verdict: 'refuse', code: 'status-mismatch' });
		expect(decision.reason).toContain(AVAILABLE.id);
		expect(decision.reason).toContain("'Busy'");
	});

	it('with an incomplete status list, passes an unknown status Id on to the toolkit', () => {
		const partial = processor({ grantedStatuses: [], grantedStatusesComplete: false });
		expect(partial.decide(commandMessage({ statusId: '0N5xx0000000077AAA', statusDeveloperName: 'Lunch_Break' }), NOW)).toMatchObject({
			verdict: 'apply',
			statusId: '0N5xx0000000077AAA',
			developerName: 'Lunch_Break',
		});
		const byName = partial.decide(commandMessage({ statusId: null, statusDeveloperName: 'Lunch_Break' }), NOW);
		expect(byName).toMatchObject({ verdict: 'refuse', code: 'unknown-status' });
		expect(byName.reason).toContain('Status Map');
	});

	it('learns statuses through grant()', () => {
		const learner = processor({ grantedStatuses: [] });
		expect(learner.decide(commandMessage({ statusId: null, statusDeveloperName: 'Busy' }), NOW).verdict).toBe('refuse');
		learner.grant(BUSY);
		expect(learner.decide(commandMessage({ statusId: null, statusDeveloperName: 'Busy' }), NOW)).toMatchObject({
			verdict: 'apply',
			statusId: BUSY.id,
		});
	});

	it.each([
		['an unknown Action__c', { [COMMAND_FIELDS.action]: 'pause' }, 'bad-action', 'valid: set, logout'],
		['a missing CommandId__c', { [COMMAND_FIELDS.commandId]: null }, 'missing-field', COMMAND_FIELDS.commandId],
		['a missing IssuedAt__c', { [COMMAND_FIELDS.issuedAt]: null }, 'missing-field', COMMAND_FIELDS.issuedAt],
		['an unparsable IssuedAt__c', { [COMMAND_FIELDS.issuedAt]: 'yesterday' }, 'missing-field', 'yesterday'],
		['a set without any status', { [COMMAND_FIELDS.statusId]: null, [COMMAND_FIELDS.statusDeveloperName]: null }, 'missing-field', COMMAND_FIELDS.statusDeveloperName],
		['a missing UserId__c', { [COMMAND_FIELDS.userId]: null }, 'missing-field', COMMAND_FIELDS.userId],
	])('refuses %s', (_label, payloadChange, code, mentioned) => {
		const message = commandMessage();
		Object.assign(message.data.payload, payloadChange);
		const decision = processor().decide(message, NOW);
		expect(decision).toMatchObject({ verdict: 'refuse', code });
		expect(decision.reason).toContain(mentioned);
	});

	it('refuses a message without a payload', () => {
		expect(processor().decide({ channel: COMMAND_CHANNEL, data: {} }, NOW)).toMatchObject({ verdict: 'refuse', commandId: null });
	});

	it('rejects bad configuration with the valid form', () => {
		expect(() => processor({ integrationUserId: '' })).toThrow(/integrationUserId is required/);
		expect(() => processor({ maxAgeMs: 0 })).toThrow(/maxAgeMs must be a positive number/);
		expect(() => processor({ dedupeCapacity: 0 })).toThrow(/dedupeCapacity must be a positive integer/);
		expect(() => processor({ grantedStatuses: [{ id: AVAILABLE.id }] })).toThrow(/needs id and developerName/);
	});

	it('parses the Status Map design attribute and names a bad entry', () => {
		expect(rules.parseStatusMap(`Available_for_Chats=${AVAILABLE.id}, Busy = ${BUSY.id}\n`)).toEqual([
			{ id: AVAILABLE.id, developerName: 'Available_for_Chats', label: 'Available_for_Chats' },
			{ id: BUSY.id, developerName: 'Busy', label: 'Busy' },
		]);
		expect(rules.parseStatusMap('')).toEqual([]);
		expect(() => rules.parseStatusMap('Busy:0N5xx0000000002AAA')).toThrow(/'Busy:0N5xx0000000002AAA' is not DeveloperName=StatusId/);
	});

	it('describes each decision in one line', () => {
		expect(rules.describeDecision({ verdict: 'apply', action: 'set', statusId: BUSY.id, developerName: 'Busy', commandId: 'c1' })).toBe(
			`apply: set status Busy (${BUSY.id}) [command c1]`,
		);
		expect(rules.describeDecision({ verdict: 'apply', action: 'logout', commandId: 'c2' })).toBe('apply: log out of Omni-Channel [command c2]');
		expect(rules.describeDecision({ verdict: 'refuse', reason: 'too old', commandId: 'c3' })).toBe('refuse: too old [command c3]');
		expect(rules.describeDecision({ verdict: 'refuse', reason: 'no payload', commandId: null })).toBe('refuse: no payload');
	});
});

// ---------------------------------------------------------------------------------------------------------
// The Aura bundle against fakes of the two platform components.

interface Subscription {
	id: number;
	channel: string;
	replayId: number;
}

/** lightning:empApi as documented: subscribe() → Promise<subscription>, onError(listener), unsubscribe(sub, cb). */
class FakeEmpApi {
	readonly subscribeCalls: Subscription[] = [];
	readonly unsubscribed: Subscription[] = [];
	private readonly listeners = new Map<number, (message: EmpMessage) => void>();
	private readonly errorListeners: Array<(error: unknown) => void> = [];

	subscribe(channel: string, replayId: number, onMessage: (message: EmpMessage) => void): Promise<Subscription> {
		const subscription = { id: this.subscribeCalls.length + 1, channel, replayId };
		this.subscribeCalls.push(subscription);
		this.listeners.set(subscription.id, onMessage);
		return Promise.resolve(subscription);
	}

	unsubscribe(subscription: Subscription, callback: (result: unknown) => void): Promise<unknown> {
		this.listeners.delete(subscription.id);
		this.unsubscribed.push(subscription);
		const result = { successful: true, subscription: subscription.channel };
		callback(result);
		return Promise.resolve(result);
	}

	onError(listener: (error: unknown) => void): void {
		this.errorListeners.push(listener);
	}

	/** The CometD server pushes one event to every live subscription on its channel. */
	deliver(message: EmpMessage): void {
		for (const [id, onMessage] of this.listeners) {
			if (this.subscribeCalls[id - 1].channel === message.channel) onMessage(message);
		}
	}

	fail(error: unknown): void {
		for (const listener of this.errorListeners) listener(error);
	}

	get liveSubscriptions(): number {
		return this.listeners.size;
	}
}

interface ToolkitStatus {
	statusId: string;
	statusName: string;
	statusApiName: string;
	channels: string;
}

/** lightning:omniToolkitAPI as documented: Promise-returning methods; setServicePresenceStatus rejects an ungranted status. */
class FakeOmniToolkit {
	readonly calls: Array<{ method: string; statusId?: string }> = [];
	current: ToolkitStatus | null = null;
	logoutError: unknown = null;

	constructor(private readonly granted: GrantedStatus[]) {}

	setServicePresenceStatus({ statusId }: { statusId: string }): Promise<ToolkitStatus> {
		this.calls.push({ method: 'setServicePresenceStatus', statusId });
		const status = this.granted.find((granted) => granted.id === statusId);
		if (!status) return Promise.reject(new Error(`Invalid status Id: ${statusId}`));
		this.current = {
			statusId: status.id,
			statusName: status.label ?? status.developerName,
			statusApiName: status.developerName,
			channels: '[]',
		};
		return Promise.resolve(this.current);
	}

	logout(): Promise<boolean> {
		this.calls.push({ method: 'logout' });
		if (this.logoutError) return Promise.reject(this.logoutError);
		this.current = null;
		return Promise.resolve(true);
	}

	getServicePresenceStatusId(): Promise<Omit<ToolkitStatus, 'channels'>> {
		this.calls.push({ method: 'getServicePresenceStatusId' });
		return this.current ? Promise.resolve(this.current) : Promise.reject(new Error('Agent is not logged in'));
	}
}

interface LogEntry {
	level: string;
	text: string;
}
interface FakeComponent {
	get(expression: string): unknown;
	set(expression: string, value: unknown): void;
	find(auraId: string): unknown;
}
type AuraAction = (cmp: FakeComponent, event: unknown, helper: unknown) => void;

/** The bundle's controller and helper evaluated as Aura does (object literals), with window and $A injected. */
function loadBundle(auraGlobals: { window: Record<string, unknown>; $A: Record<string, unknown> }) {
	const evaluate = (file: string) =>
		new Function('window', '$A', `return ${readFileSync(join(BUNDLE_DIR, file), 'utf8')}`)(auraGlobals.window, auraGlobals.$A);
	return {
		controller: evaluate('PresenceSyncCompanionController.js') as Record<string, AuraAction>,
		helper: evaluate('PresenceSyncCompanionHelper.js') as Record<string, unknown>,
	};
}

const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

function mountCompanion(attributes: Record<string, unknown> = {}, granted: GrantedStatus[] = [AVAILABLE, BUSY]) {
	const empApi = new FakeEmpApi();
	const toolkit = new FakeOmniToolkit(granted);
	const timers: Array<{ run: () => void; delayMs: number }> = [];
	const values = new Map<string, unknown>(
		Object.entries({
			integrationUserId: INTEGRATION,
			maxAgeSeconds: 120,
			statusMap: '',
			log: [],
			processor: null,
			subscription: null,
			resubscribeAttempts: 0,
			resubscribePending: false,
			...attributes,
		}),
	);
	const cmp: FakeComponent = {
		get: (expression) => values.get(expression.replace(/^v\./, '')),
		set: (expression, value) => values.set(expression.replace(/^v\./, ''), value),
		find: (auraId) => ({ empApi, omniToolkit: toolkit })[auraId],
	};
	const $A = {
		getCallback: (fn: unknown) => fn,
		get: (expression: string) => (expression === '$SObjectType.CurrentUser.Id' ? AGENT : undefined),
	};
	const window = {
		PresenceSyncRules: rules,
		setTimeout: (run: () => void, delayMs: number) => timers.push({ run, delayMs }),
	};
	const { controller, helper } = loadBundle({ window, $A });
	const log = () => cmp.get('v.log') as LogEntry[];
	return { empApi, toolkit, timers, cmp, controller, helper, log, start: () => controller.onScriptsLoaded(cmp, {}, helper) };
}

describe('PresenceSyncCompanion Aura bundle', () => {
	it('subscribes to the command channel from the tip (replay -1) once the rules are loaded', async () => {
		const companion = mountCompanion();
		companion.start();
		await flush();
		expect(companion.empApi.subscribeCalls).toEqual([{ id: 1, channel: COMMAND_CHANNEL, replayId: -1 }]);
		expect(companion.log()[0]).toMatchObject({ level: 'info', text: `Listening for presence commands on ${COMMAND_CHANNEL}` });
	});

	it("sets the agent's status through the toolkit and logs it", async () => {
		const companion = mountCompanion();
		companion.start();
		await flush();
		const message = commandMessage({ statusId: BUSY.id, statusDeveloperName: 'Busy' }, { issuedAtMs: Date.now() });
		companion.empApi.deliver(message);
		await flush();
		expect(companion.toolkit.calls).toContainEqual({ method: 'setServicePresenceStatus', statusId: BUSY.id });
		expect(companion.log()[0]).toMatchObject({
			level: 'success',
			text: `Applied: status set to Busy [command ${message.data.payload[COMMAND_FIELDS.commandId]}]`,
		});
	});

	it('logs the agent out of Omni-Channel for a logout command', async () => {
		const companion = mountCompanion();
		companion.start();
		await flush();
		companion.empApi.deliver(commandMessage({ action: 'logout', statusId: null, statusDeveloperName: null }, { issuedAtMs: Date.now() }));
		await flush();
		expect(companion.toolkit.calls.filter((call) => call.method === 'logout')).toHaveLength(1);
		expect(companion.log()[0].text).toMatch(/^Applied: logged out of Omni-Channel/);
	});

	it('makes no toolkit call for another agent, a stranger publisher, a duplicate or a stale command', async () => {
		const companion = mountCompanion();
		companion.start();
		await flush();
		const fresh = commandMessage({}, { issuedAtMs: Date.now() });
		companion.empApi.deliver(fresh);
		await flush();
		const callsAfterFirst = companion.toolkit.calls.length;
		companion.empApi.deliver(fresh);
		companion.empApi.deliver(commandMessage({ userId: OTHER_AGENT }, { issuedAtMs: Date.now() }));
		companion.empApi.deliver(commandMessage({}, { createdById: INTRUDER, issuedAtMs: Date.now() }));
		companion.empApi.deliver(commandMessage({}, { issuedAtMs: Date.now() - 10 * 60_000 }));
		await flush();
		expect(companion.toolkit.calls).toHaveLength(callsAfterFirst);
		const texts = companion.log().map((entry) => entry.text);
		expect(texts[0]).toMatch(/^refuse: issued \d+ s ago .* older than the 120 s limit/);
		expect(texts[1]).toContain(`refuse: published by ${INTRUDER}, not by the integration user ${INTEGRATION}`);
		expect(texts[2]).toMatch(/^ignore: duplicate command/);
		expect(texts.some((text) => text.includes(OTHER_AGENT))).toBe(false);
	});

	it('surfaces a toolkit rejection (status not granted) in the log', async () => {
		const lunch = { id: '0N5xx0000000003AAA', developerName: 'Lunch_Break' };
		const companion = mountCompanion({ statusMap: `Lunch_Break=${lunch.id}` });
		companion.start();
		await flush();
		companion.empApi.deliver(commandMessage({ statusId: null, statusDeveloperName: 'Lunch_Break' }, { issuedAtMs: Date.now() }));
		await flush();
		expect(companion.toolkit.calls).toContainEqual({ method: 'setServicePresenceStatus', statusId: lunch.id });
		expect(companion.log()[0].level).toBe('error');
		expect(companion.log()[0].text).toContain(`Omni-Channel refused status Lunch_Break: Invalid status Id: ${lunch.id}`);
		expect(companion.log()[0].text).toContain('granted to your profile or permission set');
	});

	it('surfaces a logout rejection (Omni-Channel not loaded) in the log', async () => {
		const companion = mountCompanion();
		companion.toolkit.logoutError = 'Omni-Channel is not loaded';
		companion.start();
		await flush();
		companion.empApi.deliver(commandMessage({ action: 'logout', statusId: null, statusDeveloperName: null }, { issuedAtMs: Date.now() }));
		await flush();
		expect(companion.log()[0]).toMatchObject({ level: 'error' });
		expect(companion.log()[0].text).toContain('Omni-Channel refused log out: Omni-Channel is not loaded');
	});

	it('refuses a developer name it cannot resolve, naming the Status Map', async () => {
		const companion = mountCompanion();
		companion.start();
		await flush();
		companion.empApi.deliver(commandMessage({ statusId: null, statusDeveloperName: 'Busy' }, { issuedAtMs: Date.now() }));
		await flush();
		expect(companion.toolkit.calls.filter((call) => call.method === 'setServicePresenceStatus')).toHaveLength(0);
		expect(companion.log()[0].text).toContain("refuse: status 'Busy' is not granted to this user");
		expect(companion.log()[0].text).toContain('Status Map');
	});

	it('learns statuses the toolkit confirms and the Omni status-changed event reports', async () => {
		const companion = mountCompanion();
		companion.start();
		await flush();
		companion.empApi.deliver(commandMessage({ statusId: BUSY.id, statusDeveloperName: 'Busy' }, { issuedAtMs: Date.now() }));
		companion.controller.onOmniStatusChanged(
			companion.cmp,
			{ getParam: (name: string) => ({ statusId: AVAILABLE.id, statusApiName: AVAILABLE.developerName, statusName: 'Available' })[name] },
			companion.helper,
		);
		await flush();
		companion.empApi.deliver(commandMessage({ statusId: null, statusDeveloperName: 'Busy' }, { issuedAtMs: Date.now() }));
		companion.empApi.deliver(commandMessage({ statusId: null, statusDeveloperName: AVAILABLE.developerName }, { issuedAtMs: Date.now() }));
		await flush();
		const setCalls = companion.toolkit.calls.filter((call) => call.method === 'setServicePresenceStatus');
		expect(setCalls.map((call) => call.statusId)).toEqual([BUSY.id, BUSY.id, AVAILABLE.id]);
	});

	it('subscribes again after an empApi error, backing off, and drops the old subscription', async () => {
		const companion = mountCompanion();
		companion.start();
		await flush();
		companion.empApi.fail({ channel: '/meta/connect', error: '403::Unknown client', successful: false });
		companion.empApi.fail({ channel: '/meta/connect', error: '403::Unknown client', successful: false });
		expect(companion.timers).toHaveLength(1);
		expect(companion.log()[0]).toMatchObject({ level: 'error', text: 'Streaming error: 403::Unknown client; subscribing again in 1 s' });
		companion.timers[0].run();
		await flush();
		expect(companion.empApi.subscribeCalls.map((call) => call.replayId)).toEqual([-1, -1]);
		expect(companion.empApi.unsubscribed).toHaveLength(1);
		expect(companion.empApi.liveSubscriptions).toBe(1);

		companion.empApi.deliver(commandMessage({ statusId: BUSY.id, statusDeveloperName: 'Busy' }, { issuedAtMs: Date.now() }));
		await flush();
		expect(companion.toolkit.calls.filter((call) => call.method === 'setServicePresenceStatus')).toHaveLength(1);
	});

	it("ignores empApi errors about another component's channel", async () => {
		const companion = mountCompanion();
		companion.start();
		await flush();
		companion.empApi.fail({ subscription: '/event/Other__e', error: '400::bad replay' });
		expect(companion.timers).toHaveLength(0);
	});

	it('does not start, and says why, when the integration user is not configured', async () => {
		const companion = mountCompanion({ integrationUserId: '' });
		companion.start();
		await flush();
		expect(companion.empApi.subscribeCalls).toHaveLength(0);
		expect(companion.log()[0]).toMatchObject({ level: 'error' });
		expect(companion.log()[0].text).toContain('integrationUserId is required');
	});

	it('unsubscribes when the component is destroyed', async () => {
		const companion = mountCompanion();
		companion.start();
		await flush();
		companion.controller.onDestroy(companion.cmp, {}, companion.helper);
		expect(companion.empApi.liveSubscriptions).toBe(0);
	});
});
