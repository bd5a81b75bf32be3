import { UsageError, type CliIo } from '../main';
import { parseOptions, readCsvRecords } from '../options';
import { parseEventDate } from './knox';
import { dayToIso, isoToDay, isoWeekday } from '../../lib/server/analysis/days';
import {
	earsC2,
	farringtonFlexible,
	type WeekCheck
} from '../../lib/server/analysis/early-warning';

export const summary =
	'Early-warning alarms on weekly counts per group (improved Farrington or EARS C2) from a CSV';

const HELP = `Usage: beatwise early-warning --input events.csv --date COL --group COL
                             --weeks-from MONDAY --weeks-to SUNDAY --check-from DATE
                             --method farrington|ears-c2 [--json]

Counts the rows per group (e.g. district, category) in whole Monday–Sunday weeks from --weeks-from
(a Monday) to --weeks-to (a Sunday), then checks every week starting on or after --check-from
against the level expected from its history:

  farrington  the improved Farrington algorithm (Noufaily et al. 2013), as R surveillance's
              farringtonFlexible with b = 5 years, w = 3, reweighting (threshold 2.58), alpha 0.05,
              trend when significant (p < 0.05), limit54 (5 cases in 4 weeks), power
              transformation 2/3, 10 periods, the last 26 weeks left out, nbPlugin thresholds.
              Needs 5 years and 3 weeks of history before a week for a threshold.
  ears-c2     CDC EARS C2 (surveillance's earsC, method C2): mean + 3.09 sd of the 7 weeks before a
              2-week gap (alpha 0.001). Needs 9 weeks of history.

Dates are read as local wall-clock dates: YYYY-MM-DD, YYYY-MM-DD hh:mm[:ss], YYYY-MM-DDThh:mm[:ss],
or MM/DD/YYYY [hh:mm[:ss] AM|PM]. Rows with an unreadable date or an empty group are counted and
reported on stderr with their line numbers; rows outside the weeks are left out.
  --json   {method, series: [{group, weeks: [{week, observed, threshold, alarm}]}]};
           threshold is null where the history is too short (or, for farrington, too sparse).`;

const METHODS = ['farrington', 'ears-c2'] as const;
type Method = (typeof METHODS)[number];

function isoDay(value: string, flag: string): number {
	try {
		return isoToDay(value.trim());
	} catch {
		throw new UsageError(`${flag} "${value}" is not a calendar date (YYYY-MM-DD)`);
	}
}

function compareGroups(a: string, b: string): number {
	const na = Number(a);
	const nb = Number(b);
	if (a !== '' && b !== '' && Number.isFinite(na) && Number.isFinite(nb)) return na - nb;
	return a < b ? -1 : a > b ? 1 : 0;
}

