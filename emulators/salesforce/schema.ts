/**
 * The emulated org's object model: the objects the package reads and writes, their fields, types and
 * relationships, and the describe payloads built from them. Query validation, record serialization and
 * write validation all read this one table, so an unknown field fails the same way everywhere.
 */
import { COMMAND_EVENT, COMMAND_FIELDS } from '../../lib/salesforce/companionContract';

export type FieldType =
	| 'id'
	| 'string'
	| 'email'
	| 'textarea'
	| 'picklist'
	| 'boolean'
	| 'datetime'
	| 'int'
	| 'double'
	| 'reference';

export interface FieldDef {
	name: string;
	label: string;
	type: FieldType;
	/** Target object of a reference field, and the name of the relationship it opens. */
	referenceTo?: string;
	relationshipName?: string;
	createable: boolean;
	updateable: boolean;
	nillable: boolean;
	length: number;
	/** Populated by the platform (Id, audit fields): never triggers a PushTopic notification. */
	system: boolean;
	picklistValues?: string[];
}

export interface ObjectDef {
	name: string;
	label: string;
	labelPlural: string;
	keyPrefix: string;
	createable: boolean;
	updateable: boolean;
	deletable: boolean;
	queryable: boolean;
	/** A Platform Event: insert-only, published to /event/<name>. */
	platformEvent: boolean;
	fields: FieldDef[];
	fieldIndex: Map<string, FieldDef>;
	relationshipIndex: Map<string, FieldDef>;
}

type FieldSpec = Partial<FieldDef> & { name: string; type: FieldType };

const LENGTHS: Partial<Record<FieldType, number>> = { id: 18, reference: 18, string: 255, email: 80, textarea: 1300, picklist: 40 };

function field(spec: FieldSpec): FieldDef {
	return {
		label: spec.name.replace(/__c$/, '').replace(/Id$/, ' ID').replace(/([a-z])([A-Z])/g, '$1 $2').replace(/_/g, ' '),
		createable: false,
		updateable: false,
		nillable: true,
		length: LENGTHS[spec.type] ?? 0,
		system: false,
		...spec,
	};
}

const writable = (spec: FieldSpec): FieldDef => field({ createable: true, updateable: true, ...spec });

function systemFields(options: { isDeleted: boolean }): FieldDef[] {
	const sys = (spec: FieldSpec) => field({ nillable: false, system: true, ...spec });
	return [
		sys({ name: 'Id', type: 'id', label: 'Record ID' }),
		...(options.isDeleted ? [sys({ name: 'IsDeleted', type: 'boolean', label: 'Deleted' })] : []),
		sys({ name: 'CreatedDate', type: 'datetime', label: 'Created Date' }),
		sys({ name: 'CreatedById', type: 'reference', referenceTo: 'User', relationshipName: 'CreatedBy', label: 'Created By ID' }),
		sys({ name: 'LastModifiedDate', type: 'datetime', label: 'Last Modified Date' }),
		sys({
			name: 'LastModifiedById',
			type: 'reference',
			referenceTo: 'User',
			relationshipName: 'LastModifiedBy',
			label: 'Last Modified By ID',
		}),
		sys({ name: 'SystemModstamp', type: 'datetime', label: 'System Modstamp' }),
	];
}

function object(
	spec: Omit<ObjectDef, 'fieldIndex' | 'relationshipIndex' | 'platformEvent' | 'fields'> & {
		fields: FieldDef[];
		platformEvent?: boolean;
		isDeleted?: boolean;
	},
): ObjectDef {
	const { isDeleted, ...rest } = spec;
	const fields = spec.platformEvent ? spec.fields : [...systemFields({ isDeleted: isDeleted ?? true }), ...spec.fields];
	return {
		...rest,
		platformEvent: spec.platformEvent ?? false,
		fields,
		fieldIndex: new Map(fields.map((f) => [f.name.toLowerCase(), f])),
		relationshipIndex: new Map(
			fields.filter((f) => f.relationshipName).map((f) => [f.relationshipName!.toLowerCase(), f]),
		),
	};
}

const NOTIFY_FOR_FIELDS = ['All', 'Referenced', 'Select', 'Where'];

/**
 * createable/updateable/deletable describe what the integration user may do in the emulated org; for
 * UserServicePresence they follow the object reference (delete and query only, never create/update).
 */
