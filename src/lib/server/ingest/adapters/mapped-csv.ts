/**
 * Any CSV through a JSON column mapping (see mapping.ts and docs/import-mapping.md). The GeoJSON
 * adapter reuses it with feature properties as columns and the point geometry as `@lon`/`@lat`.
 *
 * - Ids: the id column(s), joined with "|"; without an id mapping, a synthetic id from the row's
 *   content plus the ordinal of identical content in the file (stable on re-import, and identical rows
 *   stay separate incidents — as for police.uk anti-social behaviour).
 * - Times: parsed in the mapping's time zone; a format without a time of day gives a day (or month)
 *   window; `time.end` gives the window's end explicitly and must not be before the start.
 * - Category: exact `map` first, then `rules` in order (prefix, regex, numeric range), then the
 *   taxonomy's own names (`lookupCategory`); unmatched and blank values → `default` (`other`), flagged
 *   for the unmapped report (or rejected when `unmapped: "reject"`); `fixed` for single-type files. The
 *   original text is kept.
 * - Coordinates: lon/lat (WGS84, range-checked) or x/y in `crs` (passed on as `projected` for the
 *   runner to reproject; EPSG:4326 x/y are read as lon/lat). Both blank → imported without location;
 *   a placeholder pair (0/0) or a lon/lat outside the declared extent → imported without location,
 *   with the reason (projected points are checked by the runner after reprojection).
 * - Rows: `filters` drop rows that are not incidents; a `count` of 0 drops the row, −1 makes it a
 *   retraction of the same id (the runner cancels that incident).
 */
import { categoryInfo, lookupCategory, type CategoryCode } from '../../../taxonomy';
import { extentFromBox, insideExtent, type Extent } from '../crs-extent';
import { headerKey } from '../csv';
import type { ImportMapping } from '../mapping';
import { compileTimeFormat, type ParsedTime, type TimeFormat } from '../time';
import type { Adapter, NormalisedIncident, RowResult, SourceRow } from '../types';
import { ImportError } from '../types';
import { contentKey, parseNumber, readLonLat, SyntheticIds } from '../values';
import { attributeKeys, checkExternalId, checkTime, describeHeader, reject } from './common';

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
	/** The mapping's file name, for errors about the mapping. */
	mappingFile?: string;
}

const TRUE_VALUES = ['true', 'yes', 'y', '1', 't'];

