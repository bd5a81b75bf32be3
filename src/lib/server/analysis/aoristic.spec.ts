import { describe, expect, it } from 'vitest';
import { aoristicProfile } from './aoristic';

const sum = (a: Float64Array) => a.reduce((s, v) => s + v, 0);

describe('aoristicProfile', () => {
	it('spreads a window over hours and weekdays in proportion to overlap', () => {
		// Sunday 2024-03-10 23:30 UTC to Monday 01:00: 30 min Sunday 23h, 60 min Monday 0h.
		const r = aoristicProfile([
			{ from: Date.UTC(2024, 2, 10, 23, 30), to: Date.UTC(2024, 2, 11, 1) }
		]);
		expect(r.hourOfDay[23]).toBeCloseTo(1 / 3, 15);
		expect(r.hourOfDay[0]).toBeCloseTo(2 / 3, 15);
		expect(r.dayOfWeek[6]).toBeCloseTo(1 / 3, 15);
		expect(r.dayOfWeek[0]).toBeCloseTo(2 / 3, 15);
		expect(r.hourByWeekday[6 * 24 + 23]).toBeCloseTo(1 / 3, 15);
		expect(sum(r.hourByWeekday)).toBeCloseTo(1, 14);
	});
	it('gives an exact time its whole weight, skips vague or inverted windows', () => {
		const r = aoristicProfile([
			{ from: new Date(Date.UTC(2024, 2, 6, 14, 10)) },
			{ from: Date.UTC(2024, 2, 1), to: Date.UTC(2024, 3, 1) },
			{ from: Date.UTC(2024, 2, 2), to: Date.UTC(2024, 2, 1) }
		]);
		expect(r.hourOfDay[14]).toBe(1);
		expect(r.dayOfWeek[2]).toBe(1); // Wednesday
		expect([r.used, r.skipped]).toEqual([1, 2]);
	});
	it('uses the wall clock of a time zone, across a DST change', () => {
		// Chicago: 2024-03-10 02:00 CST → 03:00 CDT. 07:00–09:00 UTC = 01:00–02:00 CST then 03:00–04:00 CDT.
		const r = aoristicProfile([{ from: Date.UTC(2024, 2, 10, 7), to: Date.UTC(2024, 2, 10, 9) }], {
			timeZone: 'America/Chicago'
		});
		expect(r.hourOfDay[1]).toBeCloseTo(0.5, 15);
		expect(r.hourOfDay[2]).toBe(0);
		expect(r.hourOfDay[3]).toBeCloseTo(0.5, 15);
		expect(r.parameters).toEqual({ timeZone: 'America/Chicago', maxWindowHours: 168 });
		expect(() => aoristicProfile([], { timeZone: 'Mars/Olympus' })).toThrow(
			expect.objectContaining({ code: 'E_BAD_TIMEZONE' })
		);
	});
});
