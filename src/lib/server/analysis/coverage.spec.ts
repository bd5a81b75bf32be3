import { describe, expect, it } from 'vitest';
import { DataCoverage, labelWithCoverage } from './coverage';

/** The demo's shape: months 2016-01..2017-06 and 2020-01..12 (police.uk, month grain). */
function demoLike(): DataCoverage {
	const rows = [];
	for (let y = 2016; y <= 2020; y++)
		for (let m = 1; m <= 12; m++)
			if (y === 2016 || (y === 2017 && m <= 6) || y === 2020)
				rows.push({
					grain: 'month' as const,
					periodStart: `${y}-${String(m).padStart(2, '0')}-01`
				});
	return new DataCoverage(rows);
}

describe('DataCoverage', () => {
	it('tells covered, partial and missing periods apart on month-grain data', () => {
		const c = demoLike();
		expect(c.grain).toBe('month');
		expect(c.mixed).toBe(false);
		expect(c.period('2016-01-01', '2016-12-31')).toMatchObject({
			status: 'covered',
			days: 366,
			coveredDays: 366,
			covers: null
		});
		expect(c.period('2017-01-01', '2017-12-31')).toMatchObject({
			status: 'partial',
			coveredDays: 181,
			covers: 'Jan–Jun'
		});
		expect(c.period('2019-01-01', '2019-12-31')).toMatchObject({
			status: 'missing',
			coveredDays: 0
		});
		expect(c.period('2017-05-01', '2020-02-29').covers).toBe('May–Jun 2017, Jan–Feb 2020');
	});

	it('labels partial periods ("2017 (Jan–Jun)"), never a half year as a year', () => {
		const c = demoLike();
		expect(labelWithCoverage('2017', c.period('2017-01-01', '2017-12-31'))).toBe('2017 (Jan–Jun)');
		expect(labelWithCoverage('2016', c.period('2016-01-01', '2016-12-31'))).toBe('2016');
		expect(labelWithCoverage('2018', c.period('2018-01-01', '2018-12-31'))).toBe('2018 (no data)');
	});

	it('counts days of day-grain data, with gaps inside a month', () => {
		const rows = [];
		for (let d = 1; d <= 31; d++)
			if (d < 10 || d > 20)
				rows.push({ grain: 'day' as const, periodStart: `2019-03-${String(d).padStart(2, '0')}` });
		const c = new DataCoverage(rows);
		expect(c.grain).toBe('day');
		expect(c.period('2019-03-01', '2019-03-31')).toMatchObject({
			status: 'partial',
			coveredDays: 20,
			covers: '1–9 Mar, 21–31 Mar'
		});
		expect(c.period('2019-03-10', '2019-03-20').status).toBe('missing');
		expect(new DataCoverage([]).grain).toBeNull();
		const mixed = new DataCoverage([...rows, { grain: 'month', periodStart: '2019-01-01' }]);
		expect([mixed.grain, mixed.mixed]).toEqual(['month', true]);
	});
});