export function createMappedCsvAdapter(
	mapping: ImportMapping,
	options: MappedAdapterOptions = {}
): Adapter {
	const mappingFile = options.mappingFile;
	const tz = mapping.timezone;
	const numberOptions = { decimalComma: mapping.numbers?.decimalComma ?? false };
	const ids = new SyntheticIds('row-');
	const classify = categoryClassifier(mapping.category);
	const placeholders = mapping.location?.placeholders ?? [[0, 0]];
	const declared = mapping.location?.extent;
	const lonLatExtent: Extent | null =
		declared === undefined || declared === 'none' ? null : extentFromBox(declared);
	const aliases = new Map<string, string[]>(
		Object.entries(mapping.columns ?? {}).map(([canonical, others]) => [
			headerKey(canonical),
			[canonical, ...others]
		])
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
	/** [file header, stored attribute name] of each attribute column. */
	let attrKeys: [string, string][] = [];
	let filters: { column: string; test: (v: string) => boolean; keep: boolean; label: string }[] =
		[];
	let countColumn: string | null = null;
	let offenceColumns: string[] | null = null;
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
			const find = (name: string) => {
				for (const spelling of aliases.get(headerKey(name)) ?? [name]) {
					const hit = byKey.get(headerKey(spelling));
					if (hit !== undefined) return hit;
				}
				return undefined;
			};
			col = (name: string) => {
				let hit = resolved.get(name);
				if (hit !== undefined) return hit;
				hit = find(name);
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
			filters = (mapping.filters ?? []).map((f) => {
				const c = col(f.column);
				const values = new Set((f.in ?? []).map((x) => x.trim().toLowerCase()));
				const re = f.regex === undefined ? null : new RegExp(f.regex, 'i');
				return {
					column: c,
					keep: f.action === 'keep',
					test: re ? (x: string) => re.test(x) : (x: string) => values.has(x.toLowerCase()),
					label: `${f.column} ${f.in ? `in [${f.in.map((x) => `"${x}"`).join(', ')}]` : `matches /${f.regex}/`}`
				};
			});
			countColumn = mapping.count ? col(mapping.count.column) : null;
			if (countColumn) used.push(countColumn);
			offenceColumns =
				mapping.offence === undefined
					? null
					: (Array.isArray(mapping.offence) ? mapping.offence : [mapping.offence]).map(col);
			if (offenceColumns) used.push(...offenceColumns);
			const attributeOnly = Array.isArray(mapping.attributes)
				? new Set(mapping.attributes.map(col))
				: undefined;
			const unique = [...new Set(missing)];
			if (unique.length > 0) {
				throw new ImportError(
					'E_HEADER',
					`the mapping${mappingFile ? ` ${mappingFile}` : ''} names column${unique.length > 1 ? 's' : ''} ${unique.map((m) => `"${m}"`).join(', ')} that the file does not have; its columns are ${describeHeader(h)}${mapping.columns ? '' : ' (a column spelt differently in other files can be listed under "columns")'}`,
					file
				);
			}
			const storedName = new Map<string, string>();
			for (const canonical of Object.keys(mapping.columns ?? {})) {
				const hit = find(canonical);
				if (hit !== undefined) storedName.set(hit, canonical);
			}
			if (Array.isArray(mapping.attributes))
				for (const a of mapping.attributes) storedName.set(col(a), storedName.get(col(a)) ?? a);
			attrKeys = (
				mapping.attributes === 'none' ? [] : attributeKeys(h, new Set(used), attributeOnly)
			).map((k) => [k, storedName.get(k) ?? k]);
			ids.reset();
		},
		parse(row: SourceRow): RowResult {
			if (row.problem) return { ok: false, reject: row.problem };
			const v = row.values;

			// Rows that are not incidents
			for (const f of filters) {
				if (f.test((v[f.column] ?? '').trim()) !== f.keep)
					return {
						ok: false,
						filtered: `${f.keep ? 'not kept' : 'dropped'} by filter: ${f.label}`
					};
			}
			let retracts = false;
			if (countColumn) {
				const n = parseNumber(v[countColumn], numberOptions);
				if (n === null) return reject(countColumn, 'count is blank');
				if (n === 0) return { ok: false, filtered: `${countColumn} is 0` };
				if (n === -1) retracts = true;
				else if (n !== 1)
					return reject(
						countColumn,
						`count "${v[countColumn]}" is not 1 (an incident), 0 (not one) or -1 (cancels the row with the same id)`
					);
			}

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
			let category: CategoryCode;
			let originalType: string;
			let unmappedCategory = false;
			if (mapping.category.column) {
				const c = col(mapping.category.column);
				originalType = (v[c] ?? '').trim();
				const mapped = originalType === '' ? mapping.category.fixed : classify(originalType);
				if (!mapped && mapping.category.unmapped === 'reject')
					return reject(
						c,
						originalType === ''
							? 'category is blank'
							: `"${originalType}" is not in the category map or rules`
					);
				category = mapped ?? mapping.category.default ?? 'other';
				unmappedCategory = mapped === null || mapped === undefined;
			} else {
				category = mapping.category.fixed!;
				originalType = mapping.category.originalType ?? categoryInfo(category).label;
			}

			// Location
			const loc = mapping.location;
			let lon: number | null = null;
			let lat: number | null = null;
			let projected: NormalisedIncident['projected'] = null;
			let unlocated: string | undefined;
			const lonCol = useGeometry ? geometry!.lon : loc?.lon && col(loc.lon);
			const latCol = useGeometry ? geometry!.lat : loc?.lat && col(loc.lat);
			const crs = loc?.crs ?? (useGeometry ? crsOf(v[geometry!.crs]) : 'EPSG:4326');
			const srid = Number(crs.slice(crs.indexOf(':') + 1));
			const wgs84 = crs === 'EPSG:4326';
			if (lonCol && latCol && wgs84) {
				const p = readLonLat(v[lonCol], v[latCol], { lon: lonCol, lat: latCol }, numberOptions);
				if (!p.ok) return reject(p.field, p.reason);
				lon = p.lon;
				lat = p.lat;
			} else if (loc?.x || (useGeometry && lonCol && latCol)) {
				const xCol = useGeometry ? lonCol! : col(loc!.x!);
				const yCol = useGeometry ? latCol! : col(loc!.y!);
				if (wgs84) {
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
						projected = {
							x,
							y,
							srid,
							...(crs.startsWith('EPSG:') ? {} : { crs }),
							...(lonLatExtent
								? { within: { ...lonLatExtent, field: `${xCol}/${yCol}`, onOutside: 'unlocate' } }
								: declared === 'none'
									? {}
									: { areaOfUse: { field: `${xCol}/${yCol}` } })
						};
					}
				}
			}
			const placeholderPair = (a: number | null, b: number | null) =>
				a !== null && b !== null && placeholders.some(([px, py]) => px === a && py === b);
			if (
				placeholderPair(lon, lat) ||
				placeholderPair(projected?.x ?? null, projected?.y ?? null)
			) {
				unlocated = `placeholder coordinates ${projected ? `${projected.x}, ${projected.y}` : `${lon}, ${lat}`}`;
				lon = lat = null;
				projected = null;
			} else if (
				lon !== null &&
				lat !== null &&
				lonLatExtent &&
				!insideExtent(lonLatExtent, lon, lat)
			) {
				unlocated = `outside ${lonLatExtent.area}`;
				lon = lat = null;
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

			const attributes: Record<string, string> = {};
			for (const [k, name] of attrKeys) {
				const x = v[k];
				if (x !== undefined && x !== '') attributes[name] = x;
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
					attributes,
					...(unlocated ? { unlocated } : {}),
					...(unmappedCategory ? { unmappedCategory } : {}),
					...(offenceColumns
						? { offence: offenceColumns.map((c) => (v[c] ?? '').trim()).join('|') }
						: {}),
					...(retracts ? { retracts } : {})
				}
			};
		}
	};
}

