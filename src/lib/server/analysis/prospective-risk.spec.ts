import { describe, expect, it } from 'vitest';
import { prospectiveRisk, shiftBins, shiftFactor } from './prospective-risk';

describe('prospectiveRisk', () => {
	// Hand-computed with half-life 14 days: weight 1 at age 0, ½ at 14, ¼ at 28, 2^(-0.5) at 7.
	const events = [
		{ cell: 'a', category: 'burglary', ageDays: 0, n: 2 },
		{ cell: 'a', category: 'burglary', ageDays: 14, n: 2 },
		{ cell: 'b', category: 'robbery', ageDays: 28, n: 4 },
		{ cell: 'b', category: 'burglary', ageDays: 7, n: 1 },
		// Outside the 56-day window, after the reference day, or empty: left out.
		{ cell: 'c', category: 'robbery', ageDays: 56, n: 10 },
		{ cell: 'c', category: 'robbery', ageDays: -1, n: 10 },
		{ cell: 'd', category: 'robbery', ageDays: 3, n: 0 }
	];

	it('sums recency-weighted counts and ranks the cells', () => {
		const r = prospectiveRisk(events, { halfLifeDays: 14, windowDays: 56 });
		expect(r.cells.map((c) => c.cell)).toEqual(['a', 'b']);
		// a: 2·1 + 2·½ = 3
		expect(r.cells[0]).toMatchObject({ rank: 1, recent: 4, topCategory: 'burglary' });
		expect(r.cells[0].risk).toBeCloseTo(3, 12);
		expect(r.cells[0].weighted).toBeCloseTo(3, 12);
		// b: 4·¼ + 1·2^(−½) = 1 + 0.70710678… = 1.70710678…
		expect(r.cells[1].risk).toBeCloseTo(1.7071067811865475, 12);
		expect(r.cells[1]).toMatchObject({ rank: 2, recent: 5, topCategory: 'robbery' });
		expect(r.parameters).toMatchObject({ halfLifeDays: 14, windowDays: 56 });
	});

	it('multiplies each category by its shift factor', () => {
		const r = prospectiveRisk(events, {
			halfLifeDays: 14,
			windowDays: 56,
			shiftFactors: new Map([
				['burglary', 0.5],
				['robbery', 3]
			])
		});
		// a: 3 · 0.5 = 1.5; b: 1 · 3 + 0.70710678 · 0.5 = 3.35355339
		expect(r.cells.map((c) => c.cell)).toEqual(['b', 'a']);
		expect(r.cells[0].risk).toBeCloseTo(3.353553390593274, 12);
		expect(r.cells[0].weighted).toBeCloseTo(1.7071067811865475, 12);
		expect(r.cells[1].risk).toBeCloseTo(1.5, 12);
	});

	it('breaks ties by cell id and refuses a bad half-life', () => {
		const r = prospectiveRisk([
			{ cell: 'z', category: 'x', ageDays: 0, n: 1 },
			{ cell: 'y', category: 'x', ageDays: 0, n: 1 }
		]);
		expect(r.cells.map((c) => [c.cell, c.rank])).toEqual([
			['y', 1],
			['z', 2]
		]);
		expect(() => prospectiveRisk([], { halfLifeDays: 0 })).toThrow(
			expect.objectContaining({ code: 'E_BAD_HALF_LIFE' })
		);
	});
});

describe('shiftFactor', () => {
	it('is 1 for a flat profile and null for an empty one', () => {
		expect(shiftFactor(new Array(168).fill(2), { weekday: 2, startHour: 7, hours: 8 })).toBeCloseTo(
			1,
			12
		);
		expect(shiftFactor(new Array(168).fill(0), { weekday: 2, startHour: 7, hours: 8 })).toBeNull();
	});

	it('concentrates: all weight on Monday 22:00 gives 168/8 = 21 for the late shift', () => {
		const p = new Array(168).fill(0);
		p[22] = 5;
		expect(shiftFactor(p, { weekday: 0, startHour: 15, hours: 8 })).toBeCloseTo(21, 12);
		expect(shiftFactor(p, { weekday: 0, startHour: 7, hours: 8 })).toBe(0);
	});

	it('wraps the night shift past midnight and Sunday', () => {
		expect(shiftBins({ weekday: 0, startHour: 23, hours: 8 })).toEqual([
			23, 24, 25, 26, 27, 28, 29, 30
		]);
		expect(shiftBins({ weekday: 6, startHour: 23, hours: 8 })).toEqual([167, 0, 1, 2, 3, 4, 5, 6]);
		// Half the weight on Sunday 23:00, half on Wednesday noon: (½) / (8/168) = 10.5.
		const p = new Array(168).fill(0);
		p[167] = 1;
		p[2 * 24 + 12] = 1;
		expect(shiftFactor(p, { weekday: 6, startHour: 23, hours: 8 })).toBeCloseTo(10.5, 12);
		expect(() => shiftFactor([1, 2], { weekday: 0, startHour: 0, hours: 1 })).toThrow(
			expect.objectContaining({ code: 'E_BAD_PROFILE' })
		);
	});
});
