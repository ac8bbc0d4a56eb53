/**
 * The REST API under /services/data (reference §8.2/§8.3): versions, limits, query/queryAll with paging,
 * sObject describe/read/create/update/delete, composite sobjects and Platform Event publish. Every data
 * request needs a live access token (401 INVALID_SESSION_ID otherwise) and counts toward API usage,
 * reported in Sforce-Limit-Info on every response.
 */
import { empty, json, type EmuRequest, type Router } from '../common/http';
import { bearerToken, type TokenStore } from './auth';
import { guarded, notFound, SalesforceApiError } from './errors';
import type { Org, SfRecord } from './org';
import { allFields, compileQuery, QueryCursors, runQuery, serializeRecord, type ResolvedField } from './query';
import { allObjects, describeGlobalEntry, describeObject, findObject, type FieldDef, type ObjectDef } from './schema';
import { parseSoql } from './soql';
import { compilePushTopicQuery, type StreamingServer } from './streaming';

export const MIN_API_VERSION = 41;
export const MAX_API_VERSION = 66;
export const DAILY_API_LIMIT = 15_000;
const DATA_PREFIX = '/services/data/:version';
const MAX_COMPOSITE_RECORDS = 200;

const SEASONS = ['Winter', 'Spring', 'Summer'];

function versionList() {
	const versions = [];
	for (let v = MIN_API_VERSION; v <= MAX_API_VERSION; v++) {
		const year = 18 + Math.floor((v - MIN_API_VERSION) / 3);
		versions.push({ label: `${SEASONS[(v - MIN_API_VERSION) % 3]} '${year}`, url: `/services/data/v${v}.0`, version: `${v}.0` });
	}
	return versions;
}

export interface RestContext {
	org: Org;
	tokens: TokenStore;
	streaming: StreamingServer;
	router: Router;
}

/** Total calls to /services/data/vXX.X/… since the counters were last reset. */
export function apiUsage(router: Router): number {
	let used = 0;
	for (const [key, count] of router.calls) if (key.includes(DATA_PREFIX)) used += count;
	return used;
}

function sessionUser(ctx: RestContext, req: EmuRequest): string {
	return ctx.tokens.session(bearerToken(req.headers))!.userId;
}

function objectOr404(type: string): ObjectDef {
	const def = findObject(type);
	if (!def) throw notFound();
	return def;
}

// ---- writes --------------------------------------------------------------------------------------

const cannot = (def: ObjectDef, operation: 'inserted' | 'updated' | 'deleted') =>
	new SalesforceApiError(400, 'INVALID_TYPE_FOR_OPERATION', `entity type cannot be ${operation}: ${def.label}`);

/** Checks a body's fields against the schema the way the REST API does, returning canonical names. */
function checkedFields(def: ObjectDef, body: unknown, operation: 'create' | 'update'): Record<string, unknown> {
	if (!body || typeof body !== 'object' || Array.isArray(body)) {
		throw new SalesforceApiError(400, 'JSON_PARSER_ERROR', 'The request body must be a JSON object of field values');
	}
	const out: Record<string, unknown> = {};
	for (const [name, value] of Object.entries(body as Record<string, unknown>)) {
		if (name === 'attributes') continue;
		const field = def.fieldIndex.get(name.toLowerCase());
		if (!field) throw new SalesforceApiError(400, 'INVALID_FIELD', `No such column '${name}' on sobject of type ${def.name}`, []);
		if (!(operation === 'create' ? field.createable : field.updateable)) {
			throw new SalesforceApiError(
				400,
				'INVALID_FIELD_FOR_INSERT_UPDATE',
				`Unable to create/update fields: ${field.name}. Please check the security settings of this field and verify that it is read/write for your profile or permission set.`,
				[field.name],
			);
		}
		out[field.name] = checkedValue(field, value);
	}
	return out;
}

