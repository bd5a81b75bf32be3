/**
 * The study area every analysis service shares: areas by reference, the explicit cell list at a
 * resolution (parents of the areas' resolution-10 H3 cover, zeros included, or the cells whose centres
 * fall in a bbox), its size limit, the validation of resolution and categories, and the parameters an
 * answer echoes. Study areas are cached per (resolution, areas and their row versions) or bbox.
 *
 * A study cell's value is every incident in the cell (a coarse cell on an area's edge counts whole), so
 * results match counting incidents by cell.
 */
import { createHash } from 'node:crypto';
import { getHexagonAreaAvg, polygonToCells } from 'h3-js';
import { CATEGORY_CODES } from '../../taxonomy';
import type { Queryable } from '../db/client';
import type { AreaRef } from '../db/queries/areas-counts';
import {
	areasCells,
	areasSquareMetres,
	findAreas,
	type VersionedArea
} from '../db/queries/areas-study';
import { env } from '../env';
import { ServiceError } from '../errors';
import { Lru } from './lru';
import { registerCache } from './caches';

export type BBox = readonly [west: number, south: number, east: number, north: number];

export const MIN_RES = 5;
export const MAX_RES = 10;

/** Where and when: shared by the analysis services. */
export interface StudyRequest {
	/** Area references: id, `kind:code` or `kind:*`; the study area is their union. */
	area?: readonly string[];
	bbox?: BBox;
	res: number;
	/** Inclusive local days; absent means the first/last day of the data. */
	from?: string;
	to?: string;
	/** Taxonomy codes; empty means every category. */
	categories?: readonly string[];
	/** Largest study area in cells; default env().maxStudyCells. */
	maxStudyCells?: number;
}

export interface StudyArea {
	areas: AreaRef[];
	bbox: BBox | null;
	res: number;
	cells: string[];
	/** sha1 of the cell list: the key of cached weights and counts. */
	key: string;
}

// Validation (the routes validate first with zod; the CLI and other callers land here).

const KNOWN: readonly string[] = CATEGORY_CODES;

export function checkCategories(categories: readonly string[] | undefined): string[] | null {
	const list = [...new Set(categories ?? [])];
	const unknown = list.filter((c) => !KNOWN.includes(c));
	if (unknown.length)
		throw new ServiceError(
			'E_PARAMETER',
			`categories: unknown category ${unknown.map((c) => `"${c}"`).join(', ')}; known codes are ${KNOWN.join(', ')}`
		);
	return list.length ? list : null;
}

export function checkRes(res: number): void {
	if (!Number.isInteger(res) || res < MIN_RES || res > MAX_RES)
		throw new ServiceError(
			'E_PARAMETER',
			`res: must be a whole number from ${MIN_RES} to ${MAX_RES} (H3 resolution), got ${res}`
		);
}

/** Areas by reference, every one of which must exist. */
export async function resolveAreas(
	db: Queryable,
	refs: readonly string[]
): Promise<VersionedArea[]> {
	const { areas, missing } = await findAreas(db, refs);
	if (missing.length)
		throw new ServiceError(
			'E_UNKNOWN_AREA',
			`area: no area ${missing.map((m) => `"${m}"`).join(', ')}; use an id, kind:code (e.g. district:7) or kind:* — see /api/areas`
		);
	return areas;
}

/** Surface of a lon/lat box on the sphere (R = 6,371,007.2 m, the authalic radius), m². */
export function bboxSquareMetres([w, s, e, n]: BBox): number {
	const R = 6_371_007.2;
	const rad = Math.PI / 180;
	return R * R * (e - w) * rad * Math.abs(Math.sin(n * rad) - Math.sin(s * rad));
}

function tooLarge(what: string, cells: number, res: number, limit: number): ServiceError {
	return new ServiceError(
		'E_STUDY_AREA_TOO_LARGE',
		`The study area is too large: ${what} ${Math.round(cells).toLocaleString('en-GB')} cells at resolution ${res}, over the limit of ${limit.toLocaleString('en-GB')} cells. Choose a smaller area or bbox, or a coarser resolution (res ${Math.max(MIN_RES, res - 1)}).`
	);
}

