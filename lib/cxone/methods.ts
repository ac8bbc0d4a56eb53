/**
 * What n8n nodes call: a CxoneClient from the node's NICE CXone API credential, the dropdowns
 * (loadOptions) for unavailable codes, teams and agents.
 */
import type { ICredentialDataDecryptedObject, ILoadOptionsFunctions, INodePropertyOptions } from 'n8n-workflow';
import { createCxoneClient } from './client';
import { CXONE_CREDENTIAL_TYPE, cxoneAuthFromCredentials } from './credentials';
import type { CxoneClient } from './types';

/** IExecuteFunctions, ITriggerFunctions, IPollFunctions and ILoadOptionsFunctions all fit. */
export interface CredentialContext {
	getCredentials(type: string): Promise<ICredentialDataDecryptedObject>;
}

export async function cxoneClientFor(ctx: CredentialContext): Promise<CxoneClient> {
	return createCxoneClient(cxoneAuthFromCredentials(await ctx.getCredentials(CXONE_CREDENTIAL_TYPE)));
}

const byName = (a: INodePropertyOptions, b: INodePropertyOptions) => a.name.localeCompare(b.name);

/** Value = the code's name, which is what /agent-sessions/{id}/state takes as reason. */
export async function getUnavailableCodes(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const codes = await (await cxoneClientFor(this)).listUnavailableCodes();
	return codes
		.filter((code) => code.isActive)
		.map((code) => ({
			name: code.isAcw ? `${code.outStateName} (ACW)` : code.outStateName,
			value: code.outStateName,
			description: code.isAcw ? 'After-contact work code: CXone accepts it only while the agent handles a contact' : undefined,
		}))
		.sort(byName);
}

export async function getTeams(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const teams = await (await cxoneClientFor(this)).listTeams();
	return teams.map((team) => ({ name: `${team.teamName} (${team.teamId})`, value: team.teamId })).sort(byName);
}

export async function getCxoneAgents(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const agents = await (await cxoneClientFor(this)).listAgents({ activeOnly: true });
	return agents
		.map((agent) => ({
			name: `${`${agent.firstName} ${agent.lastName}`.trim() || agent.userName} (${agent.emailAddress || agent.userName})`,
			value: agent.agentId,
			description: `${agent.teamName} · agent ${agent.agentId}`,
		}))
		.sort(byName);
}
