/**
 * validateRule() as a table: each broken rule, and the one message that teaches how to fix it.
 */
import { ANY_REASON, NO_SYNC, OFFLINE, listValues, presenceRule, validateRule } from '../../lib/engine';
import type { PresenceRuleConfig, RuleCatalog } from '../../lib/engine';

const CATALOG: RuleCatalog = {
	omniStatuses: [
		{ id: '0N5000000000001AAA', developerName: 'Available_for_Chats', label: 'Available for Chats', online: true },
		{ id: '0N5000000000002AAA', developerName: 'Busy', label: 'Busy', online: false },
		{ id: '0N5000000000003AAA', developerName: 'Lunch_Break', label: 'Lunch Break', online: false },
	],
	unavailableCodes: [
		{ outStateName: 'Break', isAcw: false },
		{ outStateName: 'Lunch', isAcw: false },
		{ outStateName: 'Wrap Up', isAcw: true },
	],
	teams: [
		{ teamId: 5, teamName: 'Support' },
		{ teamId: 6, teamName: 'Sales' },
	],
	cxoneAgents: [{ agentId: 17, name: 'Ann Lee' }, { agentId: 21 }],
	salesforceUsers: [{ id: '005000000000017AAA', name: 'Ann Lee' }, { id: '005000000000018AAA' }],
};

const GOOD = presenceRule({
	name: 'Support',
	publisherMap: [
		{ acdState: 'Available', reason: null, omni: 'Available_for_Chats' },
		{ acdState: 'Unavailable', reason: 'Lunch', omni: 'Lunch_Break' },
		{ acdState: 'Unavailable', reason: 'Break', omni: 'Busy' },
		{ acdState: 'Unavailable', reason: ANY_REASON, omni: 'Busy' },
		{ acdState: 'InboundContact', reason: null, omni: 'Busy' },
		{ acdState: 'LoggedOut', reason: null, omni: OFFLINE },
		{ acdState: 'Unavailable', reason: 'Wrap Up', omni: NO_SYNC },
	],
	subscriberMap: [
		{ omni: 'Available_for_Chats', acd: { state: 'Available' } },
		{ omni: 'Busy', acd: { state: 'Unavailable', reason: 'Break' } },
		{ omni: 'Lunch_Break', acd: { state: 'Unavailable', reason: 'Lunch' } },
		{ omni: OFFLINE, acd: NO_SYNC },
	],
	scope: { teamIds: [5], cxoneAgentIds: [21], salesforceUserIds: [], excludedCxoneAgentIds: [17], excludedSalesforceUserIds: [] },
});

const withRows = (rows: Partial<PresenceRuleConfig>): PresenceRuleConfig => presenceRule({ ...GOOD, ...rows });
const publisherRow = (row: PresenceRuleConfig['publisherMap'][number]) => withRows({ publisherMap: [...GOOD.publisherMap, row] });
const subscriberRow = (row: PresenceRuleConfig['subscriberMap'][number]) => withRows({ subscriberMap: [...GOOD.subscriberMap, row] });

