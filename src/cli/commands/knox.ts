import proj4 from 'proj4';
import { UsageError, type CliIo } from '../main';
import { parseOptions, readCsvRecords } from '../options';
import {
	dayNumber,
	knoxTest,
	type KnoxEvent,
	type KnoxResult
} from '../../lib/server/analysis/knox';

export const summary =
	'Knox near-repeat test (distance × time bands, Monte-Carlo) on an events CSV';

/** Projected CRSs shipped with the CLI (the database holds the full EPSG list; this runs without one). */
const BUILT_IN_CRS: Record<number, { def: string; units: string }> = {
	27700: {
		def: '+proj=tmerc +lat_0=49 +lon_0=-2 +k=0.9996012717 +x_0=400000 +y_0=-100000 +ellps=airy +towgs84=446.448,-125.157,542.06,0.15,0.247,0.842,-20.489 +units=m +no_defs',
		units: 'm'
	},
	26971: {
		def: '+proj=tmerc +lat_0=36.66666666666666 +lon_0=-88.33333333333333 +k=0.999975 +x_0=300000 +y_0=0 +datum=NAD83 +units=m +no_defs',
		units: 'm'
	},
	3435: {
		def: '+proj=tmerc +lat_0=36.66666666666666 +lon_0=-88.33333333333333 +k=0.999975 +x_0=300000 +y_0=0 +datum=NAD83 +units=us-ft +no_defs',
		units: 'US ft'
	},
	3857: {
		def: '+proj=merc +a=6378137 +b=6378137 +lat_ts=0 +lon_0=0 +x_0=0 +y_0=0 +k=1 +units=m +nadgrids=@null +wktext +no_defs',
		units: 'm (Web Mercator: inflated by 1/cos(latitude))'
	}
};

function crsDefinition(code: number): { def: string; units: string } | undefined {
	if (BUILT_IN_CRS[code]) return BUILT_IN_CRS[code];
	// WGS 84 / UTM zones: EPSG:32601–32660 (north), 32701–32760 (south).
	const zone = code % 100;
	if (zone >= 1 && zone <= 60 && (Math.floor(code / 100) === 326 || Math.floor(code / 100) === 327))
		return {
			def: `+proj=utm +zone=${zone}${code >= 32700 ? ' +south' : ''} +datum=WGS84 +units=m +no_defs`,
			units: 'm'
		};
	return undefined;
}

const HELP = `Usage: beatwise knox --input events.csv --x COL --y COL --date COL
                    --distance-bands 200x3 --time-bands 1x3
                    [--crs EPSG:n [--proj4 DEF]] [--metric manhattan|euclidean]
                    [--permutations 999] [--seed 1] [--same-location-tolerance 0]
                    [--single-precision] [--json]

Counts every pair of events by distance band × time band and compares the table with Monte-Carlo
permutations of the dates over the events (Knox test; Near Repeat Calculator method).

Columns: a header name, or a 1-based column number (then a header row is optional, as in the Near
Repeat Calculator's headerless X,Y,date files). Dates: YYYY-MM-DD, YYYY-MM-DD hh:mm[:ss], or
MM/DD/YYYY [hh:mm[:ss] AM|PM]; time gaps are in days.

Coordinates: without --crs, x/y are projected coordinates and bands are in their units. With
--crs EPSG:n, x/y are longitude/latitude (WGS84) and are projected to EPSG:n first; built in are
EPSG:27700, 26971, 3435 (US survey feet), 3857 and the WGS84 UTM zones 32601–32660/32701–32760. For any
other CRS give its proj4 definition too: --crs EPSG:2154 --proj4 "+proj=lcc ..." (from epsg.io).

Bands: WIDTHxCOUNT ("200x3" = [0,200) [200,400) [400,600) and ≥ 600) or explicit edges "0,100,250".
Pairs at distance 0 (or ≤ --same-location-tolerance) form the "same location" row.
  --single-precision   round coordinates to float32 first, as the Near Repeat Calculator does
  --json               the full result (labels, observed, expected, ratio, p, heat-map cells)`;

function parseBands(spec: string, flag: string) {
	const m = /^(\d+(?:\.\d+)?)x(\d+)$/i.exec(spec.trim());
	if (m) return { width: Number(m[1]), count: Number(m[2]) };
	const edges = spec.split(',').map((v) => Number(v.trim()));
	if (edges.length >= 2 && edges.every(Number.isFinite) && edges[0] === 0) return { edges };
	throw new UsageError(`${flag} must look like 200x3 (width × count) or 0,100,250 (edges from 0)`);
}

