import type {
	IAuthenticate,
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IDataObject,
	IHttpRequestHelper,
	INodeProperties,
} from 'n8n-workflow';

import { TransportError } from '../lib/errors';
import { accessTokenField, bearerAuthenticate } from '../lib/n8n/preAuthenticatedToken';
import { salesforceLoginFields } from '../lib/n8n/salesforceLoginFields';
import { authFromJwtCredential } from '../lib/salesforce/credentials';
import { toTransportError } from '../lib/salesforce/errors';
import { JWT_BEARER_GRANT, signJwtAssertion } from '../lib/salesforce/jwt';

/**
 * Salesforce connected app, OAuth 2.0 JWT bearer flow (server to server, no user interaction).
 * preAuthentication signs an assertion and exchanges it for an access token, which n8n keeps in the
 * expirable accessToken field until a 401. Named apart from n8n's built-in salesforceJwtApi.
 */
export class SalesforceOmniJwtApi implements ICredentialType {
	name = 'salesforceOmniJwtApi';

	displayName = 'Salesforce Omni-Channel JWT API';

	icon = 'file:salesforce.svg' as const;

	// A full URL (community package); the camelCase form is for n8n's own docs site.
	// eslint-disable-next-line n8n-nodes-base/cred-class-field-documentation-url-miscased
	documentationUrl = 'https://github.com/n8n-presence-sync/n8n-nodes-omni-cxone-presence#salesforce-credentials';

	properties: INodeProperties[] = [
		accessTokenField,
		{
			displayName: 'Instance URL',
			name: 'instanceUrl',
			type: 'hidden',
			default: '',
		},
		...salesforceLoginFields({
			choice: 'Any base URL, such as the local emulator',
			placeholder: 'http://127.0.0.1:4010',
			description: 'Base URL of the login server',
		}),
		{
			displayName: 'Consumer Key',
			name: 'clientId',
			type: 'string',
			default: '',
			required: true,
			description: 'Consumer Key of the connected app that holds the certificate of the private key below',
		},
		{
			displayName: 'Username',
			name: 'username',
			type: 'string',
			default: '',
			placeholder: 'integration@mycompany.com',
			required: true,
			description: 'Salesforce username of the integration user (pre-authorized for the connected app)',
		},
		{
			displayName: 'Private Key',
			name: 'privateKey',
			type: 'string',
			typeOptions: { password: true, rows: 4 },
			default: '',
			required: true,
			description:
				'RSA private key in PEM format, from -----BEGIN PRIVATE KEY----- to -----END PRIVATE KEY-----. Use the multiline editor.',
		},
		{
			displayName: 'My Domain URL',
			name: 'myDomainUrl',
			type: 'string',
			default: '',
			placeholder: 'https://mycompany.my.salesforce.com',
			description:
				"Your org's My Domain URL, used as token endpoint and JWT audience. Required for Spring '26 and later orgs; leave empty to use the Environment's login URL.",
		},
	];

	// n8n calls this only when accessToken is empty or expired (after a 401), and for the credential test.
	async preAuthentication(this: IHttpRequestHelper, credentials: ICredentialDataDecryptedObject): Promise<IDataObject> {
		const auth = authFromJwtCredential(credentials);
		let response: { access_token?: string; instance_url?: string };
		try {
			response = (await this.helpers.httpRequest({
				method: 'POST',
				url: `${auth.loginUrl}/services/oauth2/token`,
				body: new URLSearchParams({ grant_type: JWT_BEARER_GRANT, assertion: signJwtAssertion(auth) }).toString(),
				headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
				json: true,
			})) as typeof response;
		} catch (error) {
			const failure = error as { response?: { data?: unknown }; cause?: { response?: { data?: unknown } } };
			const data = (failure.response?.data ?? failure.cause?.response?.data) as
				| { error?: string; error_description?: string }
				| undefined;
			const oauthError = data?.error
				? Object.assign(new Error(data.error_description ?? data.error), { name: data.error })
				: error;
			throw toTransportError(oauthError, auth, 'sign in with the JWT bearer flow');
		}
		if (!response.access_token || !response.instance_url) {
			throw new TransportError(
				'salesforce',
				'INVALID_TOKEN_RESPONSE',
				`Salesforce JWT sign-in at ${auth.loginUrl} returned no access token and instance URL: check the Environment / My Domain URL`,
			);
		}
		return { accessToken: response.access_token, instanceUrl: response.instance_url };
	}

	// Node requests use relative URLs on the org's instance, known only after preAuthentication.
	authenticate: IAuthenticate = bearerAuthenticate('instanceUrl');

	test: ICredentialTestRequest = {
		request: {
			baseURL:
				'={{ $credentials.myDomainUrl ? String($credentials.myDomainUrl).trim().replace(/\\/+$/, "") : $credentials.environment === "custom" ? String($credentials.customUrl).trim().replace(/\\/+$/, "") : $credentials.environment === "sandbox" ? "https://test.salesforce.com" : "https://login.salesforce.com" }}',
			url: '/services/oauth2/userinfo',
			method: 'GET',
		},
	};
}
