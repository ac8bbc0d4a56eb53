/**
 * The Presence Rule's run: read the rule, check it (against the live systems' cached lists when
 * credentials are selected), then let the engine decide each item and route it. Every input item leaves
 * by exactly one output, with pairedItem pointing back to it.
 */
import { NodeOperationError } from 'n8n-workflow';
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { decide, sharedEchoLedger, validateRule } from '../../lib/engine';
import type { DecideContext, Decision, PresenceEvent, PresenceRuleConfig, RuleCatalog } from '../../lib/engine';
import { counterparts, liveSystems, ruleCatalog } from './live';
import { toPresenceRule } from './parameters';
import type { PresenceRuleParameters } from './parameters';

/** Output indexes, in the order of outputNames. */
export const OUTPUT = { toSalesforce: 0, toCxone: 1, notInScope: 2, skipped: 3 } as const;

function readParameters(this: IExecuteFunctions): PresenceRuleParameters {
	const get = <T>(name: string, fallback: T) => this.getNodeParameter(name, 0, fallback) as T;
	return {
		ruleName: get('ruleName', ''),
		publisherStates: get('publisherStates', {}),
		subscriberStates: get('subscriberStates', {}),
		teamIds: get('teamIds', []),
		cxoneAgentIds: get('cxoneAgentIds', []),
		excludedCxoneAgentIds: get('excludedCxoneAgentIds', []),
		matchKey: get('matchKey', 'email'),
		userMap: get('userMap', {}),
		options: get('options', {}),
	};
}

type Checked = { rule: PresenceRuleConfig; catalog: RuleCatalog; counterparts: DecideContext['counterparts'] };

/**
 * The checked rule (against the live systems when credentials are selected), its catalog, and each
 * side's user directory for the events at hand; or a NodeOperationError naming every problem with the
 * valid values.
 */
async function checkedRule(this: IExecuteFunctions, events: readonly unknown[]): Promise<Checked> {
	const { rule, problems } = toPresenceRule(readParameters.call(this));
	const fromLiveSystems = async <T>(work: () => Promise<T>): Promise<T> => {
		try {
			return await work();
		} catch (error) {
			throw new NodeOperationError(this.getNode(), error as Error, {
				message: `Presence Rule '${rule.name}' could not load statuses, codes, teams and users to check the rule: ${(error as Error).message}`,
			});
		}
	};
	const live = await fromLiveSystems(() => liveSystems(this));
	const catalog = await fromLiveSystems(() => ruleCatalog(live, rule));
	problems.push(...validateRule(rule, catalog));
	if (problems.length > 0) {
		const list = problems.map((problem) => problem.message);
		throw new NodeOperationError(
			this.getNode(),
			list.length === 1 ? list[0] : `Presence Rule '${rule.name}' has ${list.length} problems: ${list.map((m, i) => `(${i + 1}) ${m}`).join(' ')}`,
			{ description: list.join('\n') },
		);
	}
	return { rule, catalog, counterparts: await fromLiveSystems(() => counterparts(live, rule, events)) };
}

function routed(decision: Decision, item: INodeExecutionData, index: number): [number, INodeExecutionData] {
	const pairedItem = { item: index };
	switch (decision.output) {
		case 'command':
			return [
				decision.command.target === 'salesforce' ? OUTPUT.toSalesforce : OUTPUT.toCxone,
				{ json: decision.command as unknown as IDataObject, pairedItem },
			];
		case 'not-in-scope':
			// The event itself, unchanged, so a next Presence Rule can take it (chained rules = priority).
			return [OUTPUT.notInScope, { json: item.json, pairedItem }];
		case 'skipped':
			return [OUTPUT.skipped, { json: decision.skip as unknown as IDataObject, pairedItem }];
	}
}

/**
 * continueOnFail: the item leaves by Skipped with the error as its reason, rather than stopping the run.
 * No `error` property on the item: n8n would replace the item's json with the bare message.
 */
function failed(item: INodeExecutionData, index: number, error: Error): [number, INodeExecutionData] {
	return [OUTPUT.skipped, { json: { decision: 'invalid', reason: error.message, event: item.json }, pairedItem: { item: index } }];
}

export async function executePresenceRule(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const outputs: INodeExecutionData[][] = [[], [], [], []];
	const route = ([output, item]: [number, INodeExecutionData]) => outputs[output].push(item);

	let checked: Checked;
	try {
		checked = await checkedRule.call(this, items.map((item) => item.json));
	} catch (error) {
		if (!this.continueOnFail()) throw error;
		items.forEach((item, index) => route(failed(item, index, error as Error)));
		return outputs;
	}

	const context = {
		ledger: sharedEchoLedger(),
		now: new Date(),
		scope: this.getWorkflow().id ?? '',
		omniStatuses: checked.catalog.omniStatuses,
		counterparts: checked.counterparts,
	};
	items.forEach((item, index) => {
		try {
			route(routed(decide(item.json as unknown as PresenceEvent, checked.rule, context), item, index));
		} catch (error) {
			if (!this.continueOnFail()) throw new NodeOperationError(this.getNode(), error as Error, { itemIndex: index });
			route(failed(item, index, error as Error));
		}
	});
	return outputs;
}
