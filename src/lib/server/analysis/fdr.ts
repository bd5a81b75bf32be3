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
	const order: number[] = [];
	for (let i = 0; i < n; i++) if (!Number.isNaN(p[i])) order.push(i);
	const m = order.length;
	if (m === 0) return out;
	const idx = Int32Array.from(order);
	idx.sort((a, b) => p[a] - p[b]);
	let running = 1;
	for (let r = m - 1; r >= 0; r--) {
		const i = idx[r];
		const v = (m * p[i]) / (r + 1);
		if (v < running) running = v;
		out[i] = running;
	}
	return out;
}
