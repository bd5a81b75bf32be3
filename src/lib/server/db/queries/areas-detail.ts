/**
 * Reads for the neighbourhood view: one area with its bounds, its counts per category over several
 * periods (from the rollups at resolution 10, through the area's resolution-10 cover), how the data's
 * days are dated (monthly sources date every incident to the 1st), and the observations recorded
 * inside it.
 */
import type { Queryable } from '../client';
import { grainIs, rollupRows } from './rollup';

export interface AreaWithBounds {
	id: number;
	kind: string;
	code: string;
	name: string;
	/** [west, south, east, north] in WGS84. */
	bbox: [number, number, number, number];
}

export async function areaWithBounds(db: Queryable, id: number): Promise<AreaWithBounds | null> {
	const rows = await db.query<{
		id: number;
		kind: string;
		code: string;
		name: string;
		w: number;
		s: number;
		e: number;
		n: number;
	}>(
		`SELECT id, kind, code, name, ST_XMin(geom)::float8 AS w, ST_YMin(geom)::float8 AS s,
		        ST_XMax(geom)::float8 AS e, ST_YMax(geom)::float8 AS n
		 FROM areas WHERE id = $1`,
		[id]
	);
	const r = rows[0];
	if (!r) return null;
	return {
		id: Number(r.id),
		kind: r.kind,
		code: r.code,
		name: r.name,
		bbox: [Number(r.w), Number(r.s), Number(r.e), Number(r.n)]
	};
}

export interface Period {
	from: string;
	to: string;
}

/** Counts per category inside an area in each period (index-aligned with `periods`). */
export async function categoryCountsInPeriods(
	db: Queryable,
	areaId: number,
	periods: readonly Period[]
): Promise<{ category: string; counts: number[] }[]> {
	if (periods.length === 0) return [];
	// Each period read on its own (its whole years, months and days), tagged with its index.
	const cols = periods.map((_, i) => `coalesce(sum(c.n) FILTER (WHERE c.p = ${i}), 0)::int`);
	const rows = await db.query<{ category: string; counts: number[] }>(
		`SELECT c.category, ARRAY[${cols.join(', ')}] AS counts
		 FROM (${periods
				.map(
					(p, i) =>
						`SELECT ${i} AS p, h3, category, n FROM ${rollupRows(10, p.from, p.to, 'year', { categories: 'NULL::text[]', per: 'category' })} r${i}`
				)
				.join(' UNION ALL ')}) c
		 WHERE c.h3 IN (SELECT h3 FROM area_cells WHERE area_id = $1) AND c.category NOT LIKE 'road-collision-%'
		 GROUP BY c.category ORDER BY c.category`,
		[areaId]
	);
	return rows.map((r) => ({ category: r.category, counts: r.counts.map(Number) }));
}

/**
 * Rollup rows in the period and how many of them fall on the 1st of a month, of the sources that
 * reach the period's last month (a source that ended earlier, e.g. another city's, says nothing about
 * the grain of the data's end).
 */
export async function dayDating(
	db: Queryable,
	from: string,
	to: string
): Promise<{ rows: number; firstOfMonth: number }> {
	const rows = await db.query<{ rows: number; first: number }>(
		`SELECT count(*)::int AS rows, count(*) FILTER (WHERE extract(day FROM period) = 1)::int AS first
		 FROM cell_counts
		 WHERE res = 10 AND ${grainIs('day')} AND period BETWEEN $1::date AND $2::date
		   AND category NOT LIKE 'road-collision-%'
		   AND source_id IN (SELECT DISTINCT source_id FROM cell_counts
		     WHERE res = 10 AND ${grainIs('day')} AND period BETWEEN $2::date - 31 AND $2::date
		       AND category NOT LIKE 'road-collision-%')`,
		[from, to]
	);
	return { rows: Number(rows[0]?.rows ?? 0), firstOfMonth: Number(rows[0]?.first ?? 0) };
}

export interface ObservationRow {
	id: number;
	observedAt: string;
	text: string;
	source: string;
	sourceCategory: string;
	sourceEvaluation: number;
	intelligenceAssessment: string;
	handlingCode: string;
	reviewStatus: string;
}

/**
 * Community-sourced observations (sources of category `community`: residents, businesses, community
 * groups — DESIGN's neighbourhood view; officers' and other sources' reports stay on the map layer)
 * located inside the area (by its resolution-10 cover, which holds their own resolution-10 cells, or
 * its polygon for those without a cell), newest first, not rejected, handling
 * code C only with `includeRestricted`; the dissemination text where one was written unless
 * `recordedText`; with `allowedAreaIds`, only those lying inside one of these areas (a reader's area
 * limits). With the total of those.
 */
