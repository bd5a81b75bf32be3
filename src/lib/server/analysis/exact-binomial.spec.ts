import { describe, expect, it } from 'vitest';
import { binomialCdf, binomialTwoSidedP, changeTests, logGamma } from './exact-binomial';

/** Relative closeness (p-values span many orders of magnitude). */
function expectRel(actual: number, expected: number, rel = 1e-9) {
	expect(Math.abs(actual - expected)).toBeLessThanOrEqual(rel * Math.abs(expected));
}

describe('exact binomial test (R binom.test as oracle)', () => {
	it('matches R binom.test two-sided p-values, small and large n', () => {
		// Rscript -e 'binom.test(x, n, p)$p.value' (R 4.x), printed with %.17g.
		const cases: [number, number, number, number][] = [
			[1, 1, 0.5, 1],
			[0, 1, 0.5, 1],
			[4, 4, 0.5, 0.125],
			[0, 5, 0.5, 0.0625],
			[0, 10, 0.5, 0.0019531250000000004],
			[7, 20, 0.5, 0.26317596435546875],
			[7, 20, 0.3, 0.62949796667667735],
			[30, 100, 0.5, 7.8501396455936886e-5],
			[180, 2000, 0.1, 0.1459356561623309],
			[3, 4, 0.49, 0.36530398000000003],
			[10, 12, 0.50068, 0.038576304974538025],
			[2712, 5296, 0.5, 0.080951104473293525],
			[6000, 11500, 0.5, 3.2572139388352243e-6]
		];
		for (const [x, n, p, r] of cases) expectRel(binomialTwoSidedP(x, n, p), r, 1e-8);
	});

	it('computes tails by sums and by the incomplete beta alike', () => {
		expectRel(binomialCdf(40, 100, 0.3), 0.98750159283356176, 1e-12);
		expectRel(binomialCdf(2500, 5296, 0.5), 2.5104490585190397e-5, 1e-8);
		expectRel(logGamma(10), Math.log(362880), 1e-14);
	});

	it('refuses counts and shares that are not a binomial outcome', () => {
		expect(() => binomialTwoSidedP(3, 2, 0.5)).toThrow(
			expect.objectContaining({ code: 'E_BAD_COUNT' })
		);
		expect(() => binomialTwoSidedP(1.5, 2, 0.5)).toThrow(
			expect.objectContaining({ code: 'E_BAD_COUNT' })
		);
		expect(() => binomialTwoSidedP(1, 2, 1)).toThrow(
			expect.objectContaining({ code: 'E_BAD_SHARE' })
		);
	});
});

describe('changeTests', () => {
	it('never calls 1 against 0 a change (the Poisson z said 2.00, "significant")', () => {
		const r = changeTests([1, 0, 2], [0, 1, 0]);
		expect(r.p[0]).toBe(1);
		expect(r.p[1]).toBe(1);
		expect(r.p[2]).toBeCloseTo(0.5, 14);
		expect(r.direction).toEqual([
			'no significant change',
			'no significant change',
			'no significant change'
		]);
	});

	it('adjusts with Benjamini–Hochberg over the tested pairs only (R p.adjust "BH")', () => {
		// Pairs (1,0), (30,10), (12,2), (3,6) and an untested (0,0).
		const r = changeTests([1, 30, 12, 3, 0], [0, 10, 2, 6, 0]);
		expect(r.parameters.tested).toBe(4);
		const expected = [1, 0.0088857350929174694, 0.025878906250000007, 0.67708333333333359, 1];
		for (let i = 0; i < 5; i++) expectRel(r.pAdjusted[i], expected[i], 1e-8);
		expect(r.direction).toEqual([
			'no significant change',
			'up',
			'up',
			'no significant change',
			'no significant change'
		]);
		expect(changeTests([2], [30]).direction).toEqual(['down']);
	});

	it('uses the later period’s share of covered time', () => {
		// 10 now over 12 in total: at share ½ p = 0.0386 (significant); at share 10/12 no change.
		expect(changeTests([10], [2], { share: 10 / 12, fdr: false }).p[0]).toBeCloseTo(1, 10);
		expect(changeTests([10], [2], { fdr: false }).direction).toEqual(['up']);
		expect(() => changeTests([1], [1, 2])).toThrow(
			expect.objectContaining({ code: 'E_LENGTH_MISMATCH' })
		);
	});
});