function crsOf(text: string | undefined): string {
	const m = /(\d{4,6})\s*$/.exec(text ?? '');
	return `EPSG:${m ? Number(m[1]) : 4326}`;
}

/**
 * The category a value gets from the mapping: exact `map` (ignoring case), then `rules` in order,
 * then the taxonomy's own names; null when nothing matches (the caller applies `default`).
 * @example categoryClassifier({ rules: [{ prefix: 'LARCENY', category: 'other-theft' }] })('LARCENY-FROM BUILDING') // 'other-theft'
 */
export function categoryClassifier(
	c: Pick<ImportMapping['category'], 'map' | 'rules'>
): (text: string) => CategoryCode | null {
	const exact = new Map(Object.entries(c.map ?? {}).map(([k, v]) => [k.trim().toLowerCase(), v]));
	const rules = (c.rules ?? []).map((r) => {
		if (r.prefix !== undefined) {
			const p = r.prefix.trim().toLowerCase();
			return (t: string) => (t.toLowerCase().startsWith(p) ? r.category : null);
		}
		if (r.regex !== undefined) {
			const re = new RegExp(r.regex, 'i');
			return (t: string) => (re.test(t) ? r.category : null);
		}
		const [from, to] = r.range!;
		return (t: string) => {
			const n = /^[+-]?\d+(\.\d+)?$/.test(t) ? Number(t) : Number.NaN;
			return n >= from && n <= to ? r.category : null;
		};
	});
	return (text) => {
		const t = text.trim();
		const hit = exact.get(t.toLowerCase());
		if (hit) return hit;
		for (const rule of rules) {
			const r = rule(t);
			if (r) return r;
		}
		return lookupCategory(t);
	};
}
