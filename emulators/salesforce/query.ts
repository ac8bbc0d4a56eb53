/**
 * Runs parsed SOQL against the org: resolves names against the schema (INVALID_FIELD / INVALID_TYPE with
 * Salesforce's wording), type-checks filter literals, evaluates WHERE/ORDER BY/LIMIT, serializes records
 * in the REST shape (attributes + nested parent relationships) and pages results through query locators.
 */
import { SalesforceApiError } from './errors';
import type { Org, SfRecord } from './org';
import { findObject, serializeValue, type FieldDef, type ObjectDef, type ValueStyle } from './schema';
import { positionedMessage, type Condition, type FieldRef, type Literal, type SoqlQuery } from './soql';
import { sameId } from './ids';

/** A field path resolved against the schema: the relationship hops, then the leaf field. */
export interface ResolvedField {
	hops: FieldDef[];
	leaf: FieldDef;
	/** Canonical names: relationship names, then the leaf field name. */
	names: string[];
}

export interface CompiledQuery {
	source: SoqlQuery;
	object: ObjectDef;
	select: ResolvedField[];
	where?: (record: SfRecord) => boolean;
	/** Every field the WHERE clause reads (for PushTopic NotifyForFields). */
	whereFields: ResolvedField[];
	order: Array<{ field: ResolvedField; descending: boolean; nullsLast: boolean }>;
	limit?: number;
	offset?: number;
}

const CUSTOM_FIELD_HINT =
	"If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.";

function invalidField(query: SoqlQuery, pos: number, detail: string): SalesforceApiError {
	return new SalesforceApiError(400, 'INVALID_FIELD', positionedMessage(query.text, pos, detail));
}

export function resolveField(query: SoqlQuery, object: ObjectDef, ref: FieldRef): ResolvedField {
	const hops: FieldDef[] = [];
	let current = object;
	for (const relationship of ref.path.slice(0, -1)) {
		const hop = current.relationshipIndex.get(relationship.toLowerCase());
		if (!hop) {
			throw invalidField(
				query,
				ref.pos,
				`Didn't understand relationship '${relationship}' in field path. If you are attempting to use a custom relationship, be sure to append the '__r' after the custom relationship name. Please reference your WSDL or the describe call for the appropriate names.`,
			);
		}
		hops.push(hop);
		current = findObject(hop.referenceTo!)!;
	}
	const name = ref.path[ref.path.length - 1];
	const leaf = current.fieldIndex.get(name.toLowerCase());
	if (!leaf) {
		const shown = ref.path.join('.');
		throw invalidField(query, ref.pos, `No such column '${shown}' on entity '${current.name}'. ${CUSTOM_FIELD_HINT}`);
	}
	return { hops, leaf, names: [...hops.map((h) => h.relationshipName!), leaf.name] };
}

/** Follows the relationship hops; undefined when a parent is missing (the value is then null). */
function parentOf(org: Org, record: SfRecord, field: ResolvedField): SfRecord | undefined {
	let current: SfRecord | undefined = record;
	for (const hop of field.hops) {
		const id: unknown = current[hop.name];
		current = typeof id === 'string' ? org.get(hop.referenceTo!, id) : undefined;
		if (!current) return undefined;
	}
	return current;
}

export function valueOf(org: Org, record: SfRecord, field: ResolvedField): unknown {
	const holder = parentOf(org, record, field);
	const value = holder?.[field.leaf.name];
	return value === undefined ? null : value;
}

// ---- filters -------------------------------------------------------------------------------------

const TEXT_TYPES = new Set(['string', 'email', 'textarea', 'picklist']);
const ID_TYPES = new Set(['id', 'reference']);

/** Checks a literal fits the field, with Salesforce's messages, and returns it as a comparable value. */
function literalFor(query: SoqlQuery, field: ResolvedField, literal: Literal): unknown {
	if (literal.kind === 'null') return null;
	const type = field.leaf.type;
	const name = field.names.join('.');
	const mismatch = (expected: string, quoted: boolean) =>
		invalidField(
			query,
			literal.pos,
			`value of filter criterion for field '${name}' must be of type ${expected} and should ${quoted ? '' : 'not '}be enclosed in quotes`,
		);
	if (type === 'boolean') {
		if (literal.kind !== 'boolean') throw mismatch('boolean', false);
		return literal.value;
	}
	if (type === 'datetime') {
		if (literal.kind !== 'datetime') throw mismatch('dateTime', false);
		return literal.value;
	}
	if (type === 'int' || type === 'double') {
		if (literal.kind !== 'number') throw mismatch(type === 'int' ? 'int' : 'double', false);
		return literal.value;
	}
	if (literal.kind !== 'string') throw mismatch('string', true);
	if (ID_TYPES.has(type) && !/^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$/.test(literal.value)) {
		throw new SalesforceApiError(
			400,
			'INVALID_QUERY_FILTER_OPERATOR',
			positionedMessage(query.text, literal.pos, `invalid ID field: ${literal.value}`),
		);
	}
	return literal.value;
}