export async function run(args: string[], io: CliIo): Promise<number> {
	const values = parseOptions(args, {
		input: { type: 'string', short: 'i' },
		date: { type: 'string' },
		group: { type: 'string' },
		'weeks-from': { type: 'string' },
		'weeks-to': { type: 'string' },
		'check-from': { type: 'string' },
		method: { type: 'string' },
		json: { type: 'boolean', default: false },
		help: { type: 'boolean', short: 'h' }
	});
	if (values.help) {
		io.stdout.write(HELP + '\n');
		return 0;
	}
	for (const f of [
		'input',
		'date',
		'group',
		'weeks-from',
		'weeks-to',
		'check-from',
		'method'
	] as const)
		if (!values[f]) throw new UsageError(`--${f} is required (see beatwise early-warning --help)`);
	const method = values.method as Method;
	if (!METHODS.includes(method))
		throw new UsageError(`--method must be farrington or ears-c2 (got "${values.method}")`);
	const from = isoDay(values['weeks-from']!, '--weeks-from');
	const to = isoDay(values['weeks-to']!, '--weeks-to');
	const checkFrom = isoDay(values['check-from']!, '--check-from');
	if (isoWeekday(from) !== 0)
		throw new UsageError(`--weeks-from ${values['weeks-from']} is not a Monday`);
	if (isoWeekday(to) !== 6)
		throw new UsageError(`--weeks-to ${values['weeks-to']} is not a Sunday`);
	if (to < from) throw new UsageError('--weeks-to is before --weeks-from');
	const nWeeks = (to - from + 1) / 7;
	const weekDays = Array.from({ length: nWeeks }, (_, i) => from + 7 * i);
	const checkIndexes = weekDays.flatMap((d, i) => (d >= checkFrom ? [i] : []));
	if (checkIndexes.length === 0)
		throw new UsageError(`--check-from ${values['check-from']} is after the last week`);

	const records = await readCsvRecords(values.input!);
	if (records.length < 2) throw new UsageError(`${values.input} has no data rows`);
	const header = records[0].record.map((h) => h.trim());
	const column = (flag: string, name: string) => {
		const i = header.findIndex((h) => h.toLowerCase() === name.trim().toLowerCase());
		if (i < 0)
			throw new UsageError(
				`${flag}: no column "${name}" in ${values.input} (columns: ${header.join(', ')})`
			);
		return i;
	};
	const iDate = column('--date', values.date!);
	const iGroup = column('--group', values.group!);

	const counts = new Map<string, number[]>();
	const badDate: number[] = [];
	const noGroup: number[] = [];
	let outside = 0;
	for (const { record, info } of records.slice(1)) {
		const raw = (record[iDate] ?? '').trim();
		const t = raw === '' ? NaN : parseEventDate(raw);
		if (Number.isNaN(t)) {
			badDate.push(info.lines);
			continue;
		}
		const group = (record[iGroup] ?? '').trim();
		if (group === '') {
			noGroup.push(info.lines);
			continue;
		}
		const day = Math.floor(t);
		if (day < from || day > to) {
			outside++;
			continue;
		}
		let series = counts.get(group);
		if (!series) counts.set(group, (series = new Array<number>(nWeeks).fill(0)));
		series[Math.floor((day - from) / 7)]++;
	}
	const lines = (list: number[]) =>
		list.slice(0, 10).join(', ') + (list.length > 10 ? ` and ${list.length - 10} more` : '');
	const rows = (n: number) => `${n} row${n === 1 ? '' : 's'}`;
	if (badDate.length)
		io.stderr.write(
			`${rows(badDate.length)} left out: unreadable date (lines ${lines(badDate)})\n`
		);
	if (noGroup.length)
		io.stderr.write(
			`${rows(noGroup.length)} left out: empty ${values.group} (lines ${lines(noGroup)})\n`
		);
	if (counts.size === 0)
		throw new UsageError(
			`no rows fall in the weeks ${values['weeks-from']} to ${values['weeks-to']} (${outside} rows outside)`
		);

	const series = [...counts.keys()].sort(compareGroups).map((group) => {
		const c = counts.get(group)!;
		const checks: WeekCheck[] =
			method === 'farrington'
				? farringtonFlexible(c, weekDays, checkIndexes)
				: earsC2(c, checkIndexes);
		return { group, checks };
	});

	if (values.json) {
		const out = {
			method,
			series: series.map(({ group, checks }) => ({
				group,
				weeks: checks.map((w) => ({
					week: dayToIso(weekDays[w.index]),
					observed: w.observed,
					threshold: w.threshold,
					alarm: w.alarm
				}))
			}))
		};
		io.stdout.write(JSON.stringify(out) + '\n');
		return 0;
	}
	const total = series.reduce((s, x) => s + x.checks.filter((w) => w.alarm).length, 0);
	const out = [
		`${method === 'farrington' ? 'Improved Farrington (Noufaily et al. 2013)' : 'EARS C2'}: ` +
			`${series.length} groups, weeks ${dayToIso(weekDays[checkIndexes[0]])} to ${dayToIso(weekDays[nWeeks - 1])} checked, ` +
			`${total} alarm${total === 1 ? '' : 's'}`,
		''
	];
	for (const { group, checks } of series) {
		const alarms = checks.filter((w) => w.alarm);
		const missing = checks.filter((w) => w.threshold === null);
		out.push(
			`${values.group} ${group}: ${alarms.length} alarm${alarms.length === 1 ? '' : 's'}` +
				(missing.length ? `; ${missing.length} weeks without a threshold (${missing[0].note})` : '')
		);
		for (const w of alarms)
			out.push(
				`  week of ${dayToIso(weekDays[w.index])}: ${w.observed} observed, threshold ${fmt(w.threshold!)}, expected ${fmt(w.expected!)}`
			);
	}
	io.stdout.write(out.join('\n') + '\n');
	return 0;
}

function fmt(v: number): string {
	return Number.isInteger(v) ? String(v) : v.toFixed(2);
}
