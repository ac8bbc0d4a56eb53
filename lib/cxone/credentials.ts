/**
 * The NICE CXone API credential's data (credentials/NiceCxoneApi.credentials.ts) → CxoneAuth, with
 * errors that name the field to fix. The cache key identifies the API user without holding a secret.
 */
import { createHash } from 'crypto';
import { TransportError } from '../errors';
import type { CxoneAuth } from './types';

export const CXONE_CREDENTIAL_TYPE = 'niceCxoneApi';
export const DEFAULT_ISSUER = 'https://cxone.niceincontact.com';
export const DEFAULT_API_VERSION = 'v33.0';

/** The credential's field names, shared with its description so the two cannot drift. */
export interface NiceCxoneCredentialData {
	issuer?: string;
	clientId?: string;
	clientSecret?: string;
	accessKeyId?: string;
	accessKeySecret?: string;
	apiBaseUrl?: string;
	apiVersion?: string;
}

const REQUIRED: Array<[keyof NiceCxoneCredentialData, string]> = [
	['clientId', 'Client ID'],
	['clientSecret', 'Client Secret'],
	['accessKeyId', 'Access Key ID'],
	['accessKeySecret', 'Access Key Secret'],
];

const invalid = (message: string) => new TransportError('cxone', 'INVALID_CREDENTIAL', `NICE CXone API credential: ${message}`);

function httpUrl(value: string, field: string, example: string): string {
	let url: URL;
	try {
		url = new URL(value);
	} catch {
		throw invalid(`${field} must be a URL such as ${example}; got '${value}'`);
	}
	if (url.protocol !== 'https:' && url.protocol !== 'http:') throw invalid(`${field} must be an http(s) URL such as ${example}; got '${value}'`);
	return value.replace(/\/+$/, '');
}

export function cxoneAuthFromCredentials(data: NiceCxoneCredentialData | Record<string, unknown>): CxoneAuth {
	const field = (name: keyof NiceCxoneCredentialData) => String((data as NiceCxoneCredentialData)[name] ?? '').trim();
	const missing = REQUIRED.filter(([name]) => !field(name)).map(([, label]) => label);
	if (missing.length) throw invalid(`missing ${missing.join(', ')}`);
	const issuer = httpUrl(field('issuer') || DEFAULT_ISSUER, 'Issuer URL', DEFAULT_ISSUER);
	const apiVersion = field('apiVersion') || DEFAULT_API_VERSION;
	if (!/^v\d+\.\d+$/i.test(apiVersion)) throw invalid(`API Version must look like ${DEFAULT_API_VERSION} (v19.0 to v34.0 are in use); got '${apiVersion}'`);
	const apiBaseUrl = field('apiBaseUrl') ? httpUrl(field('apiBaseUrl'), 'API Base URL', 'https://api-na1.niceincontact.com') : undefined;
	const clientId = field('clientId');
	const accessKeyId = field('accessKeyId');
	return {
		cacheKey: `cxone:${createHash('sha256').update(`${issuer}\n${clientId}\n${accessKeyId}`).digest('hex')}`,
		issuer,
		clientId,
		clientSecret: field('clientSecret'),
		accessKeyId,
		accessKeySecret: field('accessKeySecret'),
		apiBaseUrl,
		apiVersion,
	};
}
