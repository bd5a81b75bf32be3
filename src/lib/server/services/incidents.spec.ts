import { describe, expect, it } from 'vitest';
import { cellToChildren, gridDisk, latLngToCell } from 'h3-js';
import { childRange11 } from './incidents';

const big = (h: string) => BigInt(`0x${h}`);

describe('childRange11', () => {
	it.each([5, 7, 9, 10])(
		'holds every res-11 child of a res-%i cell and none of its neighbours’',
		(res) => {
			const cell = latLngToCell(51.5155, -0.0922, res);
			const [lo, hi] = childRange11(big(cell), res);
			const own =
				res >= 8 ? cellToChildren(cell, 11) : cellToChildren(cellToChildren(cell, res + 1)[3], 11);
			for (const c of own) {
				expect(big(c) >= lo && big(c) <= hi).toBe(true);
			}
			for (const n of gridDisk(cell, 1).filter((n) => n !== cell)) {
				const child = cellToChildren(n, Math.min(11, res + 1))[0];
				const sample = res + 1 >= 11 ? child : cellToChildren(child, 11)[0];
				expect(big(sample) >= lo && big(sample) <= hi).toBe(false);
			}
		}
	);
});
