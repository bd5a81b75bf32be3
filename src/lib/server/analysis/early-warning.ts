/**
 * Early-warning (outbreak detection) on weekly counts: is this week's count above what its history
 * leads us to expect?
 *
 * - `farringtonFlexible`: the improved Farrington algorithm (Noufaily, Enki, Farrington, Garthwaite,
 *   Andrews & Charlett 2013, "An improved algorithm for outbreak detection in multiple surveillance
 *   systems", Statistics in Medicine 32(7), 1206–1222), as R `surveillance::farringtonFlexible`
 *   (Salmon, Schumacher & Höhle 2016, J. Stat. Softw. 70(10)) computes it: a quasi-Poisson GLM on the
 *   weeks of the last `b` years around the same week (±w) plus the rest of each year split into
 *   `noPeriods − 1` seasonal blocks, a linear trend kept only when significant and not
 *   extrapolating, past outbreaks down-weighted by their Anscombe residuals, the last
 *   `pastWeeksNotIncluded` weeks left out, and the threshold the (1 − α) quantile of a negative
 *   binomial with the fitted mean and dispersion ("nbPlugin"). No threshold unless the current and
 *   last three weeks hold at least 5 cases (limit54).
 * - `earsC2`: CDC's EARS C2 (Hutwagner et al. 2003; `surveillance::earsC`, method "C2"): mean + z₁₋α
 *   standard deviations of the 7 weeks before a 2-week guard band.
 *
 * Weeks are consecutive Mondays given as day numbers (days since 1970-01-01, UTC).
 */
import { normalQuantile, negBinomialQuantile, poissonQuantile } from './distributions';
import {
	coefficientPValue,
	fitPoissonGlm,
	glmLeverages,
	linearPredictor,
	type PoissonGlmFit
} from './poisson-glm';

export interface WeekCheck {
	/** Index into the series. */
	index: number;
	observed: number;
	/** Upper threshold; null where the history is too short or too sparse to give one. */
	threshold: number | null;
	alarm: boolean;
	/** Fitted expected count (Farrington) or baseline mean (EARS); null with the threshold. */
	expected: number | null;
	/** Why there is no threshold, in words. */
	note?: string;
}

export interface FarringtonOptions {
	b: number;
	w: number;
	reweight: boolean;
	weightsThreshold: number;
	alpha: number;
	trend: boolean;
	pThresholdTrend: number;
	limit54: [cases: number, weeks: number];
	noPeriods: number;
	pastWeeksNotIncluded: number;
}

/** The settings issue 14 asks for (Noufaily et al.'s recommended improved algorithm). */
export const FARRINGTON_DEFAULTS: FarringtonOptions = {
	b: 5,
	w: 3,
	reweight: true,
	weightsThreshold: 2.58,
	alpha: 0.05,
	trend: true,
	pThresholdTrend: 0.05,
	limit54: [5, 4],
	noPeriods: 10,
	pastWeeksNotIncluded: 26
};

const DAY_MS = 86_400_000;

/**
 * The Monday nearest to the same calendar date `years` earlier (surveillance's reference weeks:
 * `seq(day, by = "-1 year")`, 29 February becoming 1 March, then the closest same weekday).
 */
export function referenceWeek(day: number, years: number): number {
	const d = new Date(day * DAY_MS);
	const ref = Date.UTC(d.getUTCFullYear() - years, d.getUTCMonth(), d.getUTCDate()) / DAY_MS;
	const want = d.getUTCDay();
	const a = ref - (new Date(ref * DAY_MS).getUTCDay() - want);
	const b = a + (a > ref ? -7 : 7);
	return Math.abs(a - ref) > Math.abs(b - ref) ? b : a;
}

/**
 * Seasonal block of every week for the check at index k (NaN = not used): the current window and
 * each reference window get level `p`, the weeks between consecutive reference windows levels
 * 1..p−1 in near-equal runs (longer runs first). Null when a reference week is outside the series.
 */
