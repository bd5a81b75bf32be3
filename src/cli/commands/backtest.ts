import { latLngToCell } from 'h3-js';
import { UsageError, type CliIo } from '../main';
import { parseOptions, readCsvRecords, type CsvRecord } from '../options';
import {
	backtest,
	type BacktestEvent,
	type BacktestResult,
	type ShiftHours
} from '../../lib/server/analysis/backtest';
import { DEFAULT_MODEL, forecastModel } from '../../lib/server/analysis/forecast-models';
import { AnalysisInputError } from '../../lib/server/analysis/weights';
import { isValidTimeZone } from '../../lib/server/ingest/time';
import { parseWallClock, slashParts, type DateOrder } from '../wall-clock';
import { isIsoDate } from '../../lib/dates';

export const summary =
	'Forecast accuracy: rolling-origin backtest (hit rate, PAI, PEI) of a cell forecast on a CSV';

const HELP = `Usage: beatwise backtest --input F.csv --lon COL --lat COL --date COL --res R
                        --from DATE --to DATE --step-days S --horizon-days H --coverage C
                        [--model prospective|recent:N] [--json]
                        [--time COL] [--date-order mdy|dmy] [--tz ZONE] [--hours 15-23] [--harm COL]

Backtests a forecast the way it would have been used: at each origin (the local midnights --from,
--from + S days, … up to --to) the model scores every study cell from the rows before the origin, the
top share C of the cells is selected, and the next H days' incidents are counted.

  study cells   every H3 cell (resolution R, latLngToCell) holding at least one row of the file
  selection     k = ceil(C × study cells); every cell scoring ≥ the k-th highest score (ties
                included); when that score is 0, only cells scoring > 0
  hit rate      h / n: incidents in selected cells over all incidents in the H days
  PAI           (h / n) / (selected / study cells)   (Chainey et al. 2008)
  PEI           h / the sum of the 'selected' largest future cell counts (Hunt's PEI*: 1 = perfect
                foresight over as many cells)
Origins with no incident in their H days are skipped (listed on stderr); means are over the rest.

Models:
  prospective   (default) recency-weighted rates at 28 and 112 days + the long-term rate, spread to
                the two rings of neighbouring cells; with --hours, rows in the shift's hours weigh more;
                with --harm, rows weigh their harm
  recent:N      the reference baseline: rows in the N days before the origin

Dates are local wall-clock times: YYYY-MM-DD, YYYY-MM-DD HH:mm[:ss], ISO with T (a Z or +01:00 zone is
converted to --tz, default the system's zone), YYYY-MM (a month: its 1st, no time), MM/DD/YYYY
[hh:mm[:ss] AM]; --time COL adds a separate time column; --date-order dmy reads DD/MM/YYYY (decided from
the file when a number above 12 shows it, else month first, with a note). Rows with a bad date or
coordinates are reported on stderr with their line numbers and left out of everything (also the study cells).

Options:
  --input F        CSV (a header row naming the columns; .gz accepted)
  --lon, --lat     WGS84 longitude / latitude columns
  --res R          H3 resolution 0–15
  --coverage C     share of the study cells, in (0, 1] (or a percentage: 5%)
  --hours A-B      count only incidents at local hours A to B (15-23: 15:00–22:59; 23-7 wraps midnight)
  --harm COL       a numeric harm-weight column (prospective only)
  --json           {model, res, coverage, studyCells, origins: [{origin, selectedCells, hits, incidents,
                   hitRate, pai, pei}], mean: {hitRate, pai, pei}}`;

/** Rejected rows listed one by one on stderr before the rest are summed up. */
const LISTED_REJECTS = 20;

function column(header: string[], flag: string, name: string): number {
	const i = header.findIndex((h) => h.trim().toLowerCase() === name.trim().toLowerCase());
	if (i < 0) throw new UsageError(`${flag}: no column "${name}" (columns: ${header.join(', ')})`);
	return i;
}

