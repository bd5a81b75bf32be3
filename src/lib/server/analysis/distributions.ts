/**
 * The few distribution functions the outbreak-detection methods need, written to agree with R's
 * `qnorm`, `pt`, `qpois` and `qnbinom` (R Core Team, nmath):
 * - `normalQuantile`: Wichura's AS 241 (PPND16, 1988), the algorithm R's `qnorm` uses, ~1e-16
 *   (coefficients written in their shortest round-trip double form).
 * - `logGamma`: Lanczos approximation (g = 7, 9 terms; Numerical Recipes 3rd ed. §6.1), ~1e-15.
 * - `studentTCdf`: through the regularised incomplete beta function (continued fraction, Lentz).
 * - `poissonQuantile`, `negBinomialQuantile`: the smallest count whose cumulative probability
 *   reaches p, with R's fuzz of 64 machine epsilons against rounding at the boundary.
 */

/** Standard normal quantile Φ⁻¹(p) (AS 241). */
export function normalQuantile(p: number): number {
	if (Number.isNaN(p) || p < 0 || p > 1) return NaN;
	if (p === 0) return -Infinity;
	if (p === 1) return Infinity;
	const q = p - 0.5;
	if (Math.abs(q) <= 0.425) {
		const r = 0.180625 - q * q;
		return (
			(q *
				(((((((r * 2509.0809287301227 + 33430.57558358813) * r + 67265.7709270087) * r +
					45921.95393154987) *
					r +
					13731.69376550946) *
					r +
					1971.5909503065513) *
					r +
					133.14166789178438) *
					r +
					3.3871328727963665)) /
			(((((((r * 5226.495278852546 + 28729.085735721943) * r + 39307.89580009271) * r +
				21213.794301586597) *
				r +
				5394.196021424751) *
				r +
				687.1870074920579) *
				r +
				42.31333070160091) *
				r +
				1)
		);
	}
	let r = q < 0 ? p : 1 - p;
	r = Math.sqrt(-Math.log(r));
	let val: number;
	if (r <= 5) {
		r -= 1.6;
		val =
			(((((((r * 0.0007745450142783414 + 0.022723844989269184) * r + 0.2417807251774506) * r +
				1.2704582524523684) *
				r +
				3.6478483247632045) *
				r +
				5.769497221460691) *
				r +
				4.630337846156546) *
				r +
				1.4234371107496835) /
			(((((((r * 1.0507500716444169e-9 + 0.0005475938084995345) * r + 0.015198666563616457) * r +
				0.14810397642748008) *
				r +
				0.6897673349851) *
				r +
				1.6763848301838038) *
				r +
				2.053191626637759) *
				r +
				1);
	} else {
		r -= 5;
		val =
			(((((((r * 2.0103343992922881e-7 + 0.000027115555687434876) * r + 0.0012426609473880784) * r +
				0.026532189526576124) *
				r +
				0.29656057182850487) *
				r +
				1.7848265399172913) *
				r +
				5.463784911164114) *
				r +
				6.657904643501103) /
			(((((((r * 2.0442631033899397e-15 + 1.421511758316446e-7) * r + 0.000018463183175100548) * r +
				0.0007868691311456133) *
				r +
				0.014875361290850615) *
				r +
				0.1369298809227358) *
				r +
				0.599832206555888) *
				r +
				1);
	}
	return q < 0 ? -val : val;
}

const LANCZOS = [
	0.9999999999998099, 676.5203681218851, -1259.1392167224028, 771.3234287776531, -176.6150291621406,
	12.507343278686905, -0.13857109526572012, 0.000009984369578019572, 1.5056327351493116e-7
];

