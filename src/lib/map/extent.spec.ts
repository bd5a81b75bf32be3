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
});