function checkedValue(field: FieldDef, value: unknown): unknown {
	if (value === null || value === undefined) {
		if (!field.nillable) {
			throw new SalesforceApiError(400, 'REQUIRED_FIELD_MISSING', `Required fields are missing: [${field.name}]`, [field.name]);
		}
		return null;
	}
	const expected = field.type === 'boolean' ? 'boolean' : field.type === 'double' || field.type === 'int' ? 'number' : 'string';
	const coerced = expected === 'number' && typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
	if (typeof coerced !== expected || (expected === 'number' && Number.isNaN(coerced))) {
		throw new SalesforceApiError(
			400,
			'JSON_PARSER_ERROR',
			`Cannot deserialize instance of ${field.type} from ${typeof value === 'string' ? 'VALUE_STRING' : 'VALUE'} value ${JSON.stringify(value)} or request may be missing a required field`,
		);
	}
	if (expected === 'string' && (coerced as string).length > field.length) {
		throw new SalesforceApiError(
			400,
			'STRING_TOO_LONG',
			`${field.label}: data value too large: ${coerced as string} (max length=${field.length})`,
			[field.name],
		);
	}
	if (field.picklistValues && field.name === 'NotifyForFields' && !field.picklistValues.includes(coerced as string)) {
		throw new SalesforceApiError(
			400,
			'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST',
			`${field.label}: bad value for restricted picklist field: ${coerced as string}`,
			[field.name],
		);
	}
	return coerced;
}

/** A validated write, applied later so composite allOrNone can reject the whole batch first. */
type PreparedWrite = () => string;

const PUSH_TOPIC_DEFAULTS = {
	IsActive: true,
	NotifyForFields: 'Referenced',
	NotifyForOperations: 'All',
	NotifyForOperationCreate: true,
	NotifyForOperationUpdate: true,
	NotifyForOperationDelete: true,
	NotifyForOperationUndelete: true,
	Description: null,
};

function checkPushTopic(ctx: RestContext, fields: Record<string, unknown>, selfId?: string): void {
	const missing = ['Name', 'Query', 'ApiVersion'].filter((f) => fields[f] === undefined || fields[f] === null);
	if (missing.length > 0) throw new SalesforceApiError(400, 'REQUIRED_FIELD_MISSING', `Required fields are missing: [${missing.join(', ')}]`, missing);
	const duplicate = [...ctx.org.table('PushTopic').values()].find((t) => t.Name === fields.Name && t.Id !== selfId);
	if (duplicate) {
		throw new SalesforceApiError(400, 'DUPLICATE_VALUE', `duplicate value found: Name duplicates value on record with id: ${duplicate.Id}`, ['Name']);
	}
	if ((fields.ApiVersion as number) <= 20) {
		throw new SalesforceApiError(400, 'FIELD_INTEGRITY_EXCEPTION', 'API Version: must be greater than 20.0', ['ApiVersion']);
	}
	compilePushTopicQuery(ctx.org, fields.Query as string);
}

/** A PushTopic as clients create it: the createable fields (Name, Query, ApiVersion, NotifyFor…, IsActive). */
export type PushTopicDefinition = Record<string, unknown> & { Name: string; Query: string; ApiVersion: number };

/** The createable fields of every live PushTopic: org configuration a restarted emulator is given back. */
export function pushTopicDefinitions(org: Org): PushTopicDefinition[] {
	const writable = findObject('PushTopic')!.fields.filter((f) => f.createable).map((f) => f.name);
	return [...org.table('PushTopic').values()].map(
		(topic) => Object.fromEntries(writable.map((name) => [name, topic[name]])) as PushTopicDefinition,
	);
}

/** Creates PushTopics an earlier run of the org had, checked as a create would be (not counted as writes). */
export function restorePushTopics(ctx: RestContext, topics: PushTopicDefinition[]): void {
	const def = findObject('PushTopic')!;
	topics.forEach((topic, i) => {
		try {
			const record = { ...PUSH_TOPIC_DEFAULTS, ...checkedFields(def, topic, 'create') };
			checkPushTopic(ctx, record);
			ctx.org.insert('PushTopic', record, ctx.org.integrationUserId);
		} catch (error) {
			if (!(error instanceof SalesforceApiError)) throw error;
			throw new Error(`pushTopics[${i}] (${String(topic?.Name)}): ${error.errorCode}: ${error.message}`);
		}
	});
}

