/**
 * Hot spots for one user job: "where are incidents concentrated, beyond chance, in this area and
 * period?" Getis-Ord Gi* with Benjamini–Hochberg FDR over an explicit study area (DESIGN §4), counts
 * from the cell × day rollup. Also the study-area resolution the other analysis services share.
 *
 * Study area: the cells at `res` of the chosen areas (parents of their resolution-10 H3 cover, zeros
 * included), or the cells whose centres fall in a bbox. A study cell's value is every incident in the
 * cell (a coarse cell on an area's edge counts whole), so results match counting incidents by cell.
 */
import { createHash } from 'node:crypto';
import { getHexagonAreaAvg, polygonToCells } from 'h3-js';
import { CATEGORY_CODES } from '../../taxonomy';
import { getisOrd, type GetisOrdParameters } from '../analysis/getis-ord';
import { h3DiskWeights } from '../analysis/h3-weights';
import type { SpatialWeights } from '../analysis/weights';
import type { Database, Queryable } from '../db/client';
import type { AreaRef } from '../db/queries/analysis';
import {
	areasCells,
	areasSquareMetres,
	countsInStudyCells,
	findAreas,
	rollupVersion,
	type VersionedArea
} from '../db/queries/analysis-study';
import { rollupRange } from '../db/queries/cells';
import { env } from '../env';
import { ServiceError } from './errors';

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

// ------------------------------------------------------------------------------------------------
// Validation shared with the other analysis services (the routes validate first with zod; the CLI
// and other callers land here).

const KNOWN: readonly string[] = CATEGORY_CODES;
const ISO = /^\d{4}-\d{2}-\d{2}$/;

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

function isDate(v: string): boolean {
	if (!ISO.test(v)) return false;
	const d = new Date(v + 'T00:00:00Z');
	return !Number.isNaN(+d) && d.toISOString().slice(0, 10) === v;
}

