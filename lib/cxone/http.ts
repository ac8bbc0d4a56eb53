/**
 * The only place lib/cxone talks HTTP. Sends with Accept: application/json (without it CXone may answer
 * "No known way to render data"), retries 429, 5xx and network failures with exponential backoff and
 * jitter (honouring Retry-After), and maps failures to TransportError with no secret in the message.
 */
import { redact, TransportError } from '../errors';

export interface RetryPolicy {
	/** Attempts in all, the first included. */
	maxTries: number;
	/** First backoff delay; doubles on each retry, with jitter. */
	baseDelayMs: number;
	maxDelayMs: number;
	/** Per attempt. */
	timeoutMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxTries: 5, baseDelayMs: 500, maxDelayMs: 30_000, timeoutMs: 30_000 };

/** A server asking for longer than this is not worth waiting for inside one execution. */
const MAX_RETRY_AFTER_MS = 5 * 60_000;

export interface HttpRequest {
	method: 'GET' | 'POST' | 'DELETE';
	url: string;
	headers?: Record<string, string>;
	/** Sent as application/json unless `form` is set. */
	json?: unknown;
	/** Sent as application/x-www-form-urlencoded, exactly as given. */
	form?: string;
	/** Names the call in errors, e.g. "GET /agents/states". */
	label: string;
}

export interface HttpResponse {
	status: number;
	headers: Headers;
	/** Parsed JSON, or the text, or undefined for an empty body. */
	body: any;
}

/** Removes the given secrets (and their URL-encoded forms) and anything redact() knows from a text. */
export function safeText(text: string, secrets: readonly string[]): string {
	let out = text;
	for (const secret of secrets) {
		if (!secret || secret.length < 4) continue;
		for (const form of new Set([secret, encodeURIComponent(secret)])) out = out.split(form).join('[redacted]');
	}
	return redact(out);
}

const isRetryable = (status: number) => status === 429 || status >= 500;

function backoffMs(attempt: number, policy: RetryPolicy): number {
	const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
	return Math.round(ceiling * (0.5 + Math.random() * 0.5));
}

/** Retry-After as seconds or an HTTP date; undefined when absent or unreadable. */
function retryAfterMs(headers: Headers): number | undefined {
	const value = headers.get('retry-after');
	if (!value) return undefined;
	const seconds = Number(value);
	const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(value) - Date.now();
	return Number.isFinite(ms) ? Math.min(Math.max(ms, 0), MAX_RETRY_AFTER_MS) : undefined;
}

function parseBody(text: string): unknown {
	if (!text) return undefined;
	try {
		return JSON.parse(text);
	} catch {
		return text;
	}
}

/** What the service said: icStatusDescription header, then the body's error fields, then the text. */
function describe(response: HttpResponse): { code?: string; description: string } {
	const body = response.body;
	const header = response.headers.get('icstatusdescription') ?? undefined;
	if (body && typeof body === 'object') {
		const item = Array.isArray(body) ? body[0] : body;
		const code = item?.error ?? item?.errorCode;
		const text = item?.error_description ?? item?.error_Description ?? item?.message ?? item?.Message;
		const fallback = typeof code === 'string' ? '' : JSON.stringify(body);
		return { code: typeof code === 'string' ? code : undefined, description: String(header ?? text ?? fallback).slice(0, 500) };
	}
	return { description: String(header ?? body ?? '').slice(0, 500) };
}

/** OAuth error codes (invalid_grant, invalid_client…) are kept as the code; anything else is HTTP_<status>. */
function errorFor(request: HttpRequest, response: HttpResponse, tries: number, secrets: readonly string[]): TransportError {
	const { code, description } = describe(response);
	const errorCode = code && /^[a-z_]+$/.test(code) ? code : `HTTP_${response.status}`;
	const after = tries > 1 ? ` after ${tries} tries` : '';
	const said = [code, description].filter((part, i, all) => part && all.indexOf(part) === i).join(': ');
	return new TransportError(
		'cxone',
		errorCode,
		safeText(`CXone ${request.label} failed${after}: HTTP ${response.status}${said ? ` (${said})` : ''}`, secrets),
		response.status,
		{ status: response.status, cxoneError: code, tries },
	);
}

/** fetch wraps the socket error (sometimes an AggregateError of one per address) in a TypeError. */
function networkCause(error: unknown): string {
	const cause = (error as { cause?: { code?: string; message?: string; errors?: Array<{ code?: string }> } }).cause;
	return cause?.code ?? cause?.errors?.[0]?.code ?? cause?.message ?? (error as Error).name ?? 'network error';
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Sends the request; returns any 1xx–3xx response (204 and 304 included). Throws TransportError on a
 * 4xx, or once 429/5xx/network failures have used up the policy's tries.
 */
export async function send(request: HttpRequest, policy: RetryPolicy, secrets: readonly string[]): Promise<HttpResponse> {
	const headers: Record<string, string> = { Accept: 'application/json', ...request.headers };
	let body: string | undefined;
	if (request.form !== undefined) {
		headers['Content-Type'] = 'application/x-www-form-urlencoded';
		body = request.form;
	} else if (request.json !== undefined) {
		headers['Content-Type'] = 'application/json';
		body = JSON.stringify(request.json);
	}
	for (let attempt = 1; ; attempt++) {
		let response: HttpResponse;
		try {
			const raw = await fetch(request.url, {
				method: request.method,
				headers,
				body,
				signal: AbortSignal.timeout(policy.timeoutMs),
			});
			response = { status: raw.status, headers: raw.headers, body: parseBody(await raw.text()) };
		} catch (error) {
			if (attempt < policy.maxTries) {
				await sleep(backoffMs(attempt, policy));
				continue;
			}
			const cause = networkCause(error);
			throw new TransportError(
				'cxone',
				'NETWORK',
				safeText(`CXone ${request.label} failed after ${attempt} tries: could not reach ${new URL(request.url).origin} (${cause})`, secrets),
				undefined,
				{ tries: attempt },
			);
		}
		if (response.status < 400) return response;
		if (!isRetryable(response.status) || attempt >= policy.maxTries) {
			throw errorFor(request, response, attempt, secrets);
		}
		await sleep(retryAfterMs(response.headers) ?? backoffMs(attempt, policy));
	}
}
