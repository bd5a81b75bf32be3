/**
 * A first mapping for a CSV nobody has mapped yet, from its header and first rows: which columns
 * hold the id, the time (and in which format), the category and the location (and in which CRS),
 * plus the category each distinct value would get. The analyst checks and edits it (the import
 * page's dry run shows the consequences) before anything is stored. Pure: no database.
 */
import { lookupCategory, type CategoryCode } from '../../taxonomy';
import { headerKey } from './csv';
import type { ImportMappingInput } from './mapping';
import { compileTimeFormat } from './time';

/** Formats tried on the time column, most specific first (the first that reads most samples wins). */
export const CANDIDATE_TIME_FORMATS = [
	'ISO',
	'YYYY-MM-DD HH:mm:ss',
	'YYYY-MM-DD HH:mm',
	'MM/DD/YYYY hh:mm:ss A',
	'MM/DD/YYYY hh:mm A',
	'DD/MM/YYYY HH:mm:ss',
	'DD/MM/YYYY HH:mm',
	'MM/DD/YYYY HH:mm',
	'DD/MM/YYYY',
	'MM/DD/YYYY',
	'DD-MM-YYYY HH:mm',
	'YYYY-MM-DD',
	'YYYY-MM'
];

const ID_NAMES = [
	'id',
	'ref',
	'reference',
	'crimeid',
	'incidentid',
	'incidentnumber',
	'incidentno',
	'crimeno',
	'crimenumber',
	'occurrenceno',
	'occurrencenumber',
	'urn',
	'casenumber',
	'eventid',
	'crimeref',
	'objectid'
];
const TIME_NAMES = [
	'date',
	'datetime',
	'occurred',
	'occurreddate',
	'datefrom',
	'datetimefrom',
	'when',
	'month',
	'reporteddate',
	'time'
];
const CATEGORY_NAMES = [
	'crimetype',
	'offence',
	'offense',
	'category',
	'type',
	'primarytype',
	'description',
	'offencetype',
	'offensetype',
	'crime',
	'offencedescription',
	'ucrdescription',
	'nibrsdescription'
];
const LON_NAMES = ['longitude', 'lon', 'lng', 'long'];
const LAT_NAMES = ['latitude', 'lat'];
const X_NAMES = ['xcoordinate', 'x', 'easting', 'xcoord', 'eastings'];
const Y_NAMES = ['ycoordinate', 'y', 'northing', 'ycoord', 'northings'];
const PLACE_NAMES = ['location', 'block', 'address', 'street', 'locationdescription'];
/** Columns that tell apart the offences of one incident, most telling first. */
const OFFENCE_NAMES = [
	'offenceseq',
	'offenceno',
	'offencenumber',
	'offensenumber',
	'offenceid',
	'offenseid',
	'offencecode',
	'offensecode',
	'sequence',
	'seq',
	'seqno',
	'lineno',
	'homeofficecode',
	'hocode',
	'crimecode',
	'iucr',
	'nibrscode',
	'ucr'
];

export interface ColumnSummary {
	name: string;
	/** Up to three distinct non-blank values from the sample. */
	samples: string[];
	blank: number;
}

export interface CategorySuggestion {
	value: string;
	rows: number;
	/** What the taxonomy makes of it (null: the default category, unless a rule is added). */
	category: CategoryCode | null;
}

export interface MappingProposal {
	mapping: ImportMappingInput;
	columns: ColumnSummary[];
	/** What was detected and how sure: shown next to the mapping. */
	detected: {
		id: string | null;
		time: string | null;
		timeFormat: string | null;
		/** Share of sampled times the format reads (0–1). */
		timeFormatShare: number;
		category: string | null;
		location: { kind: 'lonlat' | 'xy' | 'none'; columns: string[]; crs: string | null };
		timezone: string;
		/**
		 * Ids that appear on more than one sampled row (several offences per incident), and the column
		 * that tells those rows apart (proposed as `offence`), or null when none does.
		 */
		offence: { repeatedIds: number; column: string | null };
	};
	categorySuggestions: CategorySuggestion[];
}

function pick(header: readonly string[], names: string[]): string | null {
	for (const n of names) {
		const hit = header.find((h) => headerKey(h) === n);
		if (hit !== undefined) return hit;
	}
	return null;
}

const num = (s: string | undefined) => {
	const t = (s ?? '').trim().replace(/,/g, '');
	return t !== '' && /^[+-]?\d+(\.\d+)?$/.test(t) ? Number(t) : null;
};

/**
 * Several rows per id in the sample: the column whose values differ between every two rows of an id
 * (named offence/sequence columns first, then the category column, then any other column but the
 * id, time and location ones).
 */
function offenceColumn(
	header: readonly string[],
	rows: readonly Record<string, string>[],
	id: string | null,
	preferred: (string | null)[],
	exclude: (string | null)[]
): MappingProposal['detected']['offence'] {
	if (!id) return { repeatedIds: 0, column: null };
	const groups = new Map<string, Record<string, string>[]>();
	for (const r of rows) {
		const key = (r[id] ?? '').trim();
		if (key === '') continue;
		const g = groups.get(key);
		if (g) g.push(r);
		else groups.set(key, [r]);
	}
	const repeated = [...groups.values()].filter((g) => g.length > 1);
	if (repeated.length === 0) return { repeatedIds: 0, column: null };
	const tellsApart = (c: string) =>
		repeated.every((g) => {
			const seen = new Set(g.map((r) => (r[c] ?? '').trim()));
			return !seen.has('') && seen.size === g.length;
		});
	const named = OFFENCE_NAMES.map((n) => header.find((h) => headerKey(h) === n));
	const others = header.filter((h) => h !== id && !exclude.includes(h));
	const candidates = [...named, ...preferred, ...others].filter(
		(c): c is string => c !== undefined && c !== null && c !== id
	);
	return { repeatedIds: repeated.length, column: candidates.find(tellsApart) ?? null };
}