/** ln Γ(x) for x > 0. */
export function logGamma(x: number): number {
	if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
	const z = x - 1;
	let a = LANCZOS[0];
	const t = z + 7.5;
	for (let i = 1; i < 9; i++) a += LANCZOS[i] / (z + i);
	return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Continued fraction of the incomplete beta function (modified Lentz). */
function betaContinuedFraction(a: number, b: number, x: number): number {
	const TINY = 1e-300;
	let c = 1;
	let d = 1 - ((a + b) * x) / (a + 1);
	if (Math.abs(d) < TINY) d = TINY;
	d = 1 / d;
	let h = d;
	for (let m = 1; m <= 10_000; m++) {
		const m2 = 2 * m;
		let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
		d = 1 + aa * d;
		if (Math.abs(d) < TINY) d = TINY;
		c = 1 + aa / c;
		if (Math.abs(c) < TINY) c = TINY;
		d = 1 / d;
		h *= d * c;
		aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
		d = 1 + aa * d;
		if (Math.abs(d) < TINY) d = TINY;
		c = 1 + aa / c;
		if (Math.abs(c) < TINY) c = TINY;
		d = 1 / d;
		const del = d * c;
		h *= del;
		if (Math.abs(del - 1) < 1e-16) break;
	}
	return h;
}

/** Regularised incomplete beta I_x(a, b). */
export function regularizedBeta(x: number, a: number, b: number): number {
	if (x <= 0) return 0;
	if (x >= 1) return 1;
	const lbt = logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log1p(-x);
	if (x < (a + 1) / (a + b + 2)) return (Math.exp(lbt) * betaContinuedFraction(a, b, x)) / a;
	return 1 - (Math.exp(lbt) * betaContinuedFraction(b, a, 1 - x)) / b;
}

/** P(T ≤ t) for Student's t with `df` degrees of freedom. */
export function studentTCdf(t: number, df: number): number {
	if (Number.isNaN(t) || !(df > 0)) return NaN;
	if (!Number.isFinite(t)) return t > 0 ? 1 : 0;
	const tail = 0.5 * regularizedBeta(df / (df + t * t), df / 2, 0.5);
	return t > 0 ? 1 - tail : tail;
}

/** R's fuzz for discrete quantiles: p is lowered by 64 ε so a rounding-level miss still counts. */
const FUZZ = 1 - 64 * Number.EPSILON;

/**
 * Smallest k ≥ 0 with Σ_{j ≤ k} pmf(j) ≥ p, the pmf walked in logs from ln pmf(0) by the ratio
 * ln(pmf(k)/pmf(k − 1)), so huge sizes and means neither underflow nor lose digits to lgamma.
 */
function discreteQuantile(
	p: number,
	logPmf0: number,
	logRatio: (k: number) => number,
	mean: number
): number {
	if (Number.isNaN(p) || p < 0 || p > 1) return NaN;
	if (p === 1) return Infinity;
	const target = p * FUZZ;
	let cdf = 0;
	let logPmf = logPmf0;
	const limit = Math.max(1000, 100 * (mean + 10));
	for (let k = 0; k < limit; k++) {
		if (k > 0) logPmf += logRatio(k);
		cdf += Math.exp(logPmf);
		if (cdf >= target) return k;
	}
	return Infinity;
}

/** Poisson quantile, as R's `qpois(p, lambda)`. */
export function poissonQuantile(p: number, lambda: number): number {
	if (!(lambda >= 0)) return NaN;
	if (lambda === 0) return 0;
	return discreteQuantile(p, -lambda, (k) => Math.log(lambda / k), lambda);
}

/**
 * Negative binomial quantile, as R's `qnbinom(p, size, prob)`: counts of failures before the
 * `size`-th success, mean size·(1 − prob)/prob; `size` need not be whole.
 */
export function negBinomialQuantile(p: number, size: number, prob: number): number {
	if (!(size > 0) || !(prob > 0) || prob > 1) return NaN;
	if (prob === 1) return 0;
	const lq = Math.log1p(-prob);
	return discreteQuantile(
		p,
		size * Math.log(prob),
		(k) => Math.log((k - 1 + size) / k) + lq,
		(size * (1 - prob)) / prob
	);
}