/** SOQL text comparison is case-insensitive; ids compare on their 15-character form. */
function compareValues(type: string, a: unknown, b: unknown): number {
	if (ID_TYPES.has(type)) return sameId(String(a), String(b)) ? 0 : String(a) < String(b) ? -1 : 1;
	if (TEXT_TYPES.has(type)) {
		const x = String(a).toLowerCase();
		const y = String(b).toLowerCase();
		return x === y ? 0 : x < y ? -1 : 1;
	}
	if (type === 'boolean') return Number(a) - Number(b);
	return (a as number) - (b as number);
}

function likeRegex(pattern: string): RegExp {
	let source = '';
	for (let i = 0; i < pattern.length; i++) {
		const c = pattern[i];
		if (c === '\\' && (pattern[i + 1] === '%' || pattern[i + 1] === '_')) {
			source += pattern[++i];
		} else if (c === '%') source += '.*';
		else if (c === '_') source += '.';
		else source += c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
	}
	return new RegExp(`^${source}$`, 'is');
}

function compileCondition(
	org: Org,
	query: SoqlQuery,
	object: ObjectDef,
	condition: Condition,
	used: ResolvedField[],
): (record: SfRecord) => boolean {
	switch (condition.kind) {
		case 'and': {
			const left = compileCondition(org, query, object, condition.left, used);
			const right = compileCondition(org, query, object, condition.right, used);
			return (r) => left(r) && right(r);
		}
		case 'or': {
			const left = compileCondition(org, query, object, condition.left, used);
			const right = compileCondition(org, query, object, condition.right, used);
			return (r) => left(r) || right(r);
		}
		case 'not': {
			const operand = compileCondition(org, query, object, condition.operand, used);
			return (r) => !operand(r);
		}
		case 'compare': {
			const field = resolveField(query, object, condition.field);
			used.push(field);
			const expected = literalFor(query, field, condition.value);
			const type = field.leaf.type;
			const op = condition.op;
			return (record) => {
				const actual = valueOf(org, record, field);
				if (expected === null || actual === null) {
					if (op === '=') return actual === expected;
					if (op === '!=') return actual !== expected;
					return false;
				}
				const c = compareValues(type, actual, expected);
				switch (op) {
					case '=':
						return c === 0;
					case '!=':
						return c !== 0;
					case '<':
						return c < 0;
					case '>':
						return c > 0;
					case '<=':
						return c <= 0;
					case '>=':
						return c >= 0;
				}
			};
		}
		case 'in': {
			const field = resolveField(query, object, condition.field);
			used.push(field);
			const values = condition.values.map((v) => literalFor(query, field, v));
			const type = field.leaf.type;
			return (record) => {
				const actual = valueOf(org, record, field);
				const found = values.some((v) => (v === null || actual === null ? v === actual : compareValues(type, actual, v) === 0));
				return condition.negated ? !found : found;
			};
		}
		case 'like': {
			const field = resolveField(query, object, condition.field);
			used.push(field);
			if (!TEXT_TYPES.has(field.leaf.type) || condition.pattern.kind !== 'string') {
				throw invalidField(query, condition.pattern.pos, `invalid operator on ${field.leaf.type} field: LIKE`);
			}
			const regex = likeRegex(condition.pattern.value);
			return (record) => {
				const actual = valueOf(org, record, field);
				return actual !== null && regex.test(String(actual));
			};
		}
	}
}

export function compileQuery(org: Org, query: SoqlQuery): CompiledQuery {
	const object = findObject(query.object.name);
	if (!object || !object.queryable) {
		throw new SalesforceApiError(
			400,
			'INVALID_TYPE',
			positionedMessage(
				query.text,
				query.object.pos,
				`sObject type '${query.object.name}' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name. Please reference your WSDL or the describe call for the appropriate names.`,
			),
		);
	}
	const select = query.fields.map((ref) => resolveField(query, object, ref));
	const seen = new Set<string>();
	select.forEach((field, i) => {
		const key = field.names.join('.').toLowerCase();
		if (seen.has(key)) {
			throw new SalesforceApiError(
				400,
				'MALFORMED_QUERY',
				positionedMessage(query.text, query.fields[i].pos, `duplicate field selected: ${field.names.join('.')}`),
			);
		}
		seen.add(key);
	});
	const whereFields: ResolvedField[] = [];
	return {
		source: query,
		object,
		select,
		where: query.where && compileCondition(org, query, object, query.where, whereFields),
		whereFields,
		order: query.orderBy.map((item) => ({
			field: resolveField(query, object, item.field),
			descending: item.descending,
			nullsLast: item.nullsLast,
		})),
		limit: query.limit,
		offset: query.offset,
	};
}

