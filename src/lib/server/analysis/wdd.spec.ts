import { describe, expect, it } from 'vitest';
import { weightedDisplacementDifference } from './wdd';

/** Wheeler & Ratcliffe (2018)'s worked example: the Philadelphia Foot Patrol Experiment's counts. */
const paper = {
	treated: { before: 207, after: 110 },
	control: { before: 308, after: 318 },
	displacement: { before: 178, after: 157 },
	displacementControl: { before: 150, after: 140 }
};

describe('weighted displacement difference', () => {
	it('reproduces the published worked example: WDD −118, SE √1568, Z −2.98, 95 % CI −196 to −40', () => {
		const r = weightedDisplacementDifference(paper);
		expect(r.local.estimate).toBe(-97 - 10);
		expect(r.displacement.estimate).toBe(-21 + 10);
		expect(r.total.estimate).toBe(-118);
		expect(r.total.variance).toBe(1568);
		expect(r.total.se).toBe(Math.sqrt(1568));
		expect(r.z.toFixed(2)).toBe('-2.98');
		expect(Math.round(r.ci.low)).toBe(-196);
		expect(Math.round(r.ci.high)).toBe(-40);
		expect(r.ci.level).toBe(0.95);
		// Two-sided normal p of Z = −2.98 (tables: 0.0029).
		expect(r.p).toBeCloseTo(0.00288, 5);
	});

	it('with area weights equals ptools::wdd (Wheeler 2021, "The WDD test with different area sizes")', () => {
		const r = weightedDisplacementDifference(paper, {
			areaWeights: { control: 0.9, treated: 1.2, displacementControl: 1.6, displacement: 1.5 }
		});
		expect(r.total.estimate).toBeCloseTo(-99.69444444, 7);
		expect(r.total.se).toBeCloseTo(35.4280755, 6);
		expect(r.z).toBeCloseTo(-2.813995483, 8);
		expect(r.ci.low).toBeCloseTo(-169.1321965, 6);
		expect(r.ci.high).toBeCloseTo(-30.25669241, 6);
	});

	it('with time weights (two years before, one after): −20, SE √115', () => {
		const r = weightedDisplacementDifference(
			{ treated: { before: 80, after: 20 }, control: { before: 100, after: 50 } },
			{ timeWeights: [2, 1] }
		);
		expect(r.total.estimate).toBe(-20);
		expect(r.total.variance).toBe(115);
		expect(r.displacement).toEqual({ estimate: 0, variance: 0, se: 0 });
	});

	it('rejects negative counts, a lone displacement area and bad weights', () => {
		expect(() =>
			weightedDisplacementDifference({ ...paper, treated: { before: -1, after: 2 } })
		).toThrow(/treated.before must be a count/);
		expect(() =>
			weightedDisplacementDifference({
				treated: paper.treated,
				control: paper.control,
				displacement: paper.displacement
			})
		).toThrow(/together/);
		expect(() => weightedDisplacementDifference(paper, { timeWeights: [0, 1] })).toThrow(/weights/);
		expect(() => weightedDisplacementDifference(paper, { alpha: 1 })).toThrow(/alpha/);
	});
});
