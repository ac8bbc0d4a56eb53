({
	onScriptsLoaded: function (cmp, event, helper) {
		helper.start(cmp);
	},

	// Statuses the agent or a supervisor picks teach the companion more developer name → Id pairs.
	onOmniStatusChanged: function (cmp, event, helper) {
		helper.learnStatus(cmp, {
			statusId: event.getParam('statusId'),
			statusApiName: event.getParam('statusApiName'),
			statusName: event.getParam('statusName')
		});
	},

	onDestroy: function (cmp, event, helper) {
		helper.stop(cmp);
	}
})
