/**
 * OAuth 2.0 as a Salesforce org serves it (reference §8.1): authorize (auto-approved), token with the
 * authorization_code, refresh_token, JWT bearer, client_credentials and password grants, userinfo, the
 * identity URL and revoke. Error bodies use Salesforce's error/error_description pairs.
 */
import * as crypto from 'crypto';
import type { IncomingHttpHeaders } from 'http';
import { empty, json, type EmuRequest, type Reply, type Router } from '../common/http';
import { ORG_ID } from './ids';
import type { Org, SfRecord } from './org';

export interface ConnectedApp {
	clientId: string;
	clientSecret: string;
	/** PKCS#8 PEM; its public half verifies JWT bearer assertions. */
	jwtPrivateKey: string;
	integrationUsername: string;
	integrationUserId: string;
}

/** The password every emulated user accepts in the username-password grant. */
export const USER_PASSWORD = 'emulator-password';

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function randomText(length: number, alphabet = ALPHANUMERIC): string {
	const bytes = crypto.randomBytes(length);
	let out = '';
	for (let i = 0; i < length; i++) out += alphabet[bytes[i] % alphabet.length];
	return out;
}

/** What identifies the connected app to clients: kept across restarts so a saved n8n credential still fits. */
export type ConnectedAppKeys = Pick<ConnectedApp, 'clientId' | 'clientSecret' | 'jwtPrivateKey'>;

/** A new consumer key and secret and a 2048-bit RSA key pair, shaped like the ones Salesforce issues. */
export function generateConnectedAppKeys(): ConnectedAppKeys {
	const { privateKey } = crypto.generateKeyPairSync('rsa', {
		modulusLength: 2048,
		publicKeyEncoding: { type: 'spki', format: 'pem' },
		privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
	});
	return {
		clientId: `3MVG9${randomText(80, ALPHANUMERIC + '._')}`,
		clientSecret: randomText(64, '0123456789ABCDEF'),
		jwtPrivateKey: privateKey,
	};
}

/** Checks given keys (never echoing the secret or the key), or generates new ones. */
export function createConnectedApp(
	integrationUsername: string,
	integrationUserId: string,
	keys: ConnectedAppKeys = generateConnectedAppKeys(),
): ConnectedApp {
	for (const field of ['clientId', 'clientSecret', 'jwtPrivateKey'] as const) {
		if (typeof keys[field] !== 'string' || keys[field].trim() === '') {
			throw new Error(`connectedApp.${field} must be a non-empty string (connectedApp needs clientId, clientSecret and jwtPrivateKey)`);
		}
	}
	let keyType: string | undefined;
	try {
		keyType = crypto.createPrivateKey(keys.jwtPrivateKey).asymmetricKeyType;
	} catch (error) {
		throw new Error(`connectedApp.jwtPrivateKey is not a PEM private key (${(error as Error).message})`);
	}
	if (keyType !== 'rsa') {
		throw new Error(`connectedApp.jwtPrivateKey must be an RSA key (JWT bearer assertions are RS256); received a ${keyType} key`);
	}
	return {
		clientId: keys.clientId,
		clientSecret: keys.clientSecret,
		jwtPrivateKey: keys.jwtPrivateKey,
		integrationUsername,
		integrationUserId,
	};
}

export interface Session {
	userId: string;
	clientId: string;
	scope: string;
	expiresAt: number;
}

interface RefreshGrant {
	userId: string;
	clientId: string;
	scope: string;
}

interface AuthorizationCode extends RefreshGrant {
	redirectUri: string;
	expiresAt: number;
	codeChallenge?: string;
	codeChallengeMethod?: string;
}

/** Issued tokens. Access tokens look like real ones (00D…!…) so redaction rules apply to them too. */
export class TokenStore {
	private readonly access = new Map<string, Session>();
	private readonly refresh = new Map<string, RefreshGrant>();
	private readonly codes = new Map<string, AuthorizationCode>();

	constructor(private readonly ttlSec: number) {}

	issueAccess(grant: RefreshGrant): string {
		const token = `${ORG_ID.slice(0, 15)}!AQ${randomText(8)}.${randomText(96, ALPHANUMERIC + '._')}`;
		this.access.set(token, { ...grant, expiresAt: Date.now() + this.ttlSec * 1000 });
		return token;
	}

