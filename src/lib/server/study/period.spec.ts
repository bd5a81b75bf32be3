import { describe, expect, it } from 'vitest';
import { stepStarts } from './period';

describe('stepStarts', () => {
	it('lists calendar months overlapping the period', () => {
		expect(stepStarts('2019-11-15', '2020-02-01', 'month')).toEqual([
			'2019-11-01',
			'2019-12-01',
			'2020-01-01',
			'2020-02-01'
		]);
	});

	it('lists Monday-starting weeks overlapping the period', () => {
		// 2024-03-06 is a Wednesday; 2024-03-18 a Monday.
		expect(stepStarts('2024-03-06', '2024-03-18', 'week')).toEqual([
			'2024-03-04',
			'2024-03-11',
			'2024-03-18'
		]);
	});
});
