/** The agent directory: GET /agents (all pages) and GET /agents/{id} (an array even for one agent). */
import { TransportError } from '../errors';
import type { CxoneApi } from './api';
import { bool, num, optionalText, pick, text } from './fields';
import type { CxoneAgent } from './types';

export function toCxoneAgent(raw: Record<string, unknown>): CxoneAgent {
	return {
		agentId: num(raw.agentId),
		userName: text(raw.userName),
		firstName: text(raw.firstName),
		lastName: text(raw.lastName),
		emailAddress: text(pick(raw, 'emailAddress', 'email')),
		federatedId: optionalText(raw.federatedId),
		isActive: bool(raw.isActive, true),
		teamId: num(raw.teamId),
		teamName: text(raw.teamName),
	};
}

export async function listAgents(api: CxoneApi, filter: { activeOnly?: boolean } = {}): Promise<CxoneAgent[]> {
	const rows = await api.getAll('/agents', 'agents', { isActive: filter.activeOnly ? true : undefined });
	return rows.map(toCxoneAgent);
}

export async function getAgent(api: CxoneApi, agentId: number): Promise<CxoneAgent> {
	let body: any;
	try {
		({ body } = await api.get(`/agents/${encodeURIComponent(String(agentId))}`));
	} catch (error) {
		if (!(error instanceof TransportError) || error.httpStatus !== 404) throw error;
	}
	const row = Array.isArray(body?.agents) ? body.agents[0] : undefined;
	if (!row) throw new TransportError('cxone', 'AGENT_NOT_FOUND', `CXone has no agent ${agentId}`, 404, { agentId });
	return toCxoneAgent(row);
}
