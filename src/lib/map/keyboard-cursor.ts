/**
 * The map's keyboard cursor: a highlighted H3 cell that the arrow keys move, so that everything a
 * pointer reaches on the map (a cell's tooltip, its side panel, the observations in it) is reachable
 * with the keyboard alone (WCAG 2.1.1).
 *
 * Hexagons have six neighbours and no "up": an arrow picks the neighbour whose centre lies in that
 * direction on screen (within 60° of it). Vertical moves keep a goal column, as a text editor does, so
 * pressing ↓ repeatedly zigzags down one column instead of drifting sideways.
 *
 * Pure: screen positions come from a `project` function (MapLibre's `map.project` in the browser).
 *
 * @example
 * const step = cursorStep('89194ad3047ffff', 'down', project, null);
 * step.cell; // the neighbour below on screen
 */
import { cellToLatLng, getResolution, gridDisk, isValidCell, latLngToCell } from 'h3-js';

export type CursorDirection = 'up' | 'down' | 'left' | 'right';

/** Screen position (CSS px, y down) of a longitude/latitude. */
export type Project = (lngLat: [number, number]) => { x: number; y: number };

export interface CursorStep {
	/** The cell the cursor moves to (the same cell when no neighbour lies that way). */
	cell: string;
	/** The screen x vertical moves aim for; carry it to the next step. */
	goalX: number;
}

const ARROWS: Record<string, CursorDirection> = {
	ArrowUp: 'up',
	ArrowDown: 'down',
	ArrowLeft: 'left',
	ArrowRight: 'right'
};

/** The direction an arrow key names, or null for any other key. */
export function arrowDirection(key: string): CursorDirection | null {
	return ARROWS[key] ?? null;
}

const VECTORS: Record<CursorDirection, [number, number]> = {
	up: [0, -1],
	down: [0, 1],
	left: [-1, 0],
	right: [1, 0]
};

function centreOf(cell: string, project: Project): { x: number; y: number } {
	const [lat, lng] = cellToLatLng(cell);
	return project([lng, lat]);
}

/**
 * One step of the cursor from `cell` towards `direction`. `goalX` is the column a run of vertical moves
 * keeps to (null: the cell's own centre).
 */
export function cursorStep(
	cell: string,
	direction: CursorDirection,
	project: Project,
	goalX: number | null
): CursorStep {
	const from = centreOf(cell, project);
	const [vx, vy] = VECTORS[direction];
	const vertical = direction === 'up' || direction === 'down';
	const goal = vertical ? (goalX ?? from.x) : from.x;
	let best: { cell: string; score: number } | null = null;
	for (const n of gridDisk(cell, 1)) {
		if (n === cell) continue;
		const p = centreOf(n, project);
		const dx = p.x - from.x;
		const dy = p.y - from.y;
		const len = Math.hypot(dx, dy);
		if (len === 0) continue;
		const cos = (dx * vx + dy * vy) / len;
		// Within 60° of the arrow; hexagons put two neighbours at ±30° of a vertical arrow.
		if (cos < 0.5 - 1e-9) continue;
		// Horizontal: the straightest neighbour. Vertical: the one nearest the goal column.
		const score = vertical ? -Math.abs(p.x - goal) : cos;
		if (
			!best ||
			score > best.score + 1e-9 ||
			(Math.abs(score - best.score) <= 1e-9 && n < best.cell)
		)
			best = { cell: n, score };
	}
	const next = best?.cell ?? cell;
	return { cell: next, goalX: vertical ? goal : centreOf(next, project).x };
}

/**
 * The cursor's cell at `resolution`: the cell itself, or the cell at that resolution holding its
 * centre when the map's resolution has changed (zooming moves the workspace between resolutions).
 */
export function cursorAtResolution(cell: string, resolution: number): string {
	if (getResolution(cell) === resolution) return cell;
	const [lat, lng] = cellToLatLng(cell);
	return latLngToCell(lat, lng, resolution);
}

/** The cell at `resolution` holding a point: where the cursor starts (the map's centre). */
export function cursorStart(lngLat: [number, number], resolution: number): string {
	return latLngToCell(lngLat[1], lngLat[0], resolution);
}

/** The resolution of the first row holding a valid H3 `cell`, or null. */
export function resolutionOfRows(rows: readonly unknown[] | null | undefined): number | null {
	const first = rows?.[0] as { cell?: unknown } | undefined;
	return typeof first?.cell === 'string' && isValidCell(first.cell)
		? getResolution(first.cell)
		: null;
}

/** Give the keyboard back to the map (after closing a panel or an observation opened from it). */
export function focusMap(): void {
	document.querySelector<HTMLElement>('[data-testid="map"] .maplibregl-canvas')?.focus();
}
