/**
 * The Presence Rule node's parameters → the engine's PresenceRuleConfig, as a table of cases.
 */
import { ANY_REASON, NO_SYNC, OFFLINE } from '../../lib/engine';
import type { PresenceRuleConfig } from '../../lib/engine';
import { NO_REASON, toPresenceRule } from '../../nodes/PresenceRule/parameters';
import type { PresenceRuleParameters } from '../../nodes/PresenceRule/parameters';

const BASE: PresenceRuleParameters = {
	ruleName: 'Support',
	publisherStates: {},
	subscriberStates: {},
	teamIds: [],
	cxoneAgentIds: [],
	excludedCxoneAgentIds: [],
	matchKey: 'email',
	userMap: {},
	options: {},
};

const rule = (parameters: Partial<PresenceRuleParameters>) => toPresenceRule({ ...BASE, ...parameters });

describe('toPresenceRule()', () => {
	test.each<[string, Partial<PresenceRuleParameters>, Partial<PresenceRuleConfig>]>([
		[
			'publisher rows: codes, Any Reason, No Reason, empty = Any Reason, codes dropped off other states',
			{
				publisherStates: {
					row: [
						{ acdState: 'Unavailable', unavailableCode: 'Lunch', salesforceStatus: 'Busy' },
						{ acdState: 'Unavailable', unavailableCode: ANY_REASON, salesforceStatus: 'Away' },
						{ acdState: 'Unavailable', unavailableCode: NO_REASON, salesforceStatus: 'Away' },
						{ acdState: 'Unavailable', unavailableCode: '', salesforceStatus: 'Away' },
						{ acdState: 'Available', unavailableCode: 'Lunch', salesforceStatus: 'Available_for_Chats' },
						{ acdState: 'LoggedOut', salesforceStatus: OFFLINE },
						{ acdState: 'InboundContact', salesforceStatus: NO_SYNC },
					],
				},
			},
			{
				publisherMap: [
					{ acdState: 'Unavailable', reason: 'Lunch', omni: 'Busy' },
					{ acdState: 'Unavailable', reason: ANY_REASON, omni: 'Away' },
					{ acdState: 'Unavailable', reason: null, omni: 'Away' },
					{ acdState: 'Unavailable', reason: ANY_REASON, omni: 'Away' },
					{ acdState: 'Available', reason: null, omni: 'Available_for_Chats' },
					{ acdState: 'LoggedOut', reason: null, omni: OFFLINE },
					{ acdState: 'InboundContact', reason: null, omni: NO_SYNC },
				],
			},
		],
		[
			'subscriber rows: code, No Reason, empty = No Reason, Available, Do Not Sync',
			{
				subscriberStates: {
					row: [
						{ salesforceStatus: 'Busy', acdState: 'Unavailable', unavailableCode: 'Break' },
						{ salesforceStatus: 'Away', acdState: 'Unavailable', unavailableCode: NO_REASON },
						{ salesforceStatus: 'Meeting', acdState: 'Unavailable', unavailableCode: '' },
						{ salesforceStatus: 'Available_for_Chats', acdState: 'Available' },
						{ salesforceStatus: OFFLINE, acdState: NO_SYNC },
					],
				},
			},
			{
				subscriberMap: [
					{ omni: 'Busy', acd: { state: 'Unavailable', reason: 'Break' } },
					{ omni: 'Away', acd: { state: 'Unavailable', reason: null } },
					{ omni: 'Meeting', acd: { state: 'Unavailable', reason: null } },
					{ omni: 'Available_for_Chats', acd: { state: 'Available' } },
					{ omni: OFFLINE, acd: NO_SYNC },
				],
			},
		],
		[
			'scope: dropdown ids as numbers or texts',
			{ teamIds: ['5', 6], cxoneAgentIds: [17], excludedCxoneAgentIds: ['21'] },
			{ scope: { teamIds: [5, 6], cxoneAgentIds: [17], salesforceUserIds: [], excludedCxoneAgentIds: [21], excludedSalesforceUserIds: [] } },
		],
		[
			'explicit user map',
			{ matchKey: 'explicit', userMap: { pair: [{ cxoneAgentId: '17', salesforceUserId: '005000000000017AAA' }] } },
			{ matchKey: 'explicit', explicitMap: [{ cxoneAgentId: 17, salesforceUserId: '005000000000017AAA' }] },
		],
		[
			'a user map left behind after switching to email is ignored',
			{ matchKey: 'email', userMap: { pair: [{ cxoneAgentId: 17, salesforceUserId: '005000000000017AAA' }] } },
			{ matchKey: 'email', explicitMap: [] },
		],
		[
			'options left out: newest wins, busy agents protected, writes on, 10 s echo window',
			{ options: {} },
			{ masterSide: 'none', protectBusyAgents: true, dryRun: false, echoWindowMs: 10_000 },
		],
		[
			'options set',
			{ options: { conflictPolicy: 'salesforce', protectBusyAgents: false, dryRun: true, echoWindow: 2.5 } },
			{ masterSide: 'salesforce', protectBusyAgents: false, dryRun: true, echoWindowMs: 2500 },
		],
	])('%s', (_name, parameters, expected) => {
		const { rule: config, problems } = rule(parameters);
		expect(problems).toEqual([]);
		expect(config).toMatchObject({ name: 'Support', ...expected });
	});

	test.each([
		['a team id that is not a number', { teamIds: ['Support'] }, "Presence Rule 'Support' teams: 'Support' is not a CXone team id (a whole number)"],
		['an excluded agent id that is blank', { excludedCxoneAgentIds: [' '] }, "Presence Rule 'Support' excluded users: ' ' is not a CXone agent id (a whole number)"],
		['a user map row without an agent', { matchKey: 'explicit', userMap: { pair: [{ cxoneAgentId: '', salesforceUserId: '005000000000017AAA' }] } }, "Presence Rule 'Support' user map row 1: '' is not a CXone agent id (a whole number)"],
	])('%s is reported', (_name, parameters, message) => {
		expect(rule(parameters as Partial<PresenceRuleParameters>).problems.map((problem) => problem.message)).toEqual([message]);
	});
});