function seasonalBlocks(
	k: number,
	refs: number[],
	n: number,
	w: number,
	p: number
): Float64Array | null {
	const f = new Float64Array(n).fill(NaN);
	const set = (from: number, to: number, level: number) => {
		for (let i = Math.max(0, from); i <= to && i < n; i++) f[i] = level;
	};
	set(k - w, k, p);
	for (let i = 1; i < refs.length; i++) {
		const refWeek = refs[i];
		// R's 1-based window (refWeek − w):(refWeek + w) may start at index 0 (ignored), not below.
		if (refWeek + 1 - w < 0) return null;
		set(refWeek - w, refWeek + w, p);
		if (p === 1) continue;
		const period = refs[i - 1] - 2 * w - 1 - refWeek;
		if (period < p - (2 * w + 1) || period < p - 1) return null;
		const base = Math.floor(period / (p - 1));
		const rest = period % (p - 1);
		let at = refWeek + w + 1;
		for (let level = 1; level < p; level++) {
			const len = base + (level <= rest ? 1 : 0);
			set(at, at + len - 1, level);
			at += len;
		}
	}
	return f;
}

interface Model {
	fit: PoissonGlmFit;
	trend: boolean;
	phi: number;
	/**
	 * The dispersion surveillance's trend test sees: after reweighting it stores the prior weights ω
	 * in the model's `weights`, so `summary.glm` sums ω·((y − μ)/μ)² instead of the Pearson
	 * statistic. Reproduced so that trends (and thresholds) equal the reference implementation.
	 */
	trendDispersion: number;
}

function design(wtime: number, level: number, trend: boolean, levels: number[]): number[] {
	const row = [1];
	if (trend) row.push(wtime);
	for (let j = 1; j < levels.length; j++) row.push(level === levels[j] ? 1 : 0);
	return row;
}

/** surveillance's `algo.farrington.fitGLM.flexible`: fit, fall back without trend, reweight. */
function fitFlexible(
	y: number[],
	wtime: number[],
	blocks: number[],
	levels: number[],
	trend: boolean,
	o: FarringtonOptions
): Model | null {
	let useTrend = trend;
	let x = y.map((_, i) => design(wtime[i], blocks[i], useTrend, levels));
	let fit = fitPoissonGlm(y, x);
	if (!fit?.converged) {
		if (!useTrend) return null;
		useTrend = false;
		x = y.map((_, i) => design(wtime[i], blocks[i], false, levels));
		fit = fitPoissonGlm(y, x);
		if (!fit?.converged) return null;
	}
	let phi = Math.max(fit.dispersion, 1);
	if (o.reweight) {
		const h = glmLeverages(fit, x);
		const s = y.map((v, i) => {
			const m = fit!.mu[i];
			const a = 1.5 * (Math.pow(v, 2 / 3) * Math.pow(m, -1 / 6) - Math.sqrt(m));
			return a / Math.sqrt(phi * (1 - h[i]));
		});
		let denom = 0;
		for (const si of s) denom += si > o.weightsThreshold ? Math.pow(si, -2) : 1;
		const gamma = s.length / denom;
		const omega = s.map((si) => (si > o.weightsThreshold ? gamma * Math.pow(si, -2) : gamma));
		const refit = fitPoissonGlm(y, x, omega);
		if (!refit) return null;
		fit = refit;
		phi = Math.max(fit.dispersion, 1);
		let sum = 0;
		for (let i = 0; i < y.length; i++) {
			const r = (y[i] - fit.mu[i]) / fit.mu[i];
			sum += omega[i] * r * r;
		}
		return { fit, trend: useTrend, phi, trendDispersion: sum / fit.dfResidual };
	}
	return { fit, trend: useTrend, phi, trendDispersion: fit.dispersion };
}

/**
 * Improved Farrington thresholds for the weeks at `checkIndexes` of a weekly series.
 *
 * @param counts weekly counts, consecutive weeks
 * @param weekDays day number of each week's first day (consecutive, 7 apart)
 */
