import type { ICredentialTestRequest, ICredentialType, INodeProperties } from 'n8n-workflow';

import { salesforceLoginFields } from '../lib/n8n/salesforceLoginFields';

/**
 * The login host for the Environment field, as an n8n expression body (the same rule as
 * lib/salesforce/credentials.ts). Credential fields see the credential as $self, test requests as $credentials.
 */
const loginHost = (data: '$self' | '$credentials') =>
	`(${data}["environment"] === "custom" ? String(${data}["customUrl"]).trim().replace(/\\/+$/, "") : ${data}["environment"] === "sandbox" ? "https://test.salesforce.com" : "https://login.salesforce.com")`;

/**
 * Salesforce connected app, OAuth 2.0 web-server flow. The Consumer Key and Secret are oAuth2Api's
 * Client ID and Client Secret; the transport (jsforce) renews the access token with the refresh token.
 * Named apart from n8n's built-in salesforceOAuth2Api: credential names are global.
 */
export class SalesforceOmniOAuth2Api implements ICredentialType {
	name = 'salesforceOmniOAuth2Api';

	extends = ['oAuth2Api'];

	displayName = 'Salesforce Omni-Channel OAuth2 API';

	icon = 'file:salesforce.svg' as const;

	// A full URL (community package); the camelCase form is for n8n's own docs site.
	// eslint-disable-next-line n8n-nodes-base/cred-class-field-documentation-url-miscased
	documentationUrl = 'https://github.com/n8n-presence-sync/n8n-nodes-omni-cxone-presence#salesforce-credentials';

	properties: INodeProperties[] = [
		...salesforceLoginFields({
			choice: 'Your My Domain URL, or any base URL such as the local emulator',
			placeholder: 'https://mycompany.my.salesforce.com',
			description: 'Base URL of the login server: your My Domain URL, or the emulator (e.g. http://127.0.0.1:4010)',
		}),
		{
			displayName: 'Grant Type',
			name: 'grantType',
			type: 'hidden',
			default: 'authorizationCode',
		},
		{
			displayName: 'Authorization URL',
			name: 'authUrl',
			type: 'hidden',
			default: `={{ ${loginHost('$self')} + "/services/oauth2/authorize" }}`,
			required: true,
		},
		{
			displayName: 'Access Token URL',
			name: 'accessTokenUrl',
			type: 'hidden',
			default: `={{ ${loginHost('$self')} + "/services/oauth2/token" }}`,
			required: true,
		},
		{
			displayName: 'Scope',
			name: 'scope',
			type: 'string',
			default: 'api refresh_token',
			description: 'Space-separated OAuth scopes. Keep "refresh_token": without it the session cannot be renewed.',
		},
		{
			displayName: 'Auth URI Query Parameters',
			name: 'authQueryParameters',
			type: 'hidden',
			default: '',
		},
		{
			// Salesforce's token endpoint documents client_id/client_secret in the form body.
			displayName: 'Authentication',
			name: 'authentication',
			type: 'hidden',
			default: 'body',
		},
	];

	// n8n's editor does not offer "Test" for OAuth2 types; run through the API, n8n signs this with the
	// stored token. The login host answers userinfo for any org's token and, unlike
	// oauthTokenData.instance_url (redacted in the editor), is always known to the expression.
	test: ICredentialTestRequest = {
		request: {
			baseURL: `={{ ${loginHost('$credentials')} }}`,
			url: '/services/oauth2/userinfo',
			method: 'GET',
		},
	};
}
