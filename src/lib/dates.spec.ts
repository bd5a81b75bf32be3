import { describe, expect, it } from 'vitest';
import { isIsoDate } from './dates';

describe('isIsoDate', () => {
	it('accepts real days, leap days included', () => {
		for (const d of ['2024-02-29', '2000-02-29', '1900-01-01', '2023-12-31'])
			expect(isIsoDate(d)).toBe(true);
	});
	it('refuses impossible days and other spellings', () => {
		for (const d of [
			'2021-02-30',
			'2023-02-29',
			'1900-02-29',
			'2021-13-01',
			'2021-04-31',
			'2021-00-10',
			'2021-1-01',
			' 2021-01-01',
			'2021-01-01T00:00',
			''
		])
			expect(isIsoDate(d)).toBe(false);
	});
});

describe('isIsoDate, years before 100', () => {
	it('reads 0000–0099 as those years, not as 1900–1999', () => {
		expect(isIsoDate('0000-01-01')).toBe(true);
		expect(isIsoDate('0099-12-31')).toBe(true);
		expect(isIsoDate('0004-02-29')).toBe(true);
		expect(isIsoDate('0001-02-29')).toBe(false);
	});
});
