/**
 * Mann-Kendall trend test with tie correction and continuity correction.
 *
 * Mann (1945), Kendall (1975); formulas as in Hipel & McLeod (1994) "Time Series Modelling of Water
 * Resources and Environmental Systems", §23.3, and R `Kendall::MannKendall`:
 *   S = Σ_{i<j} sign(xj − xi)
 *   Var(S) = [n(n − 1)(2n + 5) − Σt t(t − 1)(2t + 5)] / 18   (t = size of each group of tied values)
 *   Z = (S − 1)/√Var(S) if S > 0;  0 if S = 0;  (S + 1)/√Var(S) if S < 0
 *   p = 2·Φ(−|Z|),  τ_b = S / √[(n0 − n1)·n0],  n0 = n(n − 1)/2,  n1 = Σt t(t − 1)/2.
 * The time axis has no ties, so τ_b has only the value-tie term.
 */
import { twoSidedP } from './normal';

export type TrendDirection = 'increasing' | 'decreasing' | 'none';

export interface MannKendallOptions {
	/** Significance level for `direction`. Default 0.05. */
	alpha?: number;
}

export interface MannKendallResult {
	parameters: { n: number; alpha: number; continuityCorrection: true; tieCorrection: true };
	s: number;
	varS: number;
	z: number;
	/** Two-sided p-value. */
	p: number;
	/** Kendall's τ_b. */
	tau: number;
	/** Sign of S when p < alpha, otherwise 'none'. */
	direction: TrendDirection;
}

/**
 * Mann-Kendall test on a series in time order. NaN entries are skipped (the order of the rest is kept).
 * Fewer than 3 values, or all values tied, give S = 0, Z = 0, p = 1.
 *
 * @example
 * mannKendall([1, 2, 2, 3]); // { s: 5, varS: 8.666…, z: 1.359…, p: 0.174…, tau: 0.912…, direction: 'none' }
 */
export function mannKendall(
	series: ArrayLike<number>,
	options: MannKendallOptions = {}
): MannKendallResult {
	const { alpha = 0.05 } = options;
	const x: number[] = [];
	for (let i = 0; i < series.length; i++) if (!Number.isNaN(series[i])) x.push(series[i]);
	const n = x.length;
	let s = 0;
	for (let i = 0; i < n - 1; i++) {
		const xi = x[i];
		for (let j = i + 1; j < n; j++) s += Math.sign(x[j] - xi);
	}
	const sorted = [...x].sort((a, b) => a - b);
	let tieTerm = 0;
	let tiedPairs = 0;
	for (let i = 0; i < n;) {
		let j = i + 1;
		while (j < n && sorted[j] === sorted[i]) j++;
		const t = j - i;
		if (t > 1) {
			tieTerm += t * (t - 1) * (2 * t + 5);
			tiedPairs += (t * (t - 1)) / 2;
		}
		i = j;
	}
	const varS = (n * (n - 1) * (2 * n + 5) - tieTerm) / 18;
	let z = 0;
	if (varS > 0) {
		if (s > 0) z = (s - 1) / Math.sqrt(varS);
		else if (s < 0) z = (s + 1) / Math.sqrt(varS);
	}
	const p = twoSidedP(z);
	const n0 = (n * (n - 1)) / 2;
	const tauDen = Math.sqrt((n0 - tiedPairs) * n0);
	const tau = tauDen > 0 ? s / tauDen : 0;
	const direction: TrendDirection =
		p < alpha && s !== 0 ? (s > 0 ? 'increasing' : 'decreasing') : 'none';
	return {
		parameters: { n, alpha, continuityCorrection: true, tieCorrection: true },
		s,
		varS,
		z,
		p,
		tau,
		direction
	};
}

export interface SeriesTrend {
	id: string;
	s: number;
	z: number;
	p: number;
	tau: number;
	direction: TrendDirection;
	/** Sen's slope: median of pairwise slopes (xj − xi)/(j − i), units per step (e.g. per month). */
	senSlope: number;
}

/**
 * Mann-Kendall trend per cell or area over a regular series (e.g. monthly counts), for trend maps.
 * `series` maps an id (H3 cell, area code) to counts in time order; all series must have the same
 * length (fill missing months with 0 before calling). Sen (1968) slope gives the size of the trend.
 *
 * @example
 * trendsBySeries(new Map([['8826641903fffff', [3, 4, 4, 6, 7, 9]]])); // [{ id, direction: 'increasing', senSlope: 1.1…, ... }]
 */
export function trendsBySeries(
	series: ReadonlyMap<string, ArrayLike<number>>,
	options: MannKendallOptions = {}
): SeriesTrend[] {
	const out: SeriesTrend[] = [];
	for (const [id, values] of series) {
		const r = mannKendall(values, options);
		out.push({
			id,
			s: r.s,
			z: r.z,
			p: r.p,
			tau: r.tau,
			direction: r.direction,
			senSlope: senSlope(values)
		});
	}
	return out;
}

/** Sen's slope estimator: median over i < j of (xj − xi)/(j − i). NaN for fewer than 2 values. */
export function senSlope(values: ArrayLike<number>): number {
	const slopes: number[] = [];
	for (let i = 0; i < values.length - 1; i++)
		for (let j = i + 1; j < values.length; j++) slopes.push((values[j] - values[i]) / (j - i));
	if (slopes.length === 0) return NaN;
	slopes.sort((a, b) => a - b);
	const m = slopes.length >> 1;
	return slopes.length % 2 ? slopes[m] : (slopes[m - 1] + slopes[m]) / 2;
}
