import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { cxoneClientFor } from '../../../lib/cxone/methods';
import type { CxoneClient } from '../../../lib/cxone/types';
import { routeOperation } from '../../../lib/n8n/operationRouter';
import * as agent from './agent/Agent.resource';
import * as agentState from './agentState/AgentState.resource';
import * as team from './team/Team.resource';
import * as unavailableCode from './unavailableCode/UnavailableCode.resource';

const resources = { agent, agentState, team, unavailableCode };

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	return await routeOperation<CxoneClient>(this, resources, async () => await cxoneClientFor(this));
}
