/**
 * The OAuth 2.0 JWT bearer assertion Salesforce expects (RS256, iss = consumer key, sub = username,
 * aud = login or My Domain URL, exp ≤ 3 minutes), signed with node:crypto so no JWT library is needed.
 */
import { createPrivateKey, createSign, type KeyObject } from 'crypto';

import { TransportError } from '../errors';

export const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

const ASSERTION_LIFETIME_SEC = 180;

function base64url(input: string | Buffer): string {
	return Buffer.from(input).toString('base64url');
}

/**
 * Keys pasted into a single-line field lose their line breaks; rebuild the PEM so OpenSSL accepts it.
 */
function normalisePem(pem: string): string {
	const trimmed = pem.trim().replace(/\\n/g, '\n');
	const match = /^(-----BEGIN [A-Z ]+-----)([\s\S]+?)(-----END [A-Z ]+-----)$/.exec(trimmed);
	if (!match) return trimmed;
	const body = match[2].replace(/\s+/g, '');
	const lines = body.match(/.{1,64}/g) ?? [];
	return [match[1], ...lines, match[3]].join('\n');
}

function privateKeyFrom(pem: string): KeyObject {
	try {
		return createPrivateKey(normalisePem(pem));
	} catch {
		// The crypto error says nothing useful and the key itself must never be echoed.
		throw new TransportError(
			'salesforce',
			'INVALID_PRIVATE_KEY',
			'Private Key is not a valid PEM private key: paste the whole key, from -----BEGIN PRIVATE KEY----- to -----END PRIVATE KEY----- (RSA, matching the certificate uploaded to the connected app)',
		);
	}
}

export function signJwtAssertion(claims: {
	clientId: string;
	username: string;
	audience: string;
	privateKey: string;
}): string {
	const header = base64url(JSON.stringify({ alg: 'RS256', typ: 'JWT' }));
	const payload = base64url(
		JSON.stringify({
			iss: claims.clientId,
			sub: claims.username,
			aud: claims.audience,
			exp: Math.floor(Date.now() / 1000) + ASSERTION_LIFETIME_SEC,
		}),
	);
	const signer = createSign('RSA-SHA256');
	signer.update(`${header}.${payload}`);
	const signature = signer.sign(privateKeyFrom(claims.privateKey)).toString('base64url');
	return `${header}.${payload}.${signature}`;
}
