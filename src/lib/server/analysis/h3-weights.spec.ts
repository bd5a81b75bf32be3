import { describe, expect, it } from 'vitest';
import {
	cellToBoundary,
	getBaseCellNumber,
	getRes0Cells,
	gridDisk,
	isPentagon,
	latLngToCell
} from 'h3-js';
import { h3DiskWeights } from './h3-weights';
import { mulberry32 } from './random';
import type { SpatialWeights } from './weights';

/** The definition: gridDisk(cell, k) ∩ study area, sorted, self included or not. */
function reference(cells: string[], k: number, includeSelf: boolean): SpatialWeights {
	const index = new Map(cells.map((c, i) => [c, i]));
	const offsets = new Int32Array(cells.length + 1);
	const cols: number[] = [];
	cells.forEach((c, i) => {
		const row = gridDisk(c, k)
			.map((nb) => index.get(nb))
			.filter((j): j is number => j !== undefined && (includeSelf || j !== i))
			.sort((a, b) => a - b);
		cols.push(...row);
		offsets[i + 1] = cols.length;
	});
	return {
		n: cells.length,
		offsets,
		neighbours: Int32Array.from(cols),
		weights: null,
		includesSelf: includeSelf
	};
}

function expectSameWeights(cells: string[], k = 1, includeSelf = true) {
	const w = h3DiskWeights(cells, { k, includeSelf });
	const r = reference(cells, k, includeSelf);
	expect([...w.offsets]).toEqual([...r.offsets]);
	expect([...w.neighbours]).toEqual([...r.neighbours]);
	expect(w.includesSelf).toBe(includeSelf);
}

describe('h3DiskWeights', () => {
	it('equals gridDisk ∩ study area at the corners of every base cell, where several meet', () => {
		// Disks around each base cell's vertices, cut to one base cell at a time (one base cell is the
		// case the lattice path takes) and with holes, plus the uncut disk (several base cells).
		const rand = mulberry32(11);
		let cases = 0;
		for (const base of getRes0Cells()) {
			for (const res of [5, 10]) {
				for (const [lat, lng] of cellToBoundary(base)) {
					const disk = gridDisk(latLngToCell(lat, lng, res), 3).filter(() => rand() < 0.85);
					for (const b of new Set(disk.map(getBaseCellNumber))) {
						expectSameWeights(disk.filter((c) => getBaseCellNumber(c) === b));
						cases++;
					}
					expectSameWeights(disk, 1, false);
				}
			}
		}
		expect(cases).toBeGreaterThan(1000);
	});

	it('equals gridDisk ∩ study area for a city at every analysis resolution', () => {
		for (const res of [5, 6, 7, 8, 9, 10]) {
			const cells = gridDisk(latLngToCell(41.85, -87.68, res), res < 8 ? 12 : 30).sort();
			expectSameWeights(cells);
			expectSameWeights(cells.filter((_, i) => i % 3 !== 0));
		}
	});

	it('equals gridDisk ∩ study area around pentagons, for k > 1 and for mixed resolutions', () => {
		const pentagon = getRes0Cells().find(isPentagon)!;
		expect(isPentagon(pentagon)).toBe(true);
		expectSameWeights(gridDisk(pentagon, 2));
		const chicago = gridDisk(latLngToCell(41.85, -87.68, 9), 8);
		expectSameWeights(chicago, 2);
		expectSameWeights([...chicago.slice(0, 50), ...gridDisk(latLngToCell(41.85, -87.68, 8), 2)]);
	});

	it('reports invalid and duplicate cells with codes', () => {
		const c = latLngToCell(41.85, -87.68, 9);
		expect(() => h3DiskWeights([c, c])).toThrow(
			expect.objectContaining({ code: 'E_DUPLICATE_ID' })
		);
		expect(() => h3DiskWeights([c, '8928308280fffzz'])).toThrow(
			expect.objectContaining({ code: 'E_INVALID_CELL' })
		);
		expect(() => h3DiskWeights([c], { k: -1 })).toThrow(
			expect.objectContaining({ code: 'E_BAD_K' })
		);
	});
});
