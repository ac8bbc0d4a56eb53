/** Shared by the Salesforce emulator suites: log in with jsforce the way the package does. */
import * as crypto from 'crypto';
import { Connection } from 'jsforce';
import type { SalesforceEmulator } from '../../emulators/salesforce';

export const REDIRECT_URI = 'http://127.0.0.1:5678/rest/oauth2-credential/callback';

/** OAuth 2.0 web-server flow: authorize (auto-approved by the emulator), then jsforce exchanges the code. */
export async function connectWithCode(
	emulator: SalesforceEmulator,
	options: { version?: string; loginHint?: string } = {},
): Promise<Connection> {
	const oauth2 = {
		clientId: emulator.connectedApp.clientId,
		clientSecret: emulator.connectedApp.clientSecret,
		redirectUri: REDIRECT_URI,
		loginUrl: emulator.url,
	};
	const conn = new Connection({ oauth2, version: options.version ?? '62.0' });
	const authorizeUrl = new URL(conn.oauth2.getAuthorizationUrl({ scope: 'api refresh_token', state: 'state-1' }));
	if (options.loginHint) authorizeUrl.searchParams.set('login_hint', options.loginHint);
	const response = await fetch(authorizeUrl, { redirect: 'manual' });
	expect(response.status).toBe(302);
	const callback = new URL(response.headers.get('location')!);
	expect(callback.searchParams.get('state')).toBe('state-1');
	await conn.authorize(callback.searchParams.get('code')!);
	return conn;
}

export function signJwt(claims: Record<string, unknown>, privateKeyPem: string): string {
	const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
	const unsigned = `${encode({ alg: 'RS256', typ: 'JWT' })}.${encode(claims)}`;
	const signature = crypto.sign('RSA-SHA256', Buffer.from(unsigned), privateKeyPem).toString('base64url');
	return `${unsigned}.${signature}`;
}

/** Resolves once `predicate` has held for `count` emissions of `event`. */
export function collect<T extends unknown[]>(
	emitter: NodeJS.EventEmitter,
	event: string,
	count: number,
	predicate: (...args: T) => boolean = () => true,
): Promise<T[]> {
	return new Promise((resolve) => {
		const seen: T[] = [];
		const listener = (...args: unknown[]) => {
			if (!predicate(...(args as T))) return;
			seen.push(args as T);
			if (seen.length === count) {
				emitter.off(event, listener);
				resolve(seen);
			}
		};
		emitter.on(event, listener);
	});
}

/** A response body as loosely typed JSON, for asserting on wire shapes. */
export const jsonOf = (response: Response): Promise<any> => response.json();
