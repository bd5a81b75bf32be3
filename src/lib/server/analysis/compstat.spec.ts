import { describe, expect, it } from 'vitest';
import { compStat, poissonZ } from './compstat';
import { DataCoverage } from './coverage';
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

describe('compStat with coverage', () => {
	// Month-dated data like the demo: 2016-01..2017-06 and 2020-01..12, every crime on the 1st.
	const months: string[] = [];
	for (let y = 2016; y <= 2020; y++)
		for (let m = 1; m <= 12; m++)
			if (y === 2016 || (y === 2017 && m <= 6) || y === 2020)
				months.push(`${y}-${String(m).padStart(2, '0')}-01`);
	const coverage = new DataCoverage(months.map((periodStart) => ({ grain: 'month', periodStart })));
	const daily = new Map(months.map((d) => [d, d.startsWith('2020') ? 361 : 400]));

	it('says "no data to compare" against a year never imported (was z 38.00 and 145.55)', () => {
		const r = compStat(daily, { referenceDate: '2020-12-01', coverage });
		expect(r.parameters.grain).toBe('month');
		expect(r.parameters.notes[0]).toMatch(/week-to-date and 28-day windows cannot be measured/);
		expect(r.rows.map((x) => x.window)).toEqual(['month', 'yearToDate']);
		for (const row of r.rows) {
			expect(row.z).toBeNull();
			expect(row.p).toBeNull();
			expect(row.significant).toBe(false);
			expect(row.direction).toBe('no data to compare');
			expect(row.coverage).toEqual({ current: 'covered', previous: 'missing' });
		}
		expect(r.rows[0]).toMatchObject({
			from: '2020-12-01',
			to: '2020-12-31',
			priorFrom: '2019-12-01',
			current: 361,
			previous: 0,
			note: 'No data for 1 Dec 2019 – 31 Dec 2019'
		});
		expect(r.rows[1]).toMatchObject({ current: 12 * 361, previous: 0, percentChange: null });
		// Without coverage the old answer: z = 2√361 = 38 "up", the number that must not be shown.
		expect(compStat(daily, { referenceDate: '2020-12-01' }).rows[1].z).toBe(38);
	});

	it('compares whole months where both years hold data, and refuses a half-covered prior year', () => {
		const r = compStat(daily, { referenceDate: '2017-03-01', coverage });
		expect(r.rows[0]).toMatchObject({ window: 'month', current: 400, previous: 400, z: 0 });
		expect(r.rows[0].direction).toBe('no significant change');
		expect(r.rows[1]).toMatchObject({ from: '2017-01-01', to: '2017-03-31', current: 1200 });
		expect(r.rows[1].z).toBe(0);
		const late = compStat(daily, { referenceDate: '2018-08-01', coverage });
		expect(late.rows[1].coverage).toEqual({ current: 'missing', previous: 'partial' });
		expect(late.rows[1].note).toBe(
			'No data for 1 Jan 2018 – 31 Aug 2018; Data for only 181 of the 243 days of 1 Jan 2017 – 31 Aug 2017 (Jan–Jun)'
		);
	});

	it('refuses day windows with a gap on either side', () => {
		const days = [];
		for (let d = isoToDay('2023-01-01'); d <= isoToDay('2024-03-10'); d++)
			if (dayToIso(d) < '2023-02-20' || dayToIso(d) > '2023-02-25')
				days.push({ grain: 'day' as const, periodStart: dayToIso(d) });
		const c = new DataCoverage(days);
		const r = compStat(daily, { referenceDate: '2024-03-10', coverage: c });
		expect(r.rows.map((x) => x.window)).toEqual(['weekToDate', 'last28Days', 'yearToDate']);
		expect(r.rows[0].z).not.toBeNull();
		expect(r.rows[1]).toMatchObject({ z: null, direction: 'no data to compare' });
		expect(r.rows[2]).toMatchObject({
			z: null,
			coverage: { current: 'covered', previous: 'partial' }
		});
		expect(r.rows[1].note).toBe(
			'Data for only 21 of the 27 days of 12 Feb 2023 – 10 Mar 2023 (12–19 Feb, 26 Feb–10 Mar)'
		);
	});
});