	issueRefresh(grant: RefreshGrant): string {
		const token = `5Aep861${randomText(80, ALPHANUMERIC + '.')}`;
		this.refresh.set(token, grant);
		return token;
	}

	issueCode(code: AuthorizationCode): string {
		const value = `aPrx${randomText(60, ALPHANUMERIC + '.')}`;
		this.codes.set(value, code);
		return value;
	}

	/** Codes are single-use. */
	redeemCode(value: string): AuthorizationCode | undefined {
		const code = this.codes.get(value);
		this.codes.delete(value);
		return code && code.expiresAt > Date.now() ? code : undefined;
	}

	refreshGrant(token: string): RefreshGrant | undefined {
		return this.refresh.get(token);
	}

	session(token: string | undefined): Session | undefined {
		if (!token) return undefined;
		const session = this.access.get(token);
		if (session && session.expiresAt <= Date.now()) {
			this.access.delete(token);
			return undefined;
		}
		return session;
	}

	/** Every issued access token becomes invalid (refresh tokens stay valid, as after a session timeout). */
	expireAll(): void {
		this.access.clear();
	}

	/** Revoking a refresh token also revokes the access tokens issued from its grant. */
	revoke(token: string): boolean {
		if (this.access.delete(token)) return true;
		const grant = this.refresh.get(token);
		if (!grant) return false;
		this.refresh.delete(token);
		for (const [value, session] of this.access) {
			if (session.userId === grant.userId && session.clientId === grant.clientId) this.access.delete(value);
		}
		return true;
	}
}

/** The token from `Authorization: Bearer …` or `Authorization: OAuth …`. */
export function bearerToken(headers: IncomingHttpHeaders): string | undefined {
	const match = /^(?:Bearer|OAuth)\s+(\S+)$/i.exec(headers.authorization ?? '');
	return match?.[1];
}

const oauthError = (error: string, description: string, status = 400): Reply =>
	json(status, { error, error_description: description });

const JWT_AUDIENCES = ['https://login.salesforce.com', 'https://test.salesforce.com'];

export interface OAuthContext {
	org: Org;
	tokens: TokenStore;
	app: ConnectedApp;
	url(): string;
}

function identityUrl(ctx: OAuthContext, userId: string): string {
	return `${ctx.url()}/id/${ORG_ID}/${userId}`;
}

function tokenResponse(ctx: OAuthContext, grant: RefreshGrant, withRefreshToken: boolean): Reply {
	const issuedAt = String(Date.now());
	const id = identityUrl(ctx, grant.userId);
	const signature = crypto.createHmac('sha256', ctx.app.clientSecret).update(id + issuedAt).digest('base64');
	return json(
		200,
		{
			access_token: ctx.tokens.issueAccess(grant),
			...(withRefreshToken ? { refresh_token: ctx.tokens.issueRefresh(grant) } : {}),
			signature,
			scope: grant.scope,
			instance_url: ctx.url(),
			id,
			token_type: 'Bearer',
			issued_at: issuedAt,
		},
		{ 'Cache-Control': 'no-cache,must-revalidate,max-age=0,no-store,private' },
	);
}

/** Client authentication: unknown id → invalid_client_id; a secret, when given or required, must match. */
function checkClient(ctx: OAuthContext, body: Record<string, string>, secretRequired: boolean): Reply | undefined {
	if (body.client_id !== ctx.app.clientId) return oauthError('invalid_client_id', 'client identifier invalid');
	if ((secretRequired || body.client_secret !== undefined) && body.client_secret !== ctx.app.clientSecret) {
		return oauthError('invalid_client', 'invalid client credentials');
	}
	return undefined;
}

function activeUser(ctx: OAuthContext, username: string | undefined): SfRecord | undefined {
	const id = username && ctx.org.userIdByUsernameValue(username);
	const user = id ? ctx.org.get('User', id) : undefined;
	return user?.IsActive === true ? user : undefined;
}

function verifyPkce(code: AuthorizationCode, verifier: string | undefined): boolean {
	if (!code.codeChallenge) return true;
	if (!verifier) return false;
	const computed =
		code.codeChallengeMethod === 'plain' ? verifier : crypto.createHash('sha256').update(verifier).digest('base64url');
	return computed === code.codeChallenge;
}

function base64UrlJson(part: string): Record<string, unknown> | undefined {
	try {
		const value = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
		return value && typeof value === 'object' ? value : undefined;
	} catch {
		return undefined;
	}
}

