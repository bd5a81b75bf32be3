/** Map-scale reads from the cell × day × category rollup (never raw incidents). */
import type { Queryable } from '../client';

export interface CellCountFilter {
	res: number;
	from: string;
	to: string;
	categories: string[] | null;
	sourceIds: number[] | null;
	/** Restrict to the resolution-10 cells of these areas. */
	areaIds?: number[] | null;
}

/** Counts per H3 cell at `res` (hex index) over the filter, sorted by cell. */
export async function countsByCell(
	db: Queryable,
	f: CellCountFilter
): Promise<{ cell: string; n: number }[]> {
	const cellExpr = f.res === 10 ? 'c.h3' : `h3_parent(c.h3, ${Number(f.res)})`;
	const areaJoin = f.areaIds?.length
		? 'JOIN (SELECT DISTINCT h3 FROM area_cells WHERE area_id = ANY($5::int[])) a ON a.h3 = c.h3'
		: '';
	const rows = await db.query<{ cell: string; n: number }>(
		`SELECT to_hex(${cellExpr}) AS cell, sum(c.n)::int AS n
		 FROM cell_day_counts c ${areaJoin}
		 WHERE c.day BETWEEN $1::date AND $2::date
		   AND ($3::text[] IS NULL OR c.category = ANY($3::text[]))
		   AND ($4::int[] IS NULL OR c.source_id = ANY($4::int[]))
		 GROUP BY 1 ORDER BY 1`,
		f.areaIds?.length
			? [f.from, f.to, f.categories, f.sourceIds, f.areaIds]
			: [f.from, f.to, f.categories, f.sourceIds]
	);
	return rows.map((r) => ({ cell: r.cell, n: Number(r.n) }));
}

export interface DataRange {
	from: string;
	to: string;
}

export async function rollupRange(db: Queryable): Promise<DataRange | null> {
	const rows = await db.query<{ from: string | null; to: string | null }>(
		`SELECT min(day)::text AS "from", max(day)::text AS "to" FROM cell_day_counts`
	);
	return rows[0]?.from ? { from: rows[0].from, to: rows[0].to! } : null;
}

export async function categoryTotals(db: Queryable): Promise<{ code: string; count: number }[]> {
	const rows = await db.query<{ code: string; count: number }>(
		`SELECT category AS code, sum(n)::int AS count FROM cell_day_counts GROUP BY 1 ORDER BY 2 DESC`
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
		        coalesce((SELECT sum(n) FROM cell_day_counts c WHERE c.source_id = s.id), 0)::int AS incidents
		 FROM sources s ORDER BY s.name`
	);
	return rows.map((r) => ({ ...r, id: Number(r.id), incidents: Number(r.incidents) }));
}
