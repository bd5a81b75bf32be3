/**
 * Spatial weights in compressed sparse row (CSR) form: the neighbours of observation i are
 * `neighbours[offsets[i] .. offsets[i + 1])`, with optional per-link weights (binary when absent).
 * Hot loops over 10^5–10^6 links then touch only typed arrays.
 */
export interface SpatialWeights {
	/** Number of observations. */
	n: number;
	/** Length n + 1; row i spans offsets[i]..offsets[i + 1]. */
	offsets: Int32Array;
	/** Column (neighbour) indices, length offsets[n]. */
	neighbours: Int32Array;
	/** Link weights aligned with `neighbours`; `null` means binary (every link weighs 1). */
	weights: Float64Array | null;
	/** Whether each observation is its own neighbour (Gi*-style self link). */
	includesSelf: boolean;
}

/** Error raised for inconsistent inputs (unknown neighbour id, length mismatch, ...). */
export class AnalysisInputError extends Error {
	constructor(
		public readonly code: string,
		message: string
	) {
		super(message);
		this.name = 'AnalysisInputError';
	}
}

export interface NeighbourListOptions {
	/** Add each observation as its own neighbour if the list does not already have it. Default false. */
	includeSelf?: boolean;
	/** Ignore neighbour ids not in `ids` instead of throwing. Default false. */
	ignoreUnknown?: boolean;
}

/**
 * Build CSR binary weights from an explicit neighbour list keyed by any id.
 *
 * @example
 * const w = weightsFromNeighbourLists(['a', 'b', 'c'], new Map([['a', ['b']], ['b', ['a', 'c']], ['c', ['b']]]));
 * w.offsets; // Int32Array [0, 1, 3, 4]
 */
export function weightsFromNeighbourLists<Id>(
	ids: readonly Id[],
	neighboursOf: ReadonlyMap<Id, readonly Id[]> | ((id: Id, index: number) => readonly Id[]),
	options: NeighbourListOptions = {}
): SpatialWeights {
	const { includeSelf = false, ignoreUnknown = false } = options;
	const index = new Map<Id, number>();
	ids.forEach((id, i) => {
		if (index.has(id)) throw new AnalysisInputError('E_DUPLICATE_ID', `Duplicate id ${String(id)}`);
		index.set(id, i);
	});
	const n = ids.length;
	const offsets = new Int32Array(n + 1);
	const cols: number[] = [];
	for (let i = 0; i < n; i++) {
		const list =
			typeof neighboursOf === 'function'
				? neighboursOf(ids[i], i)
				: (neighboursOf.get(ids[i]) ?? []);
		const seen = new Set<number>();
		if (includeSelf) seen.add(i);
		for (const nb of list) {
			const j = index.get(nb);
			if (j === undefined) {
				if (ignoreUnknown) continue;
				throw new AnalysisInputError(
					'E_UNKNOWN_NEIGHBOUR',
					`Neighbour ${String(nb)} of ${String(ids[i])} is not in the study area`
				);
			}
			seen.add(j);
		}
		const sorted = [...seen].sort((a, b) => a - b);
		for (const j of sorted) cols.push(j);
		offsets[i + 1] = cols.length;
	}
	return {
		n,
		offsets,
		neighbours: Int32Array.from(cols),
		weights: null,
		includesSelf: includeSelf
	};
}

/**
 * Row-standardise weights: each row sums to 1 (rows without neighbours stay empty).
 *
 * @example
 * rowStandardise(w).weights; // Float64Array [1, 0.5, 0.5, 1]
 */
export function rowStandardise(w: SpatialWeights): SpatialWeights {
	const out = new Float64Array(w.neighbours.length);
	for (let i = 0; i < w.n; i++) {
		let s = 0;
		for (let e = w.offsets[i]; e < w.offsets[i + 1]; e++) s += w.weights ? w.weights[e] : 1;
		for (let e = w.offsets[i]; e < w.offsets[i + 1]; e++)
			out[e] = s === 0 ? 0 : (w.weights ? w.weights[e] : 1) / s;
	}
	return { ...w, weights: out };
}

/**
 * Binary weights of all points within `threshold` (Euclidean, inclusive) of each other, as
 * libpysal's `DistanceBand(points, threshold)` builds them. O(n²): for small oracles and tests.
 */
export function distanceBandWeights(
	points: readonly (readonly [number, number])[],
	threshold: number,
	options: { includeSelf?: boolean } = {}
): SpatialWeights {
	const ids = points.map((_, i) => i);
	return weightsFromNeighbourLists(
		ids,
		(_, i) =>
			ids.filter(
				(j) =>
					j !== i &&
					Math.hypot(points[i][0] - points[j][0], points[i][1] - points[j][1]) <= threshold
			),
		{ includeSelf: options.includeSelf }
	);
}
