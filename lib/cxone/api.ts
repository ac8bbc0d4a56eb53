/**
 * Authorised calls to the ACD REST API at {api_endpoint}/incontactapi/services/{version}: bearer token
 * from the process-wide cache, renewed once on a 401 so the call is not lost, and skip/top paging.
 */
import { TransportError } from '../errors';
import { invalidateSession, secretsOf, sessionFor } from './auth';
import { send, type HttpResponse, type RetryPolicy } from './http';
import type { CxoneAuth } from './types';

export type Query = Record<string, string | number | boolean | undefined>;

export class CxoneApi {
	constructor(
		readonly auth: CxoneAuth,
		readonly policy: RetryPolicy,
		readonly pageSize: number,
	) {}

	async get(path: string, query: Query = {}): Promise<HttpResponse> {
		return await this.call('GET', path, query);
	}

	/** `label` names the call in errors when the path holds an id that should not be shown. */
	async post(path: string, json: unknown, label?: string): Promise<HttpResponse> {
		return await this.call('POST', path, {}, json, label);
	}

	/** Reads every page of a skip/top list until totalRecords (or a short page when there is none). */
	async getAll(path: string, listKey: string, query: Query = {}): Promise<any[]> {
		const items: any[] = [];
		for (let skip = 0; ; ) {
			const { status, body } = await this.get(path, { ...query, skip, top: this.pageSize });
			const page: unknown = status === 204 ? [] : body?.[listKey];
			if (!Array.isArray(page)) {
				throw new TransportError('cxone', 'UNEXPECTED_RESPONSE', `CXone GET ${path} returned no '${listKey}' list (got keys: ${Object.keys(body ?? {}).join(', ') || 'none'})`);
			}
			items.push(...page);
			skip += page.length;
			const total = Number(body?.totalRecords);
			const done = Number.isFinite(total) ? skip >= total : page.length < this.pageSize;
			if (done || page.length === 0) return items;
		}
	}

	private async call(method: 'GET' | 'POST', path: string, query: Query, json?: unknown, label = `${method} ${path}`): Promise<HttpResponse> {
		// After a 401 the token is invalidated, so sessionFor fetches one new token shared by concurrent callers.
		const attempt = async () => {
			const session = await sessionFor(this.auth, this.policy);
			const url = new URL(`${session.apiBaseUrl}/incontactapi/services/${this.auth.apiVersion}${path}`);
			for (const [name, value] of Object.entries(query)) if (value !== undefined) url.searchParams.set(name, String(value));
			try {
				return await send(
					{ method, url: url.toString(), headers: { Authorization: `Bearer ${session.accessToken}` }, json, label },
					this.policy,
					[...secretsOf(this.auth), session.accessToken],
				);
			} catch (error) {
				if (error instanceof TransportError && error.httpStatus === 401) invalidateSession(this.auth.cacheKey, session.accessToken);
				throw error;
			}
		};
		try {
			return await attempt();
		} catch (error) {
			if (!(error instanceof TransportError)) throw error;
			if (error.httpStatus === 401) {
				try {
					return await attempt();
				} catch (retryError) {
					throw retryError instanceof TransportError && retryError.httpStatus === 401
						? this.hinted(retryError, "A freshly issued token was refused: check that the access key's employee role grants API access.")
						: retryError;
				}
			}
			if (error.httpStatus === 403) {
				throw this.hinted(error, "The access key's employee role lacks the permission for this call.");
			}
			throw error;
		}
	}

	private hinted(error: TransportError, hint: string): TransportError {
		return new TransportError(error.service, error.errorCode, `${hint} ${error.message}`, error.httpStatus, error.details);
	}
}