function parseHours(spec: string): ShiftHours {
	const m = /^(\d{1,2})-(\d{1,2})$/.exec(spec.trim());
	const a = m ? Number(m[1]) : NaN;
	const b = m ? Number(m[2]) : NaN;
	if (!(a >= 0 && a <= 23 && b >= 0 && b <= 24 && a !== b))
		throw new UsageError(
			'--hours must look like 15-23 (from hour 15 up to hour 23; 23-7 wraps midnight)'
		);
	return { startHour: a, hours: (b - a + 24) % 24 || 24 };
}

function parseCoverage(spec: string): number {
	const pct = spec.trim().endsWith('%');
	const v = Number(pct ? spec.trim().slice(0, -1) : spec);
	const c = pct ? v / 100 : v;
	if (!(c > 0 && c <= 1))
		throw new UsageError('--coverage must be a share in (0, 1], e.g. 0.05 or 5%');
	return c;
}

function wholeNumber(spec: string | undefined, flag: string, min: number, max: number): number {
	const v = Number(spec);
	if (spec === undefined || spec.trim() === '' || !Number.isInteger(v) || v < min || v > max)
		throw new UsageError(`${flag} must be a whole number from ${min} to ${max}`);
	return v;
}

function isoDate(spec: string | undefined, flag: string): string {
	const v = (spec ?? '').trim();
	if (!isIsoDate(v)) throw new UsageError(`${flag} must be a date written YYYY-MM-DD, got "${v}"`);
	return v;
}

export interface ReadResult {
	events: BacktestEvent[];
	rows: number;
	rejected: { line: number; reason: string }[];
	dateOrder: DateOrder;
	/** Slash dates whose numbers never exceed 12: read month first (MM/DD/YYYY) by default. */
	ambiguous: boolean;
}

interface Columns {
	lon: number;
	lat: number;
	date: number;
	time: number | null;
	harm: number | null;
}

/** Read the rows into events; every row is either an event or a rejection with its line and reason. */
export function readEvents(
	records: CsvRecord[],
	cols: Columns,
	opts: { res: number; timeZone: string; dateOrder: DateOrder | null }
): ReadResult {
	let dateOrder = opts.dateOrder;
	let ambiguous = false;
	if (!dateOrder) {
		// Slash dates: day-first when a first number above 12 appears, month-first when a second one does.
		let dmy = false;
		let mdy = false;
		let slash = false;
		for (const { record } of records) {
			const p = slashParts(record[cols.date] ?? '');
			if (!p) continue;
			slash = true;
			if (p[0] > 12) dmy = true;
			if (p[1] > 12) mdy = true;
		}
		if (dmy && mdy)
			throw new UsageError(
				'--date: slash dates with a first number above 12 and others with a second number above 12; give --date-order'
			);
		ambiguous = slash && !dmy && !mdy;
		dateOrder = dmy ? 'dmy' : 'mdy';
	}
	const events: BacktestEvent[] = [];
	const rejected: { line: number; reason: string }[] = [];
	for (const { record, info } of records) {
		const line = info.lines;
		const lonS = record[cols.lon] ?? '';
		const latS = record[cols.lat] ?? '';
		const dateS = record[cols.date] ?? '';
		const lon = lonS.trim() === '' ? NaN : Number(lonS);
		const lat = latS.trim() === '' ? NaN : Number(latS);
		if (
			!Number.isFinite(lon) ||
			!Number.isFinite(lat) ||
			Math.abs(lon) > 180 ||
			Math.abs(lat) > 90
		) {
			rejected.push({
				line,
				reason:
					lonS.trim() === '' || latS.trim() === ''
						? 'no coordinates'
						: `coordinates "${lonS}", "${latS}" are not longitude/latitude`
			});
			continue;
		}
		const time = cols.time === null ? undefined : (record[cols.time] ?? '');
		const when = parseWallClock(dateS, { order: dateOrder, timeZone: opts.timeZone, time });
		if (!when) {
			rejected.push({
				line,
				reason:
					dateS.trim() === ''
						? 'no date'
						: `date "${dateS}"${time ? ` time "${time}"` : ''} is not a date${cols.time !== null ? ' and time' : ''}`
			});
			continue;
		}
		let weight: number | undefined;
		if (cols.harm !== null) {
			const hs = record[cols.harm] ?? '';
			weight = hs.trim() === '' ? NaN : Number(hs);
			if (!(weight >= 0)) {
				rejected.push({ line, reason: `harm weight "${hs}" is not a number ≥ 0` });
				continue;
			}
		}
		events.push({
			cell: latLngToCell(lat, lon, opts.res),
			wallMs: when.wallMs,
			timed: when.timed,
			weight
		});
	}
	return { events, rows: records.length, rejected, dateOrder, ambiguous };
}

