/**
 * The control API under /__control/ (no auth, not counted, never faulted): what tests, benchmarks and
 * the live console use to act as agents and to break things on purpose. See README.md for the table.
 */
import { empty, json, type Fault, type Reply, type Router } from '../common/http';
import type { SalesforceEmulator } from './index';
import { apiUsage, DAILY_API_LIMIT } from './rest';

const FAULT_KINDS = ['status', 'latency', 'drop'];

/** Salesforce-shaped bodies for injected statuses, so clients parse them like the real thing. */
function faultBody(status: number): unknown {
	if (status === 401) return [{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }];
	if (status === 403) return [{ message: 'TotalRequests Limit exceeded.', errorCode: 'REQUEST_LIMIT_EXCEEDED' }];
	if (status === 503) return [{ message: 'Server temporarily unavailable (injected fault)', errorCode: 'SERVER_UNAVAILABLE' }];
	return [{ message: `Injected HTTP ${status}`, errorCode: status >= 500 ? 'UNKNOWN_EXCEPTION' : `HTTP_${status}` }];
}

function parseFault(body: any): Fault {
	const kind = body?.kind;
	if (!FAULT_KINDS.includes(kind)) throw new Error(`"kind" must be one of ${FAULT_KINDS.join(', ')}; received ${JSON.stringify(kind)}`);
	const count = body.count ?? 1;
	if (!Number.isInteger(count) || count < 1) throw new Error(`"count" must be a positive integer; received ${JSON.stringify(body.count)}`);
	const pathPrefix = body.pathPrefix === undefined ? undefined : String(body.pathPrefix);
	if (kind === 'latency') {
		if (typeof body.ms !== 'number' || body.ms < 0) throw new Error(`"ms" must be a number of milliseconds for a latency fault; received ${JSON.stringify(body.ms)}`);
		return { kind, ms: body.ms, count, pathPrefix };
	}
	if (kind === 'drop') return { kind, count, pathPrefix };
	const status = body.status;
	if (!Number.isInteger(status) || status < 400 || status > 599) throw new Error(`"status" must be an HTTP error status 400–599; received ${JSON.stringify(status)}`);
	const retryAfterSec = body.retryAfterSec === undefined ? undefined : Number(body.retryAfterSec);
	return { kind, status, count, retryAfterSec, pathPrefix, body: faultBody(status) };
}

/** Runs a control action; a thrown Error is the caller's mistake and becomes a 400 naming it. */
function attempt(action: () => Reply): Reply {
	try {
		return action();
	} catch (error) {
		return json(400, { error: (error as Error).message });
	}
}

export function addControlRoutes(router: Router, emulator: SalesforceEmulator): void {
	const userOf = (body: any): string => {
		// An unknown id is reported by the action itself ("No user with id …").
		if (typeof body?.userId === 'string' && body.userId) return body.userId;
		if (typeof body?.email === 'string' && body.email) {
			const user = emulator.userByEmail(body.email);
			if (!user) throw new Error(`No user with email '${body.email}'`);
			return user.id;
		}
		throw new Error('Give the user as "userId" (005…) or "email"');
	};

	router.add('POST', '/__control/presence', (req) =>
		attempt(() => {
			const userId = userOf(req.body);
			const developerName = req.body?.developerName;
			if (developerName !== null && typeof developerName !== 'string') {
				throw new Error('"developerName" must be a presence status developer name, or null to log out of Omni');
			}
			emulator.setPresence(userId, developerName);
			return json(200, { userId, presence: emulator.presenceOf(userId) });
		}),
	);

	router.add('POST', '/__control/console', (req) =>
		attempt(() => {
			const userId = userOf(req.body);
			if (typeof req.body?.open !== 'boolean') throw new Error('"open" must be true or false');
			emulator.setConsoleOpen(userId, req.body.open);
			return json(200, { userId, consoleOpen: req.body.open });
		}),
	);

	router.add('POST', '/__control/expire-tokens', () => {
		emulator.expireTokens();
		return empty(204);
	});

	router.add('POST', '/__control/drop-streaming', () => {
		emulator.dropStreamingClients();
		return empty(204);
	});

	router.add('POST', '/__control/faults', (req) =>
		attempt(() => {
			const fault = parseFault(req.body);
			router.inject(fault);
			return json(201, fault);
		}),
	);

	router.add('DELETE', '/__control/faults', () => {
		router.clearFaults();
		return empty(204);
	});

	router.add('GET', '/__control/counters', () =>
		json(200, { ...router.counters(), apiUsage: { used: apiUsage(router), limit: DAILY_API_LIMIT } }),
	);

	router.add('POST', '/__control/counters/reset', () => {
		router.resetCounters();
		return empty(204);
	});

	router.add('POST', '/__control/seed', (req) =>
		attempt(() => {
			const count = req.body?.count;
			if (!Number.isInteger(count) || count < 0) throw new Error(`"count" must be a non-negative integer; received ${JSON.stringify(count)}`);
			emulator.seed(count);
			return json(200, { users: emulator.users().length });
		}),
	);

	router.add('GET', '/__control/state', () => json(200, emulator.state()));
}
