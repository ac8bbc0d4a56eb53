/**
 * A small HTTP toolkit both emulators are built on: a router with path params, body parsing (JSON and
 * form), fault injection (status codes, Retry-After, latency) and per-endpoint counters. Node http only,
 * so the emulators behave on the wire exactly like a server would.
 */
import * as http from 'http';
import type { AddressInfo } from 'net';

export interface EmuRequest {
	method: string;
	path: string;
	query: URLSearchParams;
	params: Record<string, string>;
	headers: http.IncomingHttpHeaders;
	/** Parsed JSON, or form fields for application/x-www-form-urlencoded, or undefined. */
	body: any;
	rawBody: string;
}

export interface Reply {
	status: number;
	body?: unknown;
	headers?: Record<string, string | string[]>;
	/** Send body as-is (string) instead of JSON. */
	raw?: boolean;
}

export type Handler = (req: EmuRequest) => Promise<Reply> | Reply;

export const json = (status: number, body: unknown, headers?: Record<string, string | string[]>): Reply => ({
	status,
	body,
	headers,
});
export const empty = (status: number, headers?: Record<string, string | string[]>): Reply => ({ status, headers });

interface Route {
	method: string;
	/** The route's pattern as written (counter key). */
	pattern: string;
	regex: RegExp;
	names: string[];
	handler: Handler;
}

/** A fault armed for the next `count` matching requests. */
export type Fault =
	| { kind: 'status'; status: number; count: number; retryAfterSec?: number; pathPrefix?: string; body?: unknown }
	| { kind: 'latency'; ms: number; count: number; pathPrefix?: string }
	| { kind: 'drop'; count: number; pathPrefix?: string };

export class Router {
	private readonly routes: Route[] = [];
	private faults: Fault[] = [];
	/** Calls by "METHOD pattern" (control routes excluded). */
	readonly calls = new Map<string, number>();
	/** Counted writes by kind (each emulator names its kinds). */
	readonly writes = new Map<string, number>();
	/** Runs before every non-control request; a Reply short-circuits (used for auth checks by prefix). */
	private readonly guards: Array<(req: EmuRequest) => Reply | undefined> = [];
	/** Decorates every non-control reply (e.g. Sforce-Limit-Info). */
	private readonly decorators: Array<(req: EmuRequest, reply: Reply) => void> = [];

	add(method: string, pattern: string, handler: Handler): this {
		const names: string[] = [];
		const source = pattern
			.split('/')
			.map((segment) => {
				if (segment.startsWith(':')) {
					names.push(segment.slice(1));
					return '([^/]+)';
				}
				if (segment === '*') {
					names.push('rest');
					return '(.*)';
				}
				return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
			})
			.join('/');
		this.routes.push({ method, pattern, regex: new RegExp(`^${source}$`, 'i'), names, handler });
		return this;
	}

	guard(fn: (req: EmuRequest) => Reply | undefined): this {
		this.guards.push(fn);
		return this;
	}

	decorate(fn: (req: EmuRequest, reply: Reply) => void): this {
		this.decorators.push(fn);
		return this;
	}

	inject(fault: Fault): void {
		this.faults.push({ ...fault });
	}

	clearFaults(): void {
		this.faults = [];
	}

	countWrite(kind: string, n = 1): void {
		this.writes.set(kind, (this.writes.get(kind) ?? 0) + n);
	}

	counters(): { calls: Record<string, number>; writes: Record<string, number>; totalCalls: number } {
		const calls = Object.fromEntries(this.calls);
		return {
			calls,
			writes: Object.fromEntries(this.writes),
			totalCalls: Object.values(calls).reduce((a, b) => a + b, 0),
		};
	}

	resetCounters(): void {
		this.calls.clear();
		this.writes.clear();
	}

	/** Takes the first armed fault matching this path, consuming one of its uses. */
	private takeFault(path: string): Fault | undefined {
		const index = this.faults.findIndex((f) => !f.pathPrefix || path.startsWith(f.pathPrefix));
		if (index < 0) return undefined;
		const fault = this.faults[index];
		fault.count -= 1;
		if (fault.count <= 0) this.faults.splice(index, 1);
		return fault;
	}

