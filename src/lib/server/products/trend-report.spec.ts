import { describe, expect, it } from 'vitest';
import { compareYears, monthRanges, trendSummary } from './trend-report';
import { binomialTwoSidedP } from '../analysis/exact-binomial';

const all = Array(12).fill(true);
const firstHalf = all.map((_, m) => m < 6);

describe('trend report numbers', () => {
	it('writes month ranges', () => {
		expect(monthRanges([0, 1, 2, 5, 10, 11])).toBe('Jan–Mar, Jun, Nov–Dec');
	});

	it('compares two years over the months with data in both, with exact tests and FDR', () => {
		// Burglary: 5 a month in 2016, 10 a month in 2017 (Jan–Jun only); a July value that must not count.
		const burglary = [all.map(() => 5), all.map((_, m) => (m < 6 ? 10 : 99))];
		const bikes = [all.map(() => 2), all.map(() => 2)];
		const [pair] = compareYears(
			[2016, 2017],
			[all, firstHalf],
			new Map([
				['burglary', burglary],
				['bicycle-theft', bikes]
			])
		);
		expect(pair.months).toEqual([0, 1, 2, 3, 4, 5]);
		const b = pair.rows.find((r) => r.code === 'burglary')!;
		expect([b.before, b.now]).toEqual([30, 60]);
		expect(b.p).toBeCloseTo(binomialTwoSidedP(60, 90, 0.5), 12);
		expect(b.direction).toBe('up');
		const k = pair.rows.find((r) => r.code === 'bicycle-theft')!;
		expect([k.before, k.now, k.direction]).toEqual([12, 12, 'no significant change']);
	});

	it('does not compare years without a common month', () => {
		const none = all.map(() => false);
		const [pair] = compareYears([2018, 2019], [none, all], new Map([['burglary', [all, all]]]));
		expect(pair.months).toEqual([]);
		expect(pair.rows).toEqual([]);
		const s = trendSummary({
			areaName: 'Test',
			years: [2018, 2019],
			covered: [none, all],
			yearTotals: [0, 12],
			pairs: [pair],
			peakMonth: 3,
			emerging: null
		});
		expect(s).toEqual([
			'Test, 2018–2019: data for 1 of 2 years (none for 2018).',
			'Seasonal pattern: Apr has the most incidents on average over the years with data for it.',
			'2018 and 2019 share no month with data: they are not compared.'
		]);
	});
});
