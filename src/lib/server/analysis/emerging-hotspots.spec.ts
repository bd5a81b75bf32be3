import { describe, expect, it } from 'vitest';
import {
	classifyEmerging,
	emergingCategoryFromCode,
	emergingCategoryLabel,
	emergingHotSpots,
	emergingHotSpotsH3,
	EMERGING_CATEGORIES,
	type EmergingCategory
} from './emerging-hotspots';
import { mannKendall } from './mann-kendall';
import { weightsFromNeighbourLists } from './weights';
import { gridDisk } from 'h3-js';

/** Significance per step as bins (+2 hot, −2 cold, 0 none) and a z series whose trend we choose. */
function series(pattern: string, trend: 'up' | 'down' | 'flat') {
	const bins = [...pattern].map((c) => (c === 'H' ? 2 : c === 'C' ? -2 : 0));
	const n = bins.length;
	const zs = bins.map((b, t) => {
		const base = b * 1.5;
		if (trend === 'up') return base + t * 0.5;
		if (trend === 'down') return base - t * 0.5;
		return base + (t % 2 === 0 ? 0.3 : -0.3);
	});
	return { bins, mk: mannKendall(zs), n };
}

const cases: [EmergingCategory, string, 'up' | 'down' | 'flat'][] = [
	['new-hot-spot', '.........H', 'flat'],
	['consecutive-hot-spot', '......HHHH', 'up'],
	['intensifying-hot-spot', 'HHHHHHHHHH', 'up'],
	['persistent-hot-spot', 'HHHHHHHHHH', 'flat'],
	['diminishing-hot-spot', 'HHHHHHHHHH', 'down'],
	['sporadic-hot-spot', '..H..H...H', 'flat'],
	['oscillating-hot-spot', 'C...HH.C.H', 'flat'],
	['historical-hot-spot', 'HHHHHHHHH.', 'flat'],
	['new-cold-spot', '.........C', 'flat'],
	['consecutive-cold-spot', '.......CCC', 'down'],
	['intensifying-cold-spot', 'CCCCCCCCCC', 'down'],
	['persistent-cold-spot', 'CCCCCCCCCC', 'flat'],
	['diminishing-cold-spot', 'CCCCCCCCCC', 'up'],
	['sporadic-cold-spot', 'C..C.C...C', 'flat'],
	['oscillating-cold-spot', 'H.H......C', 'flat'],
	['historical-cold-spot', 'CCCCCCCCC.', 'flat'],
	['no-pattern', '..H.H.....', 'flat']
];

describe('classifyEmerging reaches all 17 categories', () => {
	it.each(cases)('%s from %s (z trend %s)', (category, pattern, trend) => {
		const { bins, mk } = series(pattern, trend);
		expect(classifyEmerging(bins, mk)).toBe(category);
	});
	it('covers every category exactly once', () => {
		expect(new Set(cases.map((c) => c[0]))).toEqual(new Set(Object.keys(EMERGING_CATEGORIES)));
	});
	it('applies the documented edge rules', () => {
		const flat = { s: 0, p: 1 };
		// 9 of 10 hot with the final step hot: ≥ 90 % → persistent, not sporadic.
		expect(classifyEmerging([2, 2, 2, 0, 2, 2, 2, 2, 2, 2], flat)).toBe('persistent-hot-spot');
		// 8 of 10 hot, broken run, final hot → sporadic.
		expect(classifyEmerging([2, 2, 0, 0, 2, 2, 2, 2, 2, 2], flat)).toBe('sporadic-hot-spot');
		// A mostly hot history with a cold final step is historical hot (rule 1 before oscillating cold).
		expect(classifyEmerging([2, 2, 2, 2, 2, 2, 2, 2, 2, -2], flat)).toBe('historical-hot-spot');
		// Final step not significant and history < 90 %: no pattern (sporadic needs the final step).
		expect(classifyEmerging([2, 0, 2, 0, 2, 0, 2, 0, 2, 0], flat)).toBe('no-pattern');
		expect(classifyEmerging([], flat)).toBe('no-pattern');
		expect(emergingCategoryLabel('intensifying-hot-spot')).toBe('Intensifying Hot Spot');
		expect(emergingCategoryLabel('no-pattern')).toBe('No Pattern Detected');
		expect(emergingCategoryFromCode(-3)).toBe('intensifying-cold-spot');
	});
});

