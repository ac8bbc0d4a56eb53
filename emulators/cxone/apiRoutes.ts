/**
 * The ACD REST API under /incontactapi/services/vNN.0 (cxone.md §2–§4, emulator contract §6): agents,
 * teams, unavailable codes (both documented per-team shapes), /agents/states with updatedSince and 204,
 * agent-sessions join/state, and logout. Every call needs a live bearer token and Accept: application/json.
 */
import { empty, json, type EmuRequest, type Reply, type Router } from '../common/http';
import type { TokenService } from './tokens';
import { AGENT_STATE_IDS, BUSINESS_UNIT_ID, StateError, type CxoneWorld, type EmulatedAgent } from './world';

const BASE = '/incontactapi/services/:version';
const OLDEST_VERSION = 19;
const NEWEST_VERSION = 34;

const apiError = (status: number, error: string, description: string): Reply =>
	json(status, { error, error_description: description });

function versionProblem(version: string): string | undefined {
	const match = /^v(\d+)\.0$/i.exec(version);
	const major = match ? Number(match[1]) : NaN;
	if (major >= OLDEST_VERSION && major <= NEWEST_VERSION) return undefined;
	return `API version '${version}' is not served; valid: v${OLDEST_VERSION}.0 to v${NEWEST_VERSION}.0`;
}

/** 401 without a live token, the literal CXone answer without Accept: application/json, 404 on a bad version. */
function apiGuard(tokens: TokenService) {
	return (req: EmuRequest): Reply | undefined => {
		if (!req.path.toLowerCase().startsWith('/incontactapi/')) return undefined;
		const authorization = req.headers.authorization ?? '';
		const token = /^bearer\s+(.+)$/i.exec(authorization)?.[1];
		if (!token || !tokens.isLiveAccessToken(token)) {
			return apiError(401, 'invalid_token', token ? 'The access token is invalid or has expired' : 'Missing bearer token');
		}
		if (!String(req.headers.accept ?? '').includes('application/json')) {
			return { status: 406, body: 'No known way to render data', raw: true, headers: { 'Content-Type': 'text/plain' } };
		}
		const problem = versionProblem(req.params.version ?? '');
		return problem ? apiError(404, 'NotFound', problem) : undefined;
	};
}

function paging(req: EmuRequest): { skip: number; top: number } {
	const read = (name: string, fallback: number, min: number) => {
		const raw = req.query.get(name);
		if (raw === null || raw === '') return fallback;
		const value = Number(raw);
		if (!Number.isInteger(value) || value < min) {
			throw new StateError(400, 'InvalidParameter', `${name} must be an integer >= ${min}; got '${raw}'`);
		}
		return value;
	};
	return { skip: read('skip', 0, 0), top: Math.min(read('top', 100, 1), 10000) };
}

function sinceFilter(req: EmuRequest, name: string): number | undefined {
	const raw = req.query.get(name);
	if (raw === null || raw === '') return undefined;
	const time = Date.parse(raw);
	if (Number.isNaN(time)) throw new StateError(400, 'InvalidParameter', `${name} must be an ISO-8601 date-time; got '${raw}'`);
	return time;
}

function agentJson(agent: EmulatedAgent, world: CxoneWorld) {
	const status = world.statusOf(agent.agentId);
	return {
		agentId: agent.agentId,
		userName: agent.userName,
		firstName: agent.firstName,
		middleName: '',
		lastName: agent.lastName,
		emailAddress: agent.emailAddress,
		userID: agent.userID,
		isActive: agent.isActive,
		teamId: agent.teamId,
		teamName: agent.teamName,
		teamUuId: world.teams.find((t) => t.teamId === agent.teamId)?.teamUuid ?? '',
		reportToId: 0,
		reportToName: '',
		isSupervisor: false,
		lastLogin: status.sessionId ? status.since : null,
		lastUpdated: agent.lastUpdated,
		location: '',
		internalId: '',
		profileId: 1,
		profileName: 'Agent',
		timeZone: 'UTC',
		federatedId: agent.federatedId,
		crmUserName: '',
		userType: 'Agent',
	};
}

