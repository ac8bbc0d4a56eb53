/**
 * One jsforce Connection per SalesforceAuth, kept for the life of the process so every node, trigger
 * and dropdown sharing a credential also shares its session. jsforce renews the session on any 401 and
 * retries the call: OAuth2 with the refresh-token grant, JWT by signing a fresh assertion.
 */
import { createHash } from 'crypto';
import { Connection } from 'jsforce';
import type { SessionRefreshFunc } from 'jsforce/lib/session-refresh-delegate';

import type { JwtAuth } from './credentials';
import { toTransportError } from './errors';
import { JWT_BEARER_GRANT, signJwtAssertion } from './jwt';
import type { SalesforceAuth } from './types';

interface TokenResponse {
	access_token: string;
	instance_url: string;
	refresh_token?: string;
}

interface CachedConnection {
	/** Hash of the credential as n8n gave it: a changed credential (reconnected, new key) gets a new session. */
	fingerprint: string;
	conn: Connection;
	/** First JWT login, shared by concurrent callers. */
	login: Promise<void> | null;
}

const connections = new Map<string, CachedConnection>();

function fingerprintOf(auth: SalesforceAuth): string {
	return createHash('sha256').update(JSON.stringify(auth)).digest('hex');
}

function establish(conn: Connection, response: TokenResponse): void {
	conn._establish({ instanceUrl: response.instance_url, accessToken: response.access_token });
	// jsforce ignores a rotated refresh token; the old one is dead once Salesforce rotates it.
	if (response.refresh_token) conn.refreshToken = response.refresh_token;
}

/**
 * jsforce's refresh delegate keeps only the message of a failed token request; carry the OAuth error
 * code in it ("invalid_grant: …") so errors.ts can name it.
 */
function refreshWith(fetchToken: (conn: Connection) => Promise<TokenResponse>): SessionRefreshFunc<any> {
	return (conn, callback) => {
		fetchToken(conn as Connection).then(
			(response) => {
				establish(conn as Connection, response);
				callback(null, response.access_token, response as any);
			},
			(error: Error) => {
				const code = error.name && error.name !== 'Error' ? `${error.name}: ` : '';
				callback(new Error(`${code}${error.message}`));
			},
		);
	};
}

async function requestJwtToken(conn: Connection, auth: JwtAuth) {
	const assertion = signJwtAssertion(auth);
	return (await conn.oauth2.requestToken({ grant_type: JWT_BEARER_GRANT, assertion })) as TokenResponse;
}

function createConnection(auth: SalesforceAuth): Connection {
	if (auth.kind === 'oauth2') {
		return new Connection({
			oauth2: { clientId: auth.clientId, clientSecret: auth.clientSecret || undefined, loginUrl: auth.loginUrl },
			loginUrl: auth.loginUrl,
			instanceUrl: auth.instanceUrl,
			accessToken: auth.accessToken,
			refreshToken: auth.refreshToken,
			version: auth.apiVersion,
			refreshFn: refreshWith(async (conn) => {
				if (!conn.refreshToken) {
					throw Object.assign(
						new Error('the credential has no refresh token; add the refresh_token scope and reconnect'),
						{ name: 'NO_REFRESH_TOKEN' },
					);
				}
				return (await conn.oauth2.refreshToken(conn.refreshToken)) as TokenResponse;
			}),
		});
	}
	return new Connection({
		// No clientId here: the JWT grant must not carry client_id/client_secret.
		oauth2: { loginUrl: auth.loginUrl },
		loginUrl: auth.loginUrl,
		version: auth.apiVersion,
		refreshFn: refreshWith((conn) => requestJwtToken(conn, auth)),
	});
}

/** The process-wide connection for this auth, logged in. */
export async function connectionFor(auth: SalesforceAuth): Promise<Connection> {
	const fingerprint = fingerprintOf(auth);
	let entry = connections.get(auth.cacheKey);
	if (!entry || entry.fingerprint !== fingerprint) {
		entry = { fingerprint, conn: createConnection(auth), login: null };
		connections.set(auth.cacheKey, entry);
	}
	if (!entry.conn.accessToken && auth.kind === 'jwt') {
		const current = entry;
		current.login ??= requestJwtToken(current.conn, auth).then(
			(response) => {
				establish(current.conn, response);
				current.login = null;
			},
			(error) => {
				current.login = null;
				throw toTransportError(error, auth, 'log in with the JWT bearer flow');
			},
		);
		await current.login;
	}
	return entry.conn;
}

/** The cached connection, if one exists (for synchronous facts such as API usage). */
export function cachedConnection(auth: SalesforceAuth): Connection | undefined {
	const entry = connections.get(auth.cacheKey);
	return entry && entry.fingerprint === fingerprintOf(auth) ? entry.conn : undefined;
}

/**
 * Renews the session after the Streaming API reported it invalid. Streaming never triggers jsforce's
 * refresh (jsforce#44), so a cheap REST call does: a 401 there renews the token. If REST still accepts
 * the token, refresh anyway: the CometD server has rejected it.
 */
export async function renewSession(conn: Connection): Promise<void> {
	const before = conn.accessToken;
	await conn.request(`/services/data/v${conn.version}/limits`);
	if (conn.accessToken === before) await conn._refreshDelegate?.refresh(Date.now());
}

/** Drops every cached connection (tests, and credential deletion). */
export function forgetConnections(): void {
	connections.clear();
}
