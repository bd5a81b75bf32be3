import { describe, expect, it } from 'vitest';
import { fixedPeriodEnd } from './neighbourhood';
import { isoToDay } from '../analysis/days';

describe('fixed 28-day periods of public views', () => {
	it('end every 28 days from 1970-01-28, on or before the day asked', () => {
		expect(fixedPeriodEnd('1970-01-28')).toBe('1970-01-28');
		expect(fixedPeriodEnd('1970-01-27')).toBe('1969-12-31');
		expect(fixedPeriodEnd('1970-02-24')).toBe('1970-01-28');
		expect(fixedPeriodEnd('1970-02-25')).toBe('1970-02-25');
	});

	it('give every day of a year one of 14 ends at most 27 days before it', () => {
		const ends = new Set<string>();
		for (let d = isoToDay('2024-01-01'); d <= isoToDay('2024-12-31'); d++) {
			const day = new Date(d * 86_400_000).toISOString().slice(0, 10);
			const end = fixedPeriodEnd(day);
			expect(isoToDay(day) - isoToDay(end)).toBeGreaterThanOrEqual(0);
			expect(isoToDay(day) - isoToDay(end)).toBeLessThan(28);
			expect(fixedPeriodEnd(end)).toBe(end);
			ends.add(end);
		}
		expect(ends.size).toBe(14);
	});
});
