/**
 * Small value parsers and the synthetic-id scheme shared by the adapters.
 */
import { hash } from 'node:crypto';

export interface NumberOptions {
	/** "1.234,5" means 1234.5 (continental Europe); default false ("1,234.5"). */
	decimalComma?: boolean;
}

const SPACES = /[\s\u00a0\u202f']/g;
const PLAIN_NUMBER = /^-?\d{1,15}(\.\d+)?$/;

/**
 * A number as people and spreadsheets write it: surrounding spaces, thousands separators
 * ("1,234.5", "1 234,5", "1'234"), a leading + or −. Returns null for blank text and NaN for text that
 * is not a number, so callers can tell "missing" from "wrong".
 * @example parseNumber('1,234.5') // 1234.5
 */
export function parseNumber(text: string | undefined, options: NumberOptions = {}): number | null {
	if (text === undefined) return null;
	let s = text.trim();
	if (s === '') return null;
	if (!options.decimalComma && PLAIN_NUMBER.test(s)) return Number(s);
	s = s.replace(SPACES, '').replace(/^\u2212/, '-');
	if (options.decimalComma) {
		if (!/^[+-]?(\d{1,3}(\.\d{3})+|\d+)(,\d+)?$/.test(s)) return Number.NaN;
		s = s.replace(/\./g, '').replace(',', '.');
	} else {
		if (!/^[+-]?(\d{1,3}(,\d{3})+|\d+)?(\.\d+)?([eE][+-]?\d+)?$/.test(s) || !/\d/.test(s))
			return Number.NaN;
		s = s.replace(/,/g, '');
	}
	const n = Number(s);
	return Number.isFinite(n) ? n : Number.NaN;
}

/** Result of reading a lon/lat pair; `error` names the field that is wrong. */
export type LonLatResult =
	| { ok: true; lon: number; lat: number }
	| { ok: true; lon: null; lat: null }
	| { ok: false; field: string; reason: string };

/**
 * Longitude/latitude columns: both blank → no location (not an error: the record still counts);
 * one blank, non-numeric or out of range → an error naming the column.
 */
export function readLonLat(
	lonText: string | undefined,
	latText: string | undefined,
	fields: { lon: string; lat: string },
	options: NumberOptions = {}
): LonLatResult {
	const lon = parseNumber(lonText, options);
	const lat = parseNumber(latText, options);
	if (lon === null && lat === null) return { ok: true, lon: null, lat: null };
	if (lon === null)
		return { ok: false, field: fields.lon, reason: 'longitude is blank but latitude is not' };
	if (lat === null)
		return { ok: false, field: fields.lat, reason: 'latitude is blank but longitude is not' };
	if (Number.isNaN(lon))
		return { ok: false, field: fields.lon, reason: `not a number: "${lonText}"` };
	if (Number.isNaN(lat))
		return { ok: false, field: fields.lat, reason: `not a number: "${latText}"` };
	if (lon < -180 || lon > 180)
		return { ok: false, field: fields.lon, reason: `longitude ${lon} is outside −180..180` };
	if (lat < -90 || lat > 90)
		return { ok: false, field: fields.lat, reason: `latitude ${lat} is outside −90..90` };
	return { ok: true, lon, lat };
}

/**
 * Deterministic ids for rows that have none (police.uk anti-social behaviour, files without an id
 * column): a hash of the row's content plus the ordinal of that exact content within the file.
 *
 * - Re-importing the same file gives the same ids (same content, same order) → nothing is added twice.
 * - Two genuinely identical rows in one file (two ASB reports at the same snapped point in the same
 *   month) get ordinals 1 and 2 and stay two incidents.
 * - A row's id does not depend on unrelated rows, so inserting other rows elsewhere in a re-published
 *   file does not renumber it.
 *
 * Memory: one Map entry per distinct content (a 52-bit number key), ~40 bytes each. Two contents that
 * share a key only share a counter — their ids still differ by the full 80-bit content hash.
 */
export class SyntheticIds {
	private readonly seen = new Map<number, number>();

	constructor(private readonly prefix: string) {}

	next(content: string): string {
		const digest = hash('sha1', content, 'hex').slice(0, 20);
		const slot = Number.parseInt(digest.slice(0, 13), 16);
		const ordinal = (this.seen.get(slot) ?? 0) + 1;
		this.seen.set(slot, ordinal);
		return `${this.prefix}${digest}-${ordinal}`;
	}

	reset(): void {
		this.seen.clear();
	}
}

/** Content key of a row for `SyntheticIds`: values joined with a separator that cannot occur in CSV text. */
export function contentKey(values: readonly string[]): string {
	return values.map((v) => v.trim()).join('\u001f');
}
