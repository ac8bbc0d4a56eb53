/**
 * CXone as the target of SyncCommands. A write joins the agent's session and sets Available or
 * Unavailable + unavailable code (cxone.md §4.1), a few agents at a time. A LoggedOut agent has no
 * session and is never logged in: that is an outcome, not a failure.
 */
import { TargetDirectory, userIdKey } from '../engine/identity';
import { reasonOf } from '../engine/state';
import { listValues } from '../engine/validate';
import { SETTABLE_ACD_STATES } from '../engine/types';
import type { AcdState, PresenceState } from '../engine/types';
import { TransportError } from '../errors';
import type { CxoneAgent, CxoneClient, UnavailableCode } from '../cxone/types';
import { acdStateOf } from '../triggers/acdStateTracker';
import { cxoneDirectories } from '../directory/liveDirectories';
import type { CxoneDirectories } from '../directory/liveDirectories';
import { perList } from '../directory/shared';
import type { PresenceTarget, TargetWrite, WriteOutcome } from './applyCommands';
import { mapWithConcurrency } from './concurrency';
import { ActionInputError, failureFrom } from './failure';

/** Session joins in flight at once: enough for a shift-start burst, gentle on CXone's rate limits. */
export const CXONE_WRITE_CONCURRENCY = 8;

/** The agent's CXone error when there is no session to join. */
export const AGENT_LOGGED_OUT = 'AGENT_LOGGED_OUT';

const codeNamed = (name: string) => (code: UnavailableCode) => code.outStateName.toLowerCase() === name.toLowerCase();

/** The unavailable code by name (any case), or an error listing the valid ones. */
export function findUnavailableCode(codes: readonly UnavailableCode[], name: string): UnavailableCode {
	const code = codes.find(codeNamed(name));
	if (code) return code;
	throw new ActionInputError(
		`CXone unavailable code '${name}' does not exist; valid: ${listValues(codes.filter((c) => c.isActive).map((c) => c.outStateName))}`,
		'Use the name of an active unavailable code of the business unit (ACD → Unavailable Codes).',
		'UNKNOWN_UNAVAILABLE_CODE',
	);
}

export function cxoneIdentity(agent: CxoneAgent) {
	return {
		cxoneAgentId: agent.agentId,
		email: agent.emailAddress,
		username: agent.userName,
		federationId: agent.federatedId ?? undefined,
		name: `${agent.firstName} ${agent.lastName}`.trim(),
		teamId: agent.teamId,
		teamName: agent.teamName,
	};
}

/** Only active agents can be set; the shared agent list holds inactive ones for rule validation too. */
const agentsDirectory = perList(
	(agents: readonly CxoneAgent[]) => new TargetDirectory(agents.filter((agent) => agent.isActive), 'cxone', cxoneIdentity),
);

export class CxoneTarget implements PresenceTarget<CxoneAgent> {
	readonly side = 'cxone';
	private lists: CxoneDirectories;

	/**
	 * `checkCodes`: look the unavailable code up before writing (Define Below). Commands from a Presence
	 * Rule were checked when the rule was validated, so the hot path spares the lookup.
	 */
	constructor(
		private readonly client: CxoneClient,
		private readonly options: { checkCodes?: boolean } = {},
	) {
		this.lists = cxoneDirectories(undefined, async () => client);
	}

	shareDirectories(cacheKey: string): void {
		this.lists = cxoneDirectories(cacheKey, async () => this.client);
	}

	unavailableCodes(): Promise<UnavailableCode[]> {
		return this.lists.unavailableCodes.current();
	}

	async directory(covers: (directory: TargetDirectory<CxoneAgent>) => boolean = () => true): Promise<TargetDirectory<CxoneAgent>> {
		return agentsDirectory(await this.lists.agents.currentCovering((agents) => covers(agentsDirectory(agents))));
	}

	identify(agent: CxoneAgent) {
		const { cxoneAgentId, name } = cxoneIdentity(agent);
		return { userId: String(agent.agentId), ids: { cxoneAgentId, name } };
	}

	async resolveDesired(desired: PresenceState): Promise<AcdState> {
		if (desired.kind !== 'acd' || !SETTABLE_ACD_STATES.includes(desired.state)) {
			const got = desired.kind === 'acd' ? desired.state : 'an Omni status';
			throw new ActionInputError(`CXone can only be set to ${SETTABLE_ACD_STATES.join(' or ')}, got ${got}`);
		}
		const reason = reasonOf(desired);
		if (!reason || !this.options.checkCodes) return { kind: 'acd', state: desired.state, reason, isAcw: false };
		const codes = await this.lists.unavailableCodes.currentCovering((held) => held.some(codeNamed(reason)));
		return { kind: 'acd', state: desired.state, reason: findUnavailableCode(codes, reason).outStateName, isAcw: false };
	}

	async currentStates(userIds: string[]): Promise<Map<string, PresenceState>> {
		const { states } = await this.client.agentStatesSince(null);
		const wanted = new Set(userIds.map((id) => userIdKey('cxone', id)));
		// An agent the snapshot does not list has no session.
		const current = new Map<string, PresenceState>(
			[...wanted].map((id) => [id, { kind: 'acd', state: 'LoggedOut', reason: null, isAcw: false }]),
		);
		for (const row of states) {
			const id = String(row.agentId);
			if (wanted.has(id)) current.set(id, acdStateOf(row));
		}
		return current;
	}

	write(writes: TargetWrite[]): Promise<WriteOutcome[]> {
		return mapWithConcurrency(writes, CXONE_WRITE_CONCURRENCY, async ({ userId, desired }): Promise<WriteOutcome> => {
			const acd = desired as AcdState;
			try {
				const { sessionId } = await this.client.setAgentState(Number(userId), acd.state as 'Available' | 'Unavailable', acd.reason);
				return { outcome: 'written', writeId: sessionId };
			} catch (error) {
				if (error instanceof TransportError && error.errorCode === AGENT_LOGGED_OUT) {
					return { outcome: 'target-logged-out', reason: 'the CXone agent logged out before the change; a sync never logs an agent in' };
				}
				return { outcome: 'failed', failure: failureFrom(error) };
			}
		});
	}
}
