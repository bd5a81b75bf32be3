import { describe, expect, it } from 'vitest';
import {
	duplicateCandidates,
	normaliseStreet,
	scoreDuplicate,
	type ReportForMatching
} from './duplicates';

/** Metres per degree of latitude on h3-js's sphere (radius 6371.0088 km). */
const M_PER_DEG = (6371007.180918475 * Math.PI) / 180;
const T0 = Date.parse('2024-03-01T20:00:00Z');
const base: ReportForMatching = {
	id: 1,
	sourceId: 1,
	lon: -0.0984,
	lat: 51.5138,
	observedAt: T0,
	category: 'drugs',
	locationText: 'Cheapside'
};
/** A report `north` metres north of the base, `minutes` later. */
const other = (
	north: number,
	minutes: number,
	o: Partial<ReportForMatching> = {}
): ReportForMatching => ({
	...base,
	id: 2,
	sourceId: 2,
	lat: base.lat + north / M_PER_DEG,
	observedAt: T0 + minutes * 60_000,
	locationText: null,
	...o
});

describe('scoreDuplicate on constructed pairs', () => {
	it('same place, 40 minutes apart, same category: 0.4 + 0.4·(1 − 40/360) + 0.2 = 0.956', () => {
		const s = scoreDuplicate(base, other(0, 40));
		expect(s.score).toBe(0.956);
		expect(s.explanation).toBe('0 m apart, 40 minutes apart, same category, different sources');
	});

	it('same street 300 m apart counts as 0.75 in space: 0.3 + 0.356 + 0.2 = 0.856', () => {
		const s = scoreDuplicate(base, other(300, 40, { locationText: 'On or near Cheapside.' }));
		expect(s.sameStreet).toBe(true);
		expect(s.score).toBe(0.856);
		expect(s.explanation).toBe('same street, 40 minutes apart, same category, different sources');
	});

	it('200 m and 3 hours apart, different categories: 0.2 + 0.2 + 0 = 0.4, not a candidate', () => {
		const s = scoreDuplicate(base, other(200, 180, { category: 'burglary' }));
		expect(s.score).toBe(0.4);
		expect(s.explanation).toBe(
			'200 m apart, 3 hours apart, different categories (drugs, burglary), different sources'
		);
		expect(duplicateCandidates([base, other(200, 180, { category: 'burglary' })])).toEqual([]);
	});

	it('a missing category counts half: same place and time, 0.4 + 0.4 + 0.1 = 0.9', () => {
		const s = scoreDuplicate(base, other(0, 0, { category: null, sourceId: 1 }));
		expect(s.score).toBe(0.9);
		expect(s.explanation).toBe('0 m apart, at the same time, category not recorded, same source');
	});

	it('too far apart in space or in time scores 0 whatever else they share', () => {
		expect(scoreDuplicate(base, other(500, 0)).score).toBe(0);
		expect(scoreDuplicate(base, other(0, 7 * 60)).score).toBe(0);
	});

	it('the limits are options and are reported', () => {
		const s = scoreDuplicate(base, other(100, 60), { maxMetres: 200, maxMinutes: 120 });
		// 0.4·0.5 + 0.4·0.5 + 0.2
		expect(s.score).toBe(0.6);
		expect(s.parameters).toEqual({ maxMetres: 200, maxMinutes: 120, threshold: 0.6 });
	});
});

describe('duplicateCandidates', () => {
	it('returns pairs at or above the threshold, lower id first, best first', () => {
		const a = { ...base, id: 7 };
		const b = other(0, 40, { id: 3 });
		const c = other(50, 0, { id: 5, category: 'robbery' });
		const found = duplicateCandidates([a, b, c]);
		expect(found.map((f) => [f.first, f.second, f.score])).toEqual([
			[3, 7, 0.956],
			// 50 m, 0 min, different: 0.4·0.875 + 0.4 = 0.75
			[5, 7, 0.75],
			// 50 m, 40 min, different: 0.35 + 0.356 = 0.706
			[3, 5, 0.706]
		]);
	});
});

describe('normaliseStreet', () => {
	it('ignores case, punctuation, "on or near" and common abbreviations', () => {
		expect(normaliseStreet('On or near High St.')).toBe('high street');
		expect(normaliseStreet('HIGH STREET')).toBe('high street');
		expect(normaliseStreet('  ')).toBe(null);
		expect(normaliseStreet(null)).toBe(null);
	});
});
