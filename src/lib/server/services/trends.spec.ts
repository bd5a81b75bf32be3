import { describe, expect, it } from 'vitest';
import { yearEarlier } from './trends';

describe('yearEarlier', () => {
	it('shifts by one calendar year, 29 February to 28 February', () => {
		expect(yearEarlier('2019-06-30')).toBe('2018-06-30');
		expect(yearEarlier('2020-02-29')).toBe('2019-02-28');
		expect(yearEarlier('2021-03-01')).toBe('2020-03-01');
	});
});
