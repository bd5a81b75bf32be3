/** Map-scale reads from the rollups (never raw incidents). */
import type { Queryable } from '../client';
import { areaCoverCells, grainIs, rollupAll, rollupRows, type Grain } from './rollup';

export interface CellCountFilter {
	res: number;
	from: string;
	to: string;
	categories: string[] | null;
	sourceIds: number[] | null;
	/** Restrict to the cells at `res` of these areas' covers. */
	areaIds?: number[] | null;
}

/** Counts per H3 cell at `res` (hex index) over the filter, sorted by cell. */
export async function countsByCell(
	db: Queryable,
	f: CellCountFilter
): Promise<{ cell: string; n: number }[]> {
	const areaJoin = f.areaIds?.length
		? `JOIN (SELECT DISTINCT h3 FROM (${areaCoverCells(f.res, '$3::int[]')}) x) a ON a.h3 = c.h3`
		: '';
	const rows = await db.query<{ cell: string; n: number }>(
		`SELECT to_hex(c.h3) AS cell, sum(c.n)::int AS n
		 FROM ${rollupRows(f.res, f.from, f.to, 'year', { categories: '$1::text[]', per: 'set' })} c ${areaJoin}
		 WHERE ($1::text[] IS NULL AND c.category NOT LIKE 'road-collision-%' OR c.category = ANY($1::text[]))
		   AND ($2::int[] IS NULL OR c.source_id = ANY($2::int[]))
		 GROUP BY c.h3 ORDER BY c.h3`,
		f.areaIds?.length ? [f.categories, f.sourceIds, f.areaIds] : [f.categories, f.sourceIds]
	);
	return rows.map((r) => ({ cell: r.cell, n: Number(r.n) }));
}

export interface DataRange {
	from: string;
	to: string;
}

export async function rollupRange(db: Queryable): Promise<DataRange | null> {
	const rows = await db.query<{ from: string | null; to: string | null }>(
		`SELECT min(period)::text AS "from", max(period)::text AS "to" FROM cell_counts
		 WHERE res = 5 AND ${grainIs('day')} AND category NOT LIKE 'road-collision-%'`
	);
	return rows[0]?.from ? { from: rows[0].from, to: rows[0].to! } : null;
}

/**
 * First and last days with stored counts inside the areas (their resolution-9 covers), and the
 * month/day grain test over the last year: `firstOfMonth` rollup rows on a 1st of the month and
 * `rows` in all, or null when the areas hold no counts. Read coarse to fine (the first and last year,
 * then month, then day), so the cost is the area's cells × a year's periods, not its incident-days
 * over all time. Rows not on a 1st are counted only as far as the test (≥ 99 % on 1sts, extent.ts)
 * needs: past ⌊firstOfMonth / 99⌋ + 1 of them the answer is "days" and `rows` stops growing there.
 */
export async function areaRollupDating(
	db: Queryable,
	areaIds: number[]
): Promise<(DataRange & { rows: number; firstOfMonth: number }) | null> {
	const inArea = `c.res = 9 AND c.category NOT LIKE 'road-collision-%'
		   AND c.h3 IN (SELECT h3 FROM (${areaCoverCells(9, '$1::int[]')}) x)`;
	// The first (last) period of one grain inside the period of the next coarser one.
	const edge = (fn: 'min' | 'max', grain: Grain, within: string, span: string) =>
		`(SELECT ${fn}(c.period) FROM cell_counts c WHERE ${inArea} AND ${grainIs(grain, 'c.grain')}
		   AND c.period >= ${within} AND c.period < ${within} + interval '${span}')`;
	const rows = await db.query<{
		from: string | null;
		to: string | null;
		rows: number;
		first: number;
	}>(
		`WITH y AS (SELECT min(c.period) AS f, max(c.period) AS t FROM cell_counts c
		   WHERE ${inArea} AND ${grainIs('year', 'c.grain')}),
		 m AS (SELECT ${edge('min', 'month', 'y.f', '1 year')} AS f, ${edge('max', 'month', 'y.t', '1 year')} AS t FROM y),
		 d AS (SELECT ${edge('min', 'day', 'm.f', '1 month')} AS f, ${edge('max', 'day', 'm.t', '1 month')} AS t FROM m),
		 firsts AS (SELECT count(*) AS n FROM cell_counts c
		   WHERE ${inArea} AND ${grainIs('day', 'c.grain')} AND c.period = ANY(ARRAY(
		     SELECT g::date FROM d, generate_series(date_trunc('month', d.t - 364), d.t, interval '1 month') g
		     WHERE g > d.t - 365))),
		 others AS (SELECT count(*) AS n FROM (SELECT 1 FROM cell_counts c, d
		   WHERE ${inArea} AND ${grainIs('day', 'c.grain')} AND c.period > d.t - 365 AND c.period <= d.t
		     AND extract(day FROM c.period) <> 1
		   LIMIT (SELECT n / 99 + 1 FROM firsts)) o)
		 SELECT d.f::text AS "from", d.t::text AS "to",
		        ((SELECT n FROM firsts) + (SELECT n FROM others))::int AS rows,
		        (SELECT n FROM firsts)::int AS first
		 FROM d`,
		[areaIds]
	);
	const r = rows[0];
	if (!r?.from) return null;
	return { from: r.from, to: r.to!, rows: Number(r.rows), firstOfMonth: Number(r.first) };
}

export async function categoryTotals(db: Queryable): Promise<{ code: string; count: number }[]> {
	const rows = await db.query<{ code: string; count: number }>(
		`SELECT c.category AS code, sum(c.n)::int AS count
		 FROM ${rollupAll(5, 'year', 'category')} c
		 WHERE c.category NOT LIKE 'road-collision-%' GROUP BY 1 ORDER BY 2 DESC`
	);
	return rows.map((r) => ({ code: r.code, count: Number(r.count) }));
}

export interface SourceSummary {
	id: number;
	name: string;
	kind: string;
	category: string;
	attribution: string | null;
	incidents: number;
}

export async function sourceSummaries(db: Queryable): Promise<SourceSummary[]> {
	const rows = await db.query<SourceSummary>(
		`SELECT s.id, s.name, s.kind, s.category, s.attribution,
		        coalesce((SELECT sum(n) FROM cell_counts c
		          WHERE c.res = 5 AND ${grainIs('year', 'c.grain')} AND c.source_id = s.id), 0)::int AS incidents
		 FROM sources s ORDER BY s.name`
	);
	return rows.map((r) => ({ ...r, id: Number(r.id), incidents: Number(r.incidents) }));
}

/** The id of the source with this name, or null. */
export async function sourceIdByName(db: Queryable, name: string): Promise<number | null> {
	const rows = await db.query<{ id: number }>(`SELECT id FROM sources WHERE name = $1`, [name]);
	return rows[0] ? Number(rows[0].id) : null;
}
