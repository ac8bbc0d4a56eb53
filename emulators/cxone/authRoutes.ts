/**
 * CXone global auth (cxone.md §1.1): OpenID discovery, the password grant with access keys at
 * /auth/token, and cxone-configuration, which tells the client its api_endpoint.
 */
import { json, type EmuRequest, type Reply, type Router } from '../common/http';
import type { TokenService } from './tokens';
import { API_USER_AGENT_ID } from './world';

export interface EmulatorAccess {
	clientId: string;
	clientSecret: string;
	accessKeyId: string;
	accessKeySecret: string;
}

const oauthError = (status: number, error: string, description: string): Reply =>
	json(status, { error, error_description: description });

/**
 * Form fields, refusing a raw '=' inside a value: CXone requires the keys' '=' padding as %3D (RC-DOC),
 * and a client that forgets would otherwise pass here and fail against the real service.
 */
function strictForm(raw: string): Record<string, string> | string {
	const fields: Record<string, string> = {};
	for (const pair of raw.split('&').filter(Boolean)) {
		const at = pair.indexOf('=');
		const name = (at < 0 ? pair : pair.slice(0, at)).replace(/\+/g, ' ');
		const value = at < 0 ? '' : pair.slice(at + 1);
		if (value.includes('=')) return `form field '${name}' is not URL-encoded: '=' must be sent as %3D`;
		try {
			fields[decodeURIComponent(name)] = decodeURIComponent(value.replace(/\+/g, ' '));
		} catch {
			return `form field '${name}' has a malformed %-escape`;
		}
	}
	return fields;
}

/** client_secret_basic (RFC 6749 §2.3.1: both parts form-encoded, then base64) or client_secret_post. */
function clientOf(req: EmuRequest, form: Record<string, string>): { id: string; secret: string } | undefined {
	const header = req.headers.authorization;
	if (header?.toLowerCase().startsWith('basic ')) {
		const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
		const at = decoded.indexOf(':');
		if (at < 0) return undefined;
		try {
			return { id: decodeURIComponent(decoded.slice(0, at)), secret: decodeURIComponent(decoded.slice(at + 1)) };
		} catch {
			return undefined;
		}
	}
	if (form.client_id) return { id: form.client_id, secret: form.client_secret ?? '' };
	return undefined;
}

export function addAuthRoutes(router: Router, url: () => string, access: EmulatorAccess, tokens: TokenService): void {
	router.add('GET', '/.well-known/openid-configuration', () =>
		json(200, {
			issuer: url(),
			token_endpoint: `${url()}/auth/token`,
			authorization_endpoint: `${url()}/auth/authorize`,
			jwks_uri: `${url()}/auth/jwks`,
			userinfo_endpoint: `${url()}/auth/userinfo`,
			end_session_endpoint: `${url()}/auth/logout`,
			grant_types_supported: ['password', 'refresh_token'],
			token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
		}),
	);

	router.add('POST', '/auth/token', (req) => {
		if (!req.headers['content-type']?.includes('application/x-www-form-urlencoded')) {
			return oauthError(400, 'invalid_request', 'Content-Type must be application/x-www-form-urlencoded');
		}
		const form = strictForm(req.rawBody);
		if (typeof form === 'string') return oauthError(400, 'invalid_request', form);
		const client = clientOf(req, form);
		if (!client || client.id !== access.clientId || client.secret !== access.clientSecret) {
			return oauthError(401, 'invalid_client', 'Client authentication failed: unknown client or wrong client secret');
		}
		if (form.grant_type === 'password') {
			if (form.username !== access.accessKeyId || form.password !== access.accessKeySecret) {
				return oauthError(400, 'invalid_grant', 'The access key is invalid, inactive or its secret does not match');
			}
			return json(200, tokens.issue(API_USER_AGENT_ID));
		}
		if (form.grant_type === 'refresh_token') {
			if (!form.refresh_token || !tokens.redeemRefreshToken(form.refresh_token)) {
				return oauthError(400, 'invalid_grant', 'The refresh token is invalid or expired');
			}
			return json(200, tokens.issue(API_USER_AGENT_ID));
		}
		return oauthError(400, 'unsupported_grant_type', `grant_type '${form.grant_type ?? ''}' is not supported; valid: password, refresh_token`);
	});

	router.add('GET', '/.well-known/cxone-configuration', (req) => {
		const tenantId = req.query.get('tenantId');
		if (tenantId !== tokens.tenantId) {
			return json(404, { error: 'NotFound', error_description: `Unknown tenantId '${tenantId ?? ''}'` });
		}
		return json(200, {
			private: false,
			area: 'na1',
			cluster: 'EMU1',
			domain: 'niceincontact.com',
			acdDomain: 'nice-incontact.com',
			uhDomain: 'nice-incontact.com',
			ui_endpoint: url(),
			auth_endpoint: url(),
			api_endpoint: url(),
			tenantId,
		});
	});
}