export async function observationsInArea(
	db: Queryable,
	areaId: number,
	limit: number,
	access: {
		includeRestricted: boolean;
		recordedText: boolean;
		allowedAreaIds?: readonly number[] | null;
	} = {
		includeRestricted: false,
		recordedText: false
	}
): Promise<{ total: number; rows: ObservationRow[] }> {
	const where = `o.review_status <> 'rejected' AND o.merged_into IS NULL AND ($2::boolean OR o.handling_code = 'P')
	   AND o.source_id IN (SELECT id FROM sources WHERE category = 'community') AND (
	     o.h3_r10 IN (SELECT h3 FROM area_cells WHERE area_id = $1)
	     OR (o.h3_r10 IS NULL AND EXISTS (SELECT 1 FROM areas a WHERE a.id = $1 AND ST_Intersects(a.geom, o.geom))))
	   AND ($3::int[] IS NULL OR EXISTS (
	     SELECT 1 FROM areas a WHERE a.id = ANY($3::int[]) AND ST_Covers(a.geom, o.geom)))`;
	const limits = access.allowedAreaIds ? [...access.allowedAreaIds] : null;
	const [count, rows] = await Promise.all([
		db.query<{ n: number }>(`SELECT count(*)::int AS n FROM observations o WHERE ${where}`, [
			areaId,
			access.includeRestricted,
			limits
		]),
		db.query<{
			id: number;
			observed_at: string | Date;
			text: string;
			source: string;
			source_category: string;
			source_evaluation: number;
			intelligence_assessment: string;
			handling_code: string;
			review_status: string;
		}>(
			`SELECT o.id, o.observed_at,
			        CASE WHEN $4::boolean THEN o.text ELSE coalesce(o.sanitised_text, o.text) END AS text,
			        s.name AS source,
			        s.category AS source_category, o.source_evaluation, o.intelligence_assessment,
			        o.handling_code, o.review_status
			 FROM observations o JOIN sources s ON s.id = o.source_id
			 WHERE ${where}
			 ORDER BY o.observed_at DESC, o.id DESC LIMIT $5::int`,
			[areaId, access.includeRestricted, limits, access.recordedText, limit]
		)
	]);
	return {
		total: Number(count[0]?.n ?? 0),
		rows: rows.map((r) => ({
			id: Number(r.id),
			observedAt: new Date(r.observed_at).toISOString(),
			text: r.text,
			source: r.source,
			sourceCategory: r.source_category,
			sourceEvaluation: Number(r.source_evaluation),
			intelligenceAssessment: r.intelligence_assessment,
			handlingCode: r.handling_code,
			reviewStatus: r.review_status
		}))
	};
}

/** Resolution-10 cells in the area's cover (its size in the rollup's finest cells). */
export async function coverCellCount(db: Queryable, areaId: number): Promise<number> {
	const rows = await db.query<{ n: number }>(
		`SELECT count(*)::int AS n FROM area_cells WHERE area_id = $1`,
		[areaId]
	);
	return Number(rows[0]?.n ?? 0);
}

/**
 * The share (0–1) of an area's surface that lies inside the union of `within` (area ids), measured on
 * the sphere. 1 for an area inside them; a little under 1 where boundaries of different files round
 * differently along a shared edge.
 */
export async function shareInsideAreas(
	db: Queryable,
	areaId: number,
	within: readonly number[]
): Promise<number> {
	const rows = await db.query<{ share: number | null }>(
		`WITH a AS (SELECT geom FROM areas WHERE id = $1),
		      u AS (SELECT ST_Union(geom) AS geom FROM areas WHERE id = ANY($2::int[]))
		 SELECT (ST_Area(ST_Intersection(a.geom, u.geom)::geography)
		         / nullif(ST_Area(a.geom::geography), 0))::float8 AS share
		 FROM a, u`,
		[areaId, [...within]]
	);
	return Number(rows[0]?.share ?? 0);
}

/**
 * Areas (of every kind) that are among `within` or whose surface lies at least `minShare` inside their
 * union: what a viewer limited to `within` may choose. By kind, ids in order.
 */
export async function areasInside(
	db: Queryable,
	within: readonly number[],
	minShare: number
): Promise<{ kind: string; id: number }[]> {
	const rows = await db.query<{ kind: string; id: number }>(
		`WITH u AS (SELECT ST_Union(geom) AS geom FROM areas WHERE id = ANY($1::int[]))
		 SELECT a.kind, a.id FROM areas a, u
		 WHERE a.id = ANY($1::int[])
		    OR (a.geom && u.geom
		        AND ST_Area(ST_Intersection(a.geom, u.geom)::geography)
		            >= $2 * ST_Area(a.geom::geography))
		 ORDER BY a.kind, a.id`,
		[[...within], minShare]
	);
	return rows.map((r) => ({ kind: r.kind, id: Number(r.id) }));
}

/** Names of areas by id, in id order. */
export async function areaNames(db: Queryable, ids: readonly number[]): Promise<string[]> {
	const rows = await db.query<{ name: string }>(
		`SELECT name FROM areas WHERE id = ANY($1::int[]) ORDER BY id`,
		[[...ids]]
	);
	return rows.map((r) => r.name);
}