function agentStateJson(agent: EmulatedAgent, world: CxoneWorld, lastPollTime: string) {
	const status = world.statusOf(agent.agentId);
	const code = status.reason ? world.codeByName(status.reason) : undefined;
	return {
		agentId: agent.agentId,
		agentStateId: AGENT_STATE_IDS[status.state],
		agentStateName: status.state,
		businessUnitId: BUSINESS_UNIT_ID,
		contactId: status.contactId,
		isActive: agent.isActive,
		isACW: status.isAcw,
		isOutbound: false,
		firstName: agent.firstName,
		lastName: agent.lastName,
		userName: agent.userName,
		teamId: agent.teamId,
		teamName: agent.teamName,
		// "No reason" travels as 0 / "" on the real API; clients normalise it.
		outStateId: code?.outStateId ?? 0,
		outStateDescription: code?.outStateName ?? '',
		skillId: 0,
		skillName: '',
		mediaName: status.state === 'InboundContact' ? 'Phone Call' : '',
		mediaType: status.state === 'InboundContact' ? 4 : 0,
		openContacts: status.state === 'InboundContact' ? 1 : 0,
		stationId: 0,
		stationPhoneNumber: '',
		fromAddress: '',
		toAddress: '',
		startDate: status.since,
		lastUpdateTime: status.lastUpdateTime,
		lastPollTime,
	};
}

function agentIdParam(raw: string | undefined, what = 'agentId'): number {
	const id = Number(raw);
	if (!Number.isInteger(id) || id <= 0) throw new StateError(400, 'InvalidParameter', `${what} must be a positive integer; got '${raw}'`);
	return id;
}

/** Turns StateError into CXone's error reply. */
const handled =
	(handler: (req: EmuRequest) => Reply) =>
	(req: EmuRequest): Reply => {
		try {
			return handler(req);
		} catch (error) {
			if (error instanceof StateError) return apiError(error.status, error.code, error.message);
			throw error;
		}
	};

