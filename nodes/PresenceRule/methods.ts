/**
 * Dropdowns of the Presence Rule. The live values come from the transports' loadOptions methods; the
 * rule's own entries (Any Reason, No Reason, Offline, Do Not Sync) are added here, and are offered even
 * with no credential selected, so a rule can be written before the credentials exist.
 */
import type { ILoadOptionsFunctions, INodePropertyOptions } from 'n8n-workflow';

import { getCxoneAgents, getTeams, getUnavailableCodes } from '../../lib/cxone/methods';
import { ANY_REASON, NO_SYNC, OFFLINE } from '../../lib/engine';
import { getOmniStatuses, getSalesforceUsers } from '../../lib/salesforce/methods';
import { credentialType } from '../../lib/directory/credentialKey';
import type { Side } from '../../lib/engine';
import { hasCredential } from './credentials';
import { NO_REASON } from './parameters';

type LoadOptions = (this: ILoadOptionsFunctions) => Promise<INodePropertyOptions[]>;

function withRuleEntries(service: Side, entries: INodePropertyOptions[], live: LoadOptions): LoadOptions {
	return async function (this: ILoadOptionsFunctions) {
		const credential = credentialType(service, this.getNodeParameter('authentication', 'oAuth2'));
		if (!hasCredential(this.getNode(), credential)) return entries;
		return [...entries, ...(await live.call(this))];
	};
}

const ANY_REASON_ENTRY = { name: 'Any Reason', value: ANY_REASON, description: 'Unavailable with any code, or none' };
const NO_REASON_ENTRY = { name: 'No Reason', value: NO_REASON, description: 'Unavailable with no code' };
const OFFLINE_ENTRY = { name: 'Offline', value: OFFLINE, description: 'No Omni-Channel presence' };
const NO_SYNC_ENTRY = { name: 'Do Not Sync', value: NO_SYNC, description: 'Leave the other side as it is' };

export const loadOptions = {
	getUnavailableCodes: withRuleEntries('cxone', [ANY_REASON_ENTRY, NO_REASON_ENTRY], getUnavailableCodes),
	getSettableUnavailableCodes: withRuleEntries('cxone', [NO_REASON_ENTRY], getUnavailableCodes),
	getOmniStatuses: withRuleEntries('salesforce', [OFFLINE_ENTRY, NO_SYNC_ENTRY], getOmniStatuses),
	getOmniStatusesOrOffline: withRuleEntries('salesforce', [OFFLINE_ENTRY], getOmniStatuses),
	getTeams,
	getCxoneAgents,
	getSalesforceUsers,
};
