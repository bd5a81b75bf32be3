import { describe, expect, it } from 'vitest';
import { lastDayOfMonth } from './extent';

describe('lastDayOfMonth', () => {
	it("ends a monthly source's last month on its last day, leap years included", () => {
		expect(lastDayOfMonth('2020-12-01')).toBe('2020-12-31');
		expect(lastDayOfMonth('2020-02-01')).toBe('2020-02-29');
		expect(lastDayOfMonth('2019-02-01')).toBe('2019-02-28');
		expect(lastDayOfMonth('2017-06-01')).toBe('2017-06-30');
		expect(lastDayOfMonth('2017-06-30')).toBe('2017-06-30');
	});
});
