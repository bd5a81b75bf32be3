/**
 * Before/after evaluation of a road-safety scheme from collision counts in two periods of equal length,
 * with its uncertainty — the simple and the comparison-group designs of Hauer (1997) and Elvik (2002):
 *
 * - **At the site**: the after/before ratio b/a. Given the total a + b, b ~ Binomial(a + b, π) with
 *   π = λ_after / (λ_before + λ_after) (conditional test for two Poisson rates); the exact
 *   (Clopper–Pearson) interval for π maps to the ratio through π / (1 − π), and the two-sided p of
 *   "no change" is the exact binomial test at π = ½ (R `binom.test`).
 * - **Against a comparison (control) area**, which carries the general trend (traffic, weather,
 *   recording): the odds ratio θ = (b/a) / (d/c) = b·c / (a·d) of the 2 × 2 table
 *   [[after, before] at the site, [after, before] in the control]. Conditional on the table's margins,
 *   b follows Fisher's noncentral hypergeometric distribution with parameter θ; the interval and p
 *   are the exact conditional ones of R `fisher.test` (two-sided p by the method of small p-values,
 *   interval from the two one-sided tails). θ < 1: fewer collisions at the site than the control's
 *   trend predicts. The estimate is the sample odds ratio (Elvik's "odds ratio" index of effect).
 *
 * Neither design removes regression to the mean: sites chosen *because* their counts were high will
 * fall back on their own (Hauer 1997, ch. 5; Elvik 1997). Only an empirical-Bayes design (a safety
 * performance function for similar sites) corrects for it; the caller states this caveat.
 *
 * References: Hauer, E. (1997) Observational Before–After Studies in Road Safety, Pergamon; Elvik, R.
 * (2002) "The importance of confounding in observational before-and-after studies of road safety
 * measures", Accident Analysis & Prevention 34(5); Clopper & Pearson (1934) Biometrika 26; R
 * `stats::binom.test`, `stats::fisher.test`.
 *
 * @example
 * const r = beforeAfter({ before: 12, after: 6 }, { before: 40, after: 35 });
 * r.site.ratio.estimate; // 0.5
 * r.adjusted?.estimate; // 0.5714285714285714 (= 6·40 / (12·35))
 */
import { binomialCdf, binomialSf, binomialTwoSidedP, logBinomialPmf } from './exact-binomial';
import { AnalysisInputError } from './weights';

export interface PeriodCounts {
	before: number;
	after: number;
}

export interface BeforeAfterOptions {
	/** Confidence level of the intervals. Default 0.95. */
	confidence?: number;
}

/** An estimate of a rate ratio with its exact interval; `upper` null means unbounded (+∞). */
export interface RatioEstimate {
	/** null when it is undefined (0 / 0) or infinite (x / 0). */
	estimate: number | null;
	lower: number;
	upper: number | null;
	/** Two-sided exact p of "ratio = 1". */
	p: number;
}

export interface BeforeAfterResult {
	parameters: {
		confidence: number;
		siteMethod: 'exact conditional binomial (Clopper–Pearson) on after / (before + after)';
		controlMethod: 'comparison-group odds ratio, exact conditional (Fisher) interval';
	};
	site: PeriodCounts & { ratio: RatioEstimate };
	control: (PeriodCounts & { ratio: RatioEstimate }) | null;
	/** The site's change beyond the control's trend (null without a control). */
	adjusted: RatioEstimate | null;
}

function checkCount(name: string, n: number): void {
	if (!Number.isInteger(n) || n < 0)
		throw new AnalysisInputError('E_BAD_COUNT', `${name} must be a whole number ≥ 0, got ${n}`);
}

/** Smallest/largest root of a monotone function on (lo, hi) by bisection (to double precision). */
function bisect(f: (x: number) => number, lo: number, hi: number): number {
	for (let i = 0; i < 200 && hi - lo > 1e-15 * Math.max(1, Math.abs(lo)); i++) {
		const mid = (lo + hi) / 2;
		if (f(mid) > 0) hi = mid;
		else lo = mid;
	}
	return (lo + hi) / 2;
}

/**
 * Clopper–Pearson interval for a binomial proportion: x successes of n.
 * @example clopperPearson(0, 3, 0.95); // { lower: 0, upper: 1 − 0.025^(1/3) = 0.7075982… }
 */
export function clopperPearson(
	x: number,
	n: number,
	confidence = 0.95
): { lower: number; upper: number } {
	const tail = (1 - confidence) / 2;
	// P(X ≥ x | p) rises with p: the lower bound is where it reaches the tail.
	const lower = x === 0 ? 0 : bisect((p) => binomialSf(x, n, p) - tail, 0, 1);
	// P(X ≤ x | p) falls with p: the upper bound is where it drops to the tail.
	const upper = x === n ? 1 : bisect((p) => tail - binomialCdf(x, n, p), 0, 1);
	return { lower, upper };
}

