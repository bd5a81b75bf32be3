/**
 * Helpers shared by the format adapters: header checks and attribute collection.
 */
import { findColumn } from '../csv';
import type { ParsedTime } from '../time';
import { ImportError, type RowRejected } from '../types';

/** Longest external id stored (the unique index refuses keys over ~2.7 kB; real ids are short). */
export const MAX_EXTERNAL_ID_CHARS = 200;
/** Earliest time accepted: anything before is a typo or a placeholder (1899-12-30 is Excel's day 0). */
export const EARLIEST_TIME = new Date(Date.UTC(1900, 0, 1));
/** How far past now a time may be before it is rejected as in the future (zones, clocks ahead). */
export const FUTURE_SLACK_MS = 24 * 3_600_000;

/**
 * The header as error messages show it: names cut to 60 characters, at most 40 of them (a binary
 * file read as CSV has a "header" of megabytes).
 */
export function describeHeader(header: readonly string[]): string {
	const names = header.slice(0, 40).map((h) => `"${h.length > 60 ? `${h.slice(0, 60)}…` : h}"`);
	return names.join(', ') + (header.length > 40 ? `, … (${header.length} columns)` : '');
}

/** A rejection for an id the database cannot key on, or null. */
export function checkExternalId(field: string, id: string): RowRejected | null {
	return id.length > MAX_EXTERNAL_ID_CHARS
		? reject(field, `id is ${id.length} characters long (at most ${MAX_EXTERNAL_ID_CHARS})`)
		: null;
}

/**
 * A rejection for a time no incident can have — before 1900 or in the future (beyond a day's slack) —
 * or null. `text` is the value as written, for the reason.
 */
export function checkTime(
	field: string,
	text: string,
	t: ParsedTime,
	now = Date.now()
): RowRejected | null {
	if (t.from < EARLIEST_TIME) return reject(field, `"${text}" is before 1900`);
	if (t.from.getTime() > now + FUTURE_SLACK_MS) return reject(field, `"${text}" is in the future`);
	return null;
}

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
			`missing required column${missing.length > 1 ? 's' : ''} ${missing.map((m) => `"${m}"`).join(', ')}; the header has ${describeHeader(header)}`,
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

export function reject(field: string, reason: string): RowRejected {
	return { ok: false, reject: { field, reason } };
}
