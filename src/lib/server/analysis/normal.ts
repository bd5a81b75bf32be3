/**
 * Standard normal distribution tail probabilities, accurate to about 1e-15 relative error over the
 * whole double range, so that p-values of large z-scores (and their Benjamini–Hochberg adjustments)
 * agree with R's `pnorm` and SciPy's `norm.sf`.
 *
 * erfc uses W. J. Cody's rational Chebyshev approximations (Cody 1969, "Rational Chebyshev
 * approximations for the error function", Math. Comp. 23, 631–637; coefficients of his CALERF
 * routine from SPECFUN / netlib, written here in their shortest round-trip double form), with the
 * exp(−x²) split of the original to avoid cancellation.
 */

const A = [
	3.1611237438705655, 113.86415415105016, 377.485237685302, 3209.3775891384694, 0.18577770618460315
];
const B = [23.601290952344122, 244.02463793444417, 1282.6165260773723, 2844.236833439171];
const C = [
	0.5641884969886701, 8.883149794388377, 66.11919063714163, 298.6351381974001, 881.952221241769,
	1712.0476126340707, 2051.0783778260716, 1230.3393547979972, 2.1531153547440383e-8
];
const D = [
	15.744926110709835, 117.6939508913125, 537.1811018620099, 1621.3895745666903, 3290.7992357334597,
	4362.619090143247, 3439.3676741437216, 1230.3393548037495
];
const P = [
	0.30532663496123236, 0.36034489994980445, 0.12578172611122926, 0.016083785148742275,
	0.0006587491615298378, 0.016315387137302097
];
const Q = [
	2.568520192289822, 1.8729528499234604, 0.5279051029514285, 0.06051834131244132,
	0.0023352049762686918
];
const RSQRTPI = 0.5641895835477563;
const THRESH = 0.46875;
const XBIG = 26.543;

/**
 * Complementary error function erfc(x) = 1 − erf(x).
 *
 * @example
 * erfc(1); // 0.15729920705028513
 */
export function erfc(x: number): number {
	if (Number.isNaN(x)) return NaN;
	const y = Math.abs(x);
	let result: number;
	if (y <= THRESH) {
		const ysq = y > 1.11e-16 ? y * y : 0;
		let xnum = A[4] * ysq;
		let xden = ysq;
		for (let i = 0; i < 3; i++) {
			xnum = (xnum + A[i]) * ysq;
			xden = (xden + B[i]) * ysq;
		}
		return 1 - (x * (xnum + A[3])) / (xden + B[3]);
	}
	if (y <= 4) {
		let xnum = C[8] * y;
		let xden = y;
		for (let i = 0; i < 7; i++) {
			xnum = (xnum + C[i]) * y;
			xden = (xden + D[i]) * y;
		}
		result = (xnum + C[7]) / (xden + D[7]);
	} else if (y >= XBIG) {
		result = 0;
	} else {
		const ysq = 1 / (y * y);
		let xnum = P[5] * ysq;
		let xden = ysq;
		for (let i = 0; i < 4; i++) {
			xnum = (xnum + P[i]) * ysq;
			xden = (xden + Q[i]) * ysq;
		}
		result = (ysq * (xnum + P[4])) / (xden + Q[4]);
		result = (RSQRTPI - result) / y;
	}
	if (result !== 0) {
		// exp(−y²) computed as exp(−ysq²)·exp(−del) so the rounding of y² does not cost accuracy.
		const ysq = Math.trunc(y * 16) / 16;
		const del = (y - ysq) * (y + ysq);
		result = Math.exp(-ysq * ysq) * Math.exp(-del) * result;
	}
	return x < 0 ? 2 - result : result;
}

/**
 * Standard normal cumulative distribution Φ(z) = ½·erfc(−z/√2).
 *
 * @example
 * normalCdf(-1.959963984540054); // 0.025
 */
export function normalCdf(z: number): number {
	return 0.5 * erfc(-z / Math.SQRT2);
}

/** Upper tail 1 − Φ(z), accurate for large z (no cancellation). */
export function normalSf(z: number): number {
	return 0.5 * erfc(z / Math.SQRT2);
}

/**
 * Two-sided p-value of a standard normal z-score: 2·Φ(−|z|). NaN stays NaN.
 *
 * @example
 * twoSidedP(1.959963984540054); // 0.05
 */
export function twoSidedP(z: number): number {
	return Math.min(1, erfc(Math.abs(z) / Math.SQRT2));
}

/**
 * `twoSidedP` of every z-score, each distinct z computed once while it stays in a small cache: Gi* on
 * counts gives the same few z-scores to most cells (equal neighbourhood sums, equal z), and erfc is
 * the costliest step per cell. Equal element by element to `twoSidedP`.
 *
 * @example
 * twoSidedPs(Float64Array.of(1.959963984540054, 0, 1.959963984540054)); // [0.05, 1, 0.05]
 */
export function twoSidedPs(z: ArrayLike<number>): Float64Array {
	const n = z.length;
	const out = new Float64Array(n);
	const keys = new Float64Array(CACHE_SLOTS).fill(NaN);
	const values = new Float64Array(CACHE_SLOTS);
	for (let i = 0; i < n; i++) {
		const v = z[i];
		zBits[0] = v;
		const h = Math.imul(zWords[0] ^ Math.imul(zWords[1], 0x85ebca6b), 0x9e3779b1) >>> 20;
		// NaN never equals the empty slots' NaN; −0 and 0 have the same p.
		if (keys[h] === v) out[i] = values[h];
		else {
			const p = twoSidedP(v);
			keys[h] = v;
			values[h] = p;
			out[i] = p;
		}
	}
	return out;
}

/** 2^12 slots, indexed by the top 12 bits of the hash. */
const CACHE_SLOTS = 4096;
const zBits = new Float64Array(1);
const zWords = new Uint32Array(zBits.buffer);
