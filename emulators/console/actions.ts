/**
 * What the console's buttons do: act as the agent on one side, through the emulators' library API (the
 * same calls their /__control routes make). Bad requests throw an error naming the valid values.
 */
import type { CxoneEmulator } from '../cxone';
import type { SalesforceEmulator } from '../salesforce';
import type { AgentRow, Board } from './board';

export const CXONE_ACTIONS = ['available', 'unavailable', 'logout', 'start-contact', 'end-contact'] as const;
export const SALESFORCE_ACTIONS = ['status', 'offline', 'console'] as const;

export interface ConsoleAction {
	email: string;
	side: 'cxone' | 'salesforce';
	action: string;
	/** Unavailable code, for 'unavailable'. */
	reason?: string;
	/** ACW code, for 'end-contact' (none = straight back to the state before the contact). */
	acwCode?: string;
	/** Omni status DeveloperName, for 'status'. */
	developerName?: string;
	/** For 'console'. */
	open?: boolean;
}

export function applyAction(board: Board, salesforce: SalesforceEmulator, cxone: CxoneEmulator, body: ConsoleAction): AgentRow {
	if (!body || typeof body.email !== 'string') throw new Error('Give the agent as "email"');
	const { agentId, userId } = board.ids(body.email);
	if (body.side === 'cxone') {
		switch (body.action) {
			case 'available':
				cxone.setAgentState(agentId, 'Available');
				break;
			case 'unavailable':
				if (!body.reason) throw new Error('"reason" (an unavailable code name) is required to go Unavailable');
				cxone.setAgentState(agentId, 'Unavailable', body.reason);
				break;
			case 'logout':
				cxone.setAgentState(agentId, 'LoggedOut');
				break;
			case 'start-contact':
				cxone.startContact(agentId);
				break;
			case 'end-contact':
				cxone.endContact(agentId, body.acwCode);
				break;
			default:
				throw new Error(`CXone action '${body.action}' is not known; valid: ${CXONE_ACTIONS.join(', ')}`);
		}
	} else if (body.side === 'salesforce') {
		switch (body.action) {
			case 'status':
				if (!body.developerName) throw new Error('"developerName" (an Omni status) is required to set a status');
				salesforce.setPresence(userId, body.developerName);
				break;
			case 'offline':
				salesforce.setPresence(userId, null);
				break;
			case 'console':
				if (typeof body.open !== 'boolean') throw new Error('"open" must be true or false');
				salesforce.setConsoleOpen(userId, body.open);
				break;
			default:
				throw new Error(`Salesforce action '${body.action}' is not known; valid: ${SALESFORCE_ACTIONS.join(', ')}`);
		}
	} else {
		throw new Error(`side '${String(body.side)}' is not known; valid: cxone, salesforce`);
	}
	// Every change above was announced by the emulator, so the board's row is already rebuilt.
	return board.row(body.email)!;
}
