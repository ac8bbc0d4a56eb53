/** Data of our two Salesforce credentials pointing at the emulator, as n8n would store it. */
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import type { SalesforceEmulator } from '../../emulators/salesforce';

/** The JWT credential signing in as the emulator's integration user. */
export function jwtCredentialData(emulator: SalesforceEmulator, overrides: ICredentialDataDecryptedObject = {}): ICredentialDataDecryptedObject {
	const app = emulator.connectedApp;
	return {
		environment: 'custom',
		customUrl: emulator.url,
		clientId: app.clientId,
		username: app.integrationUsername,
		privateKey: app.jwtPrivateKey,
		...overrides,
	};
}

/** The OAuth2 credential after "Connect my account": the web-server flow, run against the emulator. */
export async function oauth2CredentialData(
	emulator: SalesforceEmulator,
	overrides: ICredentialDataDecryptedObject = {},
): Promise<ICredentialDataDecryptedObject> {
	const app = emulator.connectedApp;
	const redirectUri = 'http://127.0.0.1:5678/rest/oauth2-credential/callback';
	const authorize = new URL(`${emulator.url}/services/oauth2/authorize`);
	authorize.search = new URLSearchParams({ response_type: 'code', client_id: app.clientId, redirect_uri: redirectUri }).toString();
	const redirect = await fetch(authorize, { redirect: 'manual' });
	const code = new URL(redirect.headers.get('location') ?? '').searchParams.get('code') ?? '';
	const token = await fetch(`${emulator.url}/services/oauth2/token`, {
		method: 'POST',
		headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
		body: new URLSearchParams({
			grant_type: 'authorization_code',
			code,
			redirect_uri: redirectUri,
			client_id: app.clientId,
			client_secret: app.clientSecret,
		}).toString(),
	});
	return {
		environment: 'custom',
		customUrl: emulator.url,
		clientId: app.clientId,
		clientSecret: app.clientSecret,
		oauthTokenData: (await token.json()) as ICredentialDataDecryptedObject,
		...overrides,
	};
}
