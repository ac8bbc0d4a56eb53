import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { SalesforceTarget } from '../../../lib/actions/salesforceTarget';
import { routeOperation } from '../../../lib/n8n/operationRouter';
import { salesforceClientFor } from '../../../lib/salesforce/methods';
import * as presence from './presence/Presence.resource';
import * as presenceStatus from './presenceStatus/PresenceStatus.resource';
import * as user from './user/User.resource';

const resources = { presence, presenceStatus, user };

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	// One target per execution: it caches the directory and the status list for every item of the batch.
	return await routeOperation<SalesforceTarget>(
		this,
		resources,
		async () => new SalesforceTarget(await salesforceClientFor(this), `n8n:${this.getWorkflow().id ?? 'unsaved'}`),
	);
}
