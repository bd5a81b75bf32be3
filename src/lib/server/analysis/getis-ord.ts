/**
 * Local Getis-Ord statistics Gi* (self included) and Gi (self excluded) with analytical z-scores,
 * two-sided normal p-values, Benjamini–Hochberg FDR and ±1/±2/±3 confidence bins.
 *
 * Gi* (Ord & Getis 1995, "Local spatial autocorrelation statistics: distributional issues and an
 * application", Geographical Analysis 27(4), eq. 14), with the sums over j including i:
 *
 *   Gi* = (Σj wij xj − X̄ Σj wij) / (S √[(n Σj wij² − (Σj wij)²)/(n − 1)]),
 *   X̄ = Σx / n,  S = √(Σx²/n − X̄²).
 *
 * This is the z-score R spdep `localG(x, nb2listw(include.self(nb), style = "B"))` and ArcGIS "Hot Spot
 * Analysis" report. Plain Gi (Getis & Ord 1992) drops i from the sums and uses the mean and standard
 * deviation of the other n − 1 values: (Σ_{j≠i} wij xj − X̄(i) Wi) / (S(i) √[((n−1) Σ wij² − Wi²)/(n − 2)]),
 * equal to esda's `G_Local(y, w, transform='B')`.
 *
 * Degenerate cases give z = 0, p = 1, bin 0 and are counted in `degenerate`: all values equal (S = 0),
 * or a neighbourhood covering the whole study area (zero variance). NaN never leaks into the output.
 */
import { benjaminiHochberg } from './fdr';
import { twoSidedPs } from './normal';
import { AnalysisInputError, type SpatialWeights } from './weights';
import { h3DiskWeights, h3String, type H3CellId } from './h3-weights';

export type GetisOrdVariant = 'gi*' | 'gi';

export interface GetisOrdOptions {
	/** 'gi*' (default) uses the weights as given, which should include self links; 'gi' drops them. */
	variant?: GetisOrdVariant;
	/** Benjamini–Hochberg adjustment of the p-values before binning. Default true. */
	fdr?: boolean;
	/**
	 * Largest p (adjusted when `fdr`) that gets a non-zero bin. Default 0.10, i.e. all three levels:
	 * ±3 for p < 0.01, ±2 for p < 0.05, ±1 for p < 0.10. With 0.05 the ±1 bin is never used.
	 */
	alpha?: number;
}

/** Every parameter the computation used, so a result explains itself. */
export interface GetisOrdParameters {
	variant: GetisOrdVariant;
	fdr: boolean;
	alpha: number;
	n: number;
	/** Global mean X̄ and standard deviation S (population form, divisor n). */
	mean: number;
	sd: number;
	weights: 'binary' | 'general';
}

export interface GetisOrdResult {
	parameters: GetisOrdParameters;
	/** z-score per observation (the Gi* / Gi statistic itself). */
	z: Float64Array;
	/** Two-sided normal p-value 2·Φ(−|z|). */
	p: Float64Array;
	/** Benjamini–Hochberg adjusted p (equal to `p` when FDR is off). */
	pAdjusted: Float64Array;
	/** −3..3: sign of z times the confidence level reached (3: 99 %, 2: 95 %, 1: 90 %). */
	bin: Int8Array;
	/** Observations whose z was undefined and reported as 0 (see module note). */
	degenerate: number;
}

/** Confidence bin from z and the p used for the decision. */
export function confidenceBin(z: number, p: number, alpha = 0.1): number {
	if (!(p < alpha) || z === 0) return 0;
	const level = p < 0.01 ? 3 : p < 0.05 ? 2 : p < 0.1 ? 1 : 0;
	return z > 0 ? level : -level;
}

/**
 * Getis-Ord Gi* (or Gi) over explicit weights.
 *
 * @example
 * // esda's six-point oracle: DistanceBand(threshold 15), binary, Gi*
 * const w = distanceBandWeights([[10, 10], [20, 10], [40, 10], [15, 20], [30, 20], [30, 30]], 15, { includeSelf: true });
 * getisOrd([2, 3, 3.2, 5, 8, 7], w).z[0]; // -1.39727626…
 */
