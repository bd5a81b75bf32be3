import { describe, expect, it } from 'vitest';
import { exactCells } from '../cell-keys';
import { isMonthOnly, rollupCountsText } from './rollup-counts';

const parse = (text: string) =>
	text
		.trimEnd()
		.split('\n')
		.map((l) => l.split('\t'));

describe('rollupCountsText', () => {
	const a = exactCells(51.5138, -0.0984);
	const b = exactCells(51.52, -0.11);

	it('sums each incident under its own cell at every resolution × day, month and year', () => {
		const rows = parse(
			rollupCountsText(3, [
				{ cells: a, day: '2021-08-14', category: 'burglary', sensitive: false, monthOnly: false },
				{ cells: a, day: '2021-08-14', category: 'burglary', sensitive: true, monthOnly: false },
				{ cells: a, day: '2021-08-20', category: 'burglary', sensitive: false, monthOnly: false },
				{ cells: b, day: '2021-08-14', category: 'drugs', sensitive: false, monthOnly: false },
				{ cells: null, day: '2021-08-14', category: 'drugs', sensitive: false, monthOnly: false }
			])
		);
		const at = (res: number, grain: string, period: string, h3: string, category: string) =>
			rows.find(
				(r) =>
					r[0] === String(res) &&
					r[1] === grain &&
					r[2] === period &&
					r[3] === h3 &&
					r[4] === category
			);
		for (let i = 0; i < 7; i++) {
			expect(at(5 + i, 'day', '2021-08-14', a[i], 'burglary')).toEqual(
				[5 + i, 'day', '2021-08-14', a[i], 'burglary', 3, 2, 2, 1].map(String)
			);
			expect(at(5 + i, 'day', '2021-08-20', a[i], 'burglary')?.slice(6)).toEqual(['1', '1', '0']);
			expect(at(5 + i, 'month', '2021-08-01', a[i], 'burglary')?.slice(6)).toEqual(['3', '3', '1']);
			expect(at(5 + i, 'year', '2021-01-01', a[i], 'burglary')?.slice(6)).toEqual(['3', '3', '1']);
			expect(at(5 + i, 'year', '2021-01-01', b[i], 'drugs')?.slice(6)).toEqual(['1', '1', '0']);
		}
		// Per resolution and grain the counts add up to the located incidents (4), and nothing else is there.
		for (const grain of ['day', 'month', 'year']) {
			for (let res = 5; res <= 11; res++) {
				const n = rows
					.filter((r) => r[0] === String(res) && r[1] === grain)
					.reduce((s, r) => s + Number(r[6]), 0);
				expect(n).toBe(4);
			}
		}
	});

	it('lists rows in the rollup key order (res, grain, period, cell, category)', () => {
		const rows = parse(
			rollupCountsText(1, [
				{ cells: b, day: '2021-09-02', category: 'drugs', sensitive: false, monthOnly: false },
				{ cells: a, day: '2021-08-14', category: 'burglary', sensitive: false, monthOnly: false },
				{ cells: a, day: '2021-08-14', category: 'arson', sensitive: false, monthOnly: false }
			])
		);
		const keys = rows.map((r) => [Number(r[0]), r[1], r[2], BigInt(r[3]), r[4]] as const);
		for (let i = 1; i < keys.length; i++) {
			const [p, q] = [keys[i - 1], keys[i]];
			const cmp =
				p[0] - q[0] ||
				(p[1] < q[1] ? -1 : p[1] > q[1] ? 1 : 0) ||
				(p[2] < q[2] ? -1 : p[2] > q[2] ? 1 : 0) ||
				(p[3] < q[3] ? -1 : p[3] > q[3] ? 1 : 0) ||
				(p[4] < q[4] ? -1 : 1);
			expect(cmp).toBeLessThan(0);
		}
	});

	it('counts an incident known only to the month once per resolution, under month-only', () => {
		const rows = parse(
			rollupCountsText(2, [
				{ cells: a, day: '2021-08-01', category: 'burglary', sensitive: true, monthOnly: true },
				{ cells: a, day: '2021-08-01', category: 'burglary', sensitive: false, monthOnly: true },
				{ cells: a, day: '2021-08-01', category: 'burglary', sensitive: false, monthOnly: false }
			])
		);
		for (let i = 0; i < 7; i++) {
			const of = (grain: string) =>
				rows.filter((r) => r[0] === String(5 + i) && r[1] === grain).map((r) => r.slice(2));
			expect(of('month-only')).toEqual([['2021-08-01', a[i], 'burglary', '2', '2', '2', '1']]);
			for (const grain of ['day', 'month']) {
				expect(of(grain)).toEqual([['2021-08-01', a[i], 'burglary', '2', '1', '1', '0']]);
			}
			expect(of('year')).toEqual([['2021-01-01', a[i], 'burglary', '2', '1', '1', '0']]);
		}
	});

	it('takes a month-long window that starts a month as known only to the month', () => {
		const at = (s: string) => new Date(s);
		// police.uk's August 2021 in Europe/London: 2021-07-31T23:00Z to 2021-08-31T22:59:59.999Z.
		const from = at('2021-07-31T23:00:00Z');
		const to = at('2021-08-31T22:59:59.999Z');
		expect(isMonthOnly('2021-08-01', from, to)).toBe(true);
		// February (28 days less a millisecond) is a month; a fortnight is not.
		expect(
			isMonthOnly('2021-02-01', at('2021-02-01T00:00:00Z'), at('2021-02-28T23:59:59.999Z'))
		).toBe(true);
		expect(
			isMonthOnly('2021-02-01', at('2021-02-01T00:00:00Z'), at('2021-02-14T23:59:59.999Z'))
		).toBe(false);
		expect(isMonthOnly('2021-08-02', from, to)).toBe(false);
		expect(isMonthOnly('2021-08-01', from, from)).toBe(false);
	});

	it('is empty when no row has a location', () => {
		expect(rollupCountsText(1, [])).toBe('');
		expect(
			rollupCountsText(1, [
				{ cells: null, day: '2021-01-01', category: 'x', sensitive: true, monthOnly: false }
			])
		).toBe('');
	});
});
