import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../main';
import { captureIo } from '../test-io';
import { dayToIso, isoToDay } from '../../lib/server/analysis/days';

const fx = JSON.parse(
	readFileSync('tests/fixtures/early-warning/chicago-districts.json', 'utf8')
) as {
	counts: Record<string, number[]>;
	farrington: Record<string, { threshold: (number | null)[]; alarm: number[] }>;
	earsC2: Record<string, { threshold: (number | null)[]; alarm: number[] }>;
};
const dir = mkdtempSync(join(tmpdir(), 'beatwise-ew-'));

/** One row per incident, spread over the days of each week, in the Chicago portal's date format. */
function writeEvents(groups: string[]): string {
	const from = isoToDay('2010-01-04');
	const rows = ['ID,Date,District'];
	let id = 0;
	for (const g of groups)
		fx.counts[g].forEach((n, week) => {
			for (let j = 0; j < n; j++) {
				const iso = dayToIso(from + 7 * week + (j % 7));
				const [y, m, d] = iso.split('-');
				const pm = j % 2 === 1;
				rows.push(`${++id},${m}/${d}/${y} ${pm ? '11:59:00 PM' : '12:00:00 AM'},${g}`);
			}
		});
	const file = join(dir, `events-${groups.join('-')}.csv`);
	writeFileSync(file, rows.join('\n') + '\n');
	return file;
}

const base = (input: string) => [
	'early-warning',
	'--input',
	input,
	'--date',
	'Date',
	'--group',
	'district',
	'--weeks-from',
	'2010-01-04',
	'--weeks-to',
	'2019-12-29',
	'--check-from',
	'2016-01-04'
];

describe('beatwise early-warning', () => {
	const file = writeEvents(['25', '7']);

	it('--method farrington --json: the weekly series and R surveillance thresholds and alarms', async () => {
		const c = captureIo();
		expect(await main([...base(file), '--method', 'farrington', '--json'], c.io)).toBe(0);
		const r = JSON.parse(c.out());
		expect(r.method).toBe('farrington');
		expect(r.series.map((s: { group: string }) => s.group)).toEqual(['7', '25']);
		for (const s of r.series) {
			expect(s.weeks[0]).toEqual({
				week: '2016-01-04',
				observed: fx.counts[s.group][313],
				threshold: fx.farrington[s.group].threshold[0],
				alarm: fx.farrington[s.group].alarm[0] === 1
			});
			expect(s.weeks.map((w: { threshold: number | null }) => w.threshold)).toEqual(
				fx.farrington[s.group].threshold
			);
			expect(s.weeks.map((w: { alarm: boolean }) => (w.alarm ? 1 : 0))).toEqual(
				fx.farrington[s.group].alarm
			);
		}
	});

	it('--method ears-c2 --json', async () => {
		const c = captureIo();
		expect(await main([...base(file), '--method', 'ears-c2', '--json'], c.io)).toBe(0);
		const r = JSON.parse(c.out());
		const s7 = r.series.find((s: { group: string }) => s.group === '7');
		s7.weeks.forEach((w: { threshold: number }, i: number) =>
			expect(w.threshold).toBeCloseTo(fx.earsC2['7'].threshold[i]!, 7)
		);
	});

	it('a readable summary without --json, naming alarm weeks', async () => {
		const c = captureIo();
		expect(await main([...base(file), '--method', 'farrington'], c.io)).toBe(0);
		expect(c.out()).toMatch(/^Improved Farrington \(Noufaily et al\. 2013\): 2 groups/);
		const n = fx.farrington['7'].alarm.filter((a) => a === 1).length;
		expect(c.out()).toContain(`district 7: ${n} alarms`);
		expect(c.out()).toMatch(/week of \d{4}-\d{2}-\d{2}: \d+ observed, threshold \d+/);
	});

	it('reports rows with unreadable dates or no group by line, and null thresholds for short history', async () => {
		const f = join(dir, 'bad.csv');
		writeFileSync(
			f,
			'Date,District\n2020-01-06,1\nnot a date,1\n2020-01-07,\n2020-02-30,1\n2020-01-14 10:00,1\n'
		);
		const c = captureIo();
		const code = await main(
			[
				'early-warning',
				'--input',
				f,
				'--date',
				'Date',
				'--group',
				'District',
				'--weeks-from',
				'2020-01-06',
				'--weeks-to',
				'2020-01-19',
				'--check-from',
				'2020-01-06',
				'--method',
				'ears-c2',
				'--json'
			],
			c.io
		);
		expect(code).toBe(0);
		expect(c.err()).toContain('2 rows left out: unreadable date (lines 3, 5)');
		expect(c.err()).toContain('1 row left out: empty District (lines 4)');
		expect(JSON.parse(c.out()).series).toEqual([
			{
				group: '1',
				weeks: [
					{ week: '2020-01-06', observed: 1, threshold: null, alarm: false },
					{ week: '2020-01-13', observed: 1, threshold: null, alarm: false }
				]
			}
		]);
	});

	it.each([
		[['--weeks-from', '2010-01-05'], /--weeks-from 2010-01-05 is not a Monday/],
		[['--weeks-to', '2019-12-28'], /--weeks-to 2019-12-28 is not a Sunday/],
		[['--method', 'cusum'], /--method must be farrington or ears-c2/],
		[['--group', 'beat'], /--group: no column "beat"/],
		[['--check-from', '2021-01-01'], /after the last week/],
		[['--check-from', '2016-02-30'], /not a calendar date/]
	])('usage error %s', async (extra, message) => {
		const c = captureIo();
		const args = [...base(file), '--method', 'farrington'];
		for (let i = 0; i < extra.length; i += 2) {
			const at = args.indexOf(extra[i]);
			if (at >= 0) args[at + 1] = extra[i + 1];
			else args.push(extra[i], extra[i + 1]);
		}
		expect(await main(args, c.io)).toBe(2);
		expect(c.err()).toMatch(message);
	});
});
