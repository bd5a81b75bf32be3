import { describe, expect, it } from 'vitest';
import { cellToParent, latLngToCell } from 'h3-js';
import { CoverageCollector, coverageFootprint, coveragePeriodOf } from './coverage';

describe('coverage of imported records', () => {
	it('gives month grain only to a window of one whole month', () => {
		// police.uk "2017-02": the whole local month.
		expect(coveragePeriodOf('2017-02-01', '2017-02-28')).toEqual({
			grain: 'month',
			periodStart: '2017-02-01'
		});
		expect(coveragePeriodOf('2016-02-01', '2016-02-29').grain).toBe('month');
		// A leap-year February cut short, a day, a night across midnight, a month and a day: day grain.
		expect(coveragePeriodOf('2016-02-01', '2016-02-28').grain).toBe('day');
		expect(coveragePeriodOf('2019-03-01', '2019-03-01')).toEqual({
			grain: 'day',
			periodStart: '2019-03-01'
		});
		expect(coveragePeriodOf('2019-03-31', '2019-04-01')).toEqual({
			grain: 'day',
			periodStart: '2019-03-31'
		});
		expect(coveragePeriodOf('2019-03-01', '2019-04-01').grain).toBe('day');
	});

	it('keys footprints by the resolution-5 parent, 0 without a location, each key once a batch', () => {
		const cell = cellToParent(latLngToCell(51.5155, -0.0915, 11), 10);
		const parent = BigInt('0x' + cellToParent(cell, 5)).toString();
		expect(coverageFootprint(cell)).toBe(parent);
		expect(coverageFootprint(cell)).toBe(parent);
		expect(coverageFootprint(null)).toBe('0');
		const c = new CoverageCollector();
		const month = coveragePeriodOf('2017-02-01', '2017-02-28');
		c.add(month, parent);
		c.add(month, parent);
		c.add(month, '0');
		c.add(coveragePeriodOf('2017-02-03', '2017-02-03'), parent);
		expect(c.delta()).toEqual({
			grain: ['month', 'month', 'day'],
			periodStart: ['2017-02-01', '2017-02-01', '2017-02-03'],
			footprint: [parent, '0', parent]
		});
	});
});