function prepareCreate(ctx: RestContext, def: ObjectDef, body: unknown, actorId: string): PreparedWrite {
	if (!def.createable) throw cannot(def, 'inserted');
	const fields = checkedFields(def, body, 'create');
	if (def.platformEvent) {
		const event = Object.fromEntries(def.fields.filter((f) => f.createable).map((f) => [f.name, fields[f.name] ?? null]));
		return () => {
			ctx.router.countWrite('presence-command');
			ctx.streaming.publishCommand(event, actorId);
			return ctx.org.ids.nextRuntime(def.keyPrefix);
		};
	}
	// PushTopic is the only other createable object.
	const record = { ...PUSH_TOPIC_DEFAULTS, ...fields };
	checkPushTopic(ctx, record);
	return () => {
		ctx.router.countWrite('pushtopic');
		return ctx.org.insert('PushTopic', record, actorId).Id;
	};
}

/** A live record; one in the recycle bin is ENTITY_IS_DELETED, as Salesforce answers a second DELETE. */
function existing(ctx: RestContext, def: ObjectDef, id: string): SfRecord {
	const record = ctx.org.get(def.name, id);
	if (!record) throw new SalesforceApiError(404, 'NOT_FOUND', 'The requested resource does not exist');
	if (record.IsDeleted === true) throw new SalesforceApiError(404, 'ENTITY_IS_DELETED', 'entity is deleted');
	return record;
}

function prepareUpdate(ctx: RestContext, def: ObjectDef, id: string, body: unknown, actorId: string): PreparedWrite {
	if (!def.updateable) throw cannot(def, 'updated');
	// PushTopic is the only updateable object.
	const fields = checkedFields(def, body, 'update');
	const record = existing(ctx, def, id);
	checkPushTopic(ctx, { ...record, ...fields }, record.Id);
	return () => {
		ctx.router.countWrite('pushtopic');
		ctx.org.update('PushTopic', record, fields, actorId);
		return record.Id;
	};
}

function prepareDelete(ctx: RestContext, def: ObjectDef, id: string, actorId: string): PreparedWrite {
	if (!def.deletable) throw cannot(def, 'deleted');
	const record = existing(ctx, def, id);
	return () => {
		if (def.name === 'UserServicePresence') {
			ctx.router.countWrite('presence-delete');
			ctx.org.deletePresenceRow(record, actorId);
		} else {
			ctx.router.countWrite('pushtopic');
			ctx.org.purge(def.name, record, actorId);
		}
		return record.Id;
	};
}

// ---- composite -----------------------------------------------------------------------------------

interface CompositeResult {
	id?: string;
	success: boolean;
	errors: Array<{ statusCode: string; message: string; fields: string[] }>;
}

function runComposite(allOrNone: boolean, items: Array<() => PreparedWrite>): CompositeResult[] {
	if (items.length > MAX_COMPOSITE_RECORDS) {
		throw new SalesforceApiError(
			400,
			'EXCEEDED_ID_LIMIT',
			`record limit reached. cannot submit more than ${MAX_COMPOSITE_RECORDS} records into this call`,
		);
	}
	const prepared = items.map((prepare) => {
		try {
			return { write: prepare() };
		} catch (error) {
			if (!(error instanceof SalesforceApiError)) throw error;
			return { error };
		}
	});
	const failed = prepared.some((p) => p.error);
	return prepared.map((p): CompositeResult => {
		if (p.error) {
			return { success: false, errors: [{ statusCode: p.error.errorCode, message: p.error.message, fields: p.error.fields ?? [] }] };
		}
		if (allOrNone && failed) {
			return {
				success: false,
				errors: [
					{
						statusCode: 'ALL_OR_NONE_OPERATION_ROLLED_BACK',
						message: 'Record rolled back because not all records were valid and the request was using AllOrNone header',
						fields: [],
					},
				],
			};
		}
		return { id: p.write!(), success: true, errors: [] };
	});
}

