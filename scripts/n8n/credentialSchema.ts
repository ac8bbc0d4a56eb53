/**
 * Fits credential data to the JSON schema n8n 2.8.4's public API validates POST /api/v1/credentials with
 * (GET /api/v1/credentials/schema/{type}, reference/n8n.md §8). n8n derives that schema from the credential's
 * properties: `required` ignores defaults, and displayOptions become
 * `allOf: [{ if: { properties: { dep: … } }, then: { required: […] } }]` where an `if` on an absent property
 * passes vacuously. So missing required and condition properties get the type's defaults, as the editor would
 * prefill them. Types whose conditions name a property the schema itself forbids (OAuth2 types: grantType,
 * useDynamicClientRegistration) can never pass; the caller creates those through the editor's REST route.
 */
import type { IDataObject } from 'n8n-workflow';

export interface CredentialSchema {
	properties: Record<string, unknown>;
	required?: string[];
	allOf?: Array<{ if?: { properties?: Record<string, unknown> } }>;
}

export interface FittedCredentialData {
	data: IDataObject;
	/** Required or condition properties missing from data without a known default (fetch the type's defaults, then refit). */
	needsDefaults: string[];
	/** False when the public API schema cannot accept this type whatever the data. */
	publicApiAccepts: boolean;
}

function conditionProperties(schema: CredentialSchema): string[] {
	const names = (schema.allOf ?? []).flatMap((clause) => Object.keys(clause.if?.properties ?? {}));
	return [...new Set(names)];
}

export function fitCredentialData(
	schema: CredentialSchema,
	data: IDataObject,
	defaults: IDataObject = {},
): FittedCredentialData {
	const fitted: IDataObject = { ...data };
	// n8n injects allowedHttpRequestDomains/allowedDomains into every credential with authenticate;
	// the schema then requires allowedDomains unless the mode is given. 'all' is n8n's own default.
	if (
		'allowedHttpRequestDomains' in schema.properties &&
		fitted.allowedHttpRequestDomains === undefined &&
		fitted.allowedDomains === undefined
	) {
		fitted.allowedHttpRequestDomains = 'all';
	}
	let publicApiAccepts = true;
	const needsDefaults: string[] = [];
	// Required properties and those the conditions test get the type's defaults, as the editor prefills them.
	for (const name of new Set([...(schema.required ?? []), ...conditionProperties(schema)])) {
		if (fitted[name] !== undefined) continue;
		if (!(name in schema.properties)) publicApiAccepts = false;
		else if (defaults[name] !== undefined) fitted[name] = defaults[name];
		else needsDefaults.push(name);
	}
	return { data: fitted, needsDefaults, publicApiAccepts };
}
