import { describe, expect, it } from 'vitest';
import { asPublicPeriod, cellExportSearch, monthOf, publicPeriodFor, yearOf } from './exports';

describe('public tables', () => {
	it('are calendar months and calendar years', () => {
		expect(monthOf('2024-02-10')).toEqual({ kind: 'month', from: '2024-02-01', to: '2024-02-29' });
		expect(monthOf('2023-12-31')).toEqual({ kind: 'month', from: '2023-12-01', to: '2023-12-31' });
		expect(yearOf('2023-06-01')).toEqual({ kind: 'year', from: '2023-01-01', to: '2023-12-31' });
		expect(asPublicPeriod('2024-02-01', '2024-02-29')?.kind).toBe('month');
		expect(asPublicPeriod('2024-01-01', '2024-12-31')?.kind).toBe('year');
		expect(asPublicPeriod('2024-02-01', '2024-02-28')).toBeNull();
		expect(asPublicPeriod('2024-01-01', '2024-02-29')).toBeNull();
	});

	it('take the month of a period inside one month, else the year of its last day', () => {
		expect(publicPeriodFor('2024-03-05', '2024-03-20')).toEqual(monthOf('2024-03-01'));
		expect(publicPeriodFor('2023-11-01', '2024-02-29')).toEqual(yearOf('2024-01-01'));
	});

	it('are what the public download link asks for; the internal one keeps the map’s filters', () => {
		const q = { from: '2024-03-05', to: '2024-03-20', categories: ['burglary', 'robbery'] };
		expect(Object.fromEntries(cellExportSearch(4, 9, 'public', q))).toEqual({
			area: '4',
			res: '9',
			audience: 'public',
			from: '2024-03-01',
			to: '2024-03-31'
		});
		expect(Object.fromEntries(cellExportSearch(4, 12, 'internal', q))).toEqual({
			area: '4',
			res: '10',
			audience: 'internal',
			from: '2024-03-05',
			to: '2024-03-20',
			categories: 'burglary,robbery'
		});
		const one = cellExportSearch(4, 9, 'public', { categories: ['burglary'] });
		expect(one.get('categories')).toBe('burglary');
		expect(one.has('from')).toBe(false);
	});
});
