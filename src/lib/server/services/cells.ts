/** Incident counts per H3 cell for the map, from the rollup. */
import { cellToLatLng } from 'h3-js';
import type { Database } from '../db/client';
import { countsByCell, rollupRange } from '../db/queries/cells';

export interface CellCountsRequest {
	res: number;
	from?: string;
	to?: string;
	categories: string[];
	/** [west, south, east, north]; cells whose centre falls outside are left out. */
	bbox?: readonly [number, number, number, number];
	sourceIds?: number[];
	areaIds?: number[];
}

export interface CellCounts {
	resolution: number;
	from: string | null;
	to: string | null;
	categories: string[];
	total: number;
	max: number;
	cells: string[];
	counts: number[];
}

/** Counts per cell; with no dates the whole range of the data is used. */
export async function cellCountsForMap(db: Database, q: CellCountsRequest): Promise<CellCounts> {
	const range = q.from && q.to ? null : await rollupRange(db);
	const from = q.from ?? range?.from ?? null;
	const to = q.to ?? range?.to ?? null;
	const empty: CellCounts = {
		resolution: q.res,
		from,
		to,
		categories: q.categories,
		total: 0,
		max: 0,
		cells: [],
		counts: []
	};
	if (!from || !to) return empty;
	const rows = await countsByCell(db, {
		res: q.res,
		from,
		to,
		categories: q.categories.length ? q.categories : null,
		sourceIds: q.sourceIds?.length ? q.sourceIds : null,
		areaIds: q.areaIds ?? null
	});
	const cells: string[] = [];
	const counts: number[] = [];
	let total = 0;
	let max = 0;
	const [w, s, e, n] = q.bbox ?? [-180, -90, 180, 90];
	for (const r of rows) {
		if (q.bbox) {
			const [lat, lon] = cellToLatLng(r.cell);
			if (lon < w || lon > e || lat < s || lat > n) continue;
		}
		cells.push(r.cell);
		counts.push(r.n);
		total += r.n;
		if (r.n > max) max = r.n;
	}
	return { ...empty, total, max, cells, counts };
}
