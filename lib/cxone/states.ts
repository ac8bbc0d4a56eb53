/**
 * The all-agents state feed: GET /agents/states?updatedSince (cxone.md §3.3). Feed lastPollTime back as
 * the next updatedSince; 204 means nothing changed and the cursor stays where it was.
 */
import { TransportError } from '../errors';
import type { CxoneApi } from './api';
import { bool, num, optionalId, optionalText, pick, text } from './fields';
import type { AgentStateRow, AgentStatesPage } from './types';

/** The SDK's first poll starts from the epoch too. */
const EPOCH = new Date(0).toISOString();

function toAgentStateRow(raw: Record<string, unknown>): AgentStateRow {
	const outStateDescription = optionalText(raw.outStateDescription);
	return {
		agentId: num(raw.agentId),
		agentStateId: num(raw.agentStateId),
		agentStateName: text(raw.agentStateName),
		outStateId: outStateDescription === null ? null : optionalId(pick(raw, 'outStateId', 'outStateCode')),
		outStateDescription,
		isACW: bool(pick(raw, 'isACW', 'isAcw')),
		contactId: num(raw.contactId),
		teamId: num(raw.teamId),
		teamName: text(raw.teamName),
		userName: text(raw.userName),
		firstName: text(raw.firstName),
		lastName: text(raw.lastName),
		startDate: text(raw.startDate),
		lastUpdateTime: text(pick(raw, 'lastUpdateTime', 'startDate')),
	};
}

export async function agentStatesSince(api: CxoneApi, updatedSince: string | null): Promise<AgentStatesPage> {
	if (updatedSince !== null && Number.isNaN(Date.parse(updatedSince))) {
		throw new TransportError('cxone', 'INVALID_CURSOR', `updatedSince must be an ISO-8601 date-time (a previous lastPollTime); got '${updatedSince}'`);
	}
	const { status, body } = await api.get('/agents/states', { updatedSince: updatedSince ?? undefined });
	if (status === 204 || status === 304) return { lastPollTime: updatedSince ?? EPOCH, states: [] };
	const list: unknown = body?.agentStates ?? body?.resultSet?.agentStates;
	if (!Array.isArray(list)) {
		throw new TransportError('cxone', 'UNEXPECTED_RESPONSE', `CXone GET /agents/states returned no agentStates list (got keys: ${Object.keys(body ?? {}).join(', ') || 'none'})`);
	}
	const states = list.map(toAgentStateRow);
	// Server time: top level where a version puts it there, else on each row (cxone.md §6).
	const serverTime = body.lastPollTime ?? body.resultSet?.lastPollTime ?? list[0]?.lastPollTime;
	const newestChange = states.map((row) => row.lastUpdateTime).filter(Boolean).sort().pop();
	return { lastPollTime: text(serverTime) || newestChange || updatedSince || EPOCH, states };
}
