import { NodeOperationError } from 'n8n-workflow';
import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import type { CxoneClient } from '../../../lib/cxone/types';
import { cxoneClientFor } from '../../../lib/cxone/methods';
import * as agent from './agent/Agent.resource';
import * as agentState from './agentState/AgentState.resource';
import * as team from './team/Team.resource';
import * as unavailableCode from './unavailableCode/UnavailableCode.resource';

const resources = { agent, agentState, team, unavailableCode };

type Operation = { execute(this: IExecuteFunctions, client: CxoneClient): Promise<INodeExecutionData[]> };

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const resource = this.getNodeParameter('resource', 0) as keyof typeof resources;
	const operation = this.getNodeParameter('operation', 0) as string;
	const run = (resources[resource] as unknown as Record<string, Operation | undefined> | undefined)?.[operation];
	if (!run?.execute) {
		throw new NodeOperationError(this.getNode(), `The operation "${operation}" of resource "${resource}" is not supported`);
	}
	return [await run.execute.call(this, await cxoneClientFor(this))];
}
