/**
 * The analysis caches and what empties them. H3 neighbour weights per (study area, k) — building
 * gridDisk lists for 100k cells costs ~0.8 s —, counts per (study area, period, categories, rollup
 * version), and the caches services register (whole answers). Keys carry the rollup version and the
 * areas' row versions, so an import never serves an older answer; the LRU bounds keep memory in check.
 */
import { h3DiskWeights } from '../analysis/h3-weights';
import type { SpatialWeights } from '../analysis/weights';
import type { Queryable } from '../db/client';
import { countsInStudyCells, rollupVersion } from '../db/queries/areas-study';
import type { StudyArea } from './area';
import { Lru } from './lru';

/**
 * What a cache depends on: `data` (incident imports make it stale: counts and answers) or `areas`
 * (area imports: study areas and weights).
 */
export type CacheScope = 'data' | 'areas';

const registered: { scope: CacheScope; cache: { clear(): void } }[] = [];

/** Put `cache` under `clearAnalysisCaches`; returns it. */
export function registerCache<C extends { clear(): void }>(scope: CacheScope, cache: C): C {
	registered.push({ scope, cache });
	return cache;
}

const weightsCache = registerCache('areas', new Lru<string, SpatialWeights>(16));
const countsCache = registerCache(
	'data',
	new Lru<string, Float64Array>(64, 2_000_000, (c) => c.length)
);

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
	for (const r of registered) if (scope === 'all' || r.scope === scope) r.cache.clear();
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