describe('validateRule()', () => {
	test('a good rule has no problems, with and without a catalog', () => {
		expect(validateRule(GOOD, CATALOG)).toEqual([]);
		expect(validateRule(GOOD)).toEqual([]);
	});

	test.each<[string, PresenceRuleConfig, string]>([
		[
			'unknown Salesforce status',
			publisherRow({ acdState: 'OutboundConsult', reason: null, omni: 'Lunch' }),
			"Presence Rule 'Support' publisher row 8: Salesforce status 'Lunch' does not exist; valid: Available_for_Chats, Busy, Lunch_Break",
		],
		[
			'unknown unavailable code',
			publisherRow({ acdState: 'Unavailable', reason: 'Coffee', omni: 'Busy' }),
			"Presence Rule 'Support' publisher row 8: unavailable code 'Coffee' does not exist; valid: Break, Lunch, Wrap Up",
		],
		[
			'an "Open" label used as an ACD state',
			publisherRow({ acdState: 'Open' as never, reason: null, omni: 'Busy' }),
			"Presence Rule 'Support' publisher row 8: ACD state 'Open' is not an ACD state; valid: Available, Unavailable, LoggedOut, LoggedIn, InboundContact, OutboundContact, InboundConsult, OutboundConsult, Dialer (a label such as 'Open' is an unavailable code: use Unavailable with that code)",
		],
		[
			'a code on a state that has none',
			publisherRow({ acdState: 'Dialer', reason: 'Lunch', omni: 'Busy' }),
			"Presence Rule 'Support' publisher row 8: only Unavailable has unavailable codes; Dialer with code 'Lunch' never happens: choose No Reason",
		],
		[
			'duplicate publisher source with another target',
			publisherRow({ acdState: 'Unavailable', reason: 'Lunch', omni: 'Busy' }),
			"Presence Rule 'Support' publisher row 8: Unavailable (Lunch) is already mapped by row 2 to Lunch_Break, here to Busy; a state maps to one Salesforce status (several states may map to the same one)",
		],
		[
			'duplicate any-reason row',
			publisherRow({ acdState: 'Unavailable', reason: ANY_REASON, omni: NO_SYNC }),
			"Presence Rule 'Support' publisher row 8: Unavailable (any reason) is already mapped by row 4 to Busy, here to Do Not Sync; a state maps to one Salesforce status (several states may map to the same one)",
		],
		[
			'duplicate subscriber source with another target',
			subscriberRow({ omni: 'busy', acd: { state: 'Unavailable', reason: 'Lunch' } }),
			"Presence Rule 'Support' subscriber row 5: Salesforce status busy is already mapped by row 2 to Unavailable (Break), here to Unavailable (Lunch); a status maps to one ACD state (several statuses may map to the same one)",
		],
		[
			'subscriber target CXone cannot set',
			withRows({ subscriberMap: [{ omni: 'Busy', acd: { state: 'InboundContact' as never } }] }),
			"Presence Rule 'Support' subscriber row 1: ACD state 'InboundContact' cannot be set through the CXone API; valid: Available, Unavailable, Do Not Sync",
		],
		[
			'an ACW code as a subscriber target',
			withRows({ subscriberMap: [{ omni: 'Busy', acd: { state: 'Unavailable', reason: 'Wrap Up' } }] }),
			"Presence Rule 'Support' subscriber row 1: unavailable code 'Wrap Up' is an after-contact-work code, which CXone sets only during a contact (the API answers 409); valid: Break, Lunch",
		],
		[
			'Available with a code',
			withRows({ subscriberMap: [{ omni: 'Busy', acd: { state: 'Available', reason: 'Lunch' } }] }),
			"Presence Rule 'Support' subscriber row 1: Available takes no unavailable code; remove 'Lunch'",
		],
		[
			'unknown subscriber source status',
			withRows({ subscriberMap: [{ omni: 'Gone', acd: { state: 'Available' } }] }),
			"Presence Rule 'Support' subscriber row 1: Salesforce status 'Gone' does not exist; valid: Available_for_Chats, Busy, Lunch_Break",
		],
		[
			'Do Not Sync as a subscriber source',
			withRows({ subscriberMap: [{ omni: NO_SYNC, acd: { state: 'Available' } }] }),
			"Presence Rule 'Support' subscriber row 1: Do Not Sync is not a Salesforce status; choose a status or Offline",
		],
		[
			'unknown team',
			withRows({ scope: { ...GOOD.scope, teamIds: [9] } }),
			"Presence Rule 'Support' scope: CXone team 9 does not exist; valid: 5 (Support), 6 (Sales)",
		],
		[
			'unknown excluded agent',
			withRows({ scope: { ...GOOD.scope, excludedCxoneAgentIds: [99] } }),
			"Presence Rule 'Support' excluded users: CXone agent 99 does not exist; valid: 17 (Ann Lee), 21",
		],
		[
			'unknown Salesforce user in the explicit map',
			withRows({ matchKey: 'explicit', explicitMap: [{ cxoneAgentId: 17, salesforceUserId: '005000000000099AAA' }] }),
			"Presence Rule 'Support' user map row 1: Salesforce user 005000000000099AAA does not exist; valid: 005000000000017AAA (Ann Lee), 005000000000018AAA",
		],
		[
			'an agent paired twice',
			withRows({ matchKey: 'explicit', explicitMap: [{ cxoneAgentId: 17, salesforceUserId: '005000000000017AAA' }, { cxoneAgentId: 17, salesforceUserId: '005000000000018AAA' }] }),
			"Presence Rule 'Support' user map row 2: CXone agent 17 is already paired with Salesforce user 005000000000017AAA; an agent pairs with one user",
		],
		[
			'a user paired twice (15- and 18-character ids)',
			withRows({ matchKey: 'explicit', explicitMap: [{ cxoneAgentId: 17, salesforceUserId: '005000000000017AAA' }, { cxoneAgentId: 21, salesforceUserId: '005000000000017' }] }),
			"Presence Rule 'Support' user map row 2: Salesforce user 005000000000017 is already paired with CXone agent 17; a user pairs with one agent",
		],
		[
			'explicit matching with an empty map',
			withRows({ matchKey: 'explicit', explicitMap: [] }),
			"Presence Rule 'Support': users are matched by an explicit map, but the map has no rows; add CXone agent → Salesforce user rows",
		],
		[
			'no rows at all',
			withRows({ publisherMap: [], subscriberMap: [] }),
			"Presence Rule 'Support': no publisher or subscriber rows; add Publisher States (CXone → Salesforce) and/or Subscriber States (Salesforce → CXone)",
		],
		['no name', withRows({ name: ' ' }), "Presence Rule '(unnamed)': the rule has no name; give it one, it names the rule in every decision"],
		['unknown match key', withRows({ matchKey: 'phone' as never }), "Presence Rule 'Support': match key 'phone' is not known; valid: email, username, federationId, explicit"],
		['negative echo window', withRows({ echoWindowMs: -1 }), "Presence Rule 'Support': echo window -1 ms is not a duration; use 0 or more (default 10 s)"],
	])('%s', (_name, rule, message) => {
		expect(validateRule(rule, CATALOG).map((problem) => problem.message)).toEqual([message]);
	});

	test.each<[string, PresenceRuleConfig]>([
		['many-to-one publisher rows', publisherRow({ acdState: 'OutboundContact', reason: null, omni: 'Busy' })],
		['the same row twice', publisherRow({ acdState: 'Unavailable', reason: 'Lunch', omni: 'Lunch_Break' })],
		['many-to-one subscriber rows', subscriberRow({ omni: 'Lunch_Break', acd: { state: 'Unavailable', reason: 'Lunch' } })],
		['no reason and any reason are the same key for Available', withRows({ publisherMap: [{ acdState: 'Available', reason: null, omni: 'Busy' }, { acdState: 'Available', reason: ANY_REASON, omni: 'Busy' }] })],
	])('allowed: %s', (_name, rule) => {
		expect(validateRule(rule, CATALOG)).toEqual([]);
	});

	test('catalog checks run only for the parts given', () => {
		const rule = publisherRow({ acdState: 'Unavailable', reason: 'Coffee', omni: 'Gone' });
		expect(validateRule(rule, { unavailableCodes: CATALOG.unavailableCodes }).map((p) => p.message)).toEqual([
			expect.stringMatching(/unavailable code 'Coffee' does not exist/),
		]);
		expect(validateRule(rule, {})).toEqual([]);
	});

	test('every problem is listed, each with where it is', () => {
		const rule = withRows({
			publisherMap: [{ acdState: 'Unavailable', reason: 'Coffee', omni: 'Gone' }],
			scope: { ...GOOD.scope, teamIds: [9] },
		});
		expect(validateRule(rule, CATALOG).map((problem) => problem.where)).toEqual(['publisher row 1', 'publisher row 1', 'scope']);
	});

	test('long valid-value lists are cut short and say how many more', () => {
		const names = Array.from({ length: 30 }, (_, i) => `S${i}`);
		expect(listValues(names)).toBe(`${names.slice(0, 25).join(', ')}, … (5 more)`);
	});
});
