/** createCxoneClient: the CxoneClient the nodes, triggers and dropdowns use (lib/cxone/types.ts). */
import { getAgent, listAgents } from './agents';
import { CxoneApi } from './api';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './http';
import { logoutAgent, setAgentState } from './sessions';
import { agentStatesSince } from './states';
import { listTeams, listUnavailableCodes } from './teams';
import type { CxoneAuth, CxoneClient } from './types';

export interface CxoneClientOptions {
	retry?: Partial<RetryPolicy>;
	/** top= for list endpoints. Default 100. */
	pageSize?: number;
}

export function createCxoneClient(auth: CxoneAuth, options: CxoneClientOptions = {}): CxoneClient {
	const api = new CxoneApi(auth, { ...DEFAULT_RETRY_POLICY, ...options.retry }, options.pageSize ?? 100);
	return {
		listAgents: (filter) => listAgents(api, filter),
		getAgent: (agentId) => getAgent(api, agentId),
		listTeams: () => listTeams(api),
		listUnavailableCodes: (teamId) => listUnavailableCodes(api, teamId),
		agentStatesSince: (updatedSince) => agentStatesSince(api, updatedSince),
		setAgentState: (agentId, state, reason) => setAgentState(api, agentId, state, reason),
		logoutAgent: (agentId) => logoutAgent(api, agentId),
	};
}
