import { describe, expect, it } from 'vitest';
import { getHexagonAreaAvg, polygonToCells } from 'h3-js';
import { bboxSquareMetres, checkCategories, checkRes } from './area';
import { Lru } from './lru';
import { ServiceError } from '../errors';

describe('study-area helpers', () => {
	it('sizes a bbox on the sphere close to the cells h3 lists for it', () => {
		const bbox = [-87.8, 41.7, -87.5, 42.0] as const;
		const estimate = bboxSquareMetres(bbox) / getHexagonAreaAvg(9, 'm2');
		const [w, s, e, n] = bbox;
		const actual = polygonToCells(
			[
				[
					[w, s],
					[e, s],
					[e, n],
					[w, n],
					[w, s]
				]
			],
			9,
			true
		).length;
		expect(Math.abs(estimate / actual - 1)).toBeLessThan(0.05);
		// One degree square at the equator: R²·(π/180)·sin(1°).
		expect(bboxSquareMetres([0, 0, 1, 1]) / 1e6).toBeCloseTo(12_363.7, 0);
	});

	it('refuses unknown categories and resolutions outside 5..10 with E_PARAMETER', () => {
		expect(checkCategories(['burglary', 'burglary'])).toEqual(['burglary']);
		expect(checkCategories([])).toBeNull();
		expect(() => checkCategories(['burglary', 'arson'])).toThrow(/unknown category "arson"/);
		expect(() => checkRes(11)).toThrow(ServiceError);
		expect(() => checkRes(4.5)).toThrow(/from 5 to 10/);
		expect(() => checkRes(5)).not.toThrow();
	});

	it('keeps the most recently used entries', () => {
		const lru = new Lru<string, number>(2);
		lru.set('a', 1);
		lru.set('b', 2);
		expect(lru.get('a')).toBe(1);
		lru.set('c', 3);
		expect(lru.get('b')).toBeUndefined();
		expect([lru.get('a'), lru.get('c'), lru.size]).toEqual([1, 3, 2]);
	});

	it('bounds the sum of the weights too, and keeps nothing heavier than the bound', () => {
		const lru = new Lru<string, number[]>(10, 5, (v) => v.length);
		lru.set('a', [1, 2]);
		lru.set('b', [1, 2]);
		lru.set('c', [1, 2]); // 6 > 5: the oldest goes
		expect([lru.get('a'), lru.size]).toEqual([undefined, 2]);
		lru.set('b', [1]); // replacing an entry gives its weight back
		lru.set('d', [1, 2]);
		expect([lru.get('b'), lru.get('c'), lru.get('d'), lru.size]).toEqual([[1], [1, 2], [1, 2], 3]);
		lru.set('huge', [1, 2, 3, 4, 5, 6]);
		expect([lru.get('huge'), lru.size]).toEqual([undefined, 3]);
		lru.clear();
		lru.set('e', [1, 2, 3, 4, 5]);
		expect(lru.size).toBe(1);
	});
});
