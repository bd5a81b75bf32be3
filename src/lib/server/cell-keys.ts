/**
 * What an incident is counted under: its own H3 cell at every resolution the product serves, and its
 * local day. Shared by the import (which stores them), the migration step that backfills them, and the
 * queries that read them.
 */
import { cellToBoundary, latLngToCell } from 'h3-js';

/** Coarsest resolution served (maps, statistics, exports, `beatwise cells`). */
export const SERVED_MIN_RES = 5;
/** Finest resolution served; it is also the cell stored in `incidents.h3`. */
export const SERVED_MAX_RES = 11;

/** Every served resolution, coarsest first. */
export const SERVED_RESOLUTIONS: readonly number[] = Array.from(
	{ length: SERVED_MAX_RES - SERVED_MIN_RES + 1 },
	(_, i) => SERVED_MIN_RES + i
);

export function isServedRes(res: number): boolean {
	return Number.isInteger(res) && res >= SERVED_MIN_RES && res <= SERVED_MAX_RES;
}

/**
 * The `incidents` column holding a point's cell at `res` (`h3` for the finest, `h3_r<res>` for the
 * others). Throws for a resolution that is not served, so no caller builds SQL from one.
 */
export function cellColumn(res: number): string {
	if (!isServedRes(res)) {
		throw new RangeError(
			`H3 resolution ${res} is not served (${SERVED_MIN_RES}–${SERVED_MAX_RES})`
		);
	}
	return res === SERVED_MAX_RES ? 'h3' : `h3_r${res}`;
}

/** The cell columns of `incidents`, in the order of `exactCells`. */
export const CELL_COLUMNS: readonly string[] = SERVED_RESOLUTIONS.map(cellColumn);

/**
 * The point's cell at each served resolution, coarsest first, as decimal bigint text (COPY and
 * PostgreSQL arrays take it): `latLngToCell(lat, lon, r)` for each r — never the parent of a finer
 * cell, because H3 children do not nest inside their parent's hexagon.
 *
 * @example
 * exactCells(51.5138, -0.0984)[6]; // BigInt('0x' + latLngToCell(51.5138, -0.0984, 11)).toString()
 */
export function exactCells(lat: number, lon: number): string[] {
	return SERVED_RESOLUTIONS.map((r) => BigInt('0x' + latLngToCell(lat, lon, r)).toString());
}

/**
 * `exactCells` remembering the last `limit` points it was asked for (a file repeats its points:
 * police.uk snaps every incident to one of a fixed set of anonymised points, so a month of 355,000
 * located rows has 162,000 distinct points). The same arrays are returned for the same point: callers
 * must not change them.
 *
 * @example
 * const cells = exactCellsCache();
 * cells(51.5138, -0.0984) === cells(51.5138, -0.0984); // true: computed once
 */
export function exactCellsCache(limit = 200_000): (lat: number, lon: number) => readonly string[] {
	let cache = new Map<string, readonly string[]>();
	return (lat, lon) => {
		const key = `${lat},${lon}`;
		let cells = cache.get(key);
		if (cells === undefined) {
			cells = exactCells(lat, lon);
			if (cache.size >= limit) cache = new Map();
			cache.set(key, cells);
		}
		return cells;
	};
}

const MS_HOUR = 3_600_000;

/**
 * Local calendar day (YYYY-MM-DD) of an instant in an IANA zone, cached per quarter hour (zones shift
 * by whole quarter hours, so the cache is exact).
 */
export function localDayFormatter(timeZone: string): (d: Date) => string {
	const fmt = new Intl.DateTimeFormat('en-CA', {
		timeZone,
		year: 'numeric',
		month: '2-digit',
		day: '2-digit'
	});
	const cache = new Map<number, string>();
	return (d: Date) => {
		const key = Math.floor(d.getTime() / (MS_HOUR / 4));
		let v = cache.get(key);
		if (v === undefined) {
			v = fmt.format(d);
			if (cache.size > 200_000) cache.clear();
			cache.set(key, v);
		}
		return v;
	};
}

/** A box in degrees: west, south, east, north. */
export type Envelope = [number, number, number, number];

/**
 * A box holding every point whose cell is `cell`: the bounding box of the cell's boundary widened by a
 * tenth of its size on each side (H3 edges are arcs, not straight lines in degrees, and bulge by far
 * less). Lets a query find a cell's incidents through the spatial index before comparing their exact
 * cell. Null for a cell across the antimeridian, where a box in degrees would wrap.
 *
 * @example
 * cellEnvelope('89195da49b7ffff'); // [-0.10…, 51.51…, -0.09…, 51.52…]
 */
export function cellEnvelope(cell: string): Envelope | null {
	const ring = cellToBoundary(cell);
	const lats = ring.map((p) => p[0]);
	const lons = ring.map((p) => p[1]);
	let [w, e] = [Math.min(...lons), Math.max(...lons)];
	let [s, n] = [Math.min(...lats), Math.max(...lats)];
	if (e - w > 180) return null;
	const dx = (e - w) / 10 + 1e-9;
	const dy = (n - s) / 10 + 1e-9;
	[w, e, s, n] = [w - dx, e + dx, Math.max(-90, s - dy), Math.min(90, n + dy)];
	return [w, s, e, n];
}
