/**
 * Errors raised by the transports. They carry the service's own error code and a message that says what
 * to fix; nodes wrap them in NodeApiError. Messages pass through redact() so no token or secret leaks.
 */
export type Service = 'salesforce' | 'cxone';

export class TransportError extends Error {
	constructor(
		readonly service: Service,
		/** The service's own code: INVALID_SESSION_ID, invalid_grant, MALFORMED_QUERY, HTTP_409, … */
		readonly errorCode: string,
		message: string,
		readonly httpStatus?: number,
		/** Safe extra facts (valid values, ids) for the node's error description. */
		readonly details?: Record<string, unknown>,
	) {
		super(redact(message));
		this.name = 'TransportError';
	}
}

const SECRET_PATTERNS: RegExp[] = [
	/(authorization\s*[:=]\s*)(bearer|oauth|basic)\s+[^\s"',}]+/gi,
	/\b(bearer|oauth)\s+[A-Za-z0-9._~+/=!-]{12,}/gi,
	/((?:access_token|refresh_token|id_token|client_secret|password|assertion|accessKeySecret|privateKey)["']?\s*[:=]\s*["']?)[^"'&\s,}]+/gi,
	/eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/g,
	/00D[A-Za-z0-9]{12,15}![A-Za-z0-9._]+/g,
	/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g,
];

/** Removes tokens, secrets, keys and Authorization header values from a text. */
export function redact(text: string): string {
	let out = String(text);
	for (const pattern of SECRET_PATTERNS) {
		out = out.replace(pattern, (match, prefix?: string) =>
			typeof prefix === 'string' && match.startsWith(prefix) ? `${prefix}[redacted]` : '[redacted]',
		);
	}
	return out;
}
