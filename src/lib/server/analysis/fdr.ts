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
	let m = 0;
	for (let i = 0; i < n; i++) if (!Number.isNaN(p[i])) m++;
	if (m === 0) return out;
	if (!adjustByDistinctValues(p, m, out)) adjustBySorting(p, m, out);
	return out;
}

/**
 * Tied p-values share one adjusted value, the one at the last rank of the tie (as in R), and a tie
 * group of value d ending at rank R contributes only m·d/R to the running minimum. So when p has few
 * distinct values — Gi* on counts repeats the same few z-scores over most cells — it is enough to
 * count each value, sort the distinct ones and adjust per value: the same arithmetic on the same
 * operands as the full sort, without sorting every p. Gives up (false) when most values differ.
 */
function adjustByDistinctValues(p: ArrayLike<number>, m: number, out: Float64Array): boolean {
	const n = p.length;
	const limit = Math.max(256, m >> 3);
	let capacity = 1024;
	while (capacity < 2 * limit) capacity *= 2;
	const mask = capacity - 1;
	const shift = 32 - Math.log2(capacity);
	const keys = new Float64Array(capacity);
	const used = new Uint8Array(capacity);
	const count = new Int32Array(capacity);
	const slotOf = new Int32Array(n);
	const slots = new Int32Array(limit);
	let distinct = 0;
	for (let i = 0; i < n; i++) {
		// + 0 turns −0 into 0, so equal values always share one slot.
		const v = p[i] + 0;
		if (Number.isNaN(v)) {
			slotOf[i] = -1;
			continue;
		}
		let h = hash(v) >>> shift;
		while (used[h] && keys[h] !== v) h = (h + 1) & mask;
		if (!used[h]) {
			if (distinct === limit) return false;
			used[h] = 1;
			keys[h] = v;
			slots[distinct++] = h;
		}
		count[h]++;
		slotOf[i] = h;
	}
	const values = new Float64Array(distinct);
	for (let d = 0; d < distinct; d++) values[d] = keys[slots[d]];
	values.sort();
	// The last rank of each distinct value, then the running minimum from the largest value down.
	const lastRank = new Float64Array(distinct);
	const slotSorted = new Int32Array(distinct);
	let rank = 0;
	for (let d = 0; d < distinct; d++) {
		let h = hash(values[d]) >>> shift;
		while (keys[h] !== values[d]) h = (h + 1) & mask;
		rank += count[h];
		lastRank[d] = rank;
		slotSorted[d] = h;
	}
	const adjusted = new Float64Array(capacity);
	let running = 1;
	for (let d = distinct - 1; d >= 0; d--) {
		const v = (m * values[d]) / lastRank[d];
		if (v < running) running = v;
		adjusted[slotSorted[d]] = running;
	}
	for (let i = 0; i < n; i++) if (slotOf[i] >= 0) out[i] = adjusted[slotOf[i]];
	return true;
}

const bits = new Float64Array(1);
const words = new Uint32Array(bits.buffer);

/** A 32-bit hash of a double's bits (multiplicative; the table takes its top bits). */
function hash(v: number): number {
	bits[0] = v;
	return Math.imul(words[0] ^ Math.imul(words[1], 0x85ebca6b), 0x9e3779b1);
}

/**
 * The general case: sort the values themselves (a typed-array numeric sort, several times faster than
 * sorting indices with a comparator), adjust along the sorted order, then map each p back by value.
 */
function adjustBySorting(p: ArrayLike<number>, m: number, out: Float64Array): void {
	const n = p.length;
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
}
