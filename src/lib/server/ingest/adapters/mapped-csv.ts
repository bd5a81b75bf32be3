/**
 * Any CSV through a JSON column mapping (see mapping.ts and docs/import-mapping.md). The GeoJSON
 * adapter reuses it with feature properties as columns and the point geometry as `@lon`/`@lat`.
 *
 * - Ids: the id column(s), joined with "|"; without an id mapping, a synthetic id from the row's
 *   content plus the ordinal of identical content in the file (stable on re-import, and identical rows
 *   stay separate incidents — as for police.uk anti-social behaviour).
 * - Times: parsed in the mapping's time zone; a format without a time of day gives a day (or month)
 *   window; `time.end` gives the window's end explicitly and must not be before the start.
 * - Category: `map` first, then `categoryFromText`; unmatched values → `other` (or rejected when
 *   `unmapped: "reject"`); `fixed` for single-type files. The original text is kept.
 * - Coordinates: lon/lat (WGS84, range-checked) or x/y in `crs` (passed on as `projected` for the
 *   runner to reproject; EPSG:4326 x/y are read as lon/lat). Both blank → imported without location.
 */
import { categoryFromText, categoryInfo, lookupCategory } from '../../../taxonomy';
import { headerKey } from '../csv';
import type { ImportMapping } from '../mapping';
import { compileTimeFormat, type ParsedTime, type TimeFormat } from '../time';
import type { Adapter, NormalisedIncident, RowResult, SourceRow } from '../types';
import { ImportError } from '../types';
import { contentKey, parseNumber, readLonLat, SyntheticIds } from '../values';
import {
	attributeKeys,
	checkExternalId,
	checkTime,
	collectAttributes,
	describeHeader,
	reject
} from './common';

interface TimeSpec {
	columns: string[];
	format: TimeFormat;
	label: string;
}

export interface MappedAdapterOptions {
	format?: string;
	/**
	 * Columns supplied by the reader rather than the file (GeoJSON geometry): their default use when
	 * the mapping has no location, and never kept as attributes.
	 */
	geometry?: { lon: string; lat: string; crs: string };
}

const TRUE_VALUES = ['true', 'yes', 'y', '1', 't'];

