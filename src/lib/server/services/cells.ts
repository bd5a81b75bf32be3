/** Incident counts per H3 cell for the map and for analysts, from the rollups. */
import { cellToLatLng } from 'h3-js';
import type { Database } from '../db/client';
import { countsByCell, sourceIdByName } from '../db/queries/cells';
import { dataExtent } from '../study/extent';
import { findArea } from '../db/queries/areas-counts';
import { isServedRes, SERVED_MAX_RES, SERVED_MIN_RES } from '../cell-keys';
import { CATEGORIES, isCategoryCode } from '../../taxonomy';
import { isIsoDate } from '../../dates';
import { ServiceError } from '../errors';

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

/**
 * Counts per cell; with no dates the data's whole extent is used (for monthly data to the last day of
 * its last month, as the rest of the app states it — not the last stored 1st of a month).
 */
export async function cellCountsForMap(db: Database, q: CellCountsRequest): Promise<CellCounts> {
	const range = q.from && q.to ? null : await dataExtent(db);
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

export interface AnalystCellsRequest {
	res: number;
	from?: string;
	to?: string;
	categories: string[];
	/** A source by name. */
	source?: string;
	/** An area as `kind:code` (or its id): only the cells of its cover at `res`. */
	area?: string;
}

export interface AnalystCells {
	res: number;
	/** The period counted (the data's whole range where not given), null when there is no data. */
	from: string | null;
	to: string | null;
	/** Non-empty cells, sorted by index: each point counted in its own cell, `latLngToCell(p, res)`. */
	cells: { cell: string; count: number }[];
}

/**
 * Counts per cell for analysts and tests (`beatwise cells`): every parameter checked, with a message
 * that names it. Reads the rollups, like the map.
 */
export async function cellCountsForAnalyst(
	db: Database,
	q: AnalystCellsRequest
): Promise<AnalystCells> {
	if (!isServedRes(q.res)) {
		throw new ServiceError(
			'E_PARAMETER',
			`res: must be a whole number from ${SERVED_MIN_RES} to ${SERVED_MAX_RES} (H3 resolution), got ${q.res}`
		);
	}
	for (const [name, v] of [
		['from', q.from],
		['to', q.to]
	] as const) {
		if (v !== undefined && !isIsoDate(v)) {
			throw new ServiceError('E_PARAMETER', `${name}: "${v}" is not a date (YYYY-MM-DD)`);
		}
	}
	if (q.from && q.to && q.from > q.to) {
		throw new ServiceError('E_PARAMETER', `from: ${q.from} is after to: ${q.to}`);
	}
	const unknown = q.categories.filter((c) => !isCategoryCode(c));
	if (unknown.length) {
		throw new ServiceError(
			'E_PARAMETER',
			`category: ${unknown.map((c) => `"${c}"`).join(', ')} not in the taxonomy (${CATEGORIES.map((c) => c.code).join(', ')})`
		);
	}
	let sourceIds: number[] | null = null;
	if (q.source !== undefined) {
		const id = await sourceIdByName(db, q.source);
		if (id === null) throw new ServiceError('E_PARAMETER', `source: no source named "${q.source}"`);
		sourceIds = [id];
	}
	let areaIds: number[] | null = null;
	if (q.area !== undefined) {
		const area = await findArea(db, q.area);
		if (!area) {
			throw new ServiceError(
				'E_PARAMETER',
				`area: "${q.area}" matches no area (give kind:code, e.g. district:11, or an area id)`
			);
		}
		areaIds = [area.id];
	}
	const range = q.from && q.to ? null : await dataExtent(db);
	const from = q.from ?? range?.from ?? null;
	const to = q.to ?? range?.to ?? null;
	if (!from || !to || from > to) return { res: q.res, from, to, cells: [] };
	const rows = await countsByCell(db, {
		res: q.res,
		from,
		to,
		categories: q.categories.length ? q.categories : null,
		sourceIds,
		areaIds
	});
	return {
		res: q.res,
		from,
		to,
		cells: rows.filter((r) => r.n > 0).map((r) => ({ cell: r.cell, count: r.n }))
	};
}
