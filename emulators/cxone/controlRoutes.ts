/**
 * /__control: what tests, the demo console and the bench use to act as the agents and to break things.
 * No auth, never counted (the Router leaves /__control out of its counters and faults).
 */
import { empty, json, type EmuRequest, type Fault, type Reply, type Router } from '../common/http';
import type { CxoneEmulator } from './index';
import { StateError } from './world';

const badRequest = (message: string): Reply => json(400, { error: 'InvalidRequest', error_description: message });

const controlled =
	(handler: (req: EmuRequest) => Reply) =>
	(req: EmuRequest): Reply => {
		try {
			return handler(req);
		} catch (error) {
			if (error instanceof StateError) return json(error.status, { error: error.code, error_description: error.message });
			throw error;
		}
	};

function agentIdOf(emulator: CxoneEmulator, body: { agentId?: unknown; email?: unknown }): number {
	if (body.agentId !== undefined) return Number(body.agentId);
	if (typeof body.email === 'string') {
		const agent = emulator.agentByEmail(body.email);
		if (agent) return agent.agentId;
		throw new StateError(404, 'AgentNotFound', `No agent has the email '${body.email}'`);
	}
	throw new StateError(400, 'InvalidRequest', 'Give agentId or email');
}

export function addControlRoutes(router: Router, emulator: CxoneEmulator): void {
	router.add(
		'POST',
		'/__control/state',
		controlled((req) => {
			const body = req.body ?? {};
			emulator.setAgentState(agentIdOf(emulator, body), body.state, body.reason ?? null);
			return json(200, emulator.stateOf(agentIdOf(emulator, body)));
		}),
	);

	router.add(
		'GET',
		'/__control/state',
		controlled(() =>
			json(200, {
				agents: emulator.agents().map((agent) => ({ ...agent, ...emulator.stateOf(agent.agentId) })),
			}),
		),
	);

	router.add(
		'POST',
		'/__control/contact',
		controlled((req) => {
			const body = req.body ?? {};
			const agentId = agentIdOf(emulator, body);
			if (body.action === 'start') emulator.startContact(agentId);
			else if (body.action === 'end') emulator.endContact(agentId, body.acwCode);
			else return badRequest(`action must be 'start' or 'end'; got '${body.action}'`);
			return json(200, emulator.stateOf(agentId));
		}),
	);

	router.add('POST', '/__control/expire-tokens', () => {
		emulator.expireTokens();
		return empty(204);
	});

	router.add('POST', '/__control/faults', (req) => {
		const fault = req.body as Fault | undefined;
		if (!fault || !['status', 'latency', 'drop'].includes(fault.kind) || !(Number(fault.count) > 0)) {
			return badRequest("Body must be a fault: {kind:'status'|'latency'|'drop', count>0, status?, retryAfterSec?, ms?, pathPrefix?}");
		}
		router.inject(fault);
		return empty(204);
	});

	router.add('DELETE', '/__control/faults', () => {
		router.clearFaults();
		return empty(204);
	});

	router.add('GET', '/__control/counters', () => json(200, router.counters()));

	router.add('POST', '/__control/counters/reset', () => {
		router.resetCounters();
		return empty(204);
	});

	router.add('POST', '/__control/seed', (req) => {
		const count = Number(req.body?.count);
		if (!Number.isInteger(count) || count < 0) return badRequest(`count must be a non-negative integer; got '${req.body?.count}'`);
		emulator.seed(count);
		return json(200, { agents: count });
	});
}
