/**
 * The emulator's token service: HS256 JWTs shaped like CXone's (cxone.md §1.1 step 3), and the set of
 * access tokens still alive, so expireTokens() can invalidate every issued token at once.
 */
import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'crypto';
import { BUSINESS_UNIT_ID } from './world';

const base64url = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

export class TokenService {
	private readonly secret = randomBytes(32);
	/** jti of every access token that has not been expired by the control API. */
	private readonly live = new Set<string>();
	private readonly refresh = new Set<string>();

	constructor(
		private readonly issuer: string,
		private readonly ttlSec: number,
		readonly tenantId: string,
	) {}

	issue(apiUserAgentId: number): Record<string, unknown> {
		const iat = Math.floor(Date.now() / 1000);
		const common = { iss: this.issuer, sub: `user:${this.tenantId.slice(0, 8)}-api-user`, tenantId: this.tenantId, iat };
		const jti = randomUUID();
		const refreshJti = randomUUID();
		this.live.add(jti);
		this.refresh.add(refreshJti);
		return {
			access_token: this.sign({
				...common,
				jti,
				tenant: 'emulated_tenant',
				icBUId: BUSINESS_UNIT_ID,
				icClusterId: 'EMU1',
				role: { legacyId: 'Administrator' },
				exp: iat + this.ttlSec,
			}),
			token_type: 'Bearer',
			expires_in: this.ttlSec,
			refresh_token: this.sign({ ...common, jti: refreshJti, exp: iat + 2 * this.ttlSec }),
			id_token: this.sign({
				...common,
				icAgentId: String(apiUserAgentId),
				icDomain: 'niceincontact.com',
				area: 'na1',
				name: 'API User',
				exp: iat + this.ttlSec,
			}),
			issued_token_type: 'urn:ietf:params:oauth:token-type:access_token',
		};
	}

	/** True when the token is ours, not expired by time nor by expireAll(). */
	isLiveAccessToken(token: string): boolean {
		const claims = this.verify(token);
		return !!claims && this.live.has(String(claims.jti)) && Number(claims.exp) * 1000 > Date.now();
	}

	/** Consumes a refresh token (single use), true when it was valid. */
	redeemRefreshToken(token: string): boolean {
		const claims = this.verify(token);
		if (!claims || !this.refresh.delete(String(claims.jti))) return false;
		return Number(claims.exp) * 1000 > Date.now();
	}

	expireAll(): void {
		this.live.clear();
	}

	private sign(payload: object): string {
		const body = `${base64url({ alg: 'HS256', typ: 'JWT' })}.${base64url(payload)}`;
		return `${body}.${createHmac('sha256', this.secret).update(body).digest('base64url')}`;
	}

	private verify(token: string): Record<string, unknown> | undefined {
		const [header, payload, signature] = token.split('.');
		if (!header || !payload || !signature) return undefined;
		const expected = createHmac('sha256', this.secret).update(`${header}.${payload}`).digest();
		const given = Buffer.from(signature, 'base64url');
		if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
		try {
			return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
		} catch {
			return undefined;
		}
	}
}