/** The period, defaulting to the data's range; inverted or malformed dates are refused. */
export async function resolvePeriod(
	db: Queryable,
	from: string | undefined,
	to: string | undefined
): Promise<{ from: string; to: string }> {
	for (const [name, v] of [
		['from', from],
		['to', to]
	] as const)
		if (v !== undefined && !isDate(v))
			throw new ServiceError(
				'E_DATE_RANGE',
				`${name}: must be a date written YYYY-MM-DD, got "${v}"`
			);
	if (from && to && from > to)
		throw new ServiceError('E_DATE_RANGE', `from (${from}) must not be after to (${to})`);
	if (from && to) return { from, to };
	const range = await rollupRange(db);
	if (!range)
		throw new ServiceError(
			'E_NO_DATA',
			'There are no incidents yet, so no period can be chosen; import data or give from and to',
			422
		);
	const f = from ?? range.from;
	const t = to ?? range.to;
	if (f > t) throw new ServiceError('E_DATE_RANGE', `from (${f}) must not be after to (${t})`);
	return { from: f, to: t };
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
 * A small least-recently-used map, bounded by entries and, when `weigh` is given, by the sum of the
 * entries' weights (e.g. cells, so a few 100,000-cell answers cannot hold gigabytes).
 */
export class Lru<K, V> {
	private readonly map = new Map<K, { value: V; weight: number }>();
	private total = 0;
	constructor(
		private readonly max: number,
		private readonly maxWeight = Infinity,
		private readonly weigh: (value: V) => number = () => 0
	) {}
	get(key: K): V | undefined {
		const e = this.map.get(key);
		if (e !== undefined) {
			this.map.delete(key);
			this.map.set(key, e);
		}
		return e?.value;
	}
	set(key: K, value: V): void {
		this.delete(key);
		const weight = this.weigh(value);
		if (weight > this.maxWeight) return;
		this.map.set(key, { value, weight });
		this.total += weight;
		while (this.map.size > this.max || this.total > this.maxWeight)
			this.delete(this.map.keys().next().value as K);
	}
	private delete(key: K): void {
		const e = this.map.get(key);
		if (e === undefined) return;
		this.map.delete(key);
		this.total -= e.weight;
	}
	get size(): number {
		return this.map.size;
	}
	clear(): void {
		this.map.clear();
		this.total = 0;
	}
}

/**
 * Study areas already listed, per (resolution, areas and their row versions) or (resolution, bbox):
 * their surface, cells and key. An area import replaces the row, so its version moves and the entry
 * is no longer found.
 */
const studyAreaCache = new Lru<string, { m2: number; cells: string[]; key: string }>(32);

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

// ------------------------------------------------------------------------------------------------
// Caches: H3 neighbour weights per (study area, k) — building gridDisk lists for 100k cells costs
// ~0.8 s —, counts per (study area, period, categories, rollup version) and whole hot-spot answers
// per (those, k, alpha, fdr). Keys carry the rollup version and the areas' row versions, so an import
// never serves an older answer; the LRU bounds keep memory in check.

const weightsCache = new Lru<string, SpatialWeights>(16);
const countsCache = new Lru<string, Float64Array>(64, 2_000_000, (c) => c.length);
const answersCache = new Lru<string, HotspotsResult>(32, 1_000_000, (a) => a.cells.length);

/** Neighbour weights gridDisk(cell, k) ∩ study area, self included, cached per (cells, k). */
export function studyWeights(
	study: StudyArea,
	k: number
): { weights: SpatialWeights; cached: boolean } {
	const key = `${study.key}|${k}`;
	const hit = weightsCache.get(key);
	if (hit) return { weights: hit, cached: true };
	const weights = h3DiskWeights(study.cells, { k, includeSelf: true });
	weightsCache.set(key, weights);
	return { weights, cached: false };
}

/**
 * Empty the caches: `all` (benchmarks time cold requests; tests start clean), or `data`, what an
 * incident import makes stale — counts and answers — keeping study areas and weights, which depend on
 * the areas only.
 */
export function clearAnalysisCaches(scope: 'all' | 'data' = 'all'): void {
	countsCache.clear();
	answersCache.clear();
	if (scope === 'data') return;
	weightsCache.clear();
	studyAreaCache.clear();
}

/** Counts aligned with `study.cells` (zeros included), cached until the next import commits. */
export async function studyCounts(
	db: Queryable,
	study: StudyArea,
	period: { from: string; to: string },
	categories: string[] | null,
	version?: string
): Promise<{ counts: Float64Array; cached: boolean }> {
	const key = `${study.key}|${period.from}|${period.to}|${categories?.join(',') ?? '*'}|${version ?? (await rollupVersion(db))}`;
	const hit = countsCache.get(key);
	if (hit) return { counts: hit, cached: true };
	const rows = await countsInStudyCells(db, study.cells, { res: study.res, ...period, categories });
	const index = new Map(study.cells.map((c, i) => [c, i]));
	const counts = new Float64Array(study.cells.length);
	for (const r of rows) counts[index.get(r.cell)!] = r.n;
	countsCache.set(key, counts);
	return { counts, cached: false };
}

// ------------------------------------------------------------------------------------------------

export interface HotspotsRequest extends StudyRequest {
	/** gridDisk distance of the neighbourhood. Default 1. */
	k?: number;
	/** Largest (adjusted) p that gets a non-zero bin. Default 0.10. */
	alpha?: number;
	/** Benjamini–Hochberg FDR. Default true. */
	fdr?: boolean;
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

export interface HotspotsResult {
	parameters: StudyParameters &
		Omit<GetisOrdParameters, 'n' | 'variant' | 'weights'> & {
			statistic: 'Gi*';
			k: number;
			weights: 'binary gridDisk(k) ∩ study area, self included';
			degenerate: number;
			/** What came from the caches; `answer`: the whole answer (then weights and counts too). */
			cache: { weights: boolean; counts: boolean; answer: boolean };
		};
	summary: { total: number; hot: [number, number, number]; cold: [number, number, number] };
	/** Columnar: `cells[i]` has `counts[i]`, `z[i]`, … */
	cells: string[];
	counts: number[];
	z: number[];
	p: number[];
	pAdjusted: number[];
	bin: number[];
}

/**
 * Gi* hot spots for an area or bbox, a period, categories and a resolution. The same request against
 * the same rollup and areas is answered from a cache; cached answers are shared, so callers must not
 * change the arrays they get.
 *
 * @example
 * const r = await hotspotsForArea(db, { area: ['district:*'], res: 8, from: '2019-01-01', to: '2019-12-31' });
 * r.cells[0], r.z[0], r.bin[0]; // a cell, its Gi* z-score and confidence bin (±3/±2/±1)
 */
export async function hotspotsForArea(db: Database, q: HotspotsRequest): Promise<HotspotsResult> {
	const { k = 1, alpha = 0.1, fdr = true } = q;
	if (!Number.isInteger(k) || k < 1 || k > 5)
		throw new ServiceError('E_PARAMETER', `k: must be a whole number from 1 to 5, got ${k}`);
	if (!(alpha > 0 && alpha <= 1))
		throw new ServiceError('E_PARAMETER', `alpha: must be a number in (0, 1], got ${alpha}`);
	const categories = checkCategories(q.categories);
	checkRes(q.res);
	const period = await resolvePeriod(db, q.from, q.to);
	const study = await resolveStudyArea(db, q);
	const version = await rollupVersion(db);
	const answerKey = `${study.key}|${study.res}|${period.from}|${period.to}|${categories?.join(',') ?? '*'}|${k}|${alpha}|${fdr}|${version}`;
	const answer = answersCache.get(answerKey);
	// The parameters name the areas or bbox asked for, which another request for the same cells may
	// have spelt differently (`district:*` or the ids).
	if (answer)
		return {
			...answer,
			parameters: {
				...answer.parameters,
				...studyParameters(study, period, categories, q),
				cache: { weights: true, counts: true, answer: true }
			}
		};
	const { weights, cached: weightsCached } = studyWeights(study, k);
	const { counts, cached: countsCached } = await studyCounts(
		db,
		study,
		period,
		categories,
		version
	);
	const g = getisOrd(counts, weights, { fdr, alpha });
	const hot: [number, number, number] = [0, 0, 0];
	const cold: [number, number, number] = [0, 0, 0];
	let total = 0;
	for (let i = 0; i < g.bin.length; i++) {
		total += counts[i];
		const b = g.bin[i];
		if (b > 0) hot[b - 1]++;
		else if (b < 0) cold[-b - 1]++;
	}
	const result: HotspotsResult = {
		parameters: {
			...studyParameters(study, period, categories, q),
			statistic: 'Gi*',
			k,
			weights: 'binary gridDisk(k) ∩ study area, self included',
			fdr,
			alpha,
			mean: g.parameters.mean,
			sd: g.parameters.sd,
			degenerate: g.degenerate,
			cache: { weights: weightsCached, counts: countsCached, answer: false }
		},
		summary: { total, hot, cold },
		cells: study.cells,
		counts: Array.from(counts),
		z: Array.from(g.z),
		p: Array.from(g.p),
		pAdjusted: Array.from(g.pAdjusted),
		bin: Array.from(g.bin)
	};
	answersCache.set(answerKey, result);
	return result;
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
