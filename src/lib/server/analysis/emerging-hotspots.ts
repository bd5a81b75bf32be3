/**
 * Emerging Hot Spot Analysis (after Esri ArcGIS Pro "How Emerging Hot Spot Analysis works",
 * learnmoreemerging.htm): space-time Getis-Ord Gi* on every bin of a locations × time-steps count cube,
 * a Mann-Kendall trend test on each location's Gi* z-score series, and one of 17 categories per
 * location (new, consecutive, intensifying, persistent, diminishing, sporadic, oscillating, historical —
 * hot and cold — or no pattern).
 *
 * Space-time neighbours of bin (i, t): the spatial neighbours j of i (self included) in time steps
 * t − N … t, where N is `neighbourhoodTimeStep` (Esri's "Neighborhood Time Step"); binary weights. The
 * Gi* formula is the one in getis-ord.ts applied to bins, with X̄ and S taken over the global window.
 * The cube holds covered time steps only: steps without data are left out by the caller (never
 * counted as zeros), and `gapBefore` marks where steps were left out, so that a neighbourhood never
 * reaches back across the gap.
 *
 * Where Esri's published rules leave room (and peers such as R sfdep differ), this module follows the
 * rules written out in `classifyEmerging` and in docs/analysis.md, "Emerging hot spots".
 */
import { benjaminiHochberg } from './fdr';
import { confidenceBin } from './getis-ord';
import { h3DiskWeights, h3String, type H3CellId } from './h3-weights';
import { mannKendall, type MannKendallResult } from './mann-kendall';
import { twoSidedP } from './normal';
import { AnalysisInputError, type SpatialWeights } from './weights';

/** Esri's category codes: positive hot, negative cold, 0 no pattern. */
export const EMERGING_CATEGORIES = {
	'no-pattern': 0,
	'new-hot-spot': 1,
	'consecutive-hot-spot': 2,
	'intensifying-hot-spot': 3,
	'persistent-hot-spot': 4,
	'diminishing-hot-spot': 5,
	'sporadic-hot-spot': 6,
	'oscillating-hot-spot': 7,
	'historical-hot-spot': 8,
	'new-cold-spot': -1,
	'consecutive-cold-spot': -2,
	'intensifying-cold-spot': -3,
	'persistent-cold-spot': -4,
	'diminishing-cold-spot': -5,
	'sporadic-cold-spot': -6,
	'oscillating-cold-spot': -7,
	'historical-cold-spot': -8
} as const;

export type EmergingCategory = keyof typeof EMERGING_CATEGORIES;

const CATEGORY_BY_CODE = new Map<number, EmergingCategory>(
	Object.entries(EMERGING_CATEGORIES).map(([k, v]) => [v, k as EmergingCategory])
);

/** Human label, e.g. 'Intensifying Hot Spot', 'No Pattern Detected'. */
export function emergingCategoryLabel(category: EmergingCategory): string {
	if (category === 'no-pattern') return 'No Pattern Detected';
	return category
		.split('-')
		.map((w) => w[0].toUpperCase() + w.slice(1))
		.join(' ');
}

export interface ClassifyOptions {
	/** Significance level of the Mann-Kendall trend. Default 0.05. */
	trendAlpha?: number;
}

/**
 * Category of one location from its per-step significance and its trend.
 *
 * `bins[t]` > 0: significant hot spot at step t; < 0: significant cold spot; 0: not significant.
 * `trend` is the Mann-Kendall result on the location's z-score series. With H (C) the number of hot
 * (cold) steps of n, "mostly hot" means H ≥ 0.9·n (all steps counted, the final one included), and the
 * rules are applied in this order (cold mirrors hot, with the trend sign flipped):
 *
 * 1. mostly hot and the final step not hot → Historical Hot Spot.
 * 2. final step hot and mostly hot → Intensifying (trend significantly up), Diminishing
 *    (significantly down), else Persistent.
 * 3. final step hot, not mostly hot: any cold step before → Oscillating; else only the final step hot
 *    → New; else the hot steps form one unbroken run (≥ 2) ending at the final step → Consecutive;
 *    else → Sporadic.
 * 4. anything else → No Pattern Detected.
 *
 * @example
 * classifyEmerging([0, 0, 0, 0, 0, 0, 0, 0, 0, 2], mannKendall(zs)); // 'new-hot-spot'
 */