export function farringtonFlexible(
	counts: readonly number[],
	weekDays: readonly number[],
	checkIndexes: readonly number[],
	options: Partial<FarringtonOptions> = {}
): WeekCheck[] {
	const o = { ...FARRINGTON_DEFAULTS, ...options };
	const n = counts.length;
	const first = weekDays[0];
	return checkIndexes.map((k) => {
		const observed = counts[k];
		const none = (note: string): WeekCheck => ({
			index: k,
			observed,
			threshold: null,
			alarm: false,
			expected: null,
			note
		});
		const refs: number[] = [];
		for (let j = 0; j <= o.b; j++) {
			const idx = (referenceWeek(weekDays[k], j) - first) / 7;
			if (idx < 0 || idx >= n) return none(`history too short: needs ${o.b} years before the week`);
			refs.push(idx);
		}
		const blocks = seasonalBlocks(k, refs, n, o.w, o.noPeriods);
		if (!blocks)
			return none(`history too short: needs ${o.b} years and ${o.w} weeks before the week`);
		for (let i = Math.max(0, k - o.pastWeeksNotIncluded); i <= k; i++) blocks[i] = NaN;
		const used: number[] = [];
		for (let i = 0; i < n; i++) if (!Number.isNaN(blocks[i])) used.push(i);
		const y = used.map((i) => counts[i]);
		const wtime = used.map((i) => i - used[0]);
		const blk = used.map((i) => blocks[i]);
		const levels = [...new Set(blk)].sort((a, b) => a - b);
		const wtimeNow = k - used[0];

		let model = fitFlexible(y, wtime, blk, levels, o.trend, o);
		if (!model) return none('the model did not converge');
		if (model.trend) {
			const x0 = design(wtimeNow, o.noPeriods, true, levels);
			const predicted = Math.exp(linearPredictor(model.fit, x0));
			const significant =
				coefficientPValue(model.fit, 1, model.trendDispersion) < o.pThresholdTrend;
			const noExtrapolation = predicted <= Math.max(...y);
			if (!(o.b >= 3 && significant && noExtrapolation)) {
				model = fitFlexible(y, wtime, blk, levels, false, o);
				if (!model) return none('the model did not converge');
			}
		}
		const eta0 = linearPredictor(model.fit, design(wtimeNow, o.noPeriods, model.trend, levels));
		const mu0 = Math.exp(eta0);
		if (!Number.isFinite(mu0)) return none('the expected count is not finite');
		const upper =
			model.phi > 1
				? negBinomialQuantile(1 - o.alpha, mu0 / (model.phi - 1), 1 / model.phi)
				: poissonQuantile(1 - o.alpha, mu0);
		let recent = 0;
		for (let i = Math.max(0, k - o.limit54[1] + 1); i <= k; i++) recent += counts[i];
		if (recent < o.limit54[0])
			return none(
				`fewer than ${o.limit54[0]} cases in the last ${o.limit54[1]} weeks (no threshold, as Farrington's rule)`
			);
		const score = (observed - eta0) / (upper - eta0);
		return {
			index: k,
			observed,
			threshold: upper,
			alarm: score > 1 && observed !== 0,
			expected: mu0
		};
	});
}

export interface EarsOptions {
	baseline: number;
	alpha: number;
	minSigma: number;
}

/** EARS C2 thresholds (mean + z₁₋α·sd of the `baseline` weeks before a 2-week gap). */
export function earsC2(
	counts: readonly number[],
	checkIndexes: readonly number[],
	options: Partial<EarsOptions> = {}
): WeekCheck[] {
	const { baseline = 7, alpha = 0.001, minSigma = 0 } = options;
	const z = normalQuantile(1 - alpha);
	return checkIndexes.map((k) => {
		const observed = counts[k];
		if (k - baseline - 2 < 0)
			return {
				index: k,
				observed,
				threshold: null,
				alarm: false,
				expected: null,
				note: `history too short: needs ${baseline + 2} weeks before the week`
			};
		const ref = counts.slice(k - baseline - 2, k - 2);
		const mean = ref.reduce((s, v) => s + v, 0) / baseline;
		const sd = Math.sqrt(ref.reduce((s, v) => s + (v - mean) ** 2, 0) / (baseline - 1));
		const threshold = mean + z * Math.max(sd, minSigma);
		return { index: k, observed, threshold, alarm: observed > threshold, expected: mean };
	});
}
