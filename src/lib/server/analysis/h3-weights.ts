import { cellToParent, gridDisk, isPentagon, isValidCell } from 'h3-js';
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
	if (k === 1) {
		const fast = adjacencyInOneBaseCell(ids, includeSelf);
		if (fast) return fast;
	}
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

// ------------------------------------------------------------------------------------------------
// k = 1 without a gridDisk call per cell. Inside one hexagonal base cell, H3 addresses every cell by
// the aperture-7 digits of its base cell's own hex lattice, and two cells of that base cell share an
// edge exactly when their lattice coordinates differ by one unit step: a step that does not leave the
// base cell changes only digits, and one that leaves it lands in another base cell (H3's
// h3NeighborRotations). So when the study area lies in one hexagonal base cell (a city always does;
// a pentagon base cell has a deleted sector and is left to gridDisk), the lattice coordinates of the
// cells and a hash of them give exactly gridDisk(cell, 1) ∩ study area, several times faster.

/** Axial (i − k, j − k) form of H3's IJK unit vector for each digit 0–6 (UNIT_VECS in coordijk.c). */
const DIGIT_I = [0, -1, 0, -1, 1, 0, 1];
const DIGIT_J = [0, -1, 1, 0, 0, -1, 1];
/** The six unit steps between edge neighbours, in the same axial form. */
const STEP_I = [1, -1, 0, 0, 1, -1];
const STEP_J = [0, 0, 1, -1, 1, -1];
const CANONICAL = /^8[0-9a-f]{14}$/;

/**
 * Lattice coordinates of each cell within its base cell, by the digit walk of H3's
 * `_h3ToFaceIjkWithInitializedFijk` started at the origin (the base cell's own offset is the same for
 * all its cells, so it drops out of every difference): per resolution r, scale into r's lattice
 * (`_downAp7` for Class III, odd r; `_downAp7r` for Class II) and add the digit's unit vector.
 * Null unless every cell is a valid hexagon-base-cell index, all at one resolution in one base cell.
 */
function latticeCoordinates(
	ids: readonly string[]
): { i: Int32Array; j: Int32Array; baseCell: number } | null {
	const n = ids.length;
	const ci = new Int32Array(n);
	const cj = new Int32Array(n);
	let res = -1;
	let baseCell = -1;
	for (let c = 0; c < n; c++) {
		const id = ids[c];
		if (!CANONICAL.test(id)) return null;
		// Bits 59..32 and 31..0 of the 64-bit index.
		const hi = parseInt(id.slice(0, 7), 16);
		const lo = parseInt(id.slice(7), 16);
		// Mode 1 (cell) with the reserved bits clear is the leading '8'; then resolution and base cell.
		const r = (hi >>> 20) & 15;
		const b = (hi >>> 13) & 127;
		if (c === 0) {
			res = r;
			baseCell = b;
		} else if (r !== res || b !== baseCell) return null;
		let i = 0;
		let j = 0;
		for (let d = 1; d <= 15; d++) {
			const o = (15 - d) * 3;
			const digit =
				o >= 32
					? (hi >>> (o - 32)) & 7
					: o <= 29
						? (lo >>> o) & 7
						: ((lo >>> o) | (hi << (32 - o))) & 7;
			if (d > res) {
				if (digit !== 7) return null;
				continue;
			}
			if (digit === 7) return null;
			if (d & 1) {
				const t = 2 * i + j;
				j = 3 * j - i;
				i = t;
			} else {
				const t = 3 * i - j;
				j = i + 2 * j;
				i = t;
			}
			i += DIGIT_I[digit];
			j += DIGIT_J[digit];
		}
		ci[c] = i;
		cj[c] = j;
	}
	if (n === 0 || baseCell >= 122 || isPentagon(cellToParent(ids[0], 0))) return null;
	return { i: ci, j: cj, baseCell };
}

/** gridDisk(cell, 1) ∩ study area from lattice coordinates, or null when they do not apply. */
function adjacencyInOneBaseCell(
	ids: readonly string[],
	includeSelf: boolean
): SpatialWeights | null {
	const coords = latticeCoordinates(ids);
	if (!coords) return null;
	const { i: ci, j: cj } = coords;
	const n = ids.length;
	let capacity = 16;
	while (capacity < 2 * n) capacity *= 2;
	const mask = capacity - 1;
	const shift = 32 - Math.log2(capacity);
	const slot = new Int32Array(capacity).fill(-1);
	const hash = (i: number, j: number) =>
		(Math.imul(i, 0x9e3779b1) ^ Math.imul(j, 0x85ebca6b)) >>> shift;
	for (let c = 0; c < n; c++) {
		let h = hash(ci[c], cj[c]);
		while (slot[h] >= 0) {
			// The same coordinates twice: a duplicate cell, which the general path reports.
			if (ci[slot[h]] === ci[c] && cj[slot[h]] === cj[c]) return null;
			h = (h + 1) & mask;
		}
		slot[h] = c;
	}
	const offsets = new Int32Array(n + 1);
	const neighbours = new Int32Array(n * (includeSelf ? 7 : 6));
	let m = 0;
	for (let c = 0; c < n; c++) {
		const start = m;
		if (includeSelf) neighbours[m++] = c;
		for (let s = 0; s < 6; s++) {
			const i = ci[c] + STEP_I[s];
			const j = cj[c] + STEP_J[s];
			let h = hash(i, j);
			while (slot[h] >= 0 && !(ci[slot[h]] === i && cj[slot[h]] === j)) h = (h + 1) & mask;
			if (slot[h] < 0) continue;
			// Insertion into the sorted row (at most seven entries).
			const v = slot[h];
			let e = m++;
			while (e > start && neighbours[e - 1] > v) {
				neighbours[e] = neighbours[e - 1];
				e--;
			}
			neighbours[e] = v;
		}
		offsets[c + 1] = m;
	}
	return {
		n,
		offsets,
		neighbours: neighbours.slice(0, m),
		weights: null,
		includesSelf: includeSelf
	};
}