export function getisOrd(
	values: ArrayLike<number>,
	w: SpatialWeights,
	options: GetisOrdOptions = {}
): GetisOrdResult {
	const { variant = 'gi*', fdr = true, alpha = 0.1 } = options;
	const n = w.n;
	if (values.length !== n)
		throw new AnalysisInputError(
			'E_LENGTH_MISMATCH',
			`${values.length} values for ${n} observations in the weights`
		);
	if (!(alpha > 0 && alpha <= 1))
		throw new AnalysisInputError('E_BAD_ALPHA', `alpha must be in (0, 1], got ${alpha}`);
	const x = Float64Array.from(values);
	let sum = 0;
	let sumSq = 0;
	for (let i = 0; i < n; i++) {
		const v = x[i];
		if (!Number.isFinite(v))
			throw new AnalysisInputError('E_NOT_FINITE', `Value ${i} is not a finite number: ${v}`);
		sum += v;
		sumSq += v * v;
	}
	const mean = sum / n;
	const sd = Math.sqrt(Math.max(0, sumSq / n - mean * mean));
	const z = new Float64Array(n);
	const { offsets, neighbours, weights } = w;
	const star = variant === 'gi*';
	let degenerate = 0;
	for (let i = 0; i < n; i++) {
		let lag = 0;
		let wSum = 0;
		let wSq = 0;
		const end = offsets[i + 1];
		if (weights === null) {
			for (let e = offsets[i]; e < end; e++) {
				const j = neighbours[e];
				if (!star && j === i) continue;
				lag += x[j];
				wSum += 1;
			}
			wSq = wSum;
		} else {
			for (let e = offsets[i]; e < end; e++) {
				const j = neighbours[e];
				if (!star && j === i) continue;
				const wij = weights[e];
				lag += wij * x[j];
				wSum += wij;
				wSq += wij * wij;
			}
		}
		let zi: number;
		if (star) {
			const v = (n * wSq - wSum * wSum) / (n - 1);
			zi = (lag - mean * wSum) / (sd * Math.sqrt(v));
		} else {
			const m = n - 1;
			const meanI = (sum - x[i]) / m;
			const sdI = Math.sqrt(Math.max(0, (sumSq - x[i] * x[i]) / m - meanI * meanI));
			const v = (m * wSq - wSum * wSum) / (m - 1);
			zi = (lag - meanI * wSum) / (sdI * Math.sqrt(v));
		}
		if (!Number.isFinite(zi)) {
			zi = 0;
			degenerate++;
		}
		z[i] = zi;
	}
	const p = twoSidedPs(z);
	const pAdjusted = fdr ? benjaminiHochberg(p) : p.slice();
	const bin = new Int8Array(n);
	for (let i = 0; i < n; i++) bin[i] = confidenceBin(z[i], pAdjusted[i], alpha);
	return {
		parameters: {
			variant,
			fdr,
			alpha,
			n,
			mean,
			sd,
			weights: weights === null ? 'binary' : 'general'
		},
		z,
		p,
		pAdjusted,
		bin,
		degenerate
	};
}

export interface HotspotCell {
	cell: string;
	count: number;
	z: number;
	p: number;
	pAdjusted: number;
	bin: number;
}

export interface H3GetisOrdOptions extends Omit<GetisOrdOptions, 'variant'> {
	/** gridDisk distance. Default 1. */
	k?: number;
}

export interface H3GetisOrdResult extends GetisOrdResult {
	parameters: GetisOrdParameters & {
		k: number;
		studyAreaCells: number;
		/** Cells in a counts Map that are not in the study area, and so were left out. */
		countsOutsideStudyArea: number;
	};
	/** Study-area cells (lower-case hex), aligned with z, p, ... */
	cells: string[];
	counts: Float64Array;
}

/**
 * Gi* over an explicit H3 study area: neighbours = gridDisk(cell, k) ∩ study area, self included,
 * binary weights. `counts` aligns with `cells` (zeros included); or pass a Map and every study-area
 * cell missing from it counts 0.
 *
 * @example
 * const r = getisOrdH3(cells, counts, { k: 1 }); // r.z, r.pAdjusted, r.bin aligned with r.cells
 */
export function getisOrdH3(
	cells: readonly H3CellId[],
	counts: ArrayLike<number> | ReadonlyMap<H3CellId, number>,
	options: H3GetisOrdOptions = {}
): H3GetisOrdResult {
	const { k = 1, ...rest } = options;
	const ids = cells.map(h3String);
	let values: Float64Array;
	let countsOutsideStudyArea = 0;
	if (isMap(counts)) {
		const byString = new Map<string, number>();
		for (const [c, v] of counts) byString.set(h3String(c), v);
		values = Float64Array.from(ids, (c) => byString.get(c) ?? 0);
		const inArea = new Set(ids);
		for (const c of byString.keys()) if (!inArea.has(c)) countsOutsideStudyArea++;
	} else {
		if (counts.length !== ids.length)
			throw new AnalysisInputError(
				'E_LENGTH_MISMATCH',
				`${counts.length} counts for ${ids.length} study-area cells`
			);
		values = Float64Array.from(counts);
	}
	const w = h3DiskWeights(ids, { k, includeSelf: true });
	const result = getisOrd(values, w, { ...rest, variant: 'gi*' });
	return {
		...result,
		parameters: { ...result.parameters, k, studyAreaCells: ids.length, countsOutsideStudyArea },
		cells: ids,
		counts: values
	};
}

function isMap<K, V>(x: unknown): x is ReadonlyMap<K, V> {
	return x instanceof Map;
}

/** Row objects for JSON/CSV output. */
export function hotspotRows(r: H3GetisOrdResult): HotspotCell[] {
	return r.cells.map((cell, i) => ({
		cell,
		count: r.counts[i],
		z: r.z[i],
		p: r.p[i],
		pAdjusted: r.pAdjusted[i],
		bin: r.bin[i]
	}));
}
