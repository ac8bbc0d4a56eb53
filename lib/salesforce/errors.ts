/**
 * Maps what jsforce throws (REST error envelopes, OAuth token errors, failed refreshes, network errors)
 * onto TransportError with the Salesforce error code and a message that says what to fix.
 */
import { TransportError, redact } from '../errors';
import type { SalesforceAuth } from './types';

/** What to do about a code, by auth kind where the fix differs. */
const FIXES: Record<string, string | Record<SalesforceAuth['kind'], string>> = {
	INVALID_SESSION_ID: {
		oauth2: 'the session expired and could not be renewed: reconnect the OAuth2 credential',
		jwt: 'the session expired and could not be renewed: check the JWT credential',
	},
	invalid_grant: {
		oauth2:
			'Salesforce refused the refresh token (expired, revoked, or rotated by another client): reconnect the OAuth2 credential; check the connected app’s refresh token policy',
		jwt: 'check Consumer Key and Username, that the connected app holds the certificate of this Private Key, that the user is pre-authorized for the app (Admin approved users + profile or permission set), and the Environment / My Domain URL',
	},
	invalid_client_id: 'check the Consumer Key of the connected app',
	invalid_client: 'check the Consumer Key and Consumer Secret of the connected app',
	unsupported_grant_type: 'enable this OAuth flow in the connected app',
	INSUFFICIENT_ACCESS: 'the integration user lacks a permission needed for this call',
	INSUFFICIENT_ACCESS_OR_READONLY: 'the integration user lacks a permission needed for this call',
	REQUEST_LIMIT_EXCEEDED: 'the org has used up its API requests: wait, or raise the allocation',
	API_DISABLED_FOR_ORG: 'the org’s edition or the user’s profile does not allow API access ("API Enabled")',
	NETWORK: 'check the Environment / Custom URL and that the host is reachable',
};

const REFRESH_FAILURE = /^Unable to refresh session due to: (?:([A-Za-z_]+): )?([\s\S]*)$/;
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'ECONNRESET', 'ETIMEDOUT', 'EAI_AGAIN', 'EHOSTUNREACH']);

interface RawError {
	name?: string;
	errorCode?: string;
	code?: string;
	message?: string;
	cause?: { code?: string };
}

/** Values of this auth that must never appear in a message, whatever pattern redact() knows. */
function secretsOf(auth: SalesforceAuth): string[] {
	const values =
		auth.kind === 'oauth2'
			? [auth.accessToken, auth.refreshToken, auth.clientSecret]
			: [auth.privateKey.trim()];
	return values.filter((value): value is string => typeof value === 'string' && value.length >= 6);
}

function scrub(text: string, secrets: string[]): string {
	let out = text;
	for (const secret of secrets) out = out.split(secret).join('[redacted]');
	return redact(out);
}

function codeAndMessage(error: RawError): { code: string; message: string } {
	const message = String(error.message ?? error);
	const refresh = REFRESH_FAILURE.exec(message);
	if (refresh) return { code: refresh[1] ?? 'REFRESH_FAILED', message: refresh[2] };
	const network = error.code ?? error.cause?.code;
	if (network && NETWORK_CODES.has(network)) return { code: 'NETWORK', message: `${network}: ${message}` };
	const code = error.errorCode ?? (error.name && error.name !== 'Error' ? error.name : undefined);
	return { code: code ?? 'UNKNOWN', message };
}

/**
 * @param action what we were doing, e.g. "list Omni-Channel statuses"
 * @param fixes  call-specific advice by error code, taking precedence over the general advice
 */
export function toTransportError(
	error: unknown,
	auth: SalesforceAuth,
	action: string,
	fixes: Record<string, string> = {},
): TransportError {
	if (error instanceof TransportError) return error;
	const { code, message } = codeAndMessage((error ?? {}) as RawError);
	const general = FIXES[code];
	const fix = fixes[code] ?? (typeof general === 'string' ? general : general?.[auth.kind]);
	const text = `Salesforce: could not ${action}: ${message} (${code})${fix ? `; ${fix}` : ''}`;
	return new TransportError('salesforce', code, scrub(text, secretsOf(auth)));
}