export async function run(args: string[], io: CliIo): Promise<number> {
	const values = parseOptions(args, {
		input: { type: 'string', short: 'i' },
		lon: { type: 'string' },
		lat: { type: 'string' },
		date: { type: 'string' },
		time: { type: 'string' },
		'date-order': { type: 'string' },
		tz: { type: 'string' },
		res: { type: 'string' },
		from: { type: 'string' },
		to: { type: 'string' },
		'step-days': { type: 'string' },
		'horizon-days': { type: 'string' },
		coverage: { type: 'string' },
		model: { type: 'string', default: DEFAULT_MODEL },
		hours: { type: 'string' },
		harm: { type: 'string' },
		json: { type: 'boolean', default: false },
		help: { type: 'boolean', short: 'h' }
	});
	if (values.help) {
		io.stdout.write(HELP + '\n');
		return 0;
	}
	for (const f of [
		'input',
		'lon',
		'lat',
		'date',
		'res',
		'from',
		'to',
		'step-days',
		'horizon-days',
		'coverage'
	] as const)
		if (!values[f]) throw new UsageError(`--${f} is required (see beatwise backtest --help)`);
	const res = wholeNumber(values.res, '--res', 0, 15);
	const from = isoDate(values.from, '--from');
	const to = isoDate(values.to, '--to');
	if (to < from) throw new UsageError(`--to (${to}) is before --from (${from})`);
	const stepDays = wholeNumber(values['step-days'], '--step-days', 1, 3650);
	const horizonDays = wholeNumber(values['horizon-days'], '--horizon-days', 1, 3650);
	const coverage = parseCoverage(values.coverage!);
	const order = values['date-order'];
	if (order !== undefined && order !== 'mdy' && order !== 'dmy')
		throw new UsageError('--date-order must be mdy or dmy');
	const timeZone = values.tz ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
	if (!isValidTimeZone(timeZone))
		throw new UsageError(
			`--tz "${timeZone}" is not a time zone (e.g. Europe/London, America/Chicago)`
		);
	const hours = values.hours ? parseHours(values.hours) : null;
	let model;
	try {
		model = forecastModel(values.model, { harm: Boolean(values.harm) });
	} catch (e) {
		if (e instanceof AnalysisInputError) throw new UsageError(`--model: ${e.message}`);
		throw e;
	}

	const records = await readCsvRecords(values.input!);
	if (records.length < 2) throw new UsageError(`${values.input} has no rows under its header`);
	const header = records[0].record;
	const cols: Columns = {
		lon: column(header, '--lon', values.lon!),
		lat: column(header, '--lat', values.lat!),
		date: column(header, '--date', values.date!),
		time: values.time ? column(header, '--time', values.time) : null,
		harm: values.harm ? column(header, '--harm', values.harm) : null
	};
	const read = readEvents(records.slice(1), cols, {
		res,
		timeZone,
		dateOrder: (order as DateOrder | undefined) ?? null
	});
	reportRejects(read, io);
	if (read.ambiguous)
		io.stderr.write(
			'note: no slash date has a number above 12, so dates were read as MM/DD/YYYY; give --date-order dmy for DD/MM/YYYY\n'
		);
	if (read.events.length === 0)
		throw new UsageError(`${values.input}: no row has a usable date and coordinates`);

	const r = backtest(read.events, { from, to, stepDays, horizonDays, coverage, model, hours });
	if (r.skippedOrigins.length)
		io.stderr.write(
			`note: ${r.skippedOrigins.length} origin(s) skipped, no incident in their ${horizonDays} day(s): ${r.skippedOrigins.slice(0, 10).join(', ')}${r.skippedOrigins.length > 10 ? ', …' : ''}\n`
		);
	if (values.json) {
		const out = {
			model: r.model,
			res,
			coverage: r.coverage,
			studyCells: r.studyCells,
			origins: r.origins,
			mean: r.mean ?? { hitRate: null, pai: null, pei: null }
		};
		io.stdout.write(JSON.stringify(out, null, 2) + '\n');
	} else io.stdout.write(formatText(r, res, read));
	if (!r.mean) {
		io.stderr.write(
			'beatwise backtest: no origin had incidents in its horizon; nothing was measured\n'
		);
		return 1;
	}
	return 0;
}

