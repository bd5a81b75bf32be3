/** Rollup reads for the analysis services: study areas, counts per cell, per step, per day. */
import type { Queryable } from '../client';
import { areaCoverCells, rollupRows } from './rollup';

export interface AreaRef {
	id: number;
	kind: string;
	code: string;
	name: string;
}

/** An area by numeric id or by `kind:code`. */
export async function findArea(db: Queryable, ref: string): Promise<AreaRef | null> {
	const m = /^([a-z0-9_-]+):(.+)$/.exec(ref);
	const rows = m
		? await db.query<AreaRef>(
				`SELECT id, kind, code, name FROM areas WHERE kind = $1 AND code = $2`,
				[m[1], m[2]]
			)
		: /^\d+$/.test(ref)
			? await db.query<AreaRef>(`SELECT id, kind, code, name FROM areas WHERE id = $1`, [
					Number(ref)
				])
			: [];
	return rows[0] ? { ...rows[0], id: Number(rows[0].id) } : null;
}

/** Number of distinct cells at `res` covering an area (to check limits before reading them). */
export async function areaCellCount(db: Queryable, areaId: number, res: number): Promise<number> {
	const rows = await db.query<{ n: number }>(
		`SELECT count(DISTINCT h3)::int AS n FROM (${areaCoverCells(res, 'ARRAY[$1::int]')}) x`,
		[areaId]
	);
	return Number(rows[0].n);
}

/** The area's cover at `res` (`areaCoverCells`), as hex H3 indexes. */
export async function areaCells(db: Queryable, areaId: number, res: number): Promise<string[]> {
	const rows = await db.query<{ cell: string }>(
		`SELECT DISTINCT to_hex(h3) AS cell FROM (${areaCoverCells(res, 'ARRAY[$1::int]')}) x ORDER BY 1`,
		[areaId]
	);
	return rows.map((r) => r.cell);
}

export interface RollupFilter {
	res: number;
	from: string;
	to: string;
	categories: string[] | null;
	sourceIds?: number[] | null;
}

/** Counts per cell and time step (`week` starts Monday, `month`), over the filter. */
export async function countsByCellAndStep(
	db: Queryable,
	f: RollupFilter,
	step: 'week' | 'month'
): Promise<{ cell: string; step: string; n: number }[]> {
	const rows = await db.query<{ cell: string; step: string; n: number }>(
		`SELECT to_hex(c.h3) AS cell, date_trunc('${step === 'week' ? 'week' : 'month'}', c.period)::date::text AS step,
		        sum(c.n)::int AS n
		 FROM ${rollupRows(f.res, f.from, f.to, step === 'week' ? 'day' : 'month', { categories: '$1::text[]', per: 'set' })} c
		 WHERE ($1::text[] IS NULL AND c.category NOT LIKE 'road-collision-%' OR c.category = ANY($1::text[]))
		   AND ($2::int[] IS NULL OR c.source_id = ANY($2::int[]))
		 GROUP BY c.h3, 2`,
		[f.categories, f.sourceIds ?? null]
	);
	return rows.map((r) => ({ cell: r.cell, step: r.step, n: Number(r.n) }));
}

/** Daily counts by category inside an area (or everywhere), for CompStat. */
export async function dailyCountsByCategory(
	db: Queryable,
	areaId: number | null,
	from: string,
	to: string,
	categories: string[] | null
): Promise<{ day: string; category: string; n: number }[]> {
	// Area totals count the points whose resolution-10 cell is in the area's cover; everywhere, the
	// coarsest cells hold the same total in fewer rows.
	const rows = await db.query<{ day: string; category: string; n: number }>(
		`SELECT c.period::text AS day, c.category, sum(c.n)::int AS n
		 FROM ${rollupRows(areaId === null ? 5 : 10, from, to, 'day', { categories: '$1::text[]', per: 'category' })} c
		 WHERE ($1::text[] IS NULL AND c.category NOT LIKE 'road-collision-%' OR c.category = ANY($1::text[]))
		   AND ($2::int IS NULL OR c.h3 IN (SELECT h3 FROM area_cells WHERE area_id = $2::int))
		 GROUP BY 1, 2 ORDER BY 1, 2`,
		[categories, areaId]
	);
	return rows.map((r) => ({ day: r.day, category: r.category, n: Number(r.n) }));
}

/** Counts per area of a kind over a period (for per-area trend maps). */
export async function countsByArea(
	db: Queryable,
	kind: string,
	from: string,
	to: string,
	categories: string[] | null
): Promise<{ areaId: number; code: string; name: string; n: number }[]> {
	const rows = await db.query<{ area_id: number; code: string; name: string; n: number }>(
		`SELECT a.id AS area_id, a.code, a.name, coalesce(sum(c.n), 0)::int AS n
		 FROM areas a
		 LEFT JOIN area_cells ac ON ac.area_id = a.id
		 LEFT JOIN ${rollupRows(10, from, to, 'year', { categories: '$2::text[]', per: 'set' })} c ON c.h3 = ac.h3
		   AND ($2::text[] IS NULL AND c.category NOT LIKE 'road-collision-%' OR c.category = ANY($2::text[]))
		 WHERE a.kind = $1
		 GROUP BY a.id, a.code, a.name ORDER BY a.code`,
		[kind, categories]
	);
	return rows.map((r) => ({
		areaId: Number(r.area_id),
		code: r.code,
		name: r.name,
		n: Number(r.n)
	}));
}
