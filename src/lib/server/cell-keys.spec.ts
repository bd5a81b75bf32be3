import { describe, expect, it } from 'vitest';
import { cellToLatLng, cellToParent, getResolution, latLngToCell } from 'h3-js';
import { mulberry32 } from './analysis/random';
import {
	CELL_COLUMNS,
	cellColumn,
	cellEnvelope,
	exactCells,
	exactCellsCache,
	localDayFormatter,
	SERVED_RESOLUTIONS
} from './cell-keys';

describe('exactCells', () => {
	it('is latLngToCell at every served resolution, where cellToParent of the res-11 cell is not', () => {
		const random = mulberry32(7);
		let differsFromParent = 0;
		for (let i = 0; i < 2000; i++) {
			const lat = 51.5 + random() * 0.05;
			const lon = -0.12 + random() * 0.08;
			const cells = exactCells(lat, lon);
			expect(cells).toHaveLength(SERVED_RESOLUTIONS.length);
			SERVED_RESOLUTIONS.forEach((r, k) => {
				const own = latLngToCell(lat, lon, r);
				expect(cells[k]).toBe(BigInt('0x' + own).toString());
				if (own !== cellToParent(latLngToCell(lat, lon, 11), r)) differsFromParent++;
			});
		}
		// The reason for storing every resolution: parents of fine cells are often the wrong cell.
		expect(differsFromParent).toBeGreaterThan(100);
	});

	it("remembers points (cached), with exactly exactCells' answer, also past its limit", () => {
		const cellsOf = exactCellsCache(3);
		const random = mulberry32(11);
		const points = Array.from({ length: 10 }, () => [
			51.5 + random() * 0.05,
			-0.1 + random() * 0.05
		]);
		for (let round = 0; round < 3; round++)
			for (const [lat, lon] of points) expect(cellsOf(lat, lon)).toEqual(exactCells(lat, lon));
		const [lat, lon] = points[9];
		expect(cellsOf(lat, lon)).toBe(cellsOf(lat, lon));
		// Points differing in the last digit are different points.
		expect(cellsOf(lat, lon + 1e-9)).toEqual(exactCells(lat, lon + 1e-9));
	});

	it('names one column per served resolution, h3 for the finest, and refuses others', () => {
		expect(CELL_COLUMNS).toEqual(['h3_r5', 'h3_r6', 'h3_r7', 'h3_r8', 'h3_r9', 'h3_r10', 'h3']);
		expect(() => cellColumn(4)).toThrow(/not served/);
		expect(() => cellColumn(12)).toThrow(/not served/);
	});
});

describe('cellEnvelope', () => {
	it.each(SERVED_RESOLUTIONS)('holds every point of a res-%i cell, near its edges too', (res) => {
		const random = mulberry32(res);
		for (const [lat0, lon0] of [
			[51.5155, -0.0922],
			[41.8781, -87.6298],
			[-33.86, 151.2]
		]) {
			const cell = latLngToCell(lat0, lon0, res);
			const env = cellEnvelope(cell)!;
			const [clat, clon] = cellToLatLng(cell);
			const span = Math.max(env[2] - env[0], env[3] - env[1]);
			let inside = 0;
			for (let i = 0; i < 3000; i++) {
				const lat = clat + (random() - 0.5) * span * 1.2;
				const lon = clon + (random() - 0.5) * span * 1.2;
				if (latLngToCell(lat, lon, res) !== cell) continue;
				inside++;
				expect(lon >= env[0] && lon <= env[2] && lat >= env[1] && lat <= env[3]).toBe(true);
			}
			expect(inside).toBeGreaterThan(300);
			expect(getResolution(cell)).toBe(res);
		}
	});

	it('is null across the antimeridian', () => {
		expect(cellEnvelope(latLngToCell(0, 179.99, 5))).toBeNull();
	});
});

describe('localDayFormatter', () => {
	it('gives the local calendar day of an instant', () => {
		const london = localDayFormatter('Europe/London');
		const chicago = localDayFormatter('America/Chicago');
		expect(london(new Date('2024-06-30T23:30:00Z'))).toBe('2024-07-01');
		expect(chicago(new Date('2024-07-01T03:00:00Z'))).toBe('2024-06-30');
	});
});