function reportRejects(read: ReadResult, io: CliIo): void {
	if (read.rejected.length === 0) return;
	const lines = read.rejected.slice(0, LISTED_REJECTS).map((r) => `  line ${r.line}: ${r.reason}`);
	if (read.rejected.length > LISTED_REJECTS)
		lines.push(`  … and ${read.rejected.length - LISTED_REJECTS} more`);
	const byReason = new Map<string, number>();
	for (const r of read.rejected) {
		const kind =
			r.reason.startsWith('date') || r.reason === 'no date'
				? 'date'
				: r.reason.startsWith('harm')
					? 'harm weight'
					: 'coordinates';
		byReason.set(kind, (byReason.get(kind) ?? 0) + 1);
	}
	io.stderr.write(
		`${read.rejected.length} of ${read.rows} rows left out (${[...byReason].map(([k, n]) => `${n} bad ${k}`).join(', ')}):\n${lines.join('\n')}\n`
	);
}

const pct = (v: number) => `${(v * 100).toFixed(1)}%`;

function formatText(r: BacktestResult, res: number, read: ReadResult): string {
	const head = ['origin', 'selected', 'hits', 'incidents', 'hit rate', 'PAI', 'PEI'];
	const rows = r.origins.map((o) => [
		o.origin,
		String(o.selectedCells),
		String(o.hits),
		String(o.incidents),
		pct(o.hitRate),
		o.pai.toFixed(2),
		o.pei.toFixed(3)
	]);
	const widths = head.map((_, c) => Math.max(...[head, ...rows].map((row) => row[c].length)));
	const fmt = (row: string[]) =>
		row.map((v, c) => (c === 0 ? v.padEnd(widths[c]) : v.padStart(widths[c]))).join('  ');
	const hours = r.hours
		? `, incidents at ${String(r.hours.startHour).padStart(2, '0')}:00–${String((r.hours.startHour + r.hours.hours) % 24).padStart(2, '0')}:00 only`
		: '';
	const lines = [
		`Backtest of ${r.model}: ${read.events.length} rows, ${r.studyCells} study cells at H3 resolution ${res}`,
		`coverage ${r.coverage} (k = ${r.k} cells), origins every ${r.stepDays} day(s), horizon ${r.horizonDays} day(s)${hours}`,
		'',
		fmt(head),
		...rows.map(fmt),
		''
	];
	if (r.mean)
		lines.push(
			`mean over ${r.origins.length} origin(s): hit rate ${pct(r.mean.hitRate)}, PAI ${r.mean.pai.toFixed(2)}, PEI ${r.mean.pei.toFixed(3)}`,
			''
		);
	return lines.join('\n');
}
