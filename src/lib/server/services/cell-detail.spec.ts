import { describe, expect, it } from 'vitest';
import { cellToChildren, getResolution, latLngToCell } from 'h3-js';
import { descendantRange } from './cell-detail';

describe('descendantRange', () => {
	it('brackets every resolution-10 descendant and is itself a pair of resolution-10 cells', () => {
		for (const res of [7, 8, 9]) {
			const cell = latLngToCell(51.515, -0.092, res);
			const [lo, hi] = descendantRange(cell, res);
			const children = cellToChildren(cell, 10).map((c) => BigInt(`0x${c}`));
			const min = children.reduce((a, b) => (a < b ? a : b));
			const max = children.reduce((a, b) => (a > b ? a : b));
			expect(lo).toBe(min);
			expect(hi).toBe(max);
			expect(getResolution(lo.toString(16))).toBe(10);
		}
	});

	it('is the cell itself at resolution 10', () => {
		const cell = latLngToCell(51.515, -0.092, 10);
		const v = BigInt(`0x${cell}`);
		expect(descendantRange(cell, 10)).toEqual([v, v]);
	});
});
