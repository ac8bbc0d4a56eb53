/*
 * Presence Sync companion rules: which Presence_Sync_Command__e messages an agent's console applies, and how.
 *
 * Plain ES2017 with no dependencies so the same file runs in two places:
 * - the browser, as the presenceSyncRules static resource that the PresenceSyncCompanion Aura component loads
 *   with ltng:require (it is then window.PresenceSyncRules);
 * - Node, through require(), where the emulator's simulated companion and the tests call it.
 * Field names must equal COMMAND_FIELDS in lib/salesforce/companionContract.ts (a test checks it).
 */
(function (root, factory) {
	if (typeof module === 'object' && module.exports) {
		module.exports = factory();
	} else {
		root.PresenceSyncRules = factory();
	}
})(typeof window !== 'undefined' ? window : this, function () {
	'use strict';

	const FIELDS = Object.freeze({
		userId: 'UserId__c',
		statusId: 'StatusId__c',
		statusDeveloperName: 'StatusDeveloperName__c',
		action: 'Action__c',
		commandId: 'CommandId__c',
		issuedAt: 'IssuedAt__c',
		source: 'Source__c',
	});
	const CHANNEL = '/event/Presence_Sync_Command__e';
	const ACTIONS = ['set', 'logout'];
	const ID_PATTERN = /^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$/;
	const DEVELOPER_NAME_PATTERN = /^[A-Za-z][A-Za-z0-9_]*$/;

	function text(value) {
		return value === undefined || value === null || value === '' ? null : String(value);
	}

	/**
	 * Salesforce Ids arrive as 15 case-sensitive characters or as 18 (the same 15 plus a case checksum), and
	 * $SObjectType.CurrentUser.Id need not use the same form as the node, so compare the 15-character core.
	 */
	function sameId(a, b) {
		if (!a || !b) return false;
		if (ID_PATTERN.test(a) && ID_PATTERN.test(b)) return a.slice(0, 15) === b.slice(0, 15);
		return a === b;
	}

	function requireText(value, name, meaning) {
		if (typeof value !== 'string' || value.trim() === '') {
			throw new Error(`${name} is required (${meaning}); received ${JSON.stringify(value)}`);
		}
		return value.trim();
	}

	function toStatus(status) {
		const id = text(status && status.id);
		const developerName = text(status && status.developerName);
		if (!id || !developerName) {
			throw new Error(`a granted status needs id and developerName; received ${JSON.stringify(status)}`);
		}
		return { id, developerName, label: text(status.label) || developerName };
	}

	/**
	 * Reads the component's "Status Map" design attribute: DeveloperName=StatusId pairs separated by commas,
	 * semicolons or new lines, e.g. "Available_for_Chats=0N5xx0000000001AAA, Busy=0N5xx0000000002AAA".
	 */
	function parseStatusMap(source) {
		const entries = String(source || '')
			.split(/[,;\n]/)
			.map((entry) => entry.trim())
			.filter((entry) => entry !== '');
		return entries.map((entry) => {
			const parts = entry.split('=').map((part) => part.trim());
			if (parts.length !== 2 || !DEVELOPER_NAME_PATTERN.test(parts[0]) || !ID_PATTERN.test(parts[1])) {
				throw new Error(
					`Status Map entry '${entry}' is not DeveloperName=StatusId ` +
						'(e.g. Available_for_Chats=0N5xx0000000001AAA; separate entries with commas)',
				);
			}
			return { id: parts[1], developerName: parts[0], label: parts[0] };
		});
	}

	/**
	 * Builds the per-console decision maker.
	 *
	 * grantedStatuses lists the statuses this user may be set to. When grantedStatusesComplete is true (the
	 * default, and what the emulator passes), a status outside the list is refused. The browser cannot list a
	 * user's granted statuses without Apex, so the Aura component passes false: a command whose StatusId__c the
	 * list does not know is handed to the Omni-Channel toolkit, which enforces the grant and whose refusal is
	 * logged. A command naming only a developer name always needs the list to resolve it.
	 */
	function createCommandProcessor(options) {
		const opts = options || {};
		const currentUserId = requireText(opts.currentUserId, 'currentUserId', "the console user's Id");
		const integrationUserId = requireText(
			opts.integrationUserId,
			'integrationUserId',
			'the Id of the integration user that publishes Presence_Sync_Command__e',
		);
		const maxAgeMs = opts.maxAgeMs;
		if (typeof maxAgeMs !== 'number' || !(maxAgeMs > 0)) {
			throw new Error(`maxAgeMs must be a positive number of milliseconds; received ${JSON.stringify(maxAgeMs)}`);
		}
		const dedupeCapacity = opts.dedupeCapacity === undefined ? 500 : opts.dedupeCapacity;
		if (!Number.isInteger(dedupeCapacity) || dedupeCapacity < 1) {
			throw new Error(`dedupeCapacity must be a positive integer; received ${JSON.stringify(dedupeCapacity)}`);
		}
		const grantedStatusesComplete = opts.grantedStatusesComplete !== false;

		let statuses = [];
		const seenCommandIds = new Set();

		function grant(status) {
			const granted = toStatus(status);
			statuses = statuses
				.filter((known) => !sameId(known.id, granted.id) && known.developerName !== granted.developerName)
				.concat([granted]);
			return granted;
		}
		(opts.grantedStatuses || []).forEach(grant);

		function remember(commandId) {
			seenCommandIds.add(commandId);
			// A Set iterates in insertion order, so the first entry is the oldest.
			if (seenCommandIds.size > dedupeCapacity) seenCommandIds.delete(seenCommandIds.values().next().value);
		}

		function grantedNames() {
			const names = statuses.map((status) => status.developerName);
			return names.length > 0 ? names.join(', ') : '(none)';
		}

		function resolveStatus(statusId, developerName, commandId) {
			if (!statusId && !developerName) {
				return refuse('missing-field', `a set command needs ${FIELDS.statusId} or ${FIELDS.statusDeveloperName}`, commandId);
			}
			const byId = statusId ? statuses.find((status) => sameId(status.id, statusId)) : undefined;
			const byName = developerName ? statuses.find((status) => status.developerName === developerName) : undefined;
			// Both given and disagreeing means the publisher's status list is out of date: applying either could
			// put the agent in the wrong status, so refuse and say what disagrees.
			if (statusId && developerName && ((byId && byId.developerName !== developerName) || (byName && !sameId(byName.id, statusId)))) {
				const known = byId || byName;
				return refuse(
					'status-mismatch',
					`${FIELDS.statusId} ${statusId} and ${FIELDS.statusDeveloperName} '${developerName}' disagree ` +
						`(this console knows ${known.developerName} as ${known.id}); refresh the node's status list`,
					commandId,
				);
			}
			const status = byId || byName;
			if (status) {
				return { verdict: 'apply', action: 'set', statusId: status.id, developerName: status.developerName, commandId };
			}
			if (statusId && !grantedStatusesComplete) {
				return { verdict: 'apply', action: 'set', statusId, developerName, commandId };
			}
			const asked = statusId ? `status ${statusId}${developerName ? ` (${developerName})` : ''}` : `status '${developerName}'`;
			const granted = grantedStatusesComplete
				? `granted: ${grantedNames()}`
				: `known to this console: ${grantedNames()}; add it to the Status Map`;
			return refuse('unknown-status', `${asked} is not granted to this user; ${granted}`, commandId);
		}

		/**
		 * Decides what to do with one empApi message. Checks run in an order that matters: other users'
		 * commands are ignored quietly (every console sees every command); the publisher is checked before the
		 * CommandId is remembered, so a forged command cannot block the genuine one as a "duplicate".
		 */
		function decide(message, nowMs) {
			const now = nowMs === undefined ? Date.now() : nowMs;
			const payload = message && message.data && message.data.payload;
			if (!payload || typeof payload !== 'object') {
				return refuse('missing-field', 'the message has no data.payload', null);
			}
			const commandId = text(payload[FIELDS.commandId]);
			const userId = text(payload[FIELDS.userId]);
			if (!userId) return refuse('missing-field', `${FIELDS.userId} is missing`, commandId);
			if (!sameId(userId, currentUserId)) {
				return { verdict: 'ignore', reason: `command for user ${userId}, not this user`, commandId, code: 'other-user' };
			}
			const createdById = text(payload.CreatedById);
			if (!sameId(createdById, integrationUserId)) {
				return refuse(
					'publisher',
					`published by ${createdById || 'an unknown user'}, not by the integration user ${integrationUserId}`,
					commandId,
				);
			}
			if (!commandId) return refuse('missing-field', `${FIELDS.commandId} is missing`, null);
			if (seenCommandIds.has(commandId)) {
				return { verdict: 'ignore', reason: 'duplicate command, already handled', commandId, code: 'duplicate' };
			}
			remember(commandId);

			const action = text(payload[FIELDS.action]);
			if (ACTIONS.indexOf(action) < 0) {
				return refuse('bad-action', `${FIELDS.action} is ${JSON.stringify(action)}; valid: ${ACTIONS.join(', ')}`, commandId);
			}
			const issuedAt = text(payload[FIELDS.issuedAt]);
			const issuedMs = issuedAt ? Date.parse(issuedAt) : NaN;
			if (Number.isNaN(issuedMs)) {
				return refuse('missing-field', `${FIELDS.issuedAt} is ${JSON.stringify(issuedAt)}, not a date-time`, commandId);
			}
			const ageMs = now - issuedMs;
			if (ageMs > maxAgeMs) {
				return refuse(
					'stale',
					`issued ${Math.round(ageMs / 1000)} s ago (${issuedAt}), older than the ${Math.round(maxAgeMs / 1000)} s limit`,
					commandId,
				);
			}
			if (action === 'logout') return { verdict: 'apply', action: 'logout', commandId };
			return resolveStatus(text(payload[FIELDS.statusId]), text(payload[FIELDS.statusDeveloperName]), commandId);
		}

		return {
			decide,
			/** Adds or replaces a status this user is known to hold (e.g. one the toolkit just confirmed). */
			grant,
			grantedStatuses: () => statuses.slice(),
		};
	}

	function refuse(code, reason, commandId) {
		return { verdict: 'refuse', reason, commandId, code };
	}

	/** One log line for a decision. */
	function describeDecision(decision) {
		const command = decision.commandId ? ` [command ${decision.commandId}]` : '';
		if (decision.verdict === 'apply') {
			const what =
				decision.action === 'logout'
					? 'log out of Omni-Channel'
					: `set status ${decision.developerName || decision.statusId} (${decision.statusId})`;
			return `apply: ${what}${command}`;
		}
		return `${decision.verdict}: ${decision.reason}${command}`;
	}

	return { FIELDS, CHANNEL, createCommandProcessor, describeDecision, parseStatusMap, sameId };
});