/** The after/before rate ratio of two equal-length periods with its exact conditional interval. */
export function periodRatio(c: PeriodCounts, confidence = 0.95): RatioEstimate {
	const n = c.before + c.after;
	if (n === 0) return { estimate: null, lower: 0, upper: null, p: 1 };
	const { lower, upper } = clopperPearson(c.after, n, confidence);
	return {
		estimate: c.before === 0 ? null : c.after / c.before,
		lower: lower / (1 - lower),
		upper: upper === 1 ? null : upper / (1 - upper),
		p: binomialTwoSidedP(c.after, n, 0.5)
	};
}

/**
 * Fisher's noncentral hypergeometric distribution of the top-left cell of a 2 × 2 table with row
 * totals m, n and first-column total k, at odds ratio θ: the support and a function giving the
 * probabilities at θ (computed on the log scale to stay finite for large tables).
 */
function noncentralHypergeometric(m: number, n: number, k: number) {
	const lo = Math.max(0, k - n);
	const hi = Math.min(k, m);
	const logBase: number[] = [];
	for (let x = lo; x <= hi; x++)
		// log C(m, x) + log C(n, k − x), through the binomial pmf at ½ (constants cancel on normalising).
		logBase.push(logBinomialPmf(x, m, 0.5) + logBinomialPmf(k - x, n, 0.5));
	const probabilities = (logTheta: number): number[] => {
		const l = logBase.map((b, i) => b + (lo + i) * logTheta);
		const max = Math.max(...l);
		const w = l.map((v) => Math.exp(v - max));
		const sum = w.reduce((s, v) => s + v, 0);
		return w.map((v) => v / sum);
	};
	return { lo, hi, probabilities };
}

/**
 * Comparison-group odds ratio (b/a)/(d/c) with the exact conditional interval and p of R `fisher.test`
 * on the table [[site after, site before], [control after, control before]].
 */
export function comparisonOddsRatio(
	site: PeriodCounts,
	control: PeriodCounts,
	confidence = 0.95
): RatioEstimate {
	const m = site.after + site.before;
	const n = control.after + control.before;
	const k = site.after + control.after;
	const x = site.after;
	const dist = noncentralHypergeometric(m, n, k);
	const ad = site.before * control.after;
	const estimate = ad === 0 ? null : (site.after * control.before) / ad;
	if (dist.lo === dist.hi) return { estimate, lower: 0, upper: null, p: 1 };
	const tail = (1 - confidence) / 2;
	const at = (logTheta: number) => dist.probabilities(logTheta);
	const upperTail = (logTheta: number) =>
		at(logTheta)
			.slice(x - dist.lo)
			.reduce((s, v) => s + v, 0);
	const lowerTail = (logTheta: number) =>
		at(logTheta)
			.slice(0, x - dist.lo + 1)
			.reduce((s, v) => s + v, 0);
	// Bracket on the log scale: ±50 is beyond any odds ratio a table of counts can support.
	const lower = x === dist.lo ? 0 : Math.exp(bisect((t) => upperTail(t) - tail, -50, 50));
	const upper = x === dist.hi ? null : Math.exp(bisect((t) => tail - lowerTail(t), -50, 50));
	// Two-sided p at θ = 1: every table no more likely than the one observed (R's relErr 1 + 1e-7).
	const null1 = at(0);
	const observed = null1[x - dist.lo] * (1 + 1e-7);
	const p = Math.min(
		1,
		null1.filter((v) => v <= observed).reduce((s, v) => s + v, 0)
	);
	return { estimate, lower, upper, p };
}

/**
 * Before/after evaluation at a site, optionally against a comparison area (see the module comment).
 * Both periods must be of equal length and fully covered by data; the caller checks coverage.
 */
export function beforeAfter(
	site: PeriodCounts,
	control: PeriodCounts | null = null,
	options: BeforeAfterOptions = {}
): BeforeAfterResult {
	const confidence = options.confidence ?? 0.95;
	if (!(confidence > 0 && confidence < 1))
		throw new AnalysisInputError(
			'E_BAD_CONFIDENCE',
			`confidence must be in (0, 1), got ${confidence}`
		);
	checkCount('site before', site.before);
	checkCount('site after', site.after);
	if (control) {
		checkCount('control before', control.before);
		checkCount('control after', control.after);
	}
	return {
		parameters: {
			confidence,
			siteMethod: 'exact conditional binomial (Clopper–Pearson) on after / (before + after)',
			controlMethod: 'comparison-group odds ratio, exact conditional (Fisher) interval'
		},
		site: { ...site, ratio: periodRatio(site, confidence) },
		control: control ? { ...control, ratio: periodRatio(control, confidence) } : null,
		adjusted: control ? comparisonOddsRatio(site, control, confidence) : null
	};
}
