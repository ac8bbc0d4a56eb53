/**
 * The demo's pretend contact center: every few seconds one agent does something, on one side, the way a
 * person would (goes to lunch in CXone, picks Busy in the Omni widget, takes a call, logs out of Omni).
 * Gentle on purpose: one change at a time, so a person watching the console can follow each row flip
 * and the other side follow it.
 */
import type { CxoneEmulator } from '../../emulators/cxone';
import type { SalesforceEmulator } from '../../emulators/salesforce';

export interface ActivityOptions {
	salesforce: SalesforceEmulator;
	cxone: CxoneEmulator;
	/** Pause between two changes, drawn uniformly from [min, max] ms. Default 2000–4000. */
	intervalMs?: [number, number];
	/** Defaults to Math.random; a seeded one makes a run repeatable. */
	random?: () => number;
	/** Told about each change, e.g. to print it. */
	onChange?: (change: AgentChange) => void;
	/** An agent's action that an emulator refused; the activity goes on. */
	onError?: (error: Error) => void;
}

export interface AgentChange {
	side: 'cxone' | 'salesforce';
	email: string;
	/** What the agent did, e.g. "Unavailable (Lunch)", "takes a contact", "Busy", "Offline". */
	did: string;
}

export interface Activity {
	stop(): void;
}

const CXONE_CODES = ['Lunch', 'Break', 'Meeting'];
const OMNI_STATUSES = ['Available_for_Chats', 'Busy', 'Lunch_Break'];
const ACW_CODE = 'Wrap-up';

export function startActivity(options: ActivityOptions): Activity {
	const { salesforce, cxone } = options;
	const random = options.random ?? Math.random;
	const [min, max] = options.intervalMs ?? [2000, 4000];
	const pick = <T>(values: T[]): T => values[Math.floor(random() * values.length)];
	let timer: NodeJS.Timeout | undefined;
	let stopped = false;

	/** One CXone agent acts: a contact comes and goes now and then; otherwise they pick a state in MAX. */
	const actInCxone = (agentId: number): string => {
		const { state, isAcw } = cxone.stateOf(agentId);
		if (state === 'InboundContact') {
			const wrapUp = random() < 0.5;
			cxone.endContact(agentId, wrapUp ? ACW_CODE : undefined);
			return wrapUp ? 'ends the contact, into wrap-up' : 'ends the contact';
		}
		if (state !== 'LoggedOut' && !isAcw && random() < 0.15) {
			cxone.startContact(agentId);
			return 'takes a contact';
		}
		if (state !== 'Available' && random() < 0.5) {
			cxone.setAgentState(agentId, 'Available');
			return 'Available';
		}
		const code = pick(CXONE_CODES);
		cxone.setAgentState(agentId, 'Unavailable', code);
		return `Unavailable (${code})`;
	};

	/** One Salesforce user picks another status in the Omni widget, or logs out of Omni now and then. */
	const actInSalesforce = (userId: string): string => {
		const current = salesforce.presenceOf(userId)?.developerName ?? null;
		const choices: Array<string | null> = [...OMNI_STATUSES.filter((status) => status !== current)];
		if (current !== null && random() < 0.15) choices.splice(0, choices.length, null);
		const next = pick(choices);
		salesforce.setPresence(userId, next);
		return next ?? 'Offline';
	};

	const tick = () => {
		if (stopped) return;
		const agent = pick(cxone.agents());
		const user = agent && salesforce.userByEmail(agent.emailAddress);
		if (agent && user) {
			const side = random() < 0.5 ? 'cxone' : 'salesforce';
			try {
				const did = side === 'cxone' ? actInCxone(agent.agentId) : actInSalesforce(user.id);
				options.onChange?.({ side, email: agent.emailAddress, did });
			} catch (error) {
				options.onError?.(error as Error);
			}
		}
		timer = setTimeout(tick, min + random() * (max - min));
	};
	timer = setTimeout(tick, min + random() * (max - min));

	return {
		stop: () => {
			stopped = true;
			if (timer) clearTimeout(timer);
		},
	};
}
