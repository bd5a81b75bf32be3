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