function compositeRecords(body: any): { allOrNone: boolean; records: Array<Record<string, unknown>> } {
	if (!body || !Array.isArray(body.records)) {
		throw new SalesforceApiError(400, 'JSON_PARSER_ERROR', 'The request body must be {"allOrNone": boolean, "records": [...]}');
	}
	return { allOrNone: body.allOrNone === true, records: body.records };
}

function typeOf(record: Record<string, unknown>): ObjectDef {
	const type = (record.attributes as { type?: string } | undefined)?.type;
	const def = type ? findObject(type) : undefined;
	if (!def) throw new SalesforceApiError(400, 'INVALID_TYPE', type ? `sObject type '${type}' is not supported.` : 'sObject type is required in attributes.type');
	return def;
}

// ---- routes --------------------------------------------------------------------------------------

export function addRestRoutes(ctx: RestContext): void {
	const { router, org } = ctx;
	const cursors = new QueryCursors(org);

	router.guard((req) => {
		if (!req.path.toLowerCase().startsWith('/services/data/') || req.params.version === undefined) return undefined;
		const match = /^v(\d+)\.0$/.exec(req.params.version);
		if (!match || Number(match[1]) < MIN_API_VERSION || Number(match[1]) > MAX_API_VERSION) return notFound().toReply();
		if (!ctx.tokens.session(bearerToken(req.headers))) {
			return json(401, [{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }]);
		}
		return undefined;
	});
	router.decorate((req, reply) => {
		if (!req.path.toLowerCase().startsWith('/services/data')) return;
		reply.headers = { ...(reply.headers ?? {}), 'Sforce-Limit-Info': `api-usage=${apiUsage(router)}/${DAILY_API_LIMIT}` };
	});

	const versions = () => json(200, versionList());
	router.add('GET', '/services/data', versions);
	router.add('GET', '/services/data/', versions);

	router.add('GET', DATA_PREFIX, (req) => {
		const base = `/services/data/${req.params.version}`;
		const resources = ['sobjects', 'query', 'queryAll', 'limits', 'composite'];
		return json(200, Object.fromEntries(resources.map((r) => [r, `${base}/${r}`])));
	});

	router.add('GET', `${DATA_PREFIX}/limits`, () => {
		const remaining = Math.max(0, DAILY_API_LIMIT - apiUsage(router));
		return json(200, {
			DailyApiRequests: { Max: DAILY_API_LIMIT, Remaining: remaining },
			DailyStreamingApiEvents: { Max: 10_000, Remaining: 10_000 },
			DailyDurableStreamingApiEvents: { Max: 10_000, Remaining: 10_000 },
			HourlyPublishedPlatformEvents: { Max: 50_000, Remaining: 50_000 },
			DailyDeliveredPlatformEvents: { Max: 10_000, Remaining: 10_000 },
			MonthlyPlatformEventsUsageEntitlement: { Max: 0, Remaining: 0 },
		});
	});

	for (const resource of ['query', 'queryAll'] as const) {
		router.add('GET', `${DATA_PREFIX}/${resource}`, (req) =>
			guarded(() => {
				const version = req.params.version;
				const compiled = compileQuery(org, parseSoql(req.query.get('q') ?? ''));
				const rows = runQuery(org, compiled, resource === 'queryAll');
				const records = rows.map((row) => serializeRecord(org, compiled.object, row, compiled.select, version));
				return json(200, cursors.firstPage(records, version, resource));
			}),
		);
		router.add('GET', `${DATA_PREFIX}/${resource}/:locator`, (req) =>
			guarded(() => json(200, cursors.nextPage(req.params.locator, req.params.version, resource))),
		);
	}

	router.add('GET', `${DATA_PREFIX}/sobjects`, (req) =>
		json(200, {
			encoding: 'UTF-8',
			maxBatchSize: MAX_COMPOSITE_RECORDS,
			sobjects: allObjects().map((def) => describeGlobalEntry(def, req.params.version)),
		}),
	);

	router.add('GET', `${DATA_PREFIX}/sobjects/:type/describe`, (req) =>
		guarded(() => json(200, describeObject(objectOr404(req.params.type), req.params.version))),
	);

	router.add('GET', `${DATA_PREFIX}/sobjects/:type`, (req) =>
		guarded(() => json(200, { objectDescribe: describeGlobalEntry(objectOr404(req.params.type), req.params.version), recentItems: [] })),
	);

	router.add('GET', `${DATA_PREFIX}/sobjects/:type/:id`, (req) =>
		guarded(() => {
			const def = objectOr404(req.params.type);
			if (!def.queryable) throw notFound();
			const record = existing(ctx, def, req.params.id);
			const wanted = req.query.get('fields');
			let fields: ResolvedField[] = allFields(def);
			if (wanted) {
				fields = wanted.split(',').map((name) => {
					const leaf = def.fieldIndex.get(name.trim().toLowerCase());
					if (!leaf) throw new SalesforceApiError(400, 'INVALID_FIELD', `No such column '${name.trim()}' on sobject of type ${def.name}`);
					return { hops: [], leaf, names: [leaf.name] };
				});
			}
			return json(200, serializeRecord(org, def, record, fields, req.params.version));
		}),
	);

	router.add('POST', `${DATA_PREFIX}/sobjects/:type`, (req) =>
		guarded(() => {
			const def = objectOr404(req.params.type);
			const id = prepareCreate(ctx, def, req.body, sessionUser(ctx, req))();
			return json(201, { id, success: true, errors: [] });
		}),
	);

	router.add('PATCH', `${DATA_PREFIX}/sobjects/:type/:id`, (req) =>
		guarded(() => {
			prepareUpdate(ctx, objectOr404(req.params.type), req.params.id, req.body, sessionUser(ctx, req))();
			return empty(204);
		}),
	);

	router.add('DELETE', `${DATA_PREFIX}/sobjects/:type/:id`, (req) =>
		guarded(() => {
			prepareDelete(ctx, objectOr404(req.params.type), req.params.id, sessionUser(ctx, req))();
			return empty(204);
		}),
	);

	router.add('POST', `${DATA_PREFIX}/composite/sobjects`, (req) =>
		guarded(() => {
			const { allOrNone, records } = compositeRecords(req.body);
			const actor = sessionUser(ctx, req);
			return json(200, runComposite(allOrNone, records.map((r) => () => prepareCreate(ctx, typeOf(r), r, actor))));
		}),
	);

	router.add('PATCH', `${DATA_PREFIX}/composite/sobjects`, (req) =>
		guarded(() => {
			const { allOrNone, records } = compositeRecords(req.body);
			const actor = sessionUser(ctx, req);
			return json(
				200,
				runComposite(
					allOrNone,
					records.map((r) => () => {
						const { Id, id, ...fields } = r;
						return prepareUpdate(ctx, typeOf(r), String(Id ?? id ?? ''), fields, actor);
					}),
				),
			);
		}),
	);

	router.add('DELETE', `${DATA_PREFIX}/composite/sobjects`, (req) =>
		guarded(() => {
			const ids = (req.query.get('ids') ?? '').split(',').filter(Boolean);
			const actor = sessionUser(ctx, req);
			return json(
				200,
				runComposite(
					req.query.get('allOrNone') === 'true',
					ids.map((id) => () => {
						const def = allObjects().find((o) => id.startsWith(o.keyPrefix));
						if (!def) throw new SalesforceApiError(400, 'MALFORMED_ID', `malformed id ${id}`);
						return prepareDelete(ctx, def, id, actor);
					}),
				),
			);
		}),
	);
}
