/**
 * decide(): one PresenceEvent in, exactly one Decision out (DESIGN.md §6). In order: is it an event at
 * all, who is the user on the other side (when its directory is known), is the user in the rule's scope,
 * can they be matched on the other side, is it the echo of our own write, and what do the rule's rows
 * say. The result is a SyncCommand for the other side carrying every target state consistent with the
 * source, or a skip with a reason a person can act on.
 */
import type { CatalogOmniStatus } from './catalog';
import type { EchoLedger } from './echoLedger';
import { eventProblem } from './eventCheck';
import { commandUser, knownIdentity, otherSide, SIDE_LABELS, userIdOn, withCounterpart } from './identity';
import type { TargetDirectory } from './identity';
import { acceptableAcd, acceptableOmni, acdState, omniState, publisherRowFor, subscriberRowFor } from './mapping';
import { NO_SYNC } from './rule';
import type { PresenceRuleConfig } from './rule';
import { outOfScope } from './scope';
import { describeState, isBusyAgent } from './state';
import type { AcdState, CommandUser, Decision, OmniState, PresenceEvent, Side, SkipDecision, SyncCommand, UserIdentity } from './types';

export interface DecideContext {
	ledger: EchoLedger;
	now: Date;
	/** Whose writes count as echoes: the workflow id. */
	scope: string;
	/** Salesforce statuses, when known, to put ids and labels on commands for Salesforce. */
	omniStatuses?: CatalogOmniStatus[];
	/**
	 * Each side's user directory, when known: an event's user is looked up on the other side first, so
	 * a Salesforce event gets the CXone agent and team its scope is stated in (withCounterpart).
	 */
	counterparts?: Partial<Record<Side, TargetDirectory<UserIdentity>>>;
}

function skipped(decision: SkipDecision, reason: string, event: PresenceEvent): Decision {
	return { output: 'skipped', skip: { decision, reason, event } };
}

function describeEvent(event: PresenceEvent): string {
	const id = userIdOn(event.side, event.user) ?? '(no id)';
	const name = event.user.name ? ` (${event.user.name})` : '';
	const kind = event.reconcile ? 'reconcile of ' : '';
	return `${kind}${SIDE_LABELS[event.side]} user ${id}${name} ${describeState(event.state)}`;
}

export function decide(input: PresenceEvent, rule: PresenceRuleConfig, ctx: DecideContext): Decision {
	const problem = eventProblem(input);
	if (problem) return skipped('invalid', `Not a presence event: ${problem}`, input);

	const counterparts = ctx.counterparts?.[otherSide(input.side)];
	const { event, unmatched } = counterparts ? withCounterpart(input, rule, counterparts) : { event: input, unmatched: undefined };
	const notInScope = outOfScope(knownIdentity(event, rule), rule, unmatched);
	// The event as it came, so a next rule takes it unchanged.
	if (notInScope) return { output: 'not-in-scope', skip: { decision: 'not-in-scope', reason: notInScope, event: input } };

	const identity = commandUser(event, rule);
	if ('problem' in identity) return skipped('user-not-matched', `${describeEvent(event)}: ${identity.problem}`, event);

	const echo = ctx.ledger.matches(event, ctx.now, rule.echoWindowMs, ctx.scope);
	if (echo) {
		return skipped('echo', `${describeEvent(event)} is the echo of this workflow's write of that state at ${echo.at}`, event);
	}

	return event.state.kind === 'acd'
		? toSalesforce(event, event.state, identity.user, rule, ctx)
		: toCxone(event, event.state, identity.user, rule);
}

function command(
	event: PresenceEvent,
	user: CommandUser,
	rule: PresenceRuleConfig,
	target: Pick<SyncCommand, 'target' | 'desired' | 'acceptable' | 'rule'>,
): Decision {
	const sync: SyncCommand = {
		...target,
		user,
		source: { side: event.side, eventId: event.eventId, changedAt: event.changedAt, state: event.state },
		...(rule.masterSide !== 'none' && { masterSide: rule.masterSide }),
		protectBusyAgents: rule.protectBusyAgents,
		dryRun: rule.dryRun,
	};
	return { output: 'command', command: sync };
}

function toSalesforce(event: PresenceEvent, acd: AcdState, user: CommandUser, rule: PresenceRuleConfig, ctx: DecideContext): Decision {
	const match = publisherRowFor(rule, acd);
	if (!match) {
		const busy = isBusyAgent(acd)
			? `; the agent is ${acd.isAcw ? 'in after-contact work' : 'on a contact'} and no publisher row maps that, so Salesforce is left as it is`
			: '';
		return skipped('unmapped', `${describeEvent(event)}: no publisher row of rule '${rule.name}' maps this state${busy}`, event);
	}
	if (match.entry.omni === NO_SYNC) {
		return skipped('no-sync', `${describeEvent(event)}: publisher row ${match.row} of rule '${rule.name}' says Do Not Sync`, event);
	}
	const desired = omniState(match.entry.omni, ctx.omniStatuses);
	return command(event, user, rule, {
		target: 'salesforce',
		desired,
		acceptable: acceptableOmni(rule, acd, desired, ctx.omniStatuses),
		rule: { name: rule.name, row: match.row, table: 'publisher' },
	});
}

function toCxone(event: PresenceEvent, omni: OmniState, user: CommandUser, rule: PresenceRuleConfig): Decision {
	const match = subscriberRowFor(rule, omni);
	if (!match) {
		const noName = omni.developerName === null && omni.statusId !== null ? ' (the event names no DeveloperName for this status id)' : '';
		return skipped('unmapped', `${describeEvent(event)}: no subscriber row of rule '${rule.name}' maps this status${noName}`, event);
	}
	if (match.entry.acd === NO_SYNC) {
		return skipped('no-sync', `${describeEvent(event)}: subscriber row ${match.row} of rule '${rule.name}' says Do Not Sync`, event);
	}
	const desired = acdState(match.entry.acd);
	return command(event, user, rule, {
		target: 'cxone',
		desired,
		acceptable: acceptableAcd(rule, omni, desired),
		rule: { name: rule.name, row: match.row, table: 'subscriber' },
	});
}