export function createMappedCsvAdapter(
	mapping: ImportMapping,
	options: MappedAdapterOptions = {}
): Adapter {
	const tz = mapping.timezone;
	const numberOptions = { decimalComma: mapping.numbers?.decimalComma ?? false };
	const ids = new SyntheticIds('row-');
	const categoryMap = new Map(
		Object.entries(mapping.category.map ?? {}).map(([k, v]) => [k.trim().toLowerCase(), v])
	);
	const sensitiveValues = new Set(
		(typeof mapping.sensitive === 'object' ? (mapping.sensitive.values ?? TRUE_VALUES) : []).map(
			(v) => v.trim().toLowerCase()
		)
	);
	const geometry = options.geometry;
	const useGeometry =
		geometry !== undefined &&
		mapping.location?.lon === undefined &&
		mapping.location?.x === undefined;

	// Resolved at begin(): mapping column names → the file's header names.
	let header: string[] = [];
	let col: (name: string) => string = (n) => n;
	let attrKeys: string[] = [];
	let time: TimeSpec;
	let end: TimeSpec | null = null;
	let reported: TimeSpec | null = null;
	let idColumns: string[] | null = null;

	function timeSpec(t: { column?: string; columns?: string[]; format: string }, label: string) {
		return {
			columns: (t.columns ?? [t.column!]).map(col),
			format: compileTimeFormat(t.format),
			label
		};
	}

	function readTime(spec: TimeSpec, v: Record<string, string>): ParsedTime | RowResult {
		const text = spec.columns
			.map((c) => (v[c] ?? '').trim())
			.filter((s) => s !== '')
			.join(' ');
		const field = spec.columns.join('+');
		if (text === '') return reject(field, `${spec.label} is blank`);
		const t = spec.format.parse(text, tz);
		if (!t)
			return reject(field, `${spec.label} "${text}" does not match format ${spec.format.pattern}`);
		return checkTime(field, text, t) ?? t;
	}

	return {
		format: options.format ?? 'csv',
		begin(h, file) {
			header = h;
			const byKey = new Map(h.map((name) => [headerKey(name), name]));
			const missing: string[] = [];
			const resolved = new Map<string, string>();
			col = (name: string) => {
				let hit = resolved.get(name);
				if (hit !== undefined) return hit;
				hit = byKey.get(headerKey(name));
				if (hit === undefined) {
					missing.push(name);
					hit = name;
				}
				resolved.set(name, hit);
				return hit;
			};
			idColumns =
				mapping.id === undefined
					? null
					: (Array.isArray(mapping.id) ? mapping.id : [mapping.id]).map(col);
			time = timeSpec(mapping.time, 'time');
			end = mapping.time.end ? timeSpec(mapping.time.end, 'end time') : null;
			reported = mapping.reported ? timeSpec(mapping.reported, 'reported time') : null;
			const loc = mapping.location;
			const used = [
				...(idColumns ?? []),
				...time.columns,
				...(end?.columns ?? []),
				...(reported?.columns ?? []),
				mapping.category.column && col(mapping.category.column),
				loc?.lon && col(loc.lon),
				loc?.lat && col(loc.lat),
				loc?.x && col(loc.x),
				loc?.y && col(loc.y),
				loc?.text && col(loc.text),
				...(geometry ? [geometry.lon, geometry.lat, geometry.crs] : [])
			].filter((c): c is string => typeof c === 'string' && c !== '');
			if (typeof mapping.sensitive === 'object') col(mapping.sensitive.column);
			const attributeOnly = Array.isArray(mapping.attributes)
				? new Set(mapping.attributes.map(col))
				: undefined;
			const unique = [...new Set(missing)];
			if (unique.length > 0) {
				throw new ImportError(
					'E_HEADER',
					`the mapping names column${unique.length > 1 ? 's' : ''} ${unique.map((m) => `"${m}"`).join(', ')} that the file does not have; its columns are ${describeHeader(h)}`,
					file
				);
			}
			attrKeys =
				mapping.attributes === 'none' ? [] : attributeKeys(h, new Set(used), attributeOnly);
			ids.reset();
		},
		parse(row: SourceRow): RowResult {
			if (row.problem) return { ok: false, reject: row.problem };
			const v = row.values;

			// Id
			let externalId: string;
			if (idColumns) {
				const parts = idColumns.map((c) => (v[c] ?? '').trim());
				if (parts.every((p) => p === '')) return reject(idColumns.join('+'), 'id is blank');
				externalId = parts.join('|');
				const badId = checkExternalId(idColumns.join('+'), externalId);
				if (badId) return badId;
			} else {
				externalId = ids.next(contentKey(header.map((h) => v[h] ?? '')));
			}

			// Time window
			const start = readTime(time, v);
			if ('ok' in start) return start;
			let occurredTo = start.to;
			if (end && end.columns.some((c) => (v[c] ?? '').trim() !== '')) {
				const e = readTime(end, v);
				if ('ok' in e) return e;
				if (e.to < start.from)
					return reject(end.columns.join('+'), 'end time is before the start time');
				occurredTo = e.to;
			}
			let reportedAt: Date | null = null;
			if (reported && reported.columns.some((c) => (v[c] ?? '').trim() !== '')) {
				const r = readTime(reported, v);
				if ('ok' in r) return r;
				reportedAt = r.from;
			}

			// Category
			let category;
			let originalType: string;
			if (mapping.category.column) {
				const c = col(mapping.category.column);
				originalType = (v[c] ?? '').trim();
				if (originalType === '' && !mapping.category.fixed) return reject(c, 'category is blank');
				const mapped =
					categoryMap.get(originalType.toLowerCase()) ??
					(originalType === '' ? mapping.category.fixed : undefined) ??
					lookupCategory(originalType);
				if (!mapped && mapping.category.unmapped === 'reject')
					return reject(c, `"${originalType}" is not in the category map`);
				category = mapped ?? categoryFromText(originalType);
			} else {
				category = mapping.category.fixed!;
				originalType = mapping.category.originalType ?? categoryInfo(category).label;
			}

			// Location
			const loc = mapping.location;
			let lon: number | null = null;
			let lat: number | null = null;
			let projected: NormalisedIncident['projected'] = null;
			const lonCol = useGeometry ? geometry!.lon : loc?.lon && col(loc.lon);
			const latCol = useGeometry ? geometry!.lat : loc?.lat && col(loc.lat);
			const srid = loc?.crs ?? (useGeometry ? crsOf(v[geometry!.crs]) : 4326);
			if (lonCol && latCol && srid === 4326) {
				const p = readLonLat(v[lonCol], v[latCol], { lon: lonCol, lat: latCol }, numberOptions);
				if (!p.ok) return reject(p.field, p.reason);
				lon = p.lon;
				lat = p.lat;
			} else if (loc?.x || (useGeometry && lonCol && latCol)) {
				const xCol = useGeometry ? lonCol! : col(loc!.x!);
				const yCol = useGeometry ? latCol! : col(loc!.y!);
				if (srid === 4326) {
					const p = readLonLat(v[xCol], v[yCol], { lon: xCol, lat: yCol }, numberOptions);
					if (!p.ok) return reject(p.field, p.reason);
					lon = p.lon;
					lat = p.lat;
				} else {
					const x = parseNumber(v[xCol], numberOptions);
					const y = parseNumber(v[yCol], numberOptions);
					if ((x === null) !== (y === null))
						return reject(x === null ? xCol : yCol, 'one of the x/y pair is blank');
					if (x !== null && y !== null) {
						if (Number.isNaN(x)) return reject(xCol, `not a number: "${v[xCol]}"`);
						if (Number.isNaN(y)) return reject(yCol, `not a number: "${v[yCol]}"`);
						projected = { x, y, srid };
					}
				}
			}
			const located = lon !== null || projected !== null;
			const text = loc?.text ? (v[col(loc.text)] ?? '').trim() : '';

			// Sensitivity
			let sensitive = categoryInfo(category).sensitiveByDefault;
			if (mapping.sensitive === true) sensitive = true;
			else if (typeof mapping.sensitive === 'object') {
				const s = (v[col(mapping.sensitive.column)] ?? '').trim().toLowerCase();
				if (sensitiveValues.has(s)) sensitive = true;
			}

			return {
				ok: true,
				incident: {
					externalId,
					category,
					originalType,
					occurredFrom: start.from,
					occurredTo,
					reportedAt,
					lon,
					lat,
					projected,
					locationPrecision: located ? (loc?.precision ?? 'exact') : 'none',
					locationText: text === '' ? null : text,
					sensitive,
					attributes: collectAttributes(v, attrKeys)
				}
			};
		}
	};
}

function crsOf(text: string | undefined): number {
	const m = /(\d{4,6})\s*$/.exec(text ?? '');
	return m ? Number(m[1]) : 4326;
}
