/** Helpers for integration tests on the demo data (City of London police.uk street crime). */
import type { Queryable } from '../../src/lib/server/db/client';

/** The LSOA with the most incidents: enough counts in every period to compare. */
export async function busiestLsoa(db: Queryable): Promise<{ id: number; code: string }> {
	const rows = await db.query<{ id: number; code: string }>(
		`SELECT a.id, a.code FROM areas a JOIN area_cells ac ON ac.area_id = a.id
		 JOIN cell_counts c ON c.h3 = ac.h3 AND c.res = 10 AND c.grain IN ('year', 'month-only') WHERE a.kind = 'lsoa'
		 GROUP BY a.id, a.code ORDER BY sum(c.n) DESC, a.code LIMIT 1`
	);
	return { id: Number(rows[0].id), code: rows[0].code };
}
