import type {
	IAuthenticate,
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IDataObject,
	IHttpRequestHelper,
	INodeProperties,
} from 'n8n-workflow';
import { authenticate } from '../lib/cxone/auth';
import { cxoneAuthFromCredentials, DEFAULT_API_VERSION, DEFAULT_ISSUER } from '../lib/cxone/credentials';
import { DEFAULT_RETRY_POLICY } from '../lib/cxone/http';
import { accessTokenField, bearerAuthenticate } from '../lib/n8n/preAuthenticatedToken';

/**
 * NICE CXone global auth with an access key and a registered back-end application (cxone.md §1.1).
 * preAuthentication runs discovery → /auth/token → cxone-configuration through lib/cxone (which also
 * fills the transport's token cache); n8n keeps the bearer token in the expirable accessToken field.
 */
export class NiceCxoneApi implements ICredentialType {
	name = 'niceCxoneApi';

	displayName = 'NICE CXone API';

	icon = 'file:cxone.svg' as const;

	// A full URL (community package); the camelCase form is for n8n's own docs site.
	// eslint-disable-next-line n8n-nodes-base/cred-class-field-documentation-url-miscased
	documentationUrl = 'https://github.com/n8n-presence-sync/n8n-nodes-omni-cxone-presence#nice-cxone-api-credential';

	properties: INodeProperties[] = [
		{
			displayName: 'Issuer URL',
			name: 'issuer',
			type: 'string',
			default: DEFAULT_ISSUER,
			placeholder: 'e.g. https://cxone.niceincontact.com',
			description: 'CXone global auth server: https://cxone.niceincontact.com, or the FedRAMP / sovereign one for your tenant',
			required: true,
		},
		{
			displayName: 'Client ID',
			name: 'clientId',
			type: 'string',
			default: '',
			description: 'Of the back-end application registered with NICE (auth method client_secret_basic)',
			required: true,
		},
		{
			displayName: 'Client Secret',
			name: 'clientSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
		},
		{
			displayName: 'Access Key ID',
			name: 'accessKeyId',
			type: 'string',
			default: '',
			description: "From Admin → Employees → the API employee → Access Keys. Paste it as shown, '=' padding included.",
			required: true,
		},
		{
			displayName: 'Access Key Secret',
			name: 'accessKeySecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
		},
		{
			displayName: 'API Base URL',
			name: 'apiBaseUrl',
			type: 'string',
			default: '',
			placeholder: 'e.g. https://api-na1.niceincontact.com',
			description: "Leave empty to use the tenant's api_endpoint from cxone-configuration",
		},
		{
			displayName: 'API Version',
			name: 'apiVersion',
			type: 'string',
			default: DEFAULT_API_VERSION,
			placeholder: 'e.g. v33.0',
			description: 'Version segment of /incontactapi/services/{version}; v19.0 to v34.0 are in use',
		},
		accessTokenField,
		{
			displayName: 'Resolved API Base URL',
			name: 'resolvedApiBaseUrl',
			type: 'hidden',
			default: '',
		},
	];

	async preAuthentication(this: IHttpRequestHelper, credentials: ICredentialDataDecryptedObject): Promise<IDataObject> {
		const session = await authenticate(cxoneAuthFromCredentials(credentials), DEFAULT_RETRY_POLICY);
		return { accessToken: session.accessToken, resolvedApiBaseUrl: session.apiBaseUrl };
	}

	// The API base is only known after preAuthentication, so requests get it here rather than from an expression.
	authenticate: IAuthenticate = bearerAuthenticate('resolvedApiBaseUrl', { Accept: 'application/json' });

	test: ICredentialTestRequest = {
		request: {
			url: '=/incontactapi/services/{{$credentials.apiVersion || "' + DEFAULT_API_VERSION + '"}}/agents',
			qs: { top: 1 },
		},
	};
}
