import { describe, expect, it } from 'vitest';
import { cellToLatLng, getResolution, gridDisk, latLngToCell } from 'h3-js';
import {
	arrowDirection,
	cursorAtResolution,
	cursorStart,
	cursorStep,
	resolutionOfRows,
	type Project
} from './keyboard-cursor';

/** Web Mercator at zoom 16 (256 px tiles), y down, as MapLibre projects. */
const project: Project = ([lng, lat]) => {
	const scale = 256 * 2 ** 16;
	const r = (lat * Math.PI) / 180;
	return {
		x: ((lng + 180) / 360) * scale,
		y: ((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * scale
	};
};
const at = (cell: string) => {
	const [lat, lng] = cellToLatLng(cell);
	return project([lng, lat]);
};

const START = latLngToCell(51.5155, -0.0915, 9); // the City of London

describe('cursorStep', () => {
	it('moves right to the neighbour straightest to the right, and left back again', () => {
		const right = cursorStep(START, 'right', project, null);
		expect(gridDisk(START, 1)).toContain(right.cell);
		expect(right.cell).not.toBe(START);
		const a = at(START);
		const b = at(right.cell);
		// The straightest of the six: no other neighbour has a smaller angle to the right.
		const angle = (p: { x: number; y: number }) => Math.abs(Math.atan2(p.y - a.y, p.x - a.x));
		for (const n of gridDisk(START, 1).filter((n) => n !== START))
			expect(angle(b)).toBeLessThanOrEqual(angle(at(n)) + 1e-9);
		expect(b.x).toBeGreaterThan(a.x);
		expect(cursorStep(right.cell, 'left', project, null).cell).toBe(START);
	});

	it('moves down one column: y grows at every step, x stays within a cell of the start', () => {
		let cell = START;
		let goal: number | null = null;
		const x0 = at(START).x;
		const width = Math.abs(at(cursorStep(START, 'right', project, null).cell).x - x0);
		let y = at(START).y;
		for (let i = 0; i < 12; i++) {
			const step = cursorStep(cell, 'down', project, goal);
			expect(gridDisk(cell, 1)).toContain(step.cell);
			expect(at(step.cell).y).toBeGreaterThan(y);
			expect(Math.abs(at(step.cell).x - x0)).toBeLessThanOrEqual(width);
			y = at(step.cell).y;
			cell = step.cell;
			goal = step.goalX;
		}
		// Twelve steps down, then twelve up: back where it started.
		for (let i = 0; i < 12; i++) {
			const step = cursorStep(cell, 'up', project, goal);
			cell = step.cell;
			goal = step.goalX;
		}
		expect(cell).toBe(START);
	});

	it('keeps the cell when no neighbour lies within 60° of the arrow', () => {
		// A projection that puts every neighbour to the right: nothing lies up.
		const flat: Project = ([lng]) => ({ x: lng * 1e5, y: 0 });
		expect(cursorStep(START, 'up', flat, null).cell).toBe(START);
	});
});

describe('cursor helpers', () => {
	it('names the arrow keys and nothing else', () => {
		expect(arrowDirection('ArrowUp')).toBe('up');
		expect(arrowDirection('ArrowLeft')).toBe('left');
		expect(arrowDirection('Enter')).toBeNull();
	});

	it('follows the map to another resolution through the cell centre', () => {
		expect(cursorAtResolution(START, 9)).toBe(START);
		const finer = cursorAtResolution(START, 10);
		expect(getResolution(finer)).toBe(10);
		const [lat, lng] = cellToLatLng(START);
		expect(finer).toBe(latLngToCell(lat, lng, 10));
		expect(cursorStart([-0.0915, 51.5155], 9)).toBe(START);
	});

	it('reads the resolution of the first row holding a cell', () => {
		expect(resolutionOfRows([{ cell: START, count: 3 }])).toBe(9);
		expect(resolutionOfRows([])).toBeNull();
		expect(resolutionOfRows([{ cell: 'not a cell' }])).toBeNull();
		expect(resolutionOfRows(null)).toBeNull();
	});
});
