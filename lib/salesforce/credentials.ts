/**
 * Turns the data of our two n8n credentials (SalesforceOmniOAuth2Api, SalesforceOmniJwtApi) into a
 * SalesforceAuth. The credential files and this module share the environment → login URL rule.
 */
import { createHash } from 'crypto';

import { TransportError } from '../errors';
import type { SalesforceAuth } from './types';

/** 62.0 is the first version with UserServicePresenceChangeEvent (CDC). */
export const SALESFORCE_API_VERSION = '62.0';

export const ENVIRONMENTS = ['production', 'sandbox', 'custom'] as const;
export type SalesforceEnvironment = (typeof ENVIRONMENTS)[number];

const LOGIN_HOSTS: Record<Exclude<SalesforceEnvironment, 'custom'>, string> = {
	production: 'https://login.salesforce.com',
	sandbox: 'https://test.salesforce.com',
};

type CredentialData = Record<string, unknown>;
export type OAuth2Auth = Extract<SalesforceAuth, { kind: 'oauth2' }>;
export type JwtAuth = Extract<SalesforceAuth, { kind: 'jwt' }>;

function text(data: CredentialData, field: string): string {
	const value = data[field];
	return typeof value === 'string' ? value.trim() : '';
}

function withoutTrailingSlash(url: string): string {
	return url.replace(/\/+$/, '');
}

function requireUrl(value: string, field: string, credentialName: string): string {
	let parsed: URL;
	try {
		parsed = new URL(value);
	} catch {
		throw new TransportError(
			'salesforce',
			'INVALID_CREDENTIAL',
			`${credentialName}: ${field} "${value}" is not a URL; enter e.g. https://mycompany.my.salesforce.com`,
		);
	}
	if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
		throw new TransportError(
			'salesforce',
			'INVALID_CREDENTIAL',
			`${credentialName}: ${field} must start with https:// (or http:// for a local emulator), got "${value}"`,
		);
	}
	return withoutTrailingSlash(value);
}

/** The login host for the credential's Environment field (Production, Sandbox or Custom URL). */
export function loginUrlFor(data: CredentialData, credentialName: string): string {
	const environment = text(data, 'environment') || 'production';
	if (environment === 'custom') {
		const customUrl = text(data, 'customUrl');
		if (!customUrl) {
			throw new TransportError(
				'salesforce',
				'INVALID_CREDENTIAL',
				`${credentialName}: Environment is "Custom URL" but Custom URL is empty; enter your My Domain URL (https://mycompany.my.salesforce.com) or another base URL`,
			);
		}
		return requireUrl(customUrl, 'Custom URL', credentialName);
	}
	if (environment === 'production' || environment === 'sandbox') return LOGIN_HOSTS[environment];
	throw new TransportError(
		'salesforce',
		'INVALID_CREDENTIAL',
		`${credentialName}: unknown Environment "${environment}"; valid: ${ENVIRONMENTS.join(', ')}`,
	);
}

function cacheKeyOf(parts: string[]): string {
	return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
}

const OAUTH2_NAME = 'Salesforce Omni-Channel OAuth2 credential';
const JWT_NAME = 'Salesforce Omni-Channel JWT credential';

export function authFromOAuth2Credential(data: CredentialData): OAuth2Auth {
	const token = (data.oauthTokenData ?? {}) as CredentialData;
	const accessToken = text(token, 'access_token');
	const instanceUrl = text(token, 'instance_url');
	if (!accessToken || !instanceUrl) {
		throw new TransportError(
			'salesforce',
			'NOT_CONNECTED',
			`${OAUTH2_NAME} is not connected: open it and click "Connect my account"`,
		);
	}
	const clientId = text(data, 'clientId');
	if (!clientId) {
		throw new TransportError('salesforce', 'INVALID_CREDENTIAL', `${OAUTH2_NAME}: Client ID (Consumer Key) is empty`);
	}
	const loginUrl = loginUrlFor(data, OAUTH2_NAME);
	const refreshToken = text(token, 'refresh_token');
	return {
		kind: 'oauth2',
		// The identity URL names org and user, so two users of one app never share a connection.
		cacheKey: cacheKeyOf(['oauth2', loginUrl, clientId, instanceUrl, text(token, 'id')]),
		instanceUrl: withoutTrailingSlash(instanceUrl),
		accessToken,
		...(refreshToken ? { refreshToken } : {}),
		clientId,
		clientSecret: text(data, 'clientSecret'),
		loginUrl,
		apiVersion: SALESFORCE_API_VERSION,
	};
}

/** Token host and JWT audience: My Domain URL when given (Spring '26+ orgs), else the environment's. */
export function jwtEndpointFor(data: CredentialData): string {
	const myDomainUrl = text(data, 'myDomainUrl');
	return myDomainUrl ? requireUrl(myDomainUrl, 'My Domain URL', JWT_NAME) : loginUrlFor(data, JWT_NAME);
}

export function authFromJwtCredential(data: CredentialData): JwtAuth {
	const clientId = text(data, 'clientId');
	const username = text(data, 'username');
	const privateKey = typeof data.privateKey === 'string' ? data.privateKey : '';
	const missing = [
		clientId ? null : 'Consumer Key',
		username ? null : 'Username',
		privateKey.trim() ? null : 'Private Key',
	].filter((field): field is string => field !== null);
	if (missing.length > 0) {
		throw new TransportError('salesforce', 'INVALID_CREDENTIAL', `${JWT_NAME}: ${missing.join(', ')} must not be empty`);
	}
	const endpoint = jwtEndpointFor(data);
	return {
		kind: 'jwt',
		cacheKey: cacheKeyOf(['jwt', endpoint, clientId, username]),
		loginUrl: endpoint,
		audience: endpoint,
		clientId,
		username,
		privateKey,
		apiVersion: SALESFORCE_API_VERSION,
	};
}
