/**
 * The simulated companion: what the Presence Sync Companion utility item does in each agent's console.
 * It runs the companion's own rules file (the static resource the Aura component loads), one command
 * processor per user so its duplicate memory persists, and applies verdicts after a delay like the Omni
 * toolkit would. An agent whose console is closed has no companion, so their commands go nowhere.
 */
import type { EventEmitter } from 'events';
import * as path from 'path';
import { COMMAND_FIELDS } from '../../lib/salesforce/companionContract';
import type { Org } from './org';
import type { DataMessage } from './streaming';
import { projectRoot } from '../common/projectRoot';

export type CompanionDecision =
	| { verdict: 'apply'; action: 'set'; statusId: string; developerName: string; commandId: string }
	| { verdict: 'apply'; action: 'logout'; commandId: string }
	| { verdict: 'ignore' | 'refuse'; reason: string; commandId: string | null; code?: string };

interface CommandProcessor {
	decide(message: DataMessage, nowMs: number): CompanionDecision;
}

interface PresenceSyncRules {
	createCommandProcessor(options: {
		currentUserId: string;
		integrationUserId: string;
		maxAgeMs: number;
		grantedStatuses: Array<{ id: string; developerName: string; label: string }>;
	}): CommandProcessor;
}

const RULES_PATH = 'salesforce/force-app/main/default/staticresources/presenceSyncRules.js';
/** The utility item's default "Maximum command age" (120 s). */
const MAX_COMMAND_AGE_MS = 120_000;

/** The project root: the nearest folder above this file with a package.json (works from src and dist). */

let rules: PresenceSyncRules | undefined;

function loadRules(): PresenceSyncRules {
	rules ??= require(path.join(projectRoot(), RULES_PATH)) as PresenceSyncRules;
	return rules;
}

export class SimulatedCompanion {
	private readonly processors = new Map<string, CommandProcessor>();
	private readonly timers = new Set<NodeJS.Timeout>();

	constructor(
		private readonly org: Org,
		private readonly events: EventEmitter,
		private readonly delayMs: number,
		private readonly onApplied: () => void,
	) {}

	private processorFor(userId: string): CommandProcessor {
		let processor = this.processors.get(userId);
		if (!processor) {
			processor = loadRules().createCommandProcessor({
				currentUserId: userId,
				integrationUserId: this.org.integrationUserId,
				maxAgeMs: MAX_COMMAND_AGE_MS,
				grantedStatuses: this.org.statuses().map((s) => ({
					id: s.Id,
					developerName: s.DeveloperName as string,
					label: s.MasterLabel as string,
				})),
			});
			this.processors.set(userId, processor);
		}
		return processor;
	}

	/** One published Presence_Sync_Command__e message, as the target user's console receives it. */
	receive(message: DataMessage): void {
		const payload = (message.data.payload ?? {}) as Record<string, unknown>;
		const commandId = typeof payload[COMMAND_FIELDS.commandId] === 'string' ? (payload[COMMAND_FIELDS.commandId] as string) : null;
		const target = payload[COMMAND_FIELDS.userId];
		const user = typeof target === 'string' ? this.org.get('User', target) : undefined;
		if (!user) {
			this.events.emit('command', { verdict: 'ignore', reason: `no console for user ${String(target)}`, commandId, code: 'no-such-user' }, payload);
			return;
		}
		if (!this.org.isConsoleOpen(user.Id)) {
			this.events.emit('command', { verdict: 'ignore', reason: 'console closed: no companion received the command', commandId, code: 'console-closed' }, payload);
			return;
		}
		const timer = setTimeout(() => {
			this.timers.delete(timer);
			this.apply(user.Id, message, payload);
		}, this.delayMs);
		this.timers.add(timer);
	}

	private apply(userId: string, message: DataMessage, payload: Record<string, unknown>): void {
		// The console may have closed during the delay; then nothing runs.
		if (!this.org.isConsoleOpen(userId)) {
			this.events.emit('command', { verdict: 'ignore', reason: 'console closed before the command arrived', commandId: payload[COMMAND_FIELDS.commandId] ?? null, code: 'console-closed' }, payload);
			return;
		}
		const decision = this.processorFor(userId).decide(message, Date.now());
		if (decision.verdict === 'apply') {
			this.org.setPresence(userId, decision.action === 'set' ? decision.developerName : null, 'companion');
			this.onApplied();
		}
		this.events.emit('command', decision, payload);
	}

	stop(): void {
		for (const timer of this.timers) clearTimeout(timer);
		this.timers.clear();
	}
}
