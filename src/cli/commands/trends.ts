import { parseArgs } from 'node:util';
import { UsageError, type CliIo } from '../main';
import { closeDatabase, getDatabase } from '../../lib/server/db';
import { ServiceError } from '../../lib/server/errors';
import { trendsForArea } from '../../lib/server/services/trends';

export const summary =
	'CompStat table (week-to-date, 28 days, year-to-date vs a year before) (database)';

const HELP = `Usage: beatwise trends [--area kind:code] [--date YYYY-MM-DD] [--categories a,b]
                      [--week-start monday|sunday] [--prior-year calendar|52weeks] [--json]

Counts for week-to-date, the last 28 days and year-to-date ending at --date (default: the last day
with data), against the same dates a year earlier, per category and for all of them together, with
the Poisson z = 2(√current − √previous); |z| ≥ 1.96 is a change at 95 %.
  --area        kind:code (district:11), kind:* or an area id; commas for a union (default: everywhere)
  --categories  taxonomy codes, comma-separated (default: every category with incidents)
  --json        print the result as JSON
Database: DATABASE_URL (PostgreSQL + PostGIS), else the embedded database in BEATWISE_DATA.`;

const WINDOW = {
	weekToDate: 'week to date',
	last28Days: 'last 28 days',
	month: 'month',
	yearToDate: 'year to date'
};

export async function run(args: string[], io: CliIo): Promise<number> {
	const { values } = parseArgs({
		args,
		options: {
			area: { type: 'string' },
			date: { type: 'string' },
			categories: { type: 'string' },
			'week-start': { type: 'string', default: 'monday' },
			'prior-year': { type: 'string', default: 'calendar' },
			json: { type: 'boolean', default: false },
			help: { type: 'boolean', short: 'h' }
		}
	});
	if (values.help) {
		io.stdout.write(HELP + '\n');
		return 0;
	}
	const weekStart = values['week-start'];
	const priorYear = values['prior-year'];
	if (weekStart !== 'monday' && weekStart !== 'sunday')
		throw new UsageError('--week-start must be monday or sunday');
	if (priorYear !== 'calendar' && priorYear !== '52weeks')
		throw new UsageError('--prior-year must be calendar or 52weeks');
	const db = await getDatabase();
	try {
		const r = await trendsForArea(db, {
			area: values.area?.split(',').map((s) => s.trim()),
			date: values.date,
			categories: values.categories?.split(',').map((s) => s.trim()) ?? [],
			weekStart,
			priorYear
		});
		if (values.json) {
			io.stdout.write(JSON.stringify(r, null, 2) + '\n');
			return 0;
		}
		const p = r.parameters;
		const where = p.areas.length
			? p.areas.map((a) => `${a.kind}:${a.code} (${a.name})`).join(', ')
			: 'everywhere';
		const lines = [
			`CompStat ${where} · reference date ${p.date} · prior year ${p.priorYear} · |z| ≥ ${p.criticalZ.toFixed(2)} significant`,
			''
		];
		const header = `${'category'.padEnd(30)} ${'window'.padEnd(13)} ${'period'.padEnd(23)} ${'current'.padStart(7)} ${'prior'.padStart(7)} ${'change'.padStart(7)} ${'z'.padStart(6)}  direction`;
		lines.push(header, '-'.repeat(header.length));
		for (const t of r.tables) {
			t.rows.forEach((row, j) => {
				const pct = row.percentChange === null ? '—' : `${row.percentChange.toFixed(0)}%`;
				lines.push(
					`${(j === 0 ? t.label : '').padEnd(30)} ${WINDOW[row.window].padEnd(13)} ${`${row.from}–${row.to}`.padEnd(23)} ${String(row.current).padStart(7)} ${String(row.previous).padStart(7)} ${pct.padStart(7)} ${(row.z === null ? '—' : row.z.toFixed(2)).padStart(6)}  ${row.direction}${row.note ? ` (${row.note})` : ''}`
				);
			});
		}
		for (const note of p.notes) lines.push('', note);
		io.stdout.write(lines.join('\n') + '\n');
		return 0;
	} catch (e) {
		if (e instanceof ServiceError) throw new UsageError(e.message);
		throw e;
	} finally {
		await closeDatabase();
	}
}