/** Day number for ISO dates/date-times and US portal dates (MM/DD/YYYY hh:mm:ss AM). */
export function parseEventDate(value: string): number {
	const iso = dayNumber(value);
	if (!Number.isNaN(iso)) return iso;
	const m =
		/^(\d{1,2})\/(\d{1,2})\/(\d{4})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AP]M)?)?$/i.exec(
			value.trim()
		);
	if (!m) return NaN;
	const [, mo, d, y, h = '0', mi = '0', s = '0', ampm] = m;
	let hour = Number(h);
	if (ampm) hour = (hour % 12) + (ampm.toUpperCase() === 'PM' ? 12 : 0);
	const pad = (v: string | number) => String(v).padStart(2, '0');
	return dayNumber(`${y}-${pad(mo)}-${pad(d)} ${pad(hour)}:${pad(mi)}:${pad(s)}`);
}

interface ColumnRef {
	flag: string;
	spec: string;
}

function resolveColumn(ref: ColumnRef, header: string[] | null): number {
	if (/^\d+$/.test(ref.spec)) {
		const i = Number(ref.spec) - 1;
		if (i < 0) throw new UsageError(`${ref.flag}: column numbers start at 1`);
		return i;
	}
	if (!header)
		throw new UsageError(
			`${ref.flag} "${ref.spec}": the file has no header row; use a column number`
		);
	const i = header.findIndex((h) => h.trim().toLowerCase() === ref.spec.trim().toLowerCase());
	if (i < 0)
		throw new UsageError(`${ref.flag}: no column "${ref.spec}" (columns: ${header.join(', ')})`);
	return i;
}

