/** Reads behind the cell side panel: one cell's counts by category and by month, from the rollup. */
import type { Queryable } from '../client';

export interface CellDetailFilter {
	/** The cell as a decimal bigint string, at `res`. */
	cell: string;
	res: number;
	/** Smallest and largest resolution-10 index under the cell (index range scan on the rollup key). */
	lo: string;
	hi: string;
	from: string;
	to: string;
	categories: string[] | null;
	sourceIds: number[] | null;
}

function where(f: CellDetailFilter): string {
	const parent = f.res === 10 ? 'h3' : `h3_parent(h3, ${Number(f.res)})`;
	return `h3 BETWEEN $1::bigint AND $2::bigint AND ${parent} = $3::bigint
	   AND day BETWEEN $4::date AND $5::date
	   AND ($6::text[] IS NULL OR category = ANY($6::text[]))
	   AND ($7::int[] IS NULL OR source_id = ANY($7::int[]))`;
}

function params(f: CellDetailFilter) {
	return [f.lo, f.hi, f.cell, f.from, f.to, f.categories, f.sourceIds];
}

/** Incidents in the cell by category over the filter, largest first. */
export async function cellCountsByCategory(
	db: Queryable,
	f: CellDetailFilter
): Promise<{ category: string; n: number }[]> {
	const rows = await db.query<{ category: string; n: number }>(
		`SELECT category, sum(n)::int AS n FROM cell_day_counts WHERE ${where(f)}
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
		`SELECT date_trunc('month', day)::date::text AS month, sum(n)::int AS n
		 FROM cell_day_counts WHERE ${where(f)} GROUP BY 1 ORDER BY 1`,
		params(f)
	);
	return rows.map((r) => ({ month: r.month, n: Number(r.n) }));
}