function jwtGrant(ctx: OAuthContext, assertion: string | undefined): Reply {
	const parts = (assertion ?? '').split('.');
	const header = parts.length === 3 ? base64UrlJson(parts[0]) : undefined;
	const claims = parts.length === 3 ? base64UrlJson(parts[1]) : undefined;
	if (!header || !claims || header.alg !== 'RS256') return oauthError('invalid_grant', 'invalid assertion');
	const signed = crypto.verify(
		'RSA-SHA256',
		Buffer.from(`${parts[0]}.${parts[1]}`),
		crypto.createPublicKey(ctx.app.jwtPrivateKey),
		Buffer.from(parts[2], 'base64url'),
	);
	if (!signed) return oauthError('invalid_grant', 'invalid assertion');
	if (claims.iss !== ctx.app.clientId) return oauthError('invalid_client_id', 'client identifier invalid');
	const audience = String(claims.aud ?? '').replace(/\/+$/, '');
	if (audience !== ctx.url() && !JWT_AUDIENCES.includes(audience)) return oauthError('invalid_grant', 'audience is invalid');
	if (typeof claims.exp !== 'number' || claims.exp * 1000 <= Date.now()) {
		return oauthError('invalid_grant', 'expired authorization code');
	}
	const user = activeUser(ctx, typeof claims.sub === 'string' ? claims.sub : undefined);
	if (!user) return oauthError('invalid_grant', "user hasn't approved this consumer");
	return tokenResponse(ctx, { userId: user.Id, clientId: ctx.app.clientId, scope: 'api' }, false);
}

function tokenGrant(ctx: OAuthContext, req: EmuRequest): Reply {
	const body: Record<string, string> = req.body && typeof req.body === 'object' ? req.body : {};
	const app = ctx.app;
	switch (body.grant_type) {
		case 'authorization_code': {
			const denied = checkClient(ctx, body, false);
			if (denied) return denied;
			const code = ctx.tokens.redeemCode(body.code ?? '');
			if (!code || code.clientId !== app.clientId) return oauthError('invalid_grant', 'invalid authorization code');
			if (code.redirectUri !== body.redirect_uri) return oauthError('invalid_grant', 'redirect_uri must match configuration');
			if (!verifyPkce(code, body.code_verifier)) return oauthError('invalid_grant', 'invalid code verifier');
			if (!code.codeChallenge && body.client_secret === undefined) return oauthError('invalid_client', 'invalid client credentials');
			return tokenResponse(ctx, code, true);
		}
		case 'refresh_token': {
			const denied = checkClient(ctx, body, false);
			if (denied) return denied;
			const grant = ctx.tokens.refreshGrant(body.refresh_token ?? '');
			if (!grant || grant.clientId !== app.clientId) return oauthError('invalid_grant', 'expired access/refresh token');
			return tokenResponse(ctx, grant, false);
		}
		case 'urn:ietf:params:oauth:grant-type:jwt-bearer':
			return jwtGrant(ctx, body.assertion);
		case 'client_credentials': {
			const denied = checkClient(ctx, body, true);
			if (denied) return denied;
			return tokenResponse(ctx, { userId: app.integrationUserId, clientId: app.clientId, scope: 'api' }, false);
		}
		case 'password': {
			const denied = checkClient(ctx, body, true);
			if (denied) return denied;
			const user = activeUser(ctx, body.username);
			if (!user || body.password !== USER_PASSWORD) return oauthError('invalid_grant', 'authentication failure');
			return tokenResponse(ctx, { userId: user.Id, clientId: app.clientId, scope: 'api refresh_token' }, true);
		}
		default:
			return oauthError('unsupported_grant_type', 'grant type not supported');
	}
}

