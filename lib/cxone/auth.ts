/**
 * CXone global auth (cxone.md §1.1, §7.1): OpenID discovery → password grant at the token endpoint with
 * Basic client auth and the access key (its '=' padding as %3D) → tenantId from the token →
 * cxone-configuration's api_endpoint (unless the credential overrides the API base). Tokens are cached
 * per process by CxoneAuth.cacheKey and renewed shortly before they expire.
 */
import { TransportError } from '../errors';
import { send, type RetryPolicy } from './http';
import type { CxoneAuth } from './types';

export interface CxoneSession {
	accessToken: string;
	/** Epoch ms. */
	expiresAt: number;
	/** Renew from this moment on (epoch ms): ~5 minutes before expiry. */
	renewAt: number;
	tenantId: string;
	/** Where /incontactapi lives, without a trailing slash. */
	apiBaseUrl: string;
}

const RENEW_MARGIN_MS = 5 * 60_000;
const CREDENTIAL = 'in the NICE CXone API credential';

/** The auth's secrets, for scrubbing messages. */
export const secretsOf = (auth: CxoneAuth): string[] => [auth.clientSecret, auth.accessKeySecret];

const trimSlash = (url: string) => url.replace(/\/+$/, '');

/** Re-raises a transport failure with what to fix first. */
function explained(error: unknown, hint: (error: TransportError) => string): never {
	if (!(error instanceof TransportError) || !hint(error)) throw error;
	throw new TransportError(error.service, error.errorCode, `${hint(error)} ${error.message}`, error.httpStatus, error.details);
}

function claimsOf(jwt: unknown): Record<string, unknown> {
	if (typeof jwt !== 'string') return {};
	try {
		return JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8'));
	} catch {
		return {};
	}
}

async function tokenEndpointOf(auth: CxoneAuth, policy: RetryPolicy): Promise<string> {
	const url = `${trimSlash(auth.issuer)}/.well-known/openid-configuration`;
	try {
		const { body } = await send({ method: 'GET', url, label: 'OpenID discovery' }, policy, secretsOf(auth));
		if (typeof body?.token_endpoint !== 'string') {
			throw new TransportError('cxone', 'DISCOVERY_FAILED', `${url} did not return a token_endpoint.`);
		}
		return body.token_endpoint;
	} catch (error) {
		explained(error, () => `Check Issuer URL ${CREDENTIAL} ('${auth.issuer}'; e.g. https://cxone.niceincontact.com).`);
	}
}

async function requestToken(auth: CxoneAuth, tokenEndpoint: string, policy: RetryPolicy) {
	const basic = Buffer.from(`${auth.clientId}:${auth.clientSecret}`).toString('base64');
	// encodeURIComponent turns the keys' '=' padding into %3D, as CXone requires.
	const form = `grant_type=password&username=${encodeURIComponent(auth.accessKeyId)}&password=${encodeURIComponent(auth.accessKeySecret)}`;
	try {
		const { body } = await send(
			{ method: 'POST', url: tokenEndpoint, headers: { Authorization: `Basic ${basic}` }, form, label: 'token request' },
			policy,
			secretsOf(auth),
		);
		if (typeof body?.access_token !== 'string') {
			throw new TransportError('cxone', 'TOKEN_FAILED', 'The token response had no access_token.');
		}
		return body as { access_token: string; expires_in?: number; id_token?: string };
	} catch (error) {
		explained(error, (e) =>
			e.errorCode === 'invalid_client' || e.httpStatus === 401
				? `CXone rejected the Client ID or Client Secret: check Client ID and Client Secret ${CREDENTIAL} (the registered back-end application).`
				: e.errorCode === 'invalid_grant'
					? `CXone rejected the access key: check Access Key ID and Access Key Secret ${CREDENTIAL}.`
					: '',
		);
	}
}

async function apiEndpointOf(auth: CxoneAuth, tenantId: string, policy: RetryPolicy): Promise<string> {
	const url = `${trimSlash(auth.issuer)}/.well-known/cxone-configuration?tenantId=${encodeURIComponent(tenantId)}`;
	try {
		const { body } = await send({ method: 'GET', url, label: 'cxone-configuration' }, policy, secretsOf(auth));
		if (typeof body?.api_endpoint !== 'string') {
			throw new TransportError('cxone', 'CONFIGURATION_FAILED', 'cxone-configuration returned no api_endpoint.');
		}
		return trimSlash(body.api_endpoint);
	} catch (error) {
		explained(error, () => `Could not find this tenant's API endpoint: set API Base URL ${CREDENTIAL} (e.g. https://api-na1.niceincontact.com).`);
	}
}

/** Process-wide: one token per credential identity, shared by triggers, actions and dropdowns. */
const cache = new Map<string, { session?: CxoneSession; pending?: Promise<CxoneSession> }>();

/** A fresh token and API base, bypassing (and then refilling) the cache. */
export async function authenticate(auth: CxoneAuth, policy: RetryPolicy): Promise<CxoneSession> {
	const tokenEndpoint = await tokenEndpointOf(auth, policy);
	const token = await requestToken(auth, tokenEndpoint, policy);
	const tenantId = claimsOf(token.access_token).tenantId ?? claimsOf(token.id_token).tenantId;
	if (typeof tenantId !== 'string' || !tenantId) {
		throw new TransportError('cxone', 'TOKEN_FAILED', 'The CXone access token carries no tenantId claim; is the Issuer URL a CXone global auth server?');
	}
	const apiBaseUrl = auth.apiBaseUrl ? trimSlash(auth.apiBaseUrl) : await apiEndpointOf(auth, tenantId, policy);
	const now = Date.now();
	const lifetimeMs = (Number(token.expires_in) || 3600) * 1000;
	const session: CxoneSession = {
		accessToken: token.access_token,
		expiresAt: now + lifetimeMs,
		// Short-lived tokens (tests) renew at half-life rather than never being "fresh".
		renewAt: now + lifetimeMs - Math.min(RENEW_MARGIN_MS, lifetimeMs / 2),
		tenantId,
		apiBaseUrl,
	};
	cache.set(auth.cacheKey, { session });
	return session;
}

/** The cached session, or a new one when absent or due for renewal. Concurrent callers share one request. */
export async function sessionFor(auth: CxoneAuth, policy: RetryPolicy): Promise<CxoneSession> {
	const entry = cache.get(auth.cacheKey);
	if (entry?.session && Date.now() < entry.session.renewAt) return entry.session;
	if (entry?.pending) return await entry.pending;
	const pending = authenticate(auth, policy);
	cache.set(auth.cacheKey, { pending });
	try {
		return await pending;
	} catch (error) {
		if (cache.get(auth.cacheKey)?.pending === pending) cache.delete(auth.cacheKey);
		throw error;
	}
}

/** Forgets the session after a 401, unless another caller already replaced that token. */
export function invalidateSession(cacheKey: string, accessToken: string): void {
	if (cache.get(cacheKey)?.session?.accessToken === accessToken) cache.delete(cacheKey);
}
