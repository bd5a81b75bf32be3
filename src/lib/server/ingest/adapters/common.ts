/**
 * Helpers shared by the format adapters: header checks and attribute collection.
 */
import { findColumn } from '../csv';
import { ImportError, type RowResult } from '../types';

/**
 * Resolves logical columns to the file's header names (case, spaces and underscores ignored, so
 * "Primary Type" = "primary_type"). Throws ImportError(E_HEADER) naming every missing column.
 */
export function resolveColumns<K extends string>(
	header: readonly string[],
	file: string,
	required: Record<K, string[]>,
	optional: Record<string, string[]> = {}
): Record<K, string> & Record<string, string | undefined> {
	const out: Record<string, string | undefined> = {};
	const missing: string[] = [];
	for (const [k, candidates] of Object.entries(required) as [K, string[]][]) {
		const hit = findColumn(header, ...candidates);
		if (hit === undefined) missing.push(candidates[0]);
		out[k] = hit;
	}
	for (const [k, candidates] of Object.entries(optional))
		out[k] = findColumn(header, ...candidates);
	if (missing.length > 0) {
		throw new ImportError(
			'E_HEADER',
			`missing required column${missing.length > 1 ? 's' : ''} ${missing.map((m) => `"${m}"`).join(', ')}; the header has ${header.map((h) => `"${h}"`).join(', ')}`,
			file
		);
	}
	return out as Record<K, string> & Record<string, string | undefined>;
}

/** Header columns kept as attributes: those the adapter did not consume (optionally only a listed set). */
export function attributeKeys(
	header: readonly string[],
	consumed: ReadonlySet<string>,
	only?: ReadonlySet<string>
): string[] {
	return header.filter((k) => !consumed.has(k) && (only === undefined || only.has(k)));
}

/** Non-empty values of the attribute columns, verbatim (blank values are dropped to keep rows small). */
export function collectAttributes(
	values: Record<string, string>,
	keys: readonly string[]
): Record<string, string> {
	const attributes: Record<string, string> = {};
	for (const k of keys) {
		const v = values[k];
		if (v !== undefined && v !== '') attributes[k] = v;
	}
	return attributes;
}

export function reject(field: string, reason: string): RowResult {
	return { ok: false, reject: { field, reason } };
}
