/**
 * Which credential a node uses for a side, and its non-secret cacheKey (the one the transports key their
 * connections and tokens by): the caches of what that credential reads are shared under it.
 */
import type { IExecuteFunctions } from 'n8n-workflow';

import { CXONE_CREDENTIAL_TYPE, cxoneAuthFromCredentials } from '../cxone/credentials';
import type { Side } from '../engine/types';
import { authFromJwtCredential, authFromOAuth2Credential } from '../salesforce/credentials';
import { JWT_CREDENTIAL, OAUTH2_CREDENTIAL } from '../salesforce/methods';

/** The credential type for a side; Salesforce has two, chosen by the node's Authentication parameter. */
export function credentialType(side: Side, authentication: unknown): string {
	if (side === 'cxone') return CXONE_CREDENTIAL_TYPE;
	return authentication === 'jwt' ? JWT_CREDENTIAL : OAUTH2_CREDENTIAL;
}

export async function credentialCacheKey(ctx: IExecuteFunctions, side: Side): Promise<string> {
	const authentication = side === 'salesforce' ? ctx.getNodeParameter('authentication', 0, 'oAuth2') : undefined;
	const data = await ctx.getCredentials(credentialType(side, authentication));
	if (side === 'cxone') return cxoneAuthFromCredentials(data).cacheKey;
	return (authentication === 'jwt' ? authFromJwtCredential(data) : authFromOAuth2Credential(data)).cacheKey;
}