const OBJECTS: ObjectDef[] = [
	object({
		name: 'User',
		label: 'User',
		labelPlural: 'Users',
		keyPrefix: '005',
		createable: false,
		updateable: false,
		deletable: false,
		queryable: true,
		isDeleted: false,
		fields: [
			field({ name: 'Username', type: 'string', nillable: false, length: 80 }),
			field({ name: 'Email', type: 'email', nillable: false }),
			field({ name: 'FirstName', type: 'string', length: 40 }),
			field({ name: 'LastName', type: 'string', nillable: false, length: 80 }),
			field({ name: 'Name', type: 'string', nillable: false, label: 'Full Name', length: 121 }),
			field({ name: 'Alias', type: 'string', nillable: false, length: 8 }),
			field({ name: 'FederationIdentifier', type: 'string', label: 'Federation ID', length: 512 }),
			field({ name: 'IsActive', type: 'boolean', nillable: false, label: 'Active' }),
			field({ name: 'UserType', type: 'picklist', nillable: false, picklistValues: ['Standard'] }),
		],
	}),
	object({
		name: 'ServicePresenceStatus',
		label: 'Presence Status',
		labelPlural: 'Presence Statuses',
		keyPrefix: '0N5',
		createable: false,
		updateable: false,
		deletable: false,
		queryable: true,
		fields: [
			field({ name: 'DeveloperName', type: 'string', nillable: false, length: 80, label: 'Developer Name' }),
			field({ name: 'MasterLabel', type: 'string', nillable: false, length: 80, label: 'Label' }),
			field({ name: 'Language', type: 'picklist', picklistValues: ['en_US'] }),
		],
	}),
	object({
		name: 'ServiceChannel',
		label: 'Service Channel',
		labelPlural: 'Service Channels',
		keyPrefix: '0N9',
		createable: false,
		updateable: false,
		deletable: false,
		queryable: true,
		fields: [
			field({ name: 'DeveloperName', type: 'string', nillable: false, length: 80, label: 'Developer Name' }),
			field({ name: 'MasterLabel', type: 'string', nillable: false, length: 80, label: 'Label' }),
			field({ name: 'RelatedEntity', type: 'picklist', nillable: false, picklistValues: ['LiveChatTranscript', 'VoiceCall'] }),
		],
	}),
	object({
		name: 'ServiceChannelStatus',
		label: 'Service Channel Status',
		labelPlural: 'Service Channel Statuses',
		keyPrefix: '0N6',
		createable: false,
		updateable: false,
		deletable: false,
		queryable: true,
		fields: [
			field({ name: 'ServiceChannelId', type: 'reference', referenceTo: 'ServiceChannel', relationshipName: 'ServiceChannel' }),
			field({
				name: 'ServicePresenceStatusId',
				type: 'reference',
				referenceTo: 'ServicePresenceStatus',
				relationshipName: 'ServicePresenceStatus',
			}),
		],
	}),
	object({
		name: 'UserServicePresence',
		label: 'User Presence',
		labelPlural: 'User Presences',
		keyPrefix: '0Pd',
		createable: false,
		updateable: false,
		deletable: true,
		queryable: true,
		fields: [
			field({ name: 'Name', type: 'string', nillable: false, label: 'User Presence Name', length: 80 }),
			field({ name: 'OwnerId', type: 'reference', referenceTo: 'User', relationshipName: 'Owner', nillable: false }),
			field({ name: 'UserId', type: 'reference', referenceTo: 'User', relationshipName: 'User', nillable: false }),
			field({
				name: 'ServicePresenceStatusId',
				type: 'reference',
				referenceTo: 'ServicePresenceStatus',
				relationshipName: 'ServicePresenceStatus',
			}),
			field({ name: 'IsCurrentState', type: 'boolean', nillable: false }),
			field({ name: 'IsAway', type: 'boolean', nillable: false }),
			field({ name: 'StatusStartDate', type: 'datetime' }),
			field({ name: 'StatusEndDate', type: 'datetime' }),
			field({ name: 'StatusDuration', type: 'int' }),
			field({ name: 'ConfiguredCapacity', type: 'int' }),
			field({ name: 'AverageCapacity', type: 'int' }),
			field({ name: 'AtCapacityDuration', type: 'int' }),
			field({ name: 'IdleDuration', type: 'int' }),
		],
	}),
	object({
		name: 'PushTopic',
		label: 'Push Topic',
		labelPlural: 'Push Topics',
		keyPrefix: '0IF',
		createable: true,
		updateable: true,
		deletable: true,
		queryable: true,
		fields: [
			writable({ name: 'Name', type: 'string', nillable: false, length: 25 }),
			writable({ name: 'Query', type: 'string', nillable: false, length: 1300, label: 'SOQL Query' }),
			writable({ name: 'ApiVersion', type: 'double', nillable: false, label: 'API Version' }),
			writable({ name: 'IsActive', type: 'boolean', nillable: false, label: 'Is Active' }),
			writable({ name: 'NotifyForFields', type: 'picklist', nillable: false, picklistValues: NOTIFY_FOR_FIELDS }),
			field({ name: 'NotifyForOperations', type: 'picklist', nillable: false, picklistValues: ['All', 'Create', 'Extended', 'Update'] }),
			writable({ name: 'NotifyForOperationCreate', type: 'boolean', nillable: false }),
			writable({ name: 'NotifyForOperationUpdate', type: 'boolean', nillable: false }),
			writable({ name: 'NotifyForOperationDelete', type: 'boolean', nillable: false }),
			writable({ name: 'NotifyForOperationUndelete', type: 'boolean', nillable: false }),
			writable({ name: 'Description', type: 'string', length: 400 }),
		],
	}),
	object({
		name: COMMAND_EVENT,
		label: 'Presence Sync Command',
		labelPlural: 'Presence Sync Commands',
		keyPrefix: 'e00',
		createable: true,
		updateable: false,
		deletable: false,
		queryable: false,
		platformEvent: true,
		fields: [
			field({ name: 'ReplayId', type: 'string', label: 'Replay ID' }),
			field({ name: 'CreatedDate', type: 'datetime', nillable: false, system: true }),
			field({ name: 'CreatedById', type: 'reference', referenceTo: 'User', relationshipName: 'CreatedBy', nillable: false, system: true }),
			field({ name: 'EventUuid', type: 'string', label: 'Event UUID', length: 36 }),
			...Object.values(COMMAND_FIELDS).map((name) => writable({ name, type: 'string' })),
		],
	}),
];

