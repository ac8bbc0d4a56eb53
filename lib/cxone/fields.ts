/**
 * Readers for CXone's loosely typed JSON: field names and types drift between API versions and
 * endpoints (isAcw / isACW / IsAcw, "False" strings, 0 / "" for "no reason").
 */

/** The first of the named fields that is present. */
export function pick(raw: Record<string, unknown>, ...names: string[]): unknown {
	for (const name of names) if (raw[name] !== undefined && raw[name] !== null) return raw[name];
	return undefined;
}

export const bool = (value: unknown, fallback = false): boolean =>
	value === undefined ? fallback : value === true || String(value).toLowerCase() === 'true';

export const num = (value: unknown): number => (value === undefined || value === '' ? 0 : Number(value));

export const text = (value: unknown): string => (value === undefined || value === null ? '' : String(value));

/** Empty text and 0 stand for "none" in CXone payloads. */
export const optionalText = (value: unknown): string | null => (value === undefined || value === null || value === '' ? null : String(value));

export const optionalId = (value: unknown): number | null => {
	const id = Number(value);
	return value === undefined || value === null || value === '' || !Number.isFinite(id) || id === 0 ? null : id;
};
