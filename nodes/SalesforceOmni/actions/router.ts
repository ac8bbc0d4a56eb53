import { NodeOperationError } from 'n8n-workflow';
import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { SalesforceTarget } from '../../../lib/actions/salesforceTarget';
import { salesforceClientFor } from '../../../lib/salesforce/methods';
import * as presence from './presence/Presence.resource';
import * as presenceStatus from './presenceStatus/PresenceStatus.resource';
import * as user from './user/User.resource';

const resources = { presence, presenceStatus, user };

type Operation = { execute(this: IExecuteFunctions, target: SalesforceTarget): Promise<INodeExecutionData[]> };

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const resource = this.getNodeParameter('resource', 0) as keyof typeof resources;
	const operation = this.getNodeParameter('operation', 0) as string;
	const run = (resources[resource] as unknown as Record<string, Operation | undefined> | undefined)?.[operation];
	if (!run?.execute) {
		throw new NodeOperationError(this.getNode(), `The operation "${operation}" of resource "${resource}" is not supported`);
	}
	// One target per execution: it caches the directory and the status list for every item of the batch.
	const target = new SalesforceTarget(await salesforceClientFor(this), `n8n:${this.getWorkflow().id ?? 'unsaved'}`);
	return [await run.execute.call(this, target)];
}
