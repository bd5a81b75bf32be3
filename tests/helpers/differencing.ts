/**
 * The differencing attacker (issue 10, finding 4). The true table is a vector of unknown counts
 * (e.g. one per res-10 cell × month × category). Each public figure is the published value of the sum
 * of some of them; the attacker knows the method (a published value allows a set of true sums — its
 * preimage) but not the record keys. A quantity is *revealed* when every table of counts consistent with
 * every published figure gives it the same value. This solver decides that exactly: a depth-first
 * search with bounds propagation for a consistent table in which the quantity differs.
 */

/** One published figure: the unknowns it adds up and the true sums its published value allows. */
export interface Figure {
	vars: number[];
	/** Allowed true sums, ascending. */
	allowed: number[];
	/** What it is, for messages. */
	label: string;
}

/** Index of the first element of ascending `a` that is at least `x` (a.length if none). */
function firstAtLeast(a: number[], x: number): number {
	let lo = 0;
	let hi = a.length;
	while (lo < hi) {
		const mid = (lo + hi) >> 1;
		if (a[mid] < x) lo = mid + 1;
		else hi = mid;
	}
	return lo;
}

interface Constraint {
	vars: number[];
	allowed: number[];
}

/**
 * A table of `n` counts within 0..`max` satisfying every constraint, or null. Values are tried nearest
 * `hint` first, so a witness close to the truth is found fast.
 */
function solve(n: number, max: number, constraints: Constraint[], hint: number[]): number[] | null {
	const lo = new Array<number>(n).fill(0);
	const hi = new Array<number>(n).fill(max);

	function propagate(l: number[], h: number[]): boolean {
		let changed = true;
		while (changed) {
			changed = false;
			for (const c of constraints) {
				let sl = 0;
				let sh = 0;
				for (const v of c.vars) {
					sl += l[v];
					sh += h[v];
				}
				const i = firstAtLeast(c.allowed, sl);
				if (i === c.allowed.length || c.allowed[i] > sh) return false;
				const smin = c.allowed[i];
				const smax = c.allowed[firstAtLeast(c.allowed, sh + 1) - 1];
				for (const v of c.vars) {
					const nh = Math.min(h[v], smax - (sl - l[v]));
					const nl = Math.max(l[v], smin - (sh - h[v]));
					if (nl > nh) return false;
					if (nh !== h[v] || nl !== l[v]) {
						h[v] = nh;
						l[v] = nl;
						changed = true;
					}
				}
			}
		}
		return true;
	}

	function dfs(l: number[], h: number[]): number[] | null {
		if (!propagate(l, h)) return null;
		let pick = -1;
		for (let v = 0; v < n; v++)
			if (l[v] < h[v] && (pick < 0 || h[v] - l[v] < h[pick] - l[pick])) pick = v;
		if (pick < 0) {
			// All fixed: check the sums exactly (bounds only guarantee the interval).
			for (const c of constraints) {
				const s = c.vars.reduce((t, v) => t + l[v], 0);
				if (!c.allowed.includes(s)) return null;
			}
			return l.slice();
		}
		const values: number[] = [];
		for (let x = l[pick]; x <= h[pick]; x++) values.push(x);
		values.sort((a, b) => Math.abs(a - hint[pick]) - Math.abs(b - hint[pick]) || a - b);
		for (const x of values) {
			const l2 = l.slice();
			const h2 = h.slice();
			l2[pick] = x;
			h2[pick] = x;
			const r = dfs(l2, h2);
			if (r) return r;
		}
		return null;
	}
	return dfs(lo, hi);
}

export interface Disclosure {
	/** The quantity (sum of these unknowns) and its true value, which the attacker can derive. */
	label: string;
	vars: number[];
	truth: number;
}

/**
 * Which of `quantities` with a true value from 1 to `threshold - 1` the published `figures` reveal
 * exactly: no consistent table of counts (each within 0..`max`) gives them another value.
 */
export function revealedSmallCounts(
	truth: number[],
	figures: Figure[],
	quantities: { label: string; vars: number[] }[],
	threshold: number,
	max = 40
): Disclosure[] {
	const out: Disclosure[] = [];
	for (const q of quantities) {
		const t = q.vars.reduce((s, v) => s + truth[v], 0);
		if (t < 1 || t >= threshold) continue;
		const other: number[] = [];
		for (let s = 0; s <= max * q.vars.length; s++) if (s !== t) other.push(s);
		const witness = solve(truth.length, max, [...figures, { vars: q.vars, allowed: other }], truth);
		if (!witness) out.push({ label: q.label, vars: q.vars, truth: t });
	}
	return out;
}

/** Whether `table` gives every figure a sum its published value allows (the truth must). */
export function consistent(table: number[], figures: Figure[]): Figure[] {
	return figures.filter((f) => !f.allowed.includes(f.vars.reduce((s, v) => s + table[v], 0)));
}
