/**
 * The n8n side of the transport: the node's choice of credential (described once here, beside the code
 * that reads it), a SalesforceClient from that credential, the dropdowns fed by the live org.
 */
import type {
	IExecuteFunctions,
	ILoadOptionsFunctions,
	INodeCredentialDescription,
	INodeProperties,
	INodePropertyOptions,
	ITriggerFunctions,
} from 'n8n-workflow';

import { TransportError } from '../errors';
import { createSalesforceClient } from './client';
import { authFromJwtCredential, authFromOAuth2Credential } from './credentials';
import type { OmniStatus, SalesforceClient, SalesforceUser } from './types';

export const OAUTH2_CREDENTIAL = 'salesforceOmniOAuth2Api';
export const JWT_CREDENTIAL = 'salesforceOmniJwtApi';

const AUTHENTICATIONS = { oAuth2: OAUTH2_CREDENTIAL, jwt: JWT_CREDENTIAL } as const;

/** The Authentication parameter of the Salesforce nodes: which of the two credentials signs in. */
export const authenticationProperty: INodeProperties = {
	displayName: 'Authentication',
	name: 'authentication',
	type: 'options',
	options: [
		{ name: 'OAuth2', value: 'oAuth2' },
		{ name: 'OAuth2 JWT', value: 'jwt' },
	],
	default: 'oAuth2',
};

/** Both Salesforce credentials, each shown for its Authentication value. */
export function salesforceCredentials(required: boolean): INodeCredentialDescription[] {
	return Object.entries(AUTHENTICATIONS).map(([authentication, name]) => ({
		name,
		required,
		displayOptions: { show: { authentication: [authentication] } },
	}));
}

type SalesforceContext = IExecuteFunctions | ITriggerFunctions | ILoadOptionsFunctions;

/** Reads the node's `authentication` parameter ('oAuth2' by default, or 'jwt') and its credential. */
export async function salesforceClientFor(ctx: SalesforceContext): Promise<SalesforceClient> {
	// Execute contexts take an item index; trigger and load-options contexts do not.
	const authentication = String(
		'getInputData' in ctx
			? ctx.getNodeParameter('authentication', 0, 'oAuth2')
			: ctx.getNodeParameter('authentication', 'oAuth2'),
	);
	if (!(authentication in AUTHENTICATIONS)) {
		throw new TransportError(
			'salesforce',
			'INVALID_AUTHENTICATION',
			`Authentication "${authentication}" is unknown; valid: ${Object.keys(AUTHENTICATIONS).join(', ')}`,
		);
	}
	const credentialName = AUTHENTICATIONS[authentication as keyof typeof AUTHENTICATIONS];
	const data = await ctx.getCredentials(credentialName);
	const auth = authentication === 'jwt' ? authFromJwtCredential(data) : authFromOAuth2Credential(data);
	return createSalesforceClient(auth);
}

export function statusOption(status: OmniStatus): INodePropertyOptions {
	return {
		name: `${status.label} (${status.developerName})`,
		value: status.developerName,
		description: status.online ? 'Online: routes work' : 'Away: no service channels',
	};
}

export function userOption(user: SalesforceUser): INodePropertyOptions {
	return { name: user.email ? `${user.name} <${user.email}>` : user.name, value: user.id };
}

export async function getOmniStatuses(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const client = await salesforceClientFor(this);
	return (await client.listStatuses()).map(statusOption);
}

export async function getSalesforceUsers(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const client = await salesforceClientFor(this);
	return (await client.listUsers({ activeOnly: true })).map(userOption);
}