export function classifyEmerging(
	bins: ArrayLike<number>,
	trend: Pick<MannKendallResult, 's' | 'p'>,
	options: ClassifyOptions = {}
): EmergingCategory {
	const { trendAlpha = 0.05 } = options;
	const n = bins.length;
	if (n === 0) return 'no-pattern';
	let hot = 0;
	let cold = 0;
	for (let t = 0; t < n; t++) {
		if (bins[t] > 0) hot++;
		else if (bins[t] < 0) cold++;
	}
	const last = bins[n - 1];
	// Exact integer form of share ≥ 90 %.
	const mostlyHot = 10 * hot >= 9 * n;
	const mostlyCold = 10 * cold >= 9 * n;
	if (mostlyHot && !(last > 0)) return 'historical-hot-spot';
	if (mostlyCold && !(last < 0)) return 'historical-cold-spot';
	if (last === 0) return 'no-pattern';
	const sign = last > 0 ? 1 : -1;
	const kind = sign > 0 ? 'hot' : 'cold';
	const same = sign > 0 ? hot : cold;
	const other = sign > 0 ? cold : hot;
	if (sign > 0 ? mostlyHot : mostlyCold) {
		const significant = trend.p < trendAlpha && trend.s !== 0;
		if (significant && Math.sign(trend.s) === sign) return `intensifying-${kind}-spot`;
		if (significant) return `diminishing-${kind}-spot`;
		return `persistent-${kind}-spot`;
	}
	if (other > 0) return `oscillating-${kind}-spot`;
	if (same === 1) return `new-${kind}-spot`;
	let run = 0;
	for (let t = n - 1; t >= 0 && Math.sign(bins[t]) === sign; t--) run++;
	if (run === same) return `consecutive-${kind}-spot`;
	return `sporadic-${kind}-spot`;
}

export interface EmergingOptions {
	/** Previous time steps in the space-time neighbourhood (0 = current step only). Default 1. */
	neighbourhoodTimeStep?: number;
	/**
	 * Bins that X̄ and S are taken from (Esri's "Define Global Window"): 'entireCube' (default, Esri's
	 * default), 'neighbourhoodTimeStep' (the bins of steps t − N … t), or 'individualTimeStep' (step t
	 * only; the neighbourhood is then spatial only and `neighbourhoodTimeStep` is not used).
	 */
	globalWindow?: 'entireCube' | 'neighbourhoodTimeStep' | 'individualTimeStep';
	/** Benjamini–Hochberg over each time step's locations (default), over all bins, or none. */
	fdr?: 'perTimeStep' | 'entireCube' | 'none';
	/** Significance level for a bin to count as a hot or cold spot. Default 0.10 (90 % confidence). */
	alpha?: number;
	/** Significance level of the Mann-Kendall trend on z. Default 0.05. */
	trendAlpha?: number;
	/**
	 * Steps that do not follow the step before them in time (`true` at t: steps were left out between
	 * t − 1 and t because they hold no data). The space-time neighbourhood of a bin never reaches back
	 * across such a gap. Default: every step follows the one before.
	 */
	gapBefore?: ArrayLike<boolean>;
}

export interface EmergingLocation {
	category: EmergingCategory;
	code: number;
	trend: Pick<MannKendallResult, 's' | 'varS' | 'z' | 'p' | 'tau' | 'direction'>;
	hotSteps: number;
	coldSteps: number;
}

export interface EmergingResult {
	parameters: Required<Omit<EmergingOptions, 'gapBefore'>> & {
		/** Steps after a gap (the time neighbourhood restarts there). */
		gaps: number;
		locations: number;
		steps: number;
		warnings: string[];
	};
	/** Location-major arrays: index = location · steps + t. */
	z: Float64Array;
	p: Float64Array;
	pAdjusted: Float64Array;
	bin: Int8Array;
	locations: EmergingLocation[];
	/** Count of locations per category (all 17 keys present). */
	summary: Record<EmergingCategory, number>;
}

