import { describe, expect, it } from 'vitest';
import { mannKendall, senSlope, trendsBySeries } from './mann-kendall';

describe('mannKendall, hand-computed with ties', () => {
	it('[1, 2, 2, 3]: S = 5, Var(S) = (4·3·13 − 2·1·9)/18 = 138/18, Z = (5 − 1)/√Var', () => {
		// pairs: (1,2)+ (1,2)+ (1,3)+ (2,2)0 (2,3)+ (2,3)+ → S = 5; one tie group of size 2.
		const r = mannKendall([1, 2, 2, 3]);
		expect(r.s).toBe(5);
		expect(r.varS).toBeCloseTo(138 / 18, 14);
		expect(r.z).toBeCloseTo(4 / Math.sqrt(138 / 18), 14);
		expect(r.p).toBeCloseTo(0.1485617748918687, 12);
		// τ_b = 5 / √((6 − 1)·6)
		expect(r.tau).toBeCloseTo(5 / Math.sqrt(30), 14);
		expect(r.direction).toBe('none');
	});
	it('[5, 3, 3, 3, 1, 4]: S = −4, Var(S) = (6·5·17 − 3·2·11)/18 = 444/18, Z = (−4 + 1)/√Var', () => {
		// 5 → −5; each 3 → (0s, −1 vs 1, +1 vs 4) = 0; 1 → +1 vs 4. S = −4. One tie group of size 3.
		const r = mannKendall([5, 3, 3, 3, 1, 4]);
		expect(r.s).toBe(-4);
		expect(r.varS).toBeCloseTo(444 / 18, 14);
		expect(r.z).toBeCloseTo(-3 / Math.sqrt(444 / 18), 14);
		expect(r.direction).toBe('none');
	});
	it('strict increase of 10 values is significant; all ties give Z = 0, p = 1', () => {
		const up = mannKendall([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
		expect(up.s).toBe(45);
		expect(up.varS).toBeCloseTo(125, 12); // 10·9·25/18
		expect(up.z).toBeCloseTo(44 / Math.sqrt(125), 14);
		expect(up.direction).toBe('increasing');
		expect(up.tau).toBe(1);
		const flat = mannKendall([2, 2, 2, 2]);
		expect([flat.s, flat.varS, flat.z, flat.p]).toEqual([0, 0, 0, 1]);
		expect(mannKendall([10, 8, 7, 5, 4, 3, 1], { alpha: 0.01 }).direction).toBe('decreasing');
	});
});

describe('trendsBySeries', () => {
	it('reports Mann-Kendall and Sen slope per id', () => {
		const [t] = trendsBySeries(new Map([['a', [3, 4, 4, 6, 7, 9, 10, 12]]]));
		expect(t.id).toBe('a');
		expect(t.direction).toBe('increasing');
		expect(t.senSlope).toBeGreaterThan(1);
		expect(senSlope([0, 2, 4])).toBe(2);
		expect(senSlope([1])).toBeNaN();
	});
});
