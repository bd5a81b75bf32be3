import { gridDisk, isValidCell } from 'h3-js';
import { AnalysisInputError, type SpatialWeights } from './weights';

/** An H3 cell as its 15-hex-digit string or as the unsigned 64-bit integer stored in the database. */
export type H3CellId = string | bigint;

/**
 * Normalise an H3 cell id to h3-js's lower-case hex string form.
 *
 * @example
 * h3String(0x8826641903fffffn); // '8826641903fffff'
 */
export function h3String(cell: H3CellId): string {
	return typeof cell === 'bigint' ? cell.toString(16) : cell.toLowerCase();
}

export interface H3DiskWeightsOptions {
	/** Grid distance of the neighbourhood, gridDisk(cell, k). Default 1. */
	k?: number;
	/** Include the cell itself (Gi*). Default true. */
	includeSelf?: boolean;
}

/**
 * Binary weights over an explicit H3 study area: the neighbours of a cell are
 * gridDisk(cell, k) ∩ study area (the cell itself included unless `includeSelf: false`). Cells outside
 * the study area never enter the statistic, so the area must list every cell, zeros included.
 *
 * @example
 * const w = h3DiskWeights(['882664190bfffff', '8826641903fffff'], { k: 1 });
 */
export function h3DiskWeights(
	cells: readonly H3CellId[],
	options: H3DiskWeightsOptions = {}
): SpatialWeights {
	const { k = 1, includeSelf = true } = options;
	if (!Number.isInteger(k) || k < 0)
		throw new AnalysisInputError('E_BAD_K', `k must be a non-negative integer, got ${k}`);
	const n = cells.length;
	const ids = cells.map(h3String);
	const index = new Map<string, number>();
	for (let i = 0; i < n; i++) {
		const c = ids[i];
		if (!isValidCell(c)) throw new AnalysisInputError('E_INVALID_CELL', `Not an H3 cell: ${c}`);
		if (index.has(c)) throw new AnalysisInputError('E_DUPLICATE_ID', `Duplicate cell ${c}`);
		index.set(c, i);
	}
	const offsets = new Int32Array(n + 1);
	const maxDisk = 3 * k * (k + 1) + 1;
	let neighbours = new Int32Array(Math.max(16, n * Math.min(maxDisk, 64)));
	let m = 0;
	const row = new Int32Array(maxDisk);
	for (let i = 0; i < n; i++) {
		let len = 0;
		for (const nb of gridDisk(ids[i], k)) {
			const j = index.get(nb);
			if (j === undefined || (j === i && !includeSelf)) continue;
			row[len++] = j;
		}
		const sorted = row.subarray(0, len).sort();
		if (m + len > neighbours.length) {
			const grown = new Int32Array(Math.max(neighbours.length * 2, m + len));
			grown.set(neighbours);
			neighbours = grown;
		}
		neighbours.set(sorted, m);
		m += len;
		offsets[i + 1] = m;
	}
	return {
		n,
		offsets,
		neighbours: neighbours.slice(0, m),
		weights: null,
		includesSelf: includeSelf
	};
}
