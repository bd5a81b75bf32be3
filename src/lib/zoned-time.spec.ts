import { describe, expect, it } from 'vitest';
import { fromZonedInput, toZonedInput, zonedTimeToUtc } from './zoned-time';

describe('datetime-local values in a named zone', () => {
	it('shows an instant as the zone’s wall time, whatever the browser’s zone', () => {
		expect(toZonedInput('2026-07-01T14:05:00.000Z', 'Europe/London')).toBe('2026-07-01T15:05');
		expect(toZonedInput('2026-01-15T14:05:00.000Z', 'Europe/London')).toBe('2026-01-15T14:05');
		expect(toZonedInput('2026-07-01T14:05:00.000Z', 'America/Chicago')).toBe('2026-07-01T09:05');
		expect(toZonedInput(null, 'Europe/London')).toBe('');
		expect(toZonedInput('not a time', 'Europe/London')).toBe('');
	});

	it('reads a wall time back to the same instant', () => {
		for (const iso of [
			'2026-07-01T14:05:00.000Z',
			'2026-12-31T23:59:00.000Z',
			'2026-03-29T00:30:00.000Z'
		]) {
			for (const zone of ['Europe/London', 'America/Chicago', 'Asia/Kolkata', 'UTC']) {
				expect(fromZonedInput(toZonedInput(iso, zone), zone)).toBe(iso);
			}
		}
	});

	it('follows the zone’s rules across a clock change', () => {
		// 01:30 on the night clocks go forward in London does not exist: moved on by the gap (02:30 BST).
		expect(fromZonedInput('2026-03-29T01:30', 'Europe/London')).toBe('2026-03-29T01:30:00.000Z');
		// 01:30 on the night clocks go back happens twice: the earlier (BST) instant.
		expect(fromZonedInput('2026-10-25T01:30', 'Europe/London')).toBe('2026-10-25T00:30:00.000Z');
		expect(
			zonedTimeToUtc(
				{ year: 2026, month: 10, day: 25, hour: 1, minute: 30 },
				'Europe/London'
			).toISOString()
		).toBe('2026-10-25T00:30:00.000Z');
	});

	it('refuses what is not a datetime-local value', () => {
		expect(fromZonedInput('', 'Europe/London')).toBe('');
		expect(fromZonedInput('2026-07-01 14:05', 'Europe/London')).toBe('');
		expect(fromZonedInput('14:05', 'Europe/London')).toBe('');
	});
});