function authorize(ctx: OAuthContext, req: EmuRequest): Reply {
	const q = req.query;
	if (q.get('client_id') !== ctx.app.clientId) return oauthError('invalid_client_id', 'client identifier invalid');
	const redirectUri = q.get('redirect_uri') ?? '';
	if (!/^https?:\/\/[^\s]+$/.test(redirectUri)) return oauthError('redirect_uri_mismatch', 'redirect_uri must match configuration');
	const target = new URL(redirectUri);
	if (q.get('response_type') !== 'code') {
		target.searchParams.set('error', 'unsupported_response_type');
		target.searchParams.set('error_description', 'response type not supported');
	} else {
		// Auto-approves as the user named by login_hint, else the integration user.
		const user = activeUser(ctx, q.get('login_hint') ?? ctx.app.integrationUsername);
		if (!user) return oauthError('invalid_grant', 'authentication failure');
		const code = ctx.tokens.issueCode({
			userId: user.Id,
			clientId: ctx.app.clientId,
			scope: q.get('scope') ?? 'api refresh_token',
			redirectUri,
			expiresAt: Date.now() + 15 * 60_000,
			codeChallenge: q.get('code_challenge') ?? undefined,
			codeChallengeMethod: q.get('code_challenge_method') ?? undefined,
		});
		target.searchParams.set('code', code);
	}
	const state = q.get('state');
	if (state !== null) target.searchParams.set('state', state);
	return empty(302, { Location: target.toString() });
}

function userDetails(ctx: OAuthContext, user: SfRecord) {
	const base = `${ctx.url()}/services/data/v{version}`;
	return {
		urls: {
			enterprise: `${ctx.url()}/services/Soap/c/{version}/${ORG_ID.slice(0, 15)}`,
			partner: `${ctx.url()}/services/Soap/u/{version}/${ORG_ID.slice(0, 15)}`,
			rest: `${base}/`,
			sobjects: `${base}/sobjects/`,
			search: `${base}/search/`,
			query: `${base}/query/`,
			recent: `${base}/recent/`,
			profile: `${ctx.url()}/${user.Id}`,
			limits: `${base}/limits`,
			custom_domain: ctx.url(),
		},
		active: user.IsActive,
		user_type: 'STANDARD',
		language: 'en_US',
		locale: 'en_US',
		utcOffset: 0,
	};
}

export function addOAuthRoutes(router: Router, ctx: OAuthContext): void {
	router.add('POST', '/services/oauth2/token', (req) => tokenGrant(ctx, req));
	router.add('GET', '/services/oauth2/authorize', (req) => authorize(ctx, req));
	router.add('POST', '/services/oauth2/revoke', (req) => {
		const token = (req.body && typeof req.body === 'object' ? req.body.token : undefined) ?? req.query.get('token');
		return typeof token === 'string' && ctx.tokens.revoke(token) ? empty(200) : oauthError('invalid_token', 'invalid token');
	});
	// Salesforce answers a bad token here with 403 and a plain-text reason, not a JSON envelope.
	const bearerUser = (req: EmuRequest): { user: SfRecord } | { denied: Reply } => {
		const token = bearerToken(req.headers);
		const session = ctx.tokens.session(token);
		if (!session) return { denied: { status: 403, body: token ? 'Bad_OAuth_Token' : 'Missing_OAuth_Token', raw: true } };
		return { user: ctx.org.get('User', session.userId)! };
	};
	router.add('GET', '/services/oauth2/userinfo', (req) => {
		const caller = bearerUser(req);
		if ('denied' in caller) return caller.denied;
		const user = caller.user;
		return json(200, {
			sub: identityUrl(ctx, user.Id),
			user_id: user.Id,
			organization_id: ORG_ID,
			preferred_username: user.Username,
			nickname: String(user.Username).split('@')[0],
			name: user.Name,
			email: user.Email,
			email_verified: true,
			given_name: user.FirstName,
			family_name: user.LastName,
			zoneinfo: 'Etc/UTC',
			updated_at: new Date(user.LastModifiedDate as number).toISOString().replace(/\.\d{3}Z$/, 'Z'),
			is_app_installed: true,
			...userDetails(ctx, user),
		});
	});
	router.add('GET', '/id/:orgId/:userId', (req) => {
		const caller = bearerUser(req);
		if ('denied' in caller) return caller.denied;
		const user = caller.user;
		if (req.params.userId !== user.Id || req.params.orgId !== ORG_ID) return { status: 403, body: 'Bad_Id', raw: true };
		return json(200, {
			id: identityUrl(ctx, user.Id),
			asserted_user: true,
			user_id: user.Id,
			organization_id: ORG_ID,
			username: user.Username,
			nick_name: String(user.Username).split('@')[0],
			display_name: user.Name,
			email: user.Email,
			email_verified: true,
			first_name: user.FirstName,
			last_name: user.LastName,
			timezone: 'Etc/UTC',
			is_lightning_login_user: false,
			last_modified_date: new Date(user.LastModifiedDate as number).toISOString().replace('Z', '+0000'),
			...userDetails(ctx, user),
		});
	});
}
