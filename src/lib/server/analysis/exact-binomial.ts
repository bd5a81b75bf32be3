/**
 * Exact test of a change between two counts (the conditional binomial test for two Poisson rates):
 * given the total n = a + b, the count a of the later period is Binomial(n, s) under "no change in
 * rate", where s is the later period's share of the time observed (½ for two periods of equal covered
 * length). Two-sided p by the method of small p-values — the sum of the probabilities of every outcome
 * no more likely than the one observed — exactly as R's `binom.test` computes it (relative tolerance
 * 1 + 1e-7). Across many cells, Benjamini–Hochberg FDR controls false discoveries.
 *
 * References: Przyborowski & Wilenski (1940), "Homogeneity of results in testing samples from Poisson
 * series", Biometrika 31; Lehmann & Romano, Testing Statistical Hypotheses, §4.5 (the UMPU test for
 * two Poisson means conditions on their sum); R `stats::binom.test` (two-sided p).
 *
 * Unlike the normal square-root z, the test is exact for small counts: 1 against 0 gives p = 1, never
 * a "significant rise".
 */
import { benjaminiHochberg } from './fdr';
import { AnalysisInputError } from './weights';

const LANCZOS = [
	0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
	-176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
	1.5056327351493116e-7
];

/** ln Γ(x) for x > 0 (Lanczos, g = 7; relative error below 1e-14). */
export function logGamma(x: number): number {
	if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
	const y = x - 1;
	let a = LANCZOS[0];
	const t = y + 7.5;
	for (let i = 1; i < 9; i++) a += LANCZOS[i] / (y + i);
	return 0.5 * Math.log(2 * Math.PI) + (y + 0.5) * Math.log(t) - t + Math.log(a);
}

/** ln P(X = k) for X ~ Binomial(n, p). */
export function logBinomialPmf(k: number, n: number, p: number): number {
	if (k < 0 || k > n) return -Infinity;
	if (p === 0) return k === 0 ? 0 : -Infinity;
	if (p === 1) return k === n ? 0 : -Infinity;
	return (
		logGamma(n + 1) -
		logGamma(k + 1) -
		logGamma(n - k + 1) +
		k * Math.log(p) +
		(n - k) * Math.log1p(-p)
	);
}

/** Continued fraction of the incomplete beta (modified Lentz; Numerical Recipes §6.4). */
function betaContinuedFraction(a: number, b: number, x: number): number {
	const tiny = 1e-300;
	let c = 1;
	let d = 1 - ((a + b) * x) / (a + 1);
	if (Math.abs(d) < tiny) d = tiny;
	d = 1 / d;
	let h = d;
	for (let m = 1; m <= 10_000; m++) {
		const m2 = 2 * m;
		let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
		d = 1 + aa * d;
		if (Math.abs(d) < tiny) d = tiny;
		c = 1 + aa / c;
		if (Math.abs(c) < tiny) c = tiny;
		d = 1 / d;
		h *= d * c;
		aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
		d = 1 + aa * d;
		if (Math.abs(d) < tiny) d = tiny;
		c = 1 + aa / c;
		if (Math.abs(c) < tiny) c = tiny;
		d = 1 / d;
		const del = d * c;
		h *= del;
		if (Math.abs(del - 1) < 1e-16) break;
	}
	return h;
}

/** Regularised incomplete beta I_x(a, b). */
function incompleteBeta(x: number, a: number, b: number): number {
	if (x <= 0) return 0;
	if (x >= 1) return 1;
	const front = Math.exp(
		logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log1p(-x)
	);
	return x < (a + 1) / (a + b + 2)
		? (front * betaContinuedFraction(a, b, x)) / a
		: 1 - (front * betaContinuedFraction(b, a, 1 - x)) / b;
}

/** Below this many trials tails are summed term by term; above, the incomplete beta is used. */
const DIRECT_SUM_MAX_N = 2000;

/** P(X ≤ k) for X ~ Binomial(n, p). */
export function binomialCdf(k: number, n: number, p: number): number {
	if (k < 0) return 0;
	if (k >= n) return 1;
	if (n <= DIRECT_SUM_MAX_N) {
		let s = 0;
		for (let i = 0; i <= k; i++) s += Math.exp(logBinomialPmf(i, n, p));
		return Math.min(1, s);
	}
	return incompleteBeta(1 - p, n - k, k + 1);
}

/** P(X ≥ k) for X ~ Binomial(n, p). */
export function binomialSf(k: number, n: number, p: number): number {
	if (k <= 0) return 1;
	if (k > n) return 0;
	if (n <= DIRECT_SUM_MAX_N) {
		let s = 0;
		for (let i = k; i <= n; i++) s += Math.exp(logBinomialPmf(i, n, p));
		return Math.min(1, s);
	}
	return incompleteBeta(p, k, n - k + 1);
}

