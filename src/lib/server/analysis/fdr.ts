/**
 * Benjamini–Hochberg false discovery rate adjustment.
 *
 * Benjamini, Y. & Hochberg, Y. (1995) "Controlling the false discovery rate", JRSS B 57(1), 289–300.
 * Adjusted p-values as in R's `p.adjust(p, "BH")`: p̃(i) = min_{k ≥ i} min(1, m·p(k)/k) over the
 * ascending order p(1) ≤ … ≤ p(m). Rejecting every hypothesis with p̃ < q controls the FDR at q, and
 * is the same decision as the step-up procedure run at level q.
 *
 * NaN p-values are left NaN and do not count towards m (as R's `p.adjust` with `NA`).
 *
 * @example
 * benjaminiHochberg([0.01, 0.04, 0.03, 0.2]); // Float64Array [0.04, 0.0533…, 0.0533…, 0.2]
 */
export function benjaminiHochberg(p: ArrayLike<number>): Float64Array {
	const n = p.length;
	const out = new Float64Array(n).fill(NaN);
	// Sort the values themselves (a typed-array numeric sort, several times faster than sorting
	// indices with a comparator), adjust along the sorted order, then map each p back by value:
	// tied p-values share one adjusted value (the one at the last rank of the tie), exactly as in R.
	let m = 0;
	for (let i = 0; i < n; i++) if (!Number.isNaN(p[i])) m++;
	if (m === 0) return out;
	const sorted = new Float64Array(m);
	for (let i = 0, k = 0; i < n; i++) if (!Number.isNaN(p[i])) sorted[k++] = p[i];
	sorted.sort();
	const adjusted = new Float64Array(m);
	let running = 1;
	for (let r = m - 1; r >= 0; r--) {
		const v = (m * sorted[r]) / (r + 1);
		if (v < running) running = v;
		adjusted[r] = running;
	}
	for (let i = 0; i < n; i++) {
		const v = p[i];
		if (Number.isNaN(v)) continue;
		// Last rank whose value is ≤ v: binary search for the upper bound.
		let lo = 0;
		let hi = m;
		while (lo < hi) {
			const mid = (lo + hi) >>> 1;
			if (sorted[mid] <= v) lo = mid + 1;
			else hi = mid;
		}
		out[i] = adjusted[lo - 1];
	}
	return out;
}
