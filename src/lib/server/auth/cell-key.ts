/**
 * The cell-key method of perturbing public counts (ONS; Fraser & Wooton 2005, "A proposed method for
 * confidentialising tabular output to protect against differencing", UNECE work session on statistical
 * data confidentiality). docs/security.md describes it for users; this file is the rule.
 *
 * - Every incident holds a record key, a uniformly random integer 0–255 drawn when it is stored and
 *   never changed (`incidents.record_key`).
 * - A published count's cell key is the sum of its records' keys modulo 256, so the same set of records
 *   has the same cell key in every table: a res-9 cell and the same records in an area total, a month,
 *   or a re-run of the export.
 * - The published value is looked up in the p-table by (true count, cell key). The p-table is public:
 *   its protection comes from the record keys, which are not.
 *
 * The p-table for threshold T (default 5, `BEATWISE_SUPPRESS_BELOW`) and maximum noise D = 2:
 * - 0 stays 0 (an empty cell has no records, and absence is not hidden).
 * - 1 … T−1 become 0 or T, with the probabilities that keep the expected value (n becomes T with
 *   probability n/T): a count below the threshold is never published as itself.
 * - n ≥ T gets noise d in −2 … +2 with probabilities 24, 56, 96, 56, 24 in 256 (variance 1.2); where
 *   n + d would fall below T it becomes T. No published value lies between 0 and T.
 */

/** Record and cell keys lie in 0 … KEY_SPACE − 1. */
export const KEY_SPACE = 256;

/** Largest noise added to or taken from a count at or above the threshold. */
export const MAX_NOISE = 2;

/** How many of the 256 cell keys give noise −2, −1, 0, +1, +2 (counts at or above the threshold). */
export const NOISE_KEYS = [24, 56, 96, 56, 24] as const;

/** One outcome of a p-table row: the published value and the cell keys [from, to] that give it. */
export interface PTableOutcome {
	value: number;
	/** First cell key giving `value`. */
	keyFrom: number;
	/** Last cell key giving `value` (inclusive). */
	keyTo: number;
	/** keys / 256. */
	probability: number;
}

export interface PTableRow {
	/** The true count; the last row stands for every larger count, shifted (`value − count` alike). */
	count: number;
	outcomes: PTableOutcome[];
}

function checkThreshold(threshold: number): void {
	if (!Number.isInteger(threshold) || threshold < 1 || threshold > 100)
		throw new RangeError(`threshold must be a whole number from 1 to 100: ${threshold}`);
}

/** Published values and how many of the 256 keys give each, for true count `n`, ascending by value. */
function rowWeights(n: number, threshold: number): [value: number, keys: number][] {
	if (n === 0) return [[0, KEY_SPACE]];
	if (n < threshold) {
		const up = Math.round((KEY_SPACE * n) / threshold);
		return [
			[0, KEY_SPACE - up],
			[threshold, up]
		];
	}
	const out = new Map<number, number>();
	NOISE_KEYS.forEach((keys, i) => {
		const v = Math.max(threshold, n + i - MAX_NOISE);
		out.set(v, (out.get(v) ?? 0) + keys);
	});
	return [...out.entries()].filter(([, k]) => k > 0).sort((a, b) => a[0] - b[0]);
}

/**
 * The p-table for `threshold`: rows 0 … threshold + MAX_NOISE; larger counts follow the last row
 * (noise −2 … +2 with the same keys).
 */
export function pTable(threshold: number): PTableRow[] {
	checkThreshold(threshold);
	const rows: PTableRow[] = [];
	for (let n = 0; n <= threshold + MAX_NOISE; n++) {
		let from = 0;
		const outcomes = rowWeights(n, threshold).map(([value, keys]) => {
			const o = { value, keyFrom: from, keyTo: from + keys - 1, probability: keys / KEY_SPACE };
			from += keys;
			return o;
		});
		rows.push({ count: n, outcomes });
	}
	return rows;
}

/** The cell key of a count whose records' keys add up to `keySum`. */
export function cellKey(keySum: number): number {
	if (!Number.isInteger(keySum) || keySum < 0)
		throw new RangeError(`key sum must be a non-negative whole number: ${keySum}`);
	return keySum % KEY_SPACE;
}

const tables = new Map<number, PTableRow[]>();

/**
 * The published value of a count of `n` records whose record keys add up to `keySum`.
 * @example perturb(0, 0, 5) // 0
 * @example perturb(3, 10, 5) // 0 (cell key 10 lies in the keys 0–101 that give 0)
 * @example perturb(3, 200, 5) // 5
 */
export function perturb(n: number, keySum: number, threshold: number): number {
	if (!Number.isInteger(n) || n < 0)
		throw new RangeError(`count must be a non-negative whole number: ${n}`);
	let table = tables.get(threshold);
	if (!table) {
		table = pTable(threshold);
		tables.set(threshold, table);
	}
	const key = cellKey(keySum);
	const last = table.length - 1;
	const row = table[Math.min(n, last)];
	const shift = n > last ? n - last : 0;
	const hit = row.outcomes.find((o) => key >= o.keyFrom && key <= o.keyTo)!;
	return hit.value + shift;
}

/**
 * The true counts that may be published as `value` (what an attacker who knows the p-table but not the
 * record keys can tell from it), or null for "every count from `value − MAX_NOISE`" beyond the table.
 * Finite: the counts are listed. For tests and the documentation's reasoning.
 */
export function preimage(value: number, threshold: number): number[] {
	checkThreshold(threshold);
	if (value === 0) return Array.from({ length: threshold }, (_, i) => i);
	const out: number[] = [];
	for (let n = 1; n <= value + MAX_NOISE; n++) {
		if (rowWeights(n, threshold).some(([v, k]) => v === value && k > 0)) out.push(n);
	}
	return out;
}
