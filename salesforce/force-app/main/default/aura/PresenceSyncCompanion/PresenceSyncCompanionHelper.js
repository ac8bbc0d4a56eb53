({
	// Thin wiring: lightning:empApi feeds messages to the presenceSyncRules processor, whose decisions become
	// lightning:omniToolkitAPI calls. Every decision and toolkit outcome is logged in the panel.
	start: function (cmp) {
		var rules = window.PresenceSyncRules;
		var processor;
		try {
			processor = rules.createCommandProcessor({
				currentUserId: $A.get('$SObjectType.CurrentUser.Id'),
				integrationUserId: cmp.get('v.integrationUserId'),
				maxAgeMs: Number(cmp.get('v.maxAgeSeconds')) * 1000,
				grantedStatuses: rules.parseStatusMap(cmp.get('v.statusMap')),
				// The browser cannot list the user's granted statuses; the toolkit enforces them (see presenceSyncRules.js).
				grantedStatusesComplete: false
			});
		} catch (error) {
			this.log(cmp, 'error', 'Not started, fix the utility item settings: ' + this.errorText(error));
			return;
		}
		cmp.set('v.processor', processor);
		this.learnCurrentStatus(cmp);
		var helper = this;
		cmp.find('empApi').onError($A.getCallback(function (error) {
			helper.onStreamError(cmp, error);
		}));
		this.subscribe(cmp);
	},

	subscribe: function (cmp) {
		var helper = this;
		var channel = window.PresenceSyncRules.CHANNEL;
		// Replay -1: only new commands. Commands published while this console was closed or disconnected are
		// not applied; the sync reports them and its reconcile repairs the status.
		return cmp.find('empApi').subscribe(channel, -1, $A.getCallback(function (message) {
			helper.onCommand(cmp, message);
		})).then($A.getCallback(function (subscription) {
			cmp.set('v.subscription', subscription);
			cmp.set('v.resubscribeAttempts', 0);
			helper.log(cmp, 'info', 'Listening for presence commands on ' + channel);
		}), $A.getCallback(function (error) {
			helper.log(cmp, 'error', 'Could not subscribe to ' + channel + ': ' + helper.errorText(error));
		}));
	},

	onStreamError: function (cmp, error) {
		var channel = window.PresenceSyncRules.CHANNEL;
		// empApi reports errors of every subscription in the session; another component's channel is not ours.
		if (error && error.subscription && error.subscription !== channel) return;
		if (cmp.get('v.resubscribePending')) return;
		var attempts = cmp.get('v.resubscribeAttempts');
		// Back off so a persistent failure (expired session, revoked access) does not hammer the server.
		var delayMs = Math.min(60000, 1000 * Math.pow(2, attempts));
		cmp.set('v.resubscribePending', true);
		cmp.set('v.resubscribeAttempts', attempts + 1);
		this.log(cmp, 'error', 'Streaming error: ' + this.errorText(error) + '; subscribing again in ' + delayMs / 1000 + ' s');
		var helper = this;
		window.setTimeout($A.getCallback(function () {
			cmp.set('v.resubscribePending', false);
			helper.unsubscribe(cmp);
			helper.subscribe(cmp);
		}), delayMs);
	},

	unsubscribe: function (cmp) {
		var subscription = cmp.get('v.subscription');
		if (!subscription) return;
		cmp.set('v.subscription', null);
		var helper = this;
		// A dead subscription may fail to unsubscribe; a live one left behind would only deliver duplicates,
		// which the processor ignores by CommandId.
		cmp.find('empApi').unsubscribe(subscription, $A.getCallback(function (result) {
			helper.log(cmp, 'info', 'Previous subscription closed: ' + JSON.stringify(result));
		}));
	},

	stop: function (cmp) {
		this.unsubscribe(cmp);
	},

	onCommand: function (cmp, message) {
		var rules = window.PresenceSyncRules;
		var decision = cmp.get('v.processor').decide(message, Date.now());
		if (decision.verdict === 'ignore') {
			// Every console sees every agent's commands; logging those would bury this agent's own.
			if (decision.code !== 'other-user') this.log(cmp, 'info', rules.describeDecision(decision));
			return;
		}
		if (decision.verdict === 'refuse') {
			this.log(cmp, 'error', rules.describeDecision(decision));
			return;
		}
		this.apply(cmp, decision);
	},

	apply: function (cmp, decision) {
		var helper = this;
		var toolkit = cmp.find('omniToolkit');
		var command = ' [command ' + decision.commandId + ']';
		var isLogout = decision.action === 'logout';
		var what = isLogout ? 'log out' : 'status ' + (decision.developerName || decision.statusId);
		// Promise.resolve().then also turns a synchronous throw (toolkit not ready) into a logged refusal.
		return Promise.resolve().then($A.getCallback(function () {
			return isLogout ? toolkit.logout() : toolkit.setServicePresenceStatus({ statusId: decision.statusId });
		})).then($A.getCallback(function (result) {
			if (!isLogout) helper.learnStatus(cmp, result);
			var applied = isLogout ? 'logged out of Omni-Channel' : 'status set to ' + ((result && result.statusApiName) || what);
			helper.log(cmp, 'success', 'Applied: ' + applied + command);
		}), $A.getCallback(function (error) {
			var hint = isLogout
				? 'is Omni-Channel loaded in this console?'
				: 'is the status granted to your profile or permission set, and is Omni-Channel loaded in this console?';
			helper.log(cmp, 'error', 'Omni-Channel refused ' + what + ': ' + helper.errorText(error) + ' (' + hint + ')' + command);
		}));
	},

	learnCurrentStatus: function (cmp) {
		var helper = this;
		// Not being logged in to Omni-Channel is normal here, so a rejection is not worth a log line.
		cmp.find('omniToolkit').getServicePresenceStatusId().then($A.getCallback(function (result) {
			helper.learnStatus(cmp, result);
		}), function () {});
	},

	learnStatus: function (cmp, result) {
		var processor = cmp.get('v.processor');
		if (!processor || !result || !result.statusId || !result.statusApiName) return;
		processor.grant({ id: result.statusId, developerName: result.statusApiName, label: result.statusName });
	},

	log: function (cmp, level, text) {
		var css = { success: 'slds-text-color_success', error: 'slds-text-color_error', info: 'slds-text-color_default' };
		var now = new Date();
		var entry = { time: now.toLocaleTimeString(), level: level, text: text, css: css[level] };
		cmp.set('v.log', [entry].concat(cmp.get('v.log') || []).slice(0, 50));
	},

	errorText: function (error) {
		if (!error) return 'unknown error';
		if (typeof error === 'string') return error;
		if (error.message) return error.message;
		if (error.error) return error.error;
		return JSON.stringify(error);
	}
})