export function addApiRoutes(
	router: Router,
	world: CxoneWorld,
	tokens: TokenService,
	options: { url: () => string; unavailableCodesShape: 'array' | 'resultSet' },
): void {
	router.guard(apiGuard(tokens));

	router.add(
		'GET',
		`${BASE}/agents/states`,
		handled((req) => {
			const since = sinceFilter(req, 'updatedSince');
			const lastPollTime = world.clock.pollTime();
			const changed = world
				.agents()
				.filter((agent) => since === undefined || Date.parse(world.statusOf(agent.agentId).lastUpdateTime) > since);
			if (changed.length === 0) return empty(204);
			return json(200, { agentStates: changed.map((agent) => agentStateJson(agent, world, lastPollTime)) });
		}),
	);

	router.add(
		'GET',
		`${BASE}/agents`,
		handled((req) => {
			const { skip, top } = paging(req);
			const since = sinceFilter(req, 'updatedSince');
			const isActive = req.query.get('isActive');
			const search = req.query.get('searchString')?.toLowerCase();
			const matching = world.agents().filter(
				(agent) =>
					(isActive === null || String(agent.isActive) === isActive.toLowerCase()) &&
					(since === undefined || Date.parse(agent.lastUpdated) > since) &&
					(!search ||
						[agent.firstName, agent.lastName, agent.userName, agent.emailAddress].some((field) =>
							field.toLowerCase().includes(search),
						)),
			);
			return json(200, {
				businessUnitId: BUSINESS_UNIT_ID,
				lastPollTime: world.clock.pollTime(),
				totalRecords: matching.length,
				agents: matching.slice(skip, skip + top).map((agent) => agentJson(agent, world)),
			});
		}),
	);

	router.add(
		'GET',
		`${BASE}/agents/:agentId`,
		handled((req) => {
			const agentId = agentIdParam(req.params.agentId);
			const agent = world.agent(agentId);
			if (!agent) return apiError(404, 'AgentNotFound', `Agent ${agentId} does not exist in this business unit`);
			return json(200, { agents: [agentJson(agent, world)] });
		}),
	);

	router.add(
		'POST',
		`${BASE}/agents/:agentId/logout`,
		handled((req) => {
			const agentId = agentIdParam(req.params.agentId);
			world.logout(agentId, 'api');
			router.countWrite('agent-logout');
			return empty(202);
		}),
	);

	router.add(
		'GET',
		`${BASE}/teams`,
		handled((req) => {
			const { skip, top } = paging(req);
			const isActive = req.query.get('isActive');
			const teams = world.teams.filter((team) => isActive === null || String(team.isActive) === isActive.toLowerCase());
			const link = (from: number) => `${options.url()}${req.path}?skip=${from}&top=${top}`;
			return json(200, {
				_links: {
					self: link(skip),
					next: skip + top < teams.length ? link(skip + top) : null,
					previous: skip > 0 ? link(Math.max(0, skip - top)) : null,
				},
				businessUnitId: BUSINESS_UNIT_ID,
				lastPollTime: world.clock.pollTime(),
				totalRecords: teams.length,
				teams: teams.slice(skip, skip + top).map((team) => ({
					teamId: team.teamId,
					teamName: team.teamName,
					isActive: team.isActive,
					description: '',
					notes: '',
					lastUpdateTime: team.lastUpdateTime,
					agentCount: world.agents().filter((agent) => agent.teamId === team.teamId).length,
				})),
			});
		}),
	);

	router.add(
		'GET',
		`${BASE}/teams/:teamId/unavailable-codes`,
		handled((req) => {
			const teamId = agentIdParam(req.params.teamId, 'teamId');
			const team = world.teams.find((t) => t.teamId === teamId);
			if (!team) return apiError(404, 'TeamNotFound', `Team ${teamId} does not exist in this business unit`);
			const unavailableCodes = world.codes.map(({ outStateId, outStateName, isActive, isAcw, agentTimeoutMins }) => ({
				outStateId,
				outStateName,
				isActive,
				isAcw,
				agentTimeoutMins,
			}));
			if (options.unavailableCodesShape === 'resultSet') {
				return json(200, { resultSet: { teamId, teamName: team.teamName, teamUuid: team.teamUuid, unavailableCodes } });
			}
			return json(200, { unavailableCodes });
		}),
	);

	// Business-unit level list: PascalCase items as in the swagger-derived templates (cxone.md §3.2).
	router.add('GET', `${BASE}/unavailable-codes`, () =>
		json(200, {
			unavailableCodes: world.codes.map((code) => ({
				OutStateId: code.outStateId,
				OutStateName: code.outStateName,
				IsAcw: code.isAcw,
				AgentTimeoutMins: code.agentTimeoutMins,
				IsActive: code.isActive,
			})),
		}),
	);

	router.add(
		'POST',
		`${BASE}/agent-sessions/join`,
		handled((req) => {
			const agentId = agentIdParam(req.body?.asAgentId === undefined ? undefined : String(req.body.asAgentId), 'asAgentId');
			return json(200, { sessionId: world.join(agentId) });
		}),
	);

	router.add(
		'POST',
		`${BASE}/agent-sessions/:sessionId/state`,
		handled((req) => {
			if (typeof req.body !== 'object' || req.body === null) {
				return apiError(400, 'InvalidBody', 'Body must be JSON: {"state":"Available"} or {"state":"Unavailable","reason":"<code>"}');
			}
			world.setBySession(req.params.sessionId, req.body.state, req.body.reason);
			router.countWrite('agent-state');
			return empty(202);
		}),
	);

	router.add('*', `${BASE}/*`, (req) => apiError(404, 'NotFound', `No such resource: ${req.method} ${req.path}`));
}