/**
 * Emerging hot spots over a count cube. `counts[i · steps + t]` is location i at step t (location-major),
 * with locations in the order of `weights` (whose rows must include self links).
 *
 * @example
 * const r = emergingHotSpots({ weights, steps: 12, counts });
 * r.locations[0].category; // e.g. 'intensifying-hot-spot'
 */
export function emergingHotSpots(
	cube: { weights: SpatialWeights; steps: number; counts: ArrayLike<number> },
	options: EmergingOptions = {}
): EmergingResult {
	const {
		neighbourhoodTimeStep = 1,
		globalWindow = 'entireCube',
		fdr = 'perTimeStep',
		alpha = 0.1,
		trendAlpha = 0.05,
		gapBefore
	} = options;
	const { weights: w, steps: T, counts } = cube;
	if (gapBefore && gapBefore.length !== T)
		throw new AnalysisInputError(
			'E_LENGTH_MISMATCH',
			`gapBefore has ${gapBefore.length} entries for ${T} steps`
		);
	// First step of the unbroken run each step belongs to.
	const runStart = new Int32Array(T);
	for (let t = 1; t < T; t++) runStart[t] = gapBefore?.[t] ? t : runStart[t - 1];
	const n = w.n;
	if (!Number.isInteger(T) || T < 1)
		throw new AnalysisInputError('E_BAD_STEPS', `steps must be a whole number ≥ 1, got ${T}`);
	if (counts.length !== n * T)
		throw new AnalysisInputError(
			'E_LENGTH_MISMATCH',
			`${counts.length} counts for ${n} locations × ${T} steps (${n * T})`
		);
	if (!Number.isInteger(neighbourhoodTimeStep) || neighbourhoodTimeStep < 0)
		throw new AnalysisInputError(
			'E_BAD_NEIGHBOURHOOD',
			'neighbourhoodTimeStep must be a whole number ≥ 0'
		);
	const N = globalWindow === 'individualTimeStep' ? 0 : neighbourhoodTimeStep;
	const warnings: string[] = [];
	if (T < 10)
		warnings.push(
			`Only ${T} time steps: Mann-Kendall has little power and the 90 % rules are coarse below 10 steps.`
		);

	// Spatial lag per bin and per-step sums: one pass over the CSR links per step.
	const lag = new Float64Array(n * T);
	const wSum = new Float64Array(n);
	const wSq = new Float64Array(n);
	const { offsets, neighbours, weights } = w;
	for (let i = 0; i < n; i++) {
		for (let e = offsets[i]; e < offsets[i + 1]; e++) {
			const wij = weights ? weights[e] : 1;
			wSum[i] += wij;
			wSq[i] += wij * wij;
			const j = neighbours[e];
			for (let t = 0; t < T; t++) lag[i * T + t] += wij * counts[j * T + t];
		}
	}
	const stepSum = new Float64Array(T);
	const stepSq = new Float64Array(T);
	for (let i = 0; i < n; i++)
		for (let t = 0; t < T; t++) {
			const v = counts[i * T + t];
			if (!Number.isFinite(v))
				throw new AnalysisInputError('E_NOT_FINITE', `Count of location ${i} step ${t} is ${v}`);
			stepSum[t] += v;
			stepSq[t] += v * v;
		}

	const z = new Float64Array(n * T);
	const p = new Float64Array(n * T);
	for (let t = 0; t < T; t++) {
		const from = Math.max(runStart[t], t - N);
		const win = t - from + 1;
		let sum = 0;
		let sq = 0;
		let nG = 0;
		const g0 = globalWindow === 'entireCube' ? 0 : from;
		const g1 = globalWindow === 'entireCube' ? T - 1 : t;
		for (let s = g0; s <= g1; s++) {
			sum += stepSum[s];
			sq += stepSq[s];
			nG += n;
		}
		const mean = sum / nG;
		const sd = Math.sqrt(Math.max(0, sq / nG - mean * mean));
		for (let i = 0; i < n; i++) {
			let l = 0;
			for (let s = from; s <= t; s++) l += lag[i * T + s];
			const W = win * wSum[i];
			const W2 = win * wSq[i];
			let zi = (l - mean * W) / (sd * Math.sqrt((nG * W2 - W * W) / (nG - 1)));
			if (!Number.isFinite(zi)) zi = 0;
			z[i * T + t] = zi;
			p[i * T + t] = twoSidedP(zi);
		}
	}

	let pAdjusted: Float64Array;
	if (fdr === 'entireCube') pAdjusted = benjaminiHochberg(p);
	else if (fdr === 'perTimeStep') {
		pAdjusted = new Float64Array(n * T);
		const slice = new Float64Array(n);
		for (let t = 0; t < T; t++) {
			for (let i = 0; i < n; i++) slice[i] = p[i * T + t];
			const adj = benjaminiHochberg(slice);
			for (let i = 0; i < n; i++) pAdjusted[i * T + t] = adj[i];
		}
	} else pAdjusted = p.slice();

	const bin = new Int8Array(n * T);
	for (let k = 0; k < n * T; k++) bin[k] = confidenceBin(z[k], pAdjusted[k], alpha);

	const summary = Object.fromEntries(Object.keys(EMERGING_CATEGORIES).map((k) => [k, 0])) as Record<
		EmergingCategory,
		number
	>;
	const locations: EmergingLocation[] = [];
	for (let i = 0; i < n; i++) {
		const zs = z.subarray(i * T, (i + 1) * T);
		const bs = bin.subarray(i * T, (i + 1) * T);
		const mk = mannKendall(zs, { alpha: trendAlpha });
		const category = classifyEmerging(bs, mk, { trendAlpha });
		summary[category]++;
		let hotSteps = 0;
		let coldSteps = 0;
		for (const b of bs) {
			if (b > 0) hotSteps++;
			else if (b < 0) coldSteps++;
		}
		locations.push({
			category,
			code: EMERGING_CATEGORIES[category],
			trend: { s: mk.s, varS: mk.varS, z: mk.z, p: mk.p, tau: mk.tau, direction: mk.direction },
			hotSteps,
			coldSteps
		});
	}
	return {
		parameters: {
			neighbourhoodTimeStep: N,
			globalWindow,
			fdr,
			alpha,
			trendAlpha,
			gaps: runStart.reduce((k, r, t) => k + (t > 0 && r === t ? 1 : 0), 0),
			locations: n,
			steps: T,
			warnings
		},
		z,
		p,
		pAdjusted,
		bin,
		locations,
		summary
	};
}