/**
 * Two-sided exact binomial p of x successes in n trials at probability p, as R's `binom.test`.
 *
 * @example
 * binomialTwoSidedP(7, 20, 0.5); // 0.26317596435546875 (R: binom.test(7, 20)$p.value)
 */
export function binomialTwoSidedP(x: number, n: number, p: number): number {
	if (!Number.isInteger(n) || n < 0 || !Number.isInteger(x) || x < 0 || x > n)
		throw new AnalysisInputError(
			'E_BAD_COUNT',
			`counts must be whole numbers with 0 ≤ x ≤ n, got x = ${x}, n = ${n}`
		);
	if (!(p > 0 && p < 1))
		throw new AnalysisInputError('E_BAD_SHARE', `the share must be in (0, 1), got ${p}`);
	if (n === 0) return 1;
	const relErr = 1 + 1e-7;
	const d = logBinomialPmf(x, n, p) + Math.log(relErr);
	const m = n * p;
	if (x === m) return 1;
	if (x < m) {
		// Outcomes above the mean no more likely than x: pmf falls from ceil(m) to n, so the first
		// such outcome is found by bisection.
		let lo = Math.ceil(m);
		let hi = n + 1;
		while (lo < hi) {
			const mid = (lo + hi) >> 1;
			if (logBinomialPmf(mid, n, p) <= d) hi = mid;
			else lo = mid + 1;
		}
		return Math.min(1, binomialCdf(x, n, p) + binomialSf(lo, n, p));
	}
	// Outcomes below the mean no more likely than x: pmf rises from 0 to floor(m).
	let lo = 0;
	let hi = Math.floor(m) + 1;
	while (lo < hi) {
		const mid = (lo + hi) >> 1;
		if (logBinomialPmf(mid, n, p) <= d) lo = mid + 1;
		else hi = mid;
	}
	// Outcomes 0 … lo − 1 are no more likely than x.
	return Math.min(1, binomialCdf(lo - 1, n, p) + binomialSf(x, n, p));
}

export interface ChangeTestOptions {
	/**
	 * The later period's share of the time observed: its covered days over both periods' covered days.
	 * Default ½ (two periods of equal length, both fully covered).
	 */
	share?: number;
	/** Significance level (of the FDR-adjusted p when `fdr`). Default 0.05. */
	alpha?: number;
	/** Benjamini–Hochberg across the tested pairs. Default true. */
	fdr?: boolean;
}

export type ChangeDirection = 'up' | 'down' | 'no significant change';

export interface ChangeTestResult {
	parameters: Required<ChangeTestOptions> & {
		test: 'exact conditional binomial: a ~ Binomial(a + b, share), two-sided';
		/** Pairs with a + b > 0 (the others are not tested: p = 1). */
		tested: number;
	};
	/** Two-sided exact p per pair (1 where a + b = 0). */
	p: Float64Array;
	/** Benjamini–Hochberg adjusted p over the tested pairs (equal to `p` when `fdr` is false). */
	pAdjusted: Float64Array;
	direction: ChangeDirection[];
}

/**
 * Exact tests of the change from `before[i]` to `now[i]` for many cells or areas, FDR across them.
 *
 * @example
 * changeTests([1, 30], [0, 10]).direction; // ['no significant change', 'up']
 */
export function changeTests(
	now: ArrayLike<number>,
	before: ArrayLike<number>,
	options: ChangeTestOptions = {}
): ChangeTestResult {
	const { share = 0.5, alpha = 0.05, fdr = true } = options;
	if (now.length !== before.length)
		throw new AnalysisInputError(
			'E_LENGTH_MISMATCH',
			`${now.length} counts now against ${before.length} before`
		);
	if (!(alpha > 0 && alpha < 1))
		throw new AnalysisInputError('E_BAD_ALPHA', `alpha must be in (0, 1), got ${alpha}`);
	const n = now.length;
	const p = new Float64Array(n).fill(1);
	const tested: number[] = [];
	for (let i = 0; i < n; i++) {
		const a = now[i];
		const b = before[i];
		if (a + b === 0) continue;
		p[i] = binomialTwoSidedP(a, a + b, share);
		tested.push(i);
	}
	const pAdjusted = Float64Array.from(p);
	if (fdr && tested.length) {
		const adj = benjaminiHochberg(tested.map((i) => p[i]));
		tested.forEach((i, k) => (pAdjusted[i] = adj[k]));
	}
	const direction: ChangeDirection[] = [];
	for (let i = 0; i < n; i++) {
		const expected = (now[i] + before[i]) * share;
		direction.push(
			pAdjusted[i] <= alpha && now[i] !== expected
				? now[i] > expected
					? 'up'
					: 'down'
				: 'no significant change'
		);
	}
	return {
		parameters: {
			share,
			alpha,
			fdr,
			test: 'exact conditional binomial: a ~ Binomial(a + b, share), two-sided',
			tested: tested.length
		},
		p,
		pAdjusted,
		direction
	};
}
