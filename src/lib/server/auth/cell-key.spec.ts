import { describe, expect, it } from 'vitest';
import { cellKey, KEY_SPACE, MAX_NOISE, perturb, preimage, pTable } from './cell-key';

const mean = (row: ReturnType<typeof pTable>[number]) =>
	row.outcomes.reduce((s, o) => s + o.value * o.probability, 0);

describe('the p-table', () => {
	for (const t of [1, 3, 5, 10]) {
		it(`covers every cell key exactly once in each row (threshold ${t})`, () => {
			for (const row of pTable(t)) {
				let next = 0;
				for (const o of row.outcomes) {
					expect(o.keyFrom).toBe(next);
					expect(o.keyTo).toBeGreaterThanOrEqual(o.keyFrom);
					expect(o.probability).toBeCloseTo((o.keyTo - o.keyFrom + 1) / KEY_SPACE, 12);
					next = o.keyTo + 1;
				}
				expect(next).toBe(KEY_SPACE);
			}
		});

		it(`never publishes 1 … ${t - 1} and keeps 0 as 0 (threshold ${t})`, () => {
			const rows = pTable(t);
			expect(rows[0].outcomes).toEqual([{ value: 0, keyFrom: 0, keyTo: 255, probability: 1 }]);
			for (const row of rows)
				for (const o of row.outcomes) expect(o.value === 0 || o.value >= t).toBe(true);
			// Only counts below the threshold may become 0.
			for (const row of rows.slice(1))
				expect(row.outcomes.some((o) => o.value === 0)).toBe(row.count < t);
		});
	}

	it('is the documented table for threshold 5', () => {
		const table = pTable(5).map((r) => [
			r.count,
			r.outcomes.map((o) => [o.value, o.keyTo - o.keyFrom + 1])
		]);
		expect(table).toEqual([
			[0, [[0, 256]]],
			[
				1,
				[
					[0, 205],
					[5, 51]
				]
			],
			[
				2,
				[
					[0, 154],
					[5, 102]
				]
			],
			[
				3,
				[
					[0, 102],
					[5, 154]
				]
			],
			[
				4,
				[
					[0, 51],
					[5, 205]
				]
			],
			[
				5,
				[
					[5, 176],
					[6, 56],
					[7, 24]
				]
			],
			[
				6,
				[
					[5, 80],
					[6, 96],
					[7, 56],
					[8, 24]
				]
			],
			[
				7,
				[
					[5, 24],
					[6, 56],
					[7, 96],
					[8, 56],
					[9, 24]
				]
			]
		]);
	});

	it('keeps the expected value below the threshold and from threshold + 2 on', () => {
		const rows = pTable(5);
		for (const n of [1, 2, 3, 4]) expect(Math.abs(mean(rows[n]) - n)).toBeLessThan(0.01);
		expect(mean(rows[7])).toBeCloseTo(7, 12);
	});

	it('refuses a threshold outside 1–100', () => {
		for (const t of [0, -1, 1.5, 101, Number.NaN]) expect(() => pTable(t)).toThrow(RangeError);
	});
});

describe('perturbation', () => {
	it('looks the value up by count and cell key', () => {
		// Row 3 of the threshold-5 table: keys 0–101 give 0, 102–255 give 5.
		expect(perturb(3, 101, 5)).toBe(0);
		expect(perturb(3, 102, 5)).toBe(5);
		// The cell key is the key sum modulo 256.
		expect(perturb(3, 102 + 256 * 7, 5)).toBe(5);
		// Row 7: 24 keys give 5, 56 give 6, 96 give 7, 56 give 8, 24 give 9.
		expect([0, 23, 24, 79, 80, 175, 176, 231, 232, 255].map((k) => perturb(7, k, 5))).toEqual([
			5, 5, 6, 6, 7, 7, 8, 8, 9, 9
		]);
	});

	it('shifts the last row for larger counts', () => {
		expect([0, 80, 255].map((k) => perturb(1000, k, 5))).toEqual([998, 1000, 1002]);
		for (let k = 0; k < KEY_SPACE; k++)
			expect(Math.abs(perturb(123, k, 5) - 123)).toBeLessThanOrEqual(MAX_NOISE);
	});

	it('gives the same value for the same count and key, whatever else', () => {
		for (let k = 0; k < KEY_SPACE; k += 17) expect(perturb(9, k, 5)).toBe(perturb(9, k, 5));
		expect(perturb(0, 77, 5)).toBe(0);
	});

	it('refuses counts and key sums that are not whole and non-negative', () => {
		expect(() => perturb(-1, 0, 5)).toThrow(RangeError);
		expect(() => perturb(1.5, 0, 5)).toThrow(RangeError);
		expect(() => perturb(3, -2, 5)).toThrow(RangeError);
		expect(() => cellKey(Number.NaN)).toThrow(RangeError);
	});
});

describe('what a published value tells', () => {
	it('lists the true counts that can be published as it', () => {
		expect(preimage(0, 5)).toEqual([0, 1, 2, 3, 4]);
		expect(preimage(5, 5)).toEqual([1, 2, 3, 4, 5, 6, 7]);
		expect(preimage(6, 5)).toEqual([5, 6, 7, 8]);
		expect(preimage(20, 5)).toEqual([18, 19, 20, 21, 22]);
		// Every value a count can be published as has that count in its preimage.
		for (let n = 0; n < 30; n++)
			for (let k = 0; k < KEY_SPACE; k++) expect(preimage(perturb(n, k, 5), 5)).toContain(n);
	});
});
