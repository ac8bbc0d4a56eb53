/**
 * The CXone transport's surface (lib/cxone). It owns discovery, the token cache, retries with backoff,
 * Retry-After, paging and error mapping. Plain data in and out.
 */

export interface CxoneAuth {
	/** Stable key for the in-process token cache (credential id or a hash); never a secret. */
	cacheKey: string;
	/** e.g. https://cxone.niceincontact.com, or the emulator URL. */
	issuer: string;
	clientId: string;
	clientSecret: string;
	accessKeyId: string;
	accessKeySecret: string;
	/** Overrides the api_endpoint from cxone-configuration. */
	apiBaseUrl?: string;
	/** e.g. "v33.0". */
	apiVersion: string;
}

export interface CxoneAgent {
	agentId: number;
	userName: string;
	firstName: string;
	lastName: string;
	emailAddress: string;
	federatedId: string | null;
	isActive: boolean;
	teamId: number;
	teamName: string;
}

export interface CxoneTeam {
	teamId: number;
	teamName: string;
	isActive: boolean;
}

export interface UnavailableCode {
	outStateId: number | null;
	outStateName: string;
	isAcw: boolean;
	isActive: boolean;
}

/** One row of /agents/states. */
export interface AgentStateRow {
	agentId: number;
	agentStateId: number;
	agentStateName: string;
	outStateId: number | null;
	outStateDescription: string | null;
	isACW: boolean;
	contactId: number;
	teamId: number;
	teamName: string;
	userName: string;
	firstName: string;
	lastName: string;
	startDate: string;
	lastUpdateTime: string;
}

export interface AgentStatesPage {
	/** Feed back as the next updatedSince. Unchanged (the cursor given) on 204. */
	lastPollTime: string;
	states: AgentStateRow[];
}

export interface CxoneClient {
	listAgents(filter?: { activeOnly?: boolean }): Promise<CxoneAgent[]>;
	getAgent(agentId: number): Promise<CxoneAgent>;
	listTeams(): Promise<CxoneTeam[]>;
	/** Per team (both documented response shapes), or business-unit wide when teamId is omitted. */
	listUnavailableCodes(teamId?: number): Promise<UnavailableCode[]>;
	/** updatedSince = null ⇒ full snapshot of every agent's current state. */
	agentStatesSince(updatedSince: string | null): Promise<AgentStatesPage>;
	/** Join the agent's session and set Available or Unavailable+reason. Throws CxoneError on failure. */
	setAgentState(agentId: number, state: 'Available' | 'Unavailable', reason?: string | null): Promise<{ sessionId: string }>;
	logoutAgent(agentId: number): Promise<void>;
}
