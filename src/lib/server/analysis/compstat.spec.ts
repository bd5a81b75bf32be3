import { describe, expect, it } from 'vitest';
import { compStat, poissonZ } from './compstat';
import { dayToIso, isoToDay, isoWeekday, sameDayLastYear } from './days';

describe('days', () => {
	it('converts and shifts calendar days', () => {
		expect(isoToDay('1970-01-02')).toBe(1);
		expect(dayToIso(isoToDay('2024-02-29'))).toBe('2024-02-29');
		expect(isoWeekday(isoToDay('2024-03-04'))).toBe(0); // a Monday
		expect(dayToIso(sameDayLastYear(isoToDay('2024-02-29')))).toBe('2023-02-28');
		expect(() => isoToDay('2023-02-29')).toThrow(expect.objectContaining({ code: 'E_BAD_DATE' }));
	});
});

describe('compStat', () => {
	// Reference Sunday 2024-03-10: week-to-date Mon 4 – Sun 10 March.
	const daily = new Map<string, number>();
	for (let d = isoToDay('2023-01-01'); d <= isoToDay('2024-03-10'); d++) {
		const iso = dayToIso(d);
		daily.set(iso, iso.startsWith('2024') ? 4 : 1);
	}
	it('computes windows, counts, % change and the Poisson z', () => {
		const r = compStat(daily, { referenceDate: '2024-03-10' });
		const [wtd, d28, ytd] = r.rows;
		expect(wtd).toMatchObject({
			window: 'weekToDate',
			from: '2024-03-04',
			to: '2024-03-10',
			priorFrom: '2023-03-04',
			priorTo: '2023-03-10',
			current: 28,
			previous: 7,
			difference: 21,
			percentChange: 300
		});
		expect(wtd.z).toBeCloseTo(2 * (Math.sqrt(28) - Math.sqrt(7)), 14);
		expect(wtd.significant).toBe(true);
		expect(wtd.direction).toBe('up');
		// Calendar shift across 29 February: 2023-02-12..2023-03-10 spans 27 days, not 28.
		expect(d28).toMatchObject({
			from: '2024-02-12',
			priorFrom: '2023-02-12',
			current: 112,
			previous: 27
		});
		// 2024-01-01..2024-03-10 is 70 days; 2023-01-01..2023-03-10 is 69 days.
		expect(ytd).toMatchObject({
			from: '2024-01-01',
			priorFrom: '2023-01-01',
			current: 280,
			previous: 69
		});
		expect(r.parameters.criticalZ).toBeCloseTo(1.959963984540054, 9);
	});
	it('flags small changes as not significant and handles previous = 0', () => {
		expect(poissonZ(12, 9)).toBeCloseTo(2 * (Math.sqrt(12) - 3), 15);
		const r = compStat(
			{ start: '2024-03-04', counts: [1, 0, 1] },
			{ referenceDate: '2024-03-10', priorYear: '52weeks', weekStart: 'sunday' }
		);
		expect(r.rows[0]).toMatchObject({
			from: '2024-03-10',
			priorFrom: '2023-03-12',
			current: 0,
			previous: 0,
			percentChange: null,
			significant: false,
			direction: 'no significant change'
		});
		expect(r.rows[1]).toMatchObject({ current: 2, previous: 0, percentChange: null });
		// z = 2(√2 − 0) ≈ 2.83 ≥ 1.96
		expect(r.rows[1].significant).toBe(true);
		const small = compStat(
			new Map([
				['2024-03-05', 12],
				['2023-03-07', 9]
			]),
			{ referenceDate: '2024-03-10' }
		);
		// 12 against 9: +33 % but z = 2(√12 − 3) ≈ 0.93, not significant.
		expect(small.rows[1]).toMatchObject({ current: 12, previous: 9, significant: false });
		expect(small.rows[1].percentChange).toBeCloseTo(33.333333333333336, 12);
	});
});
