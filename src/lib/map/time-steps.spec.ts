import { describe, expect, it } from 'vitest';
import { stepIndex, stepPeriod, timeSteps } from './time-steps';

describe('time slider steps', () => {
	it('cuts a period into calendar months, clipped at both ends', () => {
		const s = timeSteps('2016-01-15', '2016-03-10', 'month');
		expect(s.map((x) => [x.start, x.from, x.to, x.label])).toEqual([
			['2016-01-01', '2016-01-15', '2016-01-31', 'Jan 2016'],
			['2016-02-01', '2016-02-01', '2016-02-29', 'Feb 2016'],
			['2016-03-01', '2016-03-01', '2016-03-10', 'Mar 2016']
		]);
	});

	it('cuts a period into Monday-to-Sunday weeks', () => {
		// 2016-01-01 was a Friday: its week started on Monday 2015-12-28.
		const s = timeSteps('2016-01-01', '2016-01-18', 'week');
		expect(s.map((x) => [x.start, x.from, x.to])).toEqual([
			['2015-12-28', '2016-01-01', '2016-01-03'],
			['2016-01-04', '2016-01-04', '2016-01-10'],
			['2016-01-11', '2016-01-11', '2016-01-17'],
			['2016-01-18', '2016-01-18', '2016-01-18']
		]);
		expect(s[1].label).toBe('Week of 4 Jan 2016');
	});

	it('finds a step by its start or a day inside, and gives window and cumulative periods', () => {
		const s = timeSteps('2016-01-01', '2016-12-31', 'month');
		expect(stepIndex(s, '2016-03-01')).toBe(2);
		expect(stepIndex(s, '2016-03-17')).toBe(2);
		expect(stepIndex(s, null)).toBe(0);
		expect(stepIndex(s, '2030-01-01')).toBe(11);
		expect(stepPeriod(s, 2, 'window')).toEqual({ from: '2016-03-01', to: '2016-03-31' });
		expect(stepPeriod(s, 2, 'cumulative')).toEqual({ from: '2016-01-01', to: '2016-03-31' });
	});
});
