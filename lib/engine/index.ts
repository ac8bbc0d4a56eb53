/** The sync engine's public API: plain functions over plain data, with no n8n import (DESIGN.md §5–6). */
export * from './types';
export * from './rule';
export * from './catalog';
export { validateRule, listValues, namesMissingFrom } from './validate';
export type { RuleProblem } from './validate';
export { decide } from './decide';
export type { DecideContext } from './decide';
export { eventProblem } from './eventCheck';
export { planWrite } from './apply';
export type { WritePlan } from './apply';
export { sameState, isConsistent, isBusyAgent, isOffline, describeState, reasonOf, sameSalesforceId } from './state';
export { InProcessEchoLedger, sharedEchoLedger, isOurWrite, CLOCK_SKEW_MS } from './echoLedger';
export type { EchoLedger, LedgerWrite, InProcessEchoLedgerOptions } from './echoLedger';
export { commandUser, counterpartOf, findTargetUser, TargetDirectory, otherSide, userIdOn, withCounterpart, SIDE_LABELS, MATCH_KEY_LABELS } from './identity';
export type { TargetLookup } from './identity';
export { publisherRowFor, subscriberRowFor } from './mapping';