/** CRSs recognised from the range of x/y values (0 0 placeholders are ignored). */
function guessCrs(xs: number[], ys: number[]): string | null {
	const inside = (lo: number, hi: number, v: number[]) =>
		v.length > 0 && v.every((n) => n >= lo && n <= hi);
	if (inside(0, 700_000, xs) && inside(0, 1_300_000, ys)) return 'EPSG:27700';
	if (inside(1_000_000, 1_250_000, xs) && inside(1_780_000, 1_970_000, ys)) return 'EPSG:3435';
	if (inside(-180, 180, xs) && inside(-90, 90, ys)) return 'EPSG:4326';
	return null;
}

function timezoneFor(crs: string | null, lon: number | null): string {
	if (crs === 'EPSG:27700') return 'Europe/London';
	if (crs === 'EPSG:3435') return 'America/Chicago';
	if (lon === null) return 'UTC';
	if (lon > -11 && lon < 2.5) return 'Europe/London';
	if (lon > -125 && lon < -66)
		return lon < -100 ? 'America/Los_Angeles' : lon < -85 ? 'America/Chicago' : 'America/New_York';
	return 'UTC';
}

/**
 * A proposed mapping from a header and sample rows (the first few hundred).
 * @example proposeMapping(['Crime ID', 'Month', 'Crime type'], rows).detected.timeFormat // 'YYYY-MM'
 */
export function proposeMapping(
	header: readonly string[],
	rows: readonly Record<string, string>[],
	source?: string
): MappingProposal {
	const values = (c: string) => rows.map((r) => (r[c] ?? '').trim());
	const columns = header.map((name) => {
		const v = values(name);
		return {
			name,
			samples: [...new Set(v.filter((s) => s !== ''))].slice(0, 3),
			blank: v.filter((s) => s === '').length
		};
	});

	const id = pick(header, ID_NAMES);
	const time = pick(header, TIME_NAMES) ?? header.find((h) => /date|time/i.test(h)) ?? null;
	let timeFormat: string | null = null;
	let timeFormatShare = 0;
	if (time) {
		const samples = values(time)
			.filter((s) => s !== '')
			.slice(0, 200);
		for (const f of CANDIDATE_TIME_FORMATS) {
			const fmt = compileTimeFormat(f);
			const ok = samples.filter((s) => fmt.parse(s, 'UTC') !== null).length;
			const share = samples.length ? ok / samples.length : 0;
			if (share > timeFormatShare) {
				timeFormat = f;
				timeFormatShare = share;
			}
			if (share === 1) break;
		}
	}
	const category = pick(header, CATEGORY_NAMES);

	const lonCol = pick(header, LON_NAMES);
	const latCol = pick(header, LAT_NAMES);
	const xCol = pick(header, X_NAMES);
	const yCol = pick(header, Y_NAMES);
	const pairs = (a: string, b: string) => {
		const xs: number[] = [];
		const ys: number[] = [];
		for (const r of rows) {
			const x = num(r[a]);
			const y = num(r[b]);
			if (x !== null && y !== null && !(x === 0 && y === 0)) {
				xs.push(x);
				ys.push(y);
			}
		}
		return { xs, ys };
	};
	let location: MappingProposal['detected']['location'] = { kind: 'none', columns: [], crs: null };
	let firstLon: number | null = null;
	if (lonCol && latCol) {
		const { xs } = pairs(lonCol, latCol);
		location = { kind: 'lonlat', columns: [lonCol, latCol], crs: 'EPSG:4326' };
		firstLon = xs[0] ?? null;
	} else if (xCol && yCol) {
		const { xs, ys } = pairs(xCol, yCol);
		const crs = guessCrs(xs, ys);
		location = { kind: crs === 'EPSG:4326' ? 'lonlat' : 'xy', columns: [xCol, yCol], crs };
		if (crs === 'EPSG:4326') firstLon = xs[0] ?? null;
	}
	const timezone = timezoneFor(location.crs, firstLon);

	const counts = new Map<string, number>();
	if (category) for (const v of values(category)) counts.set(v, (counts.get(v) ?? 0) + 1);
	const categorySuggestions = [...counts]
		.sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
		.slice(0, 30)
		.map(([value, n]) => ({
			value,
			rows: n,
			category: value === '' ? null : lookupCategory(value)
		}));

	const place = pick(header, PLACE_NAMES);
	const offence = offenceColumn(
		header,
		rows,
		id,
		[category],
		[time, place, lonCol, latCol, xCol, yCol]
	);
	const mapping: ImportMappingInput = {
		...(source ? { source } : {}),
		timezone,
		...(id ? { id } : {}),
		...(offence.column ? { offence: offence.column } : {}),
		time: { column: time ?? header[0], format: timeFormat ?? 'ISO' },
		category: category ? { column: category } : { fixed: 'other' },
		...(location.kind === 'lonlat'
			? {
					location: {
						lon: location.columns[0],
						lat: location.columns[1],
						...(place ? { text: place } : {})
					}
				}
			: location.kind === 'xy'
				? {
						location: {
							x: location.columns[0],
							y: location.columns[1],
							crs: location.crs ?? 'EPSG:27700',
							...(place ? { text: place } : {})
						}
					}
				: {})
	};
	return {
		mapping,
		columns,
		detected: { id, time, timeFormat, timeFormatShare, category, location, timezone, offence },
		categorySuggestions
	};
}
