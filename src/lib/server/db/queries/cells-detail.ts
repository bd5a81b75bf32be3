/** Reads behind the cell side panel: one cell's counts by category and by month, from the rollups. */
import type { Queryable } from '../client';
import { rollupRows, type CategoryMatch, type Grain } from './rollup';

export interface CellDetailFilter {
	/** The cell as a decimal bigint string, at `res`. */
	cell: string;
	res: number;
	from: string;
	to: string;
	categories: string[] | null;
	sourceIds: number[] | null;
}

/** The cell's rollup rows over the filter, at most `coarsest` grain. */
function cellRows(f: CellDetailFilter, coarsest: Grain, per: CategoryMatch['per']): string {
	return `${rollupRows(f.res, f.from, f.to, coarsest, { categories: '$2::text[]', per })} c
	 WHERE c.h3 = $1::bigint
	   AND ($2::text[] IS NULL AND c.category NOT LIKE 'road-collision-%' OR c.category = ANY($2::text[]))
	   AND ($3::int[] IS NULL OR c.source_id = ANY($3::int[]))`;
}

function params(f: CellDetailFilter) {
	return [f.cell, f.categories, f.sourceIds];
}

/** Incidents in the cell by category over the filter, largest first. */
export async function cellCountsByCategory(
	db: Queryable,
	f: CellDetailFilter
): Promise<{ category: string; n: number }[]> {
	const rows = await db.query<{ category: string; n: number }>(
		`SELECT c.category, sum(c.n)::int AS n FROM ${cellRows(f, 'year', 'category')}
		 GROUP BY 1 ORDER BY 2 DESC, 1`,
		params(f)
	);
	return rows.map((r) => ({ category: r.category, n: Number(r.n) }));
}

/** Incidents in the cell per calendar month (first day of the month), months without any left out. */
export async function cellCountsByMonth(
	db: Queryable,
	f: CellDetailFilter
): Promise<{ month: string; n: number }[]> {
	const rows = await db.query<{ month: string; n: number }>(
		`SELECT date_trunc('month', c.period)::date::text AS month, sum(c.n)::int AS n
		 FROM ${cellRows(f, 'month', 'set')} GROUP BY 1 ORDER BY 1`,
		params(f)
	);
	return rows.map((r) => ({ month: r.month, n: Number(r.n) }));
}
