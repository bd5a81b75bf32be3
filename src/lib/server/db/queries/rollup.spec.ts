import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../analysis/random';
import { areaCoverCells, planPeriod, rollupRows, type Grain, type PeriodPiece } from './rollup';

const DAY = 86_400_000;
const iso = (t: number) => new Date(t).toISOString().slice(0, 10);
const t = (s: string) => Date.parse(`${s}T00:00:00Z`);

/** The days each piece's rollup rows stand for. */
function daysOf(p: PeriodPiece): string[] {
	const out: string[] = [];
	for (let d = t(p.first); d <= t(p.last); d += DAY) out.push(iso(d));
	return out;
}

/** A piece is whole: months start on the 1st and end on a month's last day, years on 1 Jan / 31 Dec. */
function isWhole(p: PeriodPiece): boolean {
	const next = iso(t(p.last) + DAY);
	if (p.grain === 'day') return true;
	if (p.grain === 'month') return p.first.endsWith('-01') && next.endsWith('-01');
	return p.first.endsWith('-01-01') && next.endsWith('-01-01');
}

describe('planPeriod', () => {
	it('splits a period into ragged days, whole months and whole years', () => {
		expect(planPeriod('2019-12-30', '2021-02-03')).toEqual([
			{ grain: 'day', first: '2019-12-30', last: '2019-12-31' },
			{ grain: 'year', first: '2020-01-01', last: '2020-12-31' },
			{ grain: 'month', first: '2021-01-01', last: '2021-01-31' },
			{ grain: 'day', first: '2021-02-01', last: '2021-02-03' }
		]);
		expect(planPeriod('2016-01-01', '2016-12-31')).toEqual([
			{ grain: 'year', first: '2016-01-01', last: '2016-12-31' }
		]);
		expect(planPeriod('2016-02-10', '2016-02-20')).toEqual([
			{ grain: 'day', first: '2016-02-10', last: '2016-02-20' }
		]);
		expect(planPeriod('2016-02-01', '2016-02-29', 'month')).toEqual([
			{ grain: 'month', first: '2016-02-01', last: '2016-02-29' }
		]);
		expect(planPeriod('2016-03-01', '2016-02-29')).toEqual([]);
	});

	it.each(['year', 'month', 'day'] as Grain[])(
		'covers every day exactly once with whole pieces (coarsest %s)',
		(coarsest) => {
			const rand = mulberry32(coarsest.length);
			for (let i = 0; i < 400; i++) {
				const a = t('2009-11-20') + Math.floor(rand() * 4000) * DAY;
				const b = a + Math.floor(rand() * (i % 2 ? 60 : 2000)) * DAY;
				const pieces = planPeriod(iso(a), iso(b), coarsest);
				const days = pieces.flatMap(daysOf);
				expect(days).toHaveLength((b - a) / DAY + 1);
				expect(days[0]).toBe(iso(a));
				expect(days.at(-1)).toBe(iso(b));
				expect(new Set(days).size).toBe(days.length);
				const order = ['day', 'month', 'year'];
				for (const p of pieces) {
					expect(isWhole(p), JSON.stringify(p)).toBe(true);
					expect(order.indexOf(p.grain)).toBeLessThanOrEqual(order.indexOf(coarsest));
				}
				// Days only at the ragged ends: at most 30 on either side.
				expect(pieces.filter((p) => p.grain === 'day').flatMap(daysOf).length).toBeLessThanOrEqual(
					coarsest === 'day' ? Infinity : 60
				);
			}
		}
	);

	it('refuses dates that are not calendar dates', () => {
		expect(() => planPeriod('2016-02-30', '2016-03-01')).toThrow(/from: "2016-02-30"/);
		expect(() => planPeriod('2016-01-01', "2016-01-02'; DROP")).toThrow(/to:/);
	});
});

describe('rollupRows and areaCoverCells', () => {
	it('read one branch per piece at the resolution asked, and refuse unserved resolutions', () => {
		const sql = rollupRows(9, '2019-12-30', '2021-02-03');
		expect(sql.match(/UNION ALL/g)).toHaveLength(3);
		expect(sql).toContain(`res = 9 AND grain IN ('year', 'month-only')`);
		expect(rollupRows(9, '2020-01-02', '2020-01-01')).toContain('WHERE false');
		expect(() => rollupRows(4, '2020-01-01', '2020-01-02')).toThrow(/not a served/);
		expect(() => rollupRows(12, '2020-01-01', '2020-01-02')).toThrow(/not a served/);
		expect(() => areaCoverCells(4, '$1::int[]')).toThrow(/not a served/);
	});
});