export async function run(args: string[], io: CliIo): Promise<number> {
	const values = parseOptions(args, {
		input: { type: 'string', short: 'i' },
		x: { type: 'string' },
		y: { type: 'string' },
		date: { type: 'string' },
		crs: { type: 'string' },
		proj4: { type: 'string' },
		'distance-bands': { type: 'string' },
		'time-bands': { type: 'string' },
		metric: { type: 'string', default: 'manhattan' },
		permutations: { type: 'string', default: '999' },
		seed: { type: 'string', default: '1' },
		'same-location-tolerance': { type: 'string', default: '0' },
		'single-precision': { type: 'boolean', default: false },
		json: { type: 'boolean', default: false },
		help: { type: 'boolean', short: 'h' }
	});
	if (values.help) {
		io.stdout.write(HELP + '\n');
		return 0;
	}
	for (const f of ['input', 'x', 'y', 'date', 'distance-bands', 'time-bands'] as const)
		if (!values[f]) throw new UsageError(`--${f} is required (see beatwise knox --help)`);
	const metric = values.metric;
	if (metric !== 'manhattan' && metric !== 'euclidean')
		throw new UsageError('--metric must be manhattan or euclidean');
	const permutations = Number(values.permutations);
	if (!Number.isInteger(permutations) || permutations < 1 || permutations > 99_999)
		throw new UsageError('--permutations must be a whole number from 1 to 99999');
	const seed = Number(values.seed);
	if (!Number.isInteger(seed)) throw new UsageError('--seed must be a whole number');
	const tolerance = Number(values['same-location-tolerance']);
	if (!(tolerance >= 0)) throw new UsageError('--same-location-tolerance must be a number ≥ 0');
	const distanceBands = parseBands(values['distance-bands']!, '--distance-bands');
	const timeBands = parseBands(values['time-bands']!, '--time-bands');

	let project: ((lon: number, lat: number) => [number, number]) | null = null;
	let units = 'coordinate units';
	if (values.crs) {
		const m = /^(?:EPSG:)?(\d{4,6})$/i.exec(values.crs.trim());
		if (!m) throw new UsageError('--crs must look like EPSG:27700');
		const code = Number(m[1]);
		const known = values.proj4
			? { def: values.proj4, units: 'units of the --proj4 definition' }
			: crsDefinition(code);
		if (!known)
			throw new UsageError(
				`EPSG:${code} is not built in (built in: EPSG:27700, 26971, 3435, 3857, UTM 326xx/327xx). ` +
					`Give its proj4 definition as well, e.g. --crs EPSG:${code} --proj4 "+proj=… +units=m" (see epsg.io/${code}.proj4)`
			);
		let conv: proj4.Converter;
		try {
			conv = proj4('EPSG:4326', known.def);
		} catch (e) {
			throw new UsageError(`cannot use the projection for EPSG:${code}: ${(e as Error).message}`);
		}
		project = (lon, lat) => conv.forward([lon, lat]) as [number, number];
		units = known.units;
	}
	if (values.proj4 && !values.crs) throw new UsageError('--proj4 needs --crs EPSG:n as well');

	const records = await readCsvRecords(values.input!, { trim: true });
	if (records.length === 0) throw new UsageError(`${values.input} has no rows`);
	const refs = {
		x: { flag: '--x', spec: values.x! },
		y: { flag: '--y', spec: values.y! },
		date: { flag: '--date', spec: values.date! }
	};
	const allNumeric = [refs.x, refs.y, refs.date].every((r) => /^\d+$/.test(r.spec));
	// A header is present when a column is named, or when the first row's x is not a number.
	let header: string[] | null = null;
	if (!allNumeric) header = records[0].record;
	else {
		const first = records[0].record[Number(refs.x.spec) - 1];
		if (first === undefined || Number.isNaN(Number(first))) header = records[0].record;
	}
	const ix = resolveColumn(refs.x, header);
	const iy = resolveColumn(refs.y, header);
	const id = resolveColumn(refs.date, header);

	const events: KnoxEvent[] = [];
	for (const { record, info } of header ? records.slice(1) : records) {
		const line = info.lines;
		const xs = record[ix];
		const ys = record[iy];
		const ds = record[id];
		if (xs === undefined || ys === undefined || ds === undefined)
			throw new UsageError(
				`line ${line}: has ${record.length} columns, fewer than the ones asked for`
			);
		let x = Number(xs);
		let y = Number(ys);
		if (xs === '' || ys === '' || !Number.isFinite(x) || !Number.isFinite(y))
			throw new UsageError(`line ${line}: coordinates "${xs}", "${ys}" are not numbers`);
		if (project) {
			if (Math.abs(x) > 180 || Math.abs(y) > 90)
				throw new UsageError(
					`line ${line}: "${xs}", "${ys}" is not longitude/latitude (with --crs, x/y must be WGS84 degrees)`
				);
			[x, y] = project(x, y);
		}
		const t = parseEventDate(ds);
		if (Number.isNaN(t)) throw new UsageError(`line ${line}: date "${ds}" is not a date`);
		events.push({ x, y, t });
	}
	if (events.length < 2) throw new UsageError('the Knox test needs at least 2 events');

	const r = knoxTest(events, {
		distanceBands,
		timeBands,
		metric,
		permutations,
		seed,
		sameLocationTolerance: tolerance,
		coordinatePrecision: values['single-precision'] ? 'float32' : 'float64',
		distanceUnit: project ? (units.startsWith('US ft') ? 'ft' : 'm') : '',
		timeUnit: 'd'
	});
	if (values.json) io.stdout.write(JSON.stringify({ units, ...r }, null, 2) + '\n');
	else io.stdout.write(formatTables(r, units));
	return 0;
}

function table(r: KnoxResult, cell: (row: number, col: number) => string): string {
	const head = ['', ...r.colLabels];
	const rows = r.rowLabels.map((label, i) => [label, ...r.colLabels.map((_, j) => cell(i, j))]);
	const widths = head.map((_, c) => Math.max(...[head, ...rows].map((row) => row[c].length)));
	const fmtRow = (row: string[]) =>
		row.map((v, c) => (c === 0 ? v.padEnd(widths[c]) : v.padStart(widths[c]))).join('  ');
	return [fmtRow(head), ...rows.map(fmtRow)].join('\n');
}

function formatTables(r: KnoxResult, units: string): string {
	const p = r.parameters;
	const lines = [
		`Knox test: ${p.n} events, ${p.pairs} pairs, ${p.metric} distance (${units}), time gaps in days`,
		`${p.permutations} permutations of dates, seed ${p.seed}${p.coordinatePrecision === 'float32' ? ', single-precision coordinates' : ''}`,
		'',
		'Observed pairs',
		table(r, (i, j) => String(r.observed[i][j])),
		'',
		'Knox ratio (observed / mean of permutations; "-" where the mean is 0)',
		table(r, (i, j) => (r.ratio[i][j] === null ? '-' : r.ratio[i][j]!.toFixed(2))),
		'',
		'p = (permutations ≥ observed + 1) / (permutations + 1)',
		table(r, (i, j) => r.p[i][j].toFixed(3)),
		''
	];
	return lines.join('\n');
}
