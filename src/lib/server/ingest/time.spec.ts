import { describe, expect, it } from 'vitest';
import { compileTimeFormat, ISO_FORMAT, zonedTimeToUtc } from './time';

const iso = (d: Date | undefined) => d?.toISOString();

describe('zonedTimeToUtc', () => {
	it('reads four-digit years below 100 as written, not as 1900–1999', () => {
		expect(iso(zonedTimeToUtc({ year: 21, month: 3, day: 1 }, 'UTC'))).toBe(
			'0021-03-01T00:00:00.000Z'
		);
		expect(iso(ISO_FORMAT.parse('0021-03-01', 'Europe/London')?.from)?.slice(0, 10)).toBe(
			'0021-03-01'
		);
		expect(compileTimeFormat('DD/MM/YYYY').parse('29/02/0021', 'UTC')).toBeNull();
	});

	it('converts Chicago wall time on both sides of the 2016 spring-forward (13 March, 02:00 → 03:00)', () => {
		const tz = 'America/Chicago';
		expect(iso(zonedTimeToUtc({ year: 2016, month: 3, day: 13, hour: 1, minute: 59 }, tz))).toBe(
			'2016-03-13T07:59:00.000Z'
		);
		expect(iso(zonedTimeToUtc({ year: 2016, month: 3, day: 13, hour: 3 }, tz))).toBe(
			'2016-03-13T08:00:00.000Z'
		);
		// 02:30 does not exist: moved forward by the gap to 03:30 CDT.
		expect(iso(zonedTimeToUtc({ year: 2016, month: 3, day: 13, hour: 2, minute: 30 }, tz))).toBe(
			'2016-03-13T08:30:00.000Z'
		);
	});

	it('reads the repeated hour of the 2016 fall-back (6 November) as its first occurrence', () => {
		const tz = 'America/Chicago';
		expect(iso(zonedTimeToUtc({ year: 2016, month: 11, day: 6, hour: 1, minute: 30 }, tz))).toBe(
			'2016-11-06T06:30:00.000Z'
		);
		expect(iso(zonedTimeToUtc({ year: 2016, month: 11, day: 6, hour: 2 }, tz))).toBe(
			'2016-11-06T08:00:00.000Z'
		);
	});

	it('converts London BST and GMT', () => {
		expect(iso(zonedTimeToUtc({ year: 2021, month: 8, day: 1 }, 'Europe/London'))).toBe(
			'2021-07-31T23:00:00.000Z'
		);
		expect(iso(zonedTimeToUtc({ year: 2016, month: 1, day: 1 }, 'Europe/London'))).toBe(
			'2016-01-01T00:00:00.000Z'
		);
	});
});

describe('compileTimeFormat', () => {
	it('parses a month as a window of London local time', () => {
		const t = compileTimeFormat('YYYY-MM').parse('2021-03', 'Europe/London')!;
		expect(t.precision).toBe('month');
		expect(iso(t.from)).toBe('2021-03-01T00:00:00.000Z');
		// Clocks go forward on 28 March: the month ends at 23:59:59.999 BST.
		expect(iso(t.to)).toBe('2021-03-31T22:59:59.999Z');
	});

	it('parses days, 12-hour clocks and rejects impossible dates', () => {
		const day = compileTimeFormat('DD/MM/YYYY').parse('29/02/2020', 'UTC')!;
		expect([iso(day.from), iso(day.to), day.precision]).toEqual([
			'2020-02-29T00:00:00.000Z',
			'2020-02-29T23:59:59.999Z',
			'day'
		]);
		expect(compileTimeFormat('DD/MM/YYYY').parse('29/02/2021', 'UTC')).toBeNull();
		const us = compileTimeFormat('MM/DD/YYYY hh:mm:ss A');
		expect(iso(us.parse('01/03/2016 11:57:00 PM', 'America/Chicago')?.from)).toBe(
			'2016-01-04T05:57:00.000Z'
		);
		expect(iso(us.parse('01/03/2016 12:05:00 AM', 'America/Chicago')?.from)).toBe(
			'2016-01-03T06:05:00.000Z'
		);
		expect(us.parse('13/45/2016 10:00:00 PM', 'America/Chicago')).toBeNull();
		expect(us.parse('01/03/2016 13:00:00 PM', 'America/Chicago')).toBeNull();
	});

	it('supports literals, month names and fractions', () => {
		const f = compileTimeFormat('D MMM YYYY [at] HH:mm:ss.SSS');
		expect(iso(f.parse('3 Jan 2016 at 23:57:01.250', 'UTC')?.from)).toBe(
			'2016-01-03T23:57:01.250Z'
		);
	});

	it('refuses unusable formats with a readable message', () => {
		expect(() => compileTimeFormat('DD/MM')).toThrow(/no year/);
		expect(() => compileTimeFormat('YYYY-MM-DD hh:mm')).toThrow(/AM\/PM/);
	});
});

describe('ISO_FORMAT', () => {
	it('reads local, zoned, date-only and month-only forms', () => {
		expect(iso(ISO_FORMAT.parse('2016-01-03T23:57:00.000', 'America/Chicago')?.from)).toBe(
			'2016-01-04T05:57:00.000Z'
		);
		expect(iso(ISO_FORMAT.parse('2016-01-03T23:57:00+01:00', 'America/Chicago')?.from)).toBe(
			'2016-01-03T22:57:00.000Z'
		);
		expect(ISO_FORMAT.parse('2016-01-03', 'UTC')?.precision).toBe('day');
		expect(ISO_FORMAT.parse('2016-01', 'UTC')?.precision).toBe('month');
		expect(ISO_FORMAT.parse('2016-13-03', 'UTC')).toBeNull();
		expect(ISO_FORMAT.parse('yesterday', 'UTC')).toBeNull();
	});
});