describe('emergingHotSpots on a constructed cube', () => {
	// 40 locations on a line (neighbours i−1, i, i+1), 12 steps.
	const n = 40;
	const T = 12;
	const ids = Array.from({ length: n }, (_, i) => i);
	const weights = weightsFromNeighbourLists(
		ids,
		(i) => [i - 1, i + 1].filter((j) => j >= 0 && j < n),
		{ includeSelf: true }
	);
	function cube(fill: (i: number, t: number) => number) {
		const counts = new Float64Array(n * T);
		for (let i = 0; i < n; i++) for (let t = 0; t < T; t++) counts[i * T + t] = fill(i, t);
		return counts;
	}
	const background = (i: number, t: number) => (i * 7 + t * 3) % 3;

	it('a cluster appearing only in the last step is a new hot spot; a growing one intensifies', () => {
		const counts = cube((i, t) => {
			if (i >= 5 && i <= 7 && t === T - 1) return 30;
			if (i >= 25 && i <= 27) return 12 + 3 * t;
			return background(i, t);
		});
		const r = emergingHotSpots({ weights, steps: T, counts }, { neighbourhoodTimeStep: 1 });
		expect(r.locations[6].category).toBe('new-hot-spot');
		expect(r.locations[26].category).toBe('intensifying-hot-spot');
		expect(r.locations[26].trend.direction).toBe('increasing');
		expect(r.parameters).toMatchObject({
			neighbourhoodTimeStep: 1,
			globalWindow: 'entireCube',
			fdr: 'perTimeStep',
			alpha: 0.1,
			trendAlpha: 0.05,
			locations: n,
			steps: T,
			warnings: []
		});
		expect(Object.values(r.summary).reduce((a, b) => a + b, 0)).toBe(n);
	});

	it('a steady cluster is persistent; one that ended is historical', () => {
		const counts = cube((i, t) => {
			if (i >= 10 && i <= 12) return 15 + (t % 2);
			if (i >= 30 && i <= 32) return t < T - 1 ? 15 : 0;
			return background(i, t);
		});
		const r = emergingHotSpots({ weights, steps: T, counts }, { neighbourhoodTimeStep: 0 });
		expect(r.locations[11].category).toBe('persistent-hot-spot');
		expect(r.locations[31].category).toBe('historical-hot-spot');
	});

	it('all-equal counts give no pattern everywhere (z = 0, no NaN)', () => {
		const r = emergingHotSpots({ weights, steps: T, counts: cube(() => 3) });
		expect(r.summary['no-pattern']).toBe(n);
		expect(r.z.every((v) => v === 0)).toBe(true);
	});

	it('validates the cube shape', () => {
		expect(() => emergingHotSpots({ weights, steps: T, counts: new Float64Array(5) })).toThrow(
			expect.objectContaining({ code: 'E_LENGTH_MISMATCH' })
		);
	});

	it('runs over an H3 study area and warns about short series', () => {
		const cells = gridDisk('882664190bfffff', 2);
		const r = emergingHotSpotsH3(cells, new Map([[cells[0], [0, 0, 9, 9, 12]]]), 5, { k: 1 });
		expect(r.cells).toHaveLength(cells.length);
		expect(r.parameters.warnings[0]).toMatch(/Only 5 time steps/);
		expect(r.k).toBe(1);
	});
});

describe('emerging hot spots over covered steps only', () => {
	// A 37-cell H3 disk: a cluster (the centre 40 a step, its ring 10), the other cells 1–3.
	const cells = gridDisk('891f1d48177ffff', 3);
	const k1 = new Map(
		cells.map((c) => [c, gridDisk(c, 1).filter((x) => x !== c && cells.includes(x))])
	);
	const weights = weightsFromNeighbourLists(cells, (c) => k1.get(c)!, { includeSelf: true });
	const covered = 12;
	const count = (i: number, t: number) => (i === 0 ? 40 : i < 7 ? 10 : 1 + ((i + t) % 3));
	function cube(steps: number[]) {
		const counts = new Float64Array(cells.length * steps.length);
		cells.forEach((_, i) =>
			steps.forEach((t, s) => (counts[i * steps.length + s] = t < 0 ? 0 : count(i, t)))
		);
		return counts;
	}

	it('finds the persistent hot spot that missing steps counted as zeros turned into another category', () => {
		// Steps 0–5 covered, 6 missing steps (−1), then 6–11 covered: the demo shape in small.
		const withZeros = [0, 1, 2, 3, 4, 5, -1, -1, -1, -1, -1, -1, 6, 7, 8, 9, 10, 11];
		const before = emergingHotSpots({ weights, steps: withZeros.length, counts: cube(withZeros) });
		expect(before.locations[0].category).toBe('sporadic-hot-spot');
		const steps = Array.from({ length: covered }, (_, t) => t);
		const gapBefore = steps.map((t) => t === 6);
		const after = emergingHotSpots({ weights, steps: covered, counts: cube(steps) }, { gapBefore });
		expect(after.locations[0].category).toBe('persistent-hot-spot');
		expect(after.locations[0].hotSteps).toBe(covered);
		expect(after.parameters.gaps).toBe(1);
	});

	it('never reaches back across a gap in the time neighbourhood', () => {
		const steps = Array.from({ length: covered }, (_, t) => t);
		const gapBefore = steps.map((t) => t === 6);
		const options = { gapBefore, globalWindow: 'neighbourhoodTimeStep' as const };
		const a = cube(steps);
		const b = Float64Array.from(a);
		// Change the step before the gap: the step after it must not move.
		for (let i = 0; i < cells.length; i++) b[i * covered + 5] += 7 * (i + 1);
		const za = emergingHotSpots({ weights, steps: covered, counts: a }, options).z;
		const zb = emergingHotSpots({ weights, steps: covered, counts: b }, options).z;
		const zc = emergingHotSpots(
			{ weights, steps: covered, counts: b },
			{ globalWindow: 'neighbourhoodTimeStep' }
		).z;
		for (let i = 0; i < cells.length; i++) {
			expect(zb[i * covered + 6]).toBe(za[i * covered + 6]);
			expect(zc[i * covered + 6]).not.toBe(za[i * covered + 6]);
		}
		expect(() =>
			emergingHotSpots({ weights, steps: covered, counts: a }, { gapBefore: [true] })
		).toThrow(expect.objectContaining({ code: 'E_LENGTH_MISMATCH' }));
	});
});