	async handle(req: EmuRequest): Promise<Reply | 'drop'> {
		const control = req.path.startsWith('/__control');
		if (!control) {
			const fault = this.takeFault(req.path);
			if (fault?.kind === 'drop') return 'drop';
			if (fault?.kind === 'latency') await new Promise((r) => setTimeout(r, fault.ms));
			if (fault?.kind === 'status') {
				const headers: Record<string, string> = {};
				if (fault.retryAfterSec !== undefined) headers['Retry-After'] = String(fault.retryAfterSec);
				return json(fault.status, fault.body ?? { error: `injected ${fault.status}` }, headers);
			}
		}
		for (const route of this.routes) {
			if (route.method !== req.method && route.method !== '*') continue;
			const match = route.regex.exec(req.path);
			if (!match) continue;
			route.names.forEach((name, i) => (req.params[name] = decodeURIComponent(match[i + 1])));
			if (control) return await route.handler(req);
			const key = `${route.method} ${route.pattern}`;
			this.calls.set(key, (this.calls.get(key) ?? 0) + 1);
			for (const guard of this.guards) {
				const denied = guard(req);
				if (denied) return this.decorated(req, denied);
			}
			return this.decorated(req, await route.handler(req));
		}
		return json(404, [{ errorCode: 'NOT_FOUND', message: `The requested resource does not exist: ${req.method} ${req.path}` }]);
	}

	private decorated(req: EmuRequest, reply: Reply): Reply {
		for (const decorate of this.decorators) decorate(req, reply);
		return reply;
	}
}

function parseBody(raw: string, contentType: string | undefined): any {
	if (!raw) return undefined;
	if (contentType?.includes('application/x-www-form-urlencoded')) {
		return Object.fromEntries(new URLSearchParams(raw));
	}
	try {
		return JSON.parse(raw);
	} catch {
		return raw;
	}
}

export interface RunningServer {
	url: string;
	port: number;
	server: http.Server;
	close(): Promise<void>;
}

/** Serves a router on 127.0.0.1 (port 0 = any free port). */
export async function serve(router: Router, port = 0, onError?: (error: Error) => void): Promise<RunningServer> {
	const server = http.createServer((request, response) => {
		const chunks: Buffer[] = [];
		request.on('data', (chunk: Buffer) => chunks.push(chunk));
		request.on('end', () => {
			const url = new URL(request.url ?? '/', 'http://127.0.0.1');
			const rawBody = Buffer.concat(chunks).toString('utf8');
			const emuRequest: EmuRequest = {
				method: request.method ?? 'GET',
				path: url.pathname,
				query: url.searchParams,
				params: {},
				headers: request.headers,
				body: parseBody(rawBody, request.headers['content-type']),
				rawBody,
			};
			router
				.handle(emuRequest)
				.then((reply) => {
					if (reply === 'drop') {
						request.socket.destroy();
						return;
					}
					const headers: Record<string, string | string[]> = { ...(reply.headers ?? {}) };
					let payload: string | undefined;
					if (reply.body !== undefined && reply.status !== 204 && reply.status !== 304) {
						payload = reply.raw ? String(reply.body) : JSON.stringify(reply.body);
						if (!reply.raw) headers['Content-Type'] = 'application/json;charset=UTF-8';
					}
					response.writeHead(reply.status, headers);
					response.end(payload);
				})
				.catch((error: Error) => {
					onError?.(error);
					if (!response.headersSent) response.writeHead(500, { 'Content-Type': 'application/json' });
					response.end(JSON.stringify([{ errorCode: 'UNKNOWN_EXCEPTION', message: error.message }]));
				});
		});
	});
	// Long-polling clients (CometD connect) hold requests open; do not let node time them out early.
	server.requestTimeout = 0;
	server.headersTimeout = 0;
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(port, '127.0.0.1', () => resolve());
	});
	const actualPort = (server.address() as AddressInfo).port;
	return {
		url: `http://127.0.0.1:${actualPort}`,
		port: actualPort,
		server,
		close: () =>
			new Promise<void>((resolve) => {
				server.closeAllConnections();
				server.close(() => resolve());
			}),
	};
}
