/**
 * Setting another agent's state (cxone.md §4.1): join the agent's session with asAgentId, then post
 * Available or Unavailable + reason. Session ids are cached per credential and agent; a 409 from a stale
 * session is answered by one re-join. A logged-out agent has no session: AGENT_LOGGED_OUT, never a login.
 */
import { TransportError } from '../errors';
import type { CxoneApi } from './api';

const SETTABLE = ['Available', 'Unavailable'];

/** Process-wide: cacheKey → agentId → sessionId. */
const sessionIds = new Map<string, Map<number, string>>();

function cachedSessions(api: CxoneApi): Map<number, string> {
	let byAgent = sessionIds.get(api.auth.cacheKey);
	if (!byAgent) sessionIds.set(api.auth.cacheKey, (byAgent = new Map()));
	return byAgent;
}

async function join(api: CxoneApi, agentId: number): Promise<string> {
	try {
		const { body } = await api.post('/agent-sessions/join', { asAgentId: agentId });
		if (typeof body?.sessionId !== 'string') {
			throw new TransportError('cxone', 'UNEXPECTED_RESPONSE', `CXone POST /agent-sessions/join returned no sessionId for agent ${agentId}`);
		}
		cachedSessions(api).set(agentId, body.sessionId);
		return body.sessionId;
	} catch (error) {
		if (error instanceof TransportError && error.httpStatus === 409) {
			throw new TransportError(
				'cxone',
				'AGENT_LOGGED_OUT',
				`CXone agent ${agentId} has no active session (logged out), so their state cannot be set; the agent must log in first. ${error.message}`,
				409,
				{ agentId },
			);
		}
		if (error instanceof TransportError && error.httpStatus === 404) {
			throw new TransportError('cxone', 'AGENT_NOT_FOUND', `CXone has no agent ${agentId}. ${error.message}`, 404, { agentId });
		}
		throw error;
	}
}

export async function setAgentState(
	api: CxoneApi,
	agentId: number,
	state: 'Available' | 'Unavailable',
	reason?: string | null,
): Promise<{ sessionId: string }> {
	if (!SETTABLE.includes(state)) {
		throw new TransportError('cxone', 'INVALID_STATE', `CXone only lets an API set Available or Unavailable (+ an unavailable code); got '${state}'`, undefined, { valid: SETTABLE });
	}
	const payload = state === 'Unavailable' && reason ? { state, reason } : { state };
	const post = (sessionId: string) =>
		api.post(`/agent-sessions/${encodeURIComponent(sessionId)}/state`, payload, `POST /agent-sessions/{sessionId}/state (agent ${agentId})`);
	const cached = cachedSessions(api).get(agentId);
	let sessionId = cached ?? (await join(api, agentId));
	try {
		await post(sessionId);
	} catch (error) {
		// 409 on a cached session may only mean it ended: join again once. On a fresh one it is the answer.
		if (!cached || !(error instanceof TransportError) || error.httpStatus !== 409) throw error;
		cachedSessions(api).delete(agentId);
		sessionId = await join(api, agentId);
		await post(sessionId);
	}
	return { sessionId };
}

export async function logoutAgent(api: CxoneApi, agentId: number): Promise<void> {
	await api.post(`/agents/${encodeURIComponent(String(agentId))}/logout`, {});
	cachedSessions(api).delete(agentId);
}
