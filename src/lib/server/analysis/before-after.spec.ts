import { describe, expect, it } from 'vitest';
import { beforeAfter, clopperPearson, comparisonOddsRatio, periodRatio } from './before-after';
import { AnalysisInputError } from './weights';

describe('clopperPearson', () => {
	it('has closed forms at the edges: x = 0 gives [0, 1 − (α/2)^(1/n)], x = n gives [(α/2)^(1/n), 1]', () => {
		const zero = clopperPearson(0, 3);
		expect(zero.lower).toBe(0);
		expect(zero.upper).toBeCloseTo(1 - Math.pow(0.025, 1 / 3), 12); // 0.70759823…
		const all = clopperPearson(4, 4);
		expect(all.lower).toBeCloseTo(Math.pow(0.025, 1 / 4), 12); // 0.39763536…
		expect(all.upper).toBe(1);
	});

	it('equals R binom.test(6, 18)$conf.int', () => {
		const ci = clopperPearson(6, 18);
		expect(ci.lower).toBeCloseTo(0.133427402506124, 10);
		expect(ci.upper).toBeCloseTo(0.590074761827926, 10);
	});
});

describe('periodRatio (after / before at one site)', () => {
	it('maps the proportion interval to the ratio π / (1 − π), with binom.test’s p', () => {
		// 12 collisions before, 6 after: ratio ½; interval from binom.test(6, 18).
		const r = periodRatio({ before: 12, after: 6 });
		expect(r.estimate).toBe(0.5);
		expect(r.lower).toBeCloseTo(0.133427402506124 / (1 - 0.133427402506124), 9);
		expect(r.upper).toBeCloseTo(0.590074761827926 / (1 - 0.590074761827926), 9);
		expect(r.p).toBeCloseTo(0.237884521484375, 12);
	});

	it('is honest about small counts: 3 before and 0 after is no evidence of a fall', () => {
		// P(X = 0 | n = 3, ½) = 1/8 on each side: p = 0.25; the upper bound is 0.7076 / 0.2924.
		const r = periodRatio({ before: 3, after: 0 });
		expect(r.estimate).toBe(0);
		expect(r.lower).toBe(0);
		const u = 1 - Math.pow(0.025, 1 / 3);
		expect(r.upper).toBeCloseTo(u / (1 - u), 10);
		expect(r.p).toBeCloseTo(0.25, 12);
	});

	it('has no estimate and an unbounded interval without collisions, or with none before', () => {
		expect(periodRatio({ before: 0, after: 0 })).toEqual({
			estimate: null,
			lower: 0,
			upper: null,
			p: 1
		});
		const r = periodRatio({ before: 0, after: 2 });
		expect(r.estimate).toBeNull();
		expect(r.upper).toBeNull();
		expect(r.p).toBeCloseTo(0.5, 12);
	});
});

// fisher.test finds its interval with uniroot at R's default tolerance (≈ 1e-4), so its printed bounds
// are off in the 6th digit; the bounds below are the same equations solved in R with uniroot(tol =
// 1e-14) on fisher.test's own noncentral hypergeometric (dhyper(support, m, n, k) · θ^support).
describe('comparisonOddsRatio (site against a control area)', () => {
	it('is the odds ratio b·c / (a·d) with R fisher.test’s exact interval and p', () => {
		// R: fisher.test(matrix(c(6, 35, 12, 40), 2)) — site 12 → 6, control 40 → 35 (p as printed).
		const r = comparisonOddsRatio({ before: 12, after: 6 }, { before: 40, after: 35 });
		expect(r.estimate).toBeCloseTo((6 * 40) / (12 * 35), 12);
		expect(r.lower).toBeCloseTo(0.159383802298987, 10);
		expect(r.upper!).toBeCloseTo(1.867959888730327, 10);
		expect(r.p).toBeCloseTo(0.428991692808265, 10);
	});

	it('gives a zero lower bound when the site has no collisions after, as fisher.test', () => {
		// R: fisher.test(matrix(c(0, 20, 5, 25), 2)).
		const r = comparisonOddsRatio({ before: 5, after: 0 }, { before: 25, after: 20 });
		expect(r.estimate).toBe(0);
		expect(r.lower).toBe(0);
		expect(r.upper!).toBeCloseTo(1.55334065522539, 10);
		expect(r.p).toBeCloseTo(0.0745766391663048, 10);
	});

	it('stays finite for large tables', () => {
		// R: fisher.test(matrix(c(150, 900, 210, 1000), 2)).
		const r = comparisonOddsRatio({ before: 210, after: 150 }, { before: 1000, after: 900 });
		expect(r.lower).toBeCloseTo(0.627111554914733, 10);
		expect(r.upper!).toBeCloseTo(1.002924766213198, 10);
		expect(r.p).toBeCloseTo(0.0500567619343072, 8);
	});
});

describe('beforeAfter', () => {
	it('reports the site, the control and the adjusted effect with its parameters', () => {
		const r = beforeAfter({ before: 12, after: 6 }, { before: 40, after: 35 }, { confidence: 0.9 });
		expect(r.parameters.confidence).toBe(0.9);
		expect(r.site).toMatchObject({ before: 12, after: 6 });
		expect(r.control).toMatchObject({ before: 40, after: 35 });
		expect(r.control!.ratio.estimate).toBeCloseTo(0.875, 12);
		expect(r.adjusted!.estimate).toBeCloseTo(4 / 7, 12);
		// A 90 % interval is narrower than the 95 % one.
		expect(r.adjusted!.lower).toBeGreaterThan(0.159381412673743);
		expect(beforeAfter({ before: 1, after: 1 }).adjusted).toBeNull();
	});

	it('rejects counts that are not whole numbers and bad confidence levels', () => {
		expect(() => beforeAfter({ before: -1, after: 2 })).toThrow(AnalysisInputError);
		expect(() => beforeAfter({ before: 1.5, after: 2 })).toThrow(/site before/);
		expect(() => beforeAfter({ before: 1, after: 2 }, null, { confidence: 1 })).toThrow(
			/confidence/
		);
	});
});