/**
 * Emerging hot spots over an explicit H3 study area (gridDisk(cell, k) ∩ area, self included).
 * `series` maps a cell to its counts per time step (missing cells count 0 at every step).
 *
 * @example
 * emergingHotSpotsH3(areaCells, new Map([['8826641903fffff', [0, 1, 3, 5]]]), 4, { k: 1 });
 */
export function emergingHotSpotsH3(
	cells: readonly H3CellId[],
	series: ReadonlyMap<H3CellId, ArrayLike<number>>,
	steps: number,
	options: EmergingOptions & { k?: number } = {}
): EmergingResult & { cells: string[]; k: number } {
	const { k = 1, ...rest } = options;
	const ids = cells.map(h3String);
	const index = new Map(ids.map((c, i) => [c, i]));
	const counts = new Float64Array(ids.length * steps);
	for (const [cell, values] of series) {
		const i = index.get(h3String(cell));
		if (i === undefined) continue;
		if (values.length !== steps)
			throw new AnalysisInputError(
				'E_LENGTH_MISMATCH',
				`Cell ${h3String(cell)} has ${values.length} steps, expected ${steps}`
			);
		for (let t = 0; t < steps; t++) counts[i * steps + t] = values[t];
	}
	const weights = h3DiskWeights(ids, { k, includeSelf: true });
	return { ...emergingHotSpots({ weights, steps, counts }, rest), cells: ids, k };
}

/** Category from its Esri code (−8 … 8). */
export function emergingCategoryFromCode(code: number): EmergingCategory | undefined {
	return CATEGORY_BY_CODE.get(code);
}