/**
 * Study areas already listed, per (resolution, areas and their row versions) or (resolution, bbox):
 * their surface, cells and key. An area import replaces the row, so its version moves and the entry
 * is no longer found.
 */
const studyAreaCache = registerCache(
	'areas',
	new Lru<string, { m2: number; cells: string[]; key: string }>(32)
);

const cellsKey = (cells: readonly string[]) =>
	createHash('sha1').update(cells.join(',')).digest('hex');

/**
 * The explicit study area. Its size is estimated from its surface before any cell is listed, so an
 * oversized request fails fast with the limit in the message.
 */
export async function resolveStudyArea(db: Queryable, q: StudyRequest): Promise<StudyArea> {
	checkRes(q.res);
	const limit = q.maxStudyCells ?? env().maxStudyCells;
	const cellM2 = getHexagonAreaAvg(q.res, 'm2');
	if ((q.area?.length ?? 0) > 0 === (q.bbox !== undefined))
		throw new ServiceError(
			'E_STUDY_AREA_MISSING',
			'Give the study area as area (id, kind:code or kind:*) or bbox (west,south,east,north), not both'
		);
	let listed: { m2: number; cells: string[]; key: string };
	let areas: VersionedArea[] = [];
	if (q.bbox) {
		const [w, s, e, n] = q.bbox;
		if (!(w < e && s < n && w >= -180 && e <= 180 && s >= -90 && n <= 90))
			throw new ServiceError(
				'E_PARAMETER',
				'bbox: must be west,south,east,north in degrees with west < east and south < north'
			);
		const estimate = bboxSquareMetres(q.bbox) / cellM2;
		if (estimate > limit) throw tooLarge('the bbox holds about', estimate, q.res, limit);
		const cacheKey = `${q.res}|bbox:${q.bbox.join(',')}`;
		let hit = studyAreaCache.get(cacheKey);
		if (!hit) {
			const cells = polygonToCells(
				[
					[
						[w, s],
						[e, s],
						[e, n],
						[w, n],
						[w, s]
					]
				],
				q.res,
				true
			).sort();
			hit = { m2: bboxSquareMetres(q.bbox), cells, key: cellsKey(cells) };
			studyAreaCache.set(cacheKey, hit);
		}
		listed = hit;
	} else {
		areas = await resolveAreas(db, q.area!);
		const ids = areas.map((a) => a.id);
		const cacheKey = `${q.res}|${areas.map((a) => `${a.id}@${a.version}`).join(',')}`;
		let hit = studyAreaCache.get(cacheKey);
		// The surface is checked against the limit before the cells are listed, also from the cache.
		const m2 = hit?.m2 ?? (await areasSquareMetres(db, ids));
		const estimate = m2 / cellM2;
		if (estimate > limit) throw tooLarge('the area covers about', estimate, q.res, limit);
		if (!hit) {
			const cells = await areasCells(db, ids, q.res);
			hit = { m2, cells, key: cellsKey(cells) };
			studyAreaCache.set(cacheKey, hit);
		}
		listed = hit;
	}
	const { cells, key } = listed;
	if (cells.length > limit) throw tooLarge('it has', cells.length, q.res, limit);
	if (cells.length === 0)
		throw new ServiceError(
			'E_STUDY_AREA_MISSING',
			`The study area has no H3 cells at resolution ${q.res}; choose a larger area or a finer resolution`
		);
	return {
		areas: areas.map(({ id, kind, code, name }) => ({ id, kind, code, name })),
		bbox: q.bbox ?? null,
		res: q.res,
		cells,
		key
	};
}

export interface StudyParameters {
	areas: AreaRef[];
	bbox: BBox | null;
	res: number;
	from: string;
	to: string;
	/** Empty: every category. */
	categories: string[];
	studyAreaCells: number;
	maxStudyCells: number;
}

export function studyParameters(
	study: StudyArea,
	period: { from: string; to: string },
	categories: string[] | null,
	q: StudyRequest
): StudyParameters {
	return {
		areas: study.areas,
		bbox: study.bbox,
		res: study.res,
		from: period.from,
		to: period.to,
		categories: categories ?? [],
		studyAreaCells: study.cells.length,
		maxStudyCells: q.maxStudyCells ?? env().maxStudyCells
	};
}