export function runQuery(org: Org, compiled: CompiledQuery, includeDeleted: boolean): SfRecord[] {
	let rows = [...org.table(compiled.object.name).values()].filter(
		(r) => (includeDeleted || r.IsDeleted !== true) && (!compiled.where || compiled.where(r)),
	);
	if (compiled.order.length > 0) {
		const keyed = rows.map((row) => ({ row, keys: compiled.order.map((o) => valueOf(org, row, o.field)) }));
		keyed.sort((a, b) => {
			for (let i = 0; i < compiled.order.length; i++) {
				const { field, descending, nullsLast } = compiled.order[i];
				const x = a.keys[i];
				const y = b.keys[i];
				if (x === null && y === null) continue;
				if (x === null || y === null) return (x === null) === nullsLast ? 1 : -1;
				const c = compareValues(field.leaf.type, x, y);
				if (c !== 0) return descending ? -c : c;
			}
			return 0;
		});
		rows = keyed.map((k) => k.row);
	}
	const start = compiled.offset ?? 0;
	return rows.slice(start, compiled.limit === undefined ? undefined : start + compiled.limit);
}

// ---- serialization -------------------------------------------------------------------------------

const attributesOf = (type: string, id: string, version: string) => ({
	type,
	url: `/services/data/${version}/sobjects/${type}/${id}`,
});

/** The REST shape of a record: attributes, then the selected fields, parents as nested objects or null. */
export function serializeRecord(
	org: Org,
	object: ObjectDef,
	record: SfRecord,
	fields: ResolvedField[],
	version: string,
	style: ValueStyle = 'rest',
): Record<string, unknown> {
	const out: Record<string, unknown> = { attributes: attributesOf(object.name, record.Id, version) };
	for (const field of fields) {
		let target = out;
		let holder: SfRecord | undefined = record;
		let dead = false;
		for (const hop of field.hops) {
			const parentId: unknown = holder?.[hop.name];
			const parentObject = hop.referenceTo!;
			holder = typeof parentId === 'string' ? org.get(parentObject, parentId) : undefined;
			const key = hop.relationshipName!;
			if (!holder) {
				target[key] = null;
				dead = true;
				break;
			}
			if (!target[key]) target[key] = { attributes: attributesOf(parentObject, holder.Id, version) };
			target = target[key] as Record<string, unknown>;
		}
		if (!dead) target[field.leaf.name] = serializeValue(field.leaf, holder?.[field.leaf.name], style);
	}
	return out;
}

export function allFields(object: ObjectDef): ResolvedField[] {
	return object.fields.map((leaf) => ({ hops: [], leaf, names: [leaf.name] }));
}

// ---- paging --------------------------------------------------------------------------------------

export const QUERY_BATCH_SIZE = 2000;
const LOCATOR_IDLE_MS = 15 * 60_000;
const MAX_OPEN_LOCATORS = 200;

interface Cursor {
	records: Record<string, unknown>[];
	touchedAt: number;
}

export interface QueryPage {
	totalSize: number;
	done: boolean;
	nextRecordsUrl?: string;
	records: Record<string, unknown>[];
}

/** Holds result sets between pages; a locator is "<cursor id>-<offset>", as in nextRecordsUrl. */
export class QueryCursors {
	private readonly cursors = new Map<string, Cursor>();

	constructor(private readonly org: Org) {}

	firstPage(records: Record<string, unknown>[], version: string, resource: 'query' | 'queryAll'): QueryPage {
		if (records.length <= QUERY_BATCH_SIZE) return { totalSize: records.length, done: true, records };
		this.evictStale();
		const id = this.org.ids.nextRuntime('01g');
		this.cursors.set(id, { records, touchedAt: Date.now() });
		return this.page(id, 0, version, resource);
	}

	nextPage(locator: string, version: string, resource: 'query' | 'queryAll'): QueryPage {
		const match = /^(.+)-(\d+)$/.exec(locator);
		const cursor = match && this.cursors.get(match[1]);
		const offset = match ? Number(match[2]) : NaN;
		if (!match || !cursor || offset > cursor.records.length || Date.now() - cursor.touchedAt > LOCATOR_IDLE_MS) {
			throw new SalesforceApiError(400, 'INVALID_QUERY_LOCATOR', 'invalid query locator');
		}
		cursor.touchedAt = Date.now();
		return this.page(match[1], offset, version, resource);
	}

	private page(id: string, offset: number, version: string, resource: 'query' | 'queryAll'): QueryPage {
		const records = this.cursors.get(id)!.records;
		const end = offset + QUERY_BATCH_SIZE;
		const done = end >= records.length;
		return {
			totalSize: records.length,
			done,
			...(done ? {} : { nextRecordsUrl: `/services/data/${version}/${resource}/${id}-${end}` }),
			records: records.slice(offset, end),
		};
	}

	private evictStale(): void {
		const now = Date.now();
		for (const [id, cursor] of this.cursors) {
			if (now - cursor.touchedAt > LOCATOR_IDLE_MS) this.cursors.delete(id);
		}
		while (this.cursors.size >= MAX_OPEN_LOCATORS) this.cursors.delete(this.cursors.keys().next().value!);
	}
}