const OBJECT_INDEX = new Map(OBJECTS.map((o) => [o.name.toLowerCase(), o]));

export function findObject(name: string): ObjectDef | undefined {
	return OBJECT_INDEX.get(name.toLowerCase());
}

export function allObjects(): ObjectDef[] {
	return OBJECTS;
}

/** REST writes datetimes as 2025-01-01T00:00:00.000+0000; streaming payloads use the Z form. */
export type ValueStyle = 'rest' | 'stream';

export function serializeValue(def: FieldDef, value: unknown, style: ValueStyle): unknown {
	if (value === undefined || value === null) return null;
	if (def.type === 'datetime') {
		const iso = new Date(value as number).toISOString();
		return style === 'rest' ? iso.replace('Z', '+0000') : iso;
	}
	return value;
}

const SOAP_TYPES: Record<FieldType, string> = {
	id: 'tns:ID',
	reference: 'tns:ID',
	string: 'xsd:string',
	email: 'xsd:string',
	textarea: 'xsd:string',
	picklist: 'xsd:string',
	boolean: 'xsd:boolean',
	datetime: 'xsd:dateTime',
	int: 'xsd:int',
	double: 'xsd:double',
};

export function describeObject(def: ObjectDef, version: string): Record<string, unknown> {
	const base = `/services/data/${version}/sobjects/${def.name}`;
	return {
		name: def.name,
		label: def.label,
		labelPlural: def.labelPlural,
		keyPrefix: def.keyPrefix,
		custom: def.name.endsWith('__c') || def.platformEvent,
		customSetting: false,
		createable: def.createable,
		updateable: def.updateable,
		deletable: def.deletable,
		undeletable: def.deletable,
		queryable: def.queryable,
		retrieveable: def.queryable,
		searchable: false,
		triggerable: !def.platformEvent && def.name !== 'UserServicePresence',
		layoutable: false,
		replicateable: def.queryable,
		mergeable: false,
		feedEnabled: false,
		activateable: false,
		childRelationships: [],
		recordTypeInfos: [],
		supportedScopes: [{ label: 'All', name: 'everything' }],
		urls: { sobject: base, describe: `${base}/describe`, rowTemplate: `${base}/{ID}` },
		fields: def.fields.map((f) => ({
			name: f.name,
			label: f.label,
			type: f.type,
			soapType: SOAP_TYPES[f.type],
			length: f.length,
			byteLength: f.length * 3,
			precision: 0,
			scale: f.type === 'double' ? 1 : 0,
			digits: f.type === 'int' ? 9 : 0,
			nillable: f.nillable,
			createable: f.createable,
			updateable: f.updateable,
			defaultedOnCreate: f.system || f.type === 'boolean',
			filterable: true,
			sortable: f.type !== 'textarea',
			groupable: f.type !== 'datetime' && f.type !== 'double',
			custom: f.name.endsWith('__c'),
			calculated: false,
			unique: false,
			externalId: false,
			idLookup: f.name === 'Id' || f.name === 'Username' || f.name === 'Email',
			nameField: f.name === 'Name',
			autoNumber: def.name === 'UserServicePresence' && f.name === 'Name',
			referenceTo: f.referenceTo ? [f.referenceTo] : [],
			relationshipName: f.relationshipName ?? null,
			picklistValues: (f.picklistValues ?? []).map((value) => ({
				active: true,
				defaultValue: f.name === 'NotifyForFields' && value === 'Referenced',
				label: value,
				validFor: null,
				value,
			})),
		})),
	};
}

export function describeGlobalEntry(def: ObjectDef, version: string): Record<string, unknown> {
	const base = `/services/data/${version}/sobjects/${def.name}`;
	return {
		name: def.name,
		label: def.label,
		labelPlural: def.labelPlural,
		keyPrefix: def.keyPrefix,
		custom: def.name.endsWith('__c') || def.platformEvent,
		createable: def.createable,
		updateable: def.updateable,
		deletable: def.deletable,
		queryable: def.queryable,
		retrieveable: def.queryable,
		urls: { sobject: base, describe: `${base}/describe`, rowTemplate: `${base}/{ID}` },
	};
}
