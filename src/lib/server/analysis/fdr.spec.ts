import { describe, expect, it } from 'vitest';
import { benjaminiHochberg } from './fdr';
import { erfc, normalCdf, twoSidedP, twoSidedPs } from './normal';
import { mulberry32, shuffleInPlace } from './random';

describe('benjaminiHochberg', () => {
	it('matches R p.adjust(c(0.01, 0.04, 0.03, 0.2), "BH")', () => {
		const r = benjaminiHochberg([0.01, 0.04, 0.03, 0.2]);
		[0.04, 0.05333333333333334, 0.05333333333333334, 0.2].forEach((v, i) =>
			expect(r[i]).toBeCloseTo(v, 15)
		);
	});
	it('keeps NaN out of m', () => {
		const r = benjaminiHochberg([0.01, NaN, 0.02]);
		expect(r[0]).toBeCloseTo(0.02, 15);
		expect(r[1]).toBeNaN();
		expect(r[2]).toBeCloseTo(0.02, 15);
	});
	it("gives exactly R's values whether p-values repeat (counted per value) or not (sorted)", () => {
		// R's p.adjust(p, "BH"): i <- m:1; o <- order(p, decreasing = TRUE); ro <- order(o);
		// pmin(1, cummin(m / i * p[o]))[ro]
		const pAdjustBH = (p: number[]) => {
			const m = p.length;
			const o = p.map((_, i) => i).sort((a, b) => p[b] - p[a]);
			const out = new Array<number>(m);
			let running = Infinity;
			o.forEach((idx, r) => {
				running = Math.min(running, (m * p[idx]) / (m - r));
				out[idx] = Math.min(1, running);
			});
			return out;
		};
		const rand = mulberry32(42);
		for (const [n, levels] of [
			[10, 3],
			[5000, 40],
			[5000, 0],
			[30_000, 60]
		]) {
			// levels > 0: few distinct values (the counted path); 0: every value distinct (sorted).
			const p = Array.from({ length: n }, () =>
				levels ? Math.floor(rand() * levels) / levels : rand() ** 4
			);
			const ours = benjaminiHochberg(p);
			const theirs = pAdjustBH(p);
			for (let i = 0; i < n; i++) expect(ours[i]).toBe(theirs[i]);
		}
	});
});

describe('normal tail', () => {
	it('matches high-precision reference values', () => {
		// Values from mpmath (50 digits), rounded to double.
		expect(erfc(1)).toBeCloseTo(0.15729920705028513, 16);
		expect(Math.abs(erfc(0.3) / 0.6713732405408726 - 1)).toBeLessThan(2e-15);
		expect(Math.abs(erfc(5) / 1.537459794428035e-12 - 1)).toBeLessThan(2e-15);
		expect(Math.abs(erfc(10) / 2.088487583762545e-45 - 1)).toBeLessThan(2e-15);
		expect(Math.abs(normalCdf(-8) / 6.220960574271784e-16 - 1)).toBeLessThan(2e-14);
		expect(twoSidedP(1.959963984540054)).toBeCloseTo(0.05, 14);
		expect(twoSidedP(0)).toBe(1);
		expect(erfc(-1)).toBeCloseTo(2 - 0.15729920705028513, 15);
	});
	it('twoSidedPs equals twoSidedP element by element, repeated z-scores or not', () => {
		const rand = mulberry32(9);
		const z = Float64Array.from({ length: 20_000 }, (_, i) =>
			i % 2 ? Math.round(rand() * 8 - 4) / 4 : rand() * 12 - 6
		);
		z[0] = -0;
		z[1] = 40;
		const p = twoSidedPs(z);
		for (let i = 0; i < z.length; i++) expect(p[i]).toBe(twoSidedP(z[i]));
	});
});

describe('seeded random', () => {
	it('is reproducible and seed-dependent', () => {
		const a = mulberry32(7);
		const b = mulberry32(7);
		const c = mulberry32(8);
		const xs = [a(), a(), a()];
		expect([b(), b(), b()]).toEqual(xs);
		expect(c()).not.toBe(xs[0]);
		const perm = shuffleInPlace(Int32Array.from([0, 1, 2, 3, 4, 5]), mulberry32(1));
		expect([...perm].sort()).toEqual([0, 1, 2, 3, 4, 5]);
	});
});
