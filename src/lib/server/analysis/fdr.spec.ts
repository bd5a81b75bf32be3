import { describe, expect, it } from 'vitest';
import { benjaminiHochberg } from './fdr';
import { erfc, normalCdf, twoSidedP } from './normal';
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
