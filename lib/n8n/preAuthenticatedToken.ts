/**
 * The token of a credential that signs in with preAuthentication (NICE CXone, Salesforce JWT): n8n keeps
 * it in a hidden expirable field, refilled after a 401, and `authenticate` sends it with every request.
 */
import type { IAuthenticate, ICredentialDataDecryptedObject, IHttpRequestOptions, INodeProperties } from 'n8n-workflow';

export const accessTokenField: INodeProperties = {
	displayName: 'Access Token',
	name: 'accessToken',
	type: 'hidden',
	typeOptions: { expirable: true, password: true },
	default: '',
};

/**
 * Sends the token as a bearer, with `headers`. A request without a base URL of its own (a node's, which
 * is relative) goes to the one sign-in resolved, kept in the field `baseUrlField`; a credential test
 * sets its own.
 */
export function bearerAuthenticate(baseUrlField: string, headers: Record<string, string> = {}): IAuthenticate {
	return async (credentials: ICredentialDataDecryptedObject, requestOptions: IHttpRequestOptions) => ({
		...requestOptions,
		...(!requestOptions.baseURL && credentials[baseUrlField] ? { baseURL: String(credentials[baseUrlField]) } : {}),
		headers: { ...requestOptions.headers, ...headers, Authorization: `Bearer ${String(credentials.accessToken)}` },
	});
}
