import { describe, expect, it } from 'vitest';
import { cellToLatLng, gridDisk, latLngToCell } from 'h3-js';
import { dataExtent } from './extent';

describe('dataExtent', () => {
	it('is null without cells and a point for one cell', () => {
		expect(dataExtent([], [])).toBeNull();
		const c = latLngToCell(51.5133, -0.0889, 9);
		const [lat, lon] = cellToLatLng(c);
		expect(dataExtent([c], [4])).toEqual([lon, lat, lon, lat]);
	});

	it('leaves out a stray cell holding under 1 % of the incidents', () => {
		const bank = latLngToCell(51.5133, -0.0889, 9);
		const city = gridDisk(bank, 2);
		const stray = latLngToCell(51.6, -0.3, 9);
		const box = dataExtent([...city, stray], [...city.map(() => 100), 1]);
		expect(box).not.toBeNull();
		const [w, s, e, n] = box as number[];
		expect(w).toBeGreaterThan(-0.1);
		expect(n).toBeLessThan(51.52);
		expect(e).toBeGreaterThan(w);
		expect(n).toBeGreaterThan(s);
	});

	it('opens on the region with the most incidents when the data lies in two far-apart cities', () => {
		const london = gridDisk(latLngToCell(51.5133, -0.0889, 9), 3);
		const chicago = gridDisk(latLngToCell(41.8781, -87.7, 9), 3);
		// A fifth of the incidents in Chicago: too many for the 1 % trim, yet not where most of them are.
		const box = dataExtent(
			[...london, ...chicago],
			[...london.map(() => 4), ...chicago.map(() => 1)]
		);
		const [w, s, e, n] = box as number[];
		expect(w).toBeGreaterThan(-0.2);
		expect(e).toBeLessThan(0);
		expect(s).toBeGreaterThan(51.4);
		expect(n).toBeLessThan(51.6);
		// The other way round, Chicago.
		const [w2, , e2] = dataExtent(
			[...london, ...chicago],
			[...london.map(() => 1), ...chicago.map(() => 4)]
		) as number[];
		expect(w2).toBeGreaterThan(-88);
		expect(e2).toBeLessThan(-87);
	});

	it('keeps a whole region whose incidents straddle coarse cells (a force some 200 km across)', () => {
		const west = latLngToCell(51.5, -1.5, 9);
		const east = latLngToCell(51.5, 0.9, 9);
		const [w, , e] = dataExtent([west, east], [1, 1], 1) as number[];
		expect(w).toBeCloseTo(cellToLatLng(west)[1], 6);
		expect(e).toBeCloseTo(cellToLatLng(east)[1], 6);
	});
});
