/** Reads of `source_coverage`: which days or months hold data, where. */
import type { Queryable } from '../client';

/** Where coverage is asked for: everywhere, the footprints of some areas, or of some H3 cells. */
export type CoveragePlace =
	| { everywhere: true }
	| { areaIds: readonly number[] }
	/** Cells at resolution `res` (≥ 5), H3 index strings. */
	| { cells: readonly string[]; res: number };

/**
 * Whose coverage: crime sources, or road-collision sources (`sources.category = 'road-collisions'`,
 * src/lib/road-safety.ts). A day with only collisions imported is not a day crime data covers.
 */
export type CoverageDomain = 'crime' | 'road';

export interface CoverageRecord {
	grain: 'day' | 'month';
	periodStart: string;
}

/**
 * Distinct covered periods overlapping [from, to] ('YYYY-MM-DD') at a place. A source covers a place
 * in a month when it holds data there (a footprint — resolution-5 cell — of the place's cells) that
 * month; within such a month its covered days are the days it holds data anywhere (a day without a
 * record in one quiet footprint is not a day the source stopped publishing). Everywhere includes
 * records without a location. `footprints` are resolution-5 cells (decimal bigint text) when the place
 * is given as cells.
 */
export async function coverageRecords(
	db: Queryable,
	from: string,
	to: string,
	place: CoveragePlace,
	footprints: readonly string[] = [],
	domain: CoverageDomain = 'crime'
): Promise<CoverageRecord[]> {
	const params: unknown[] = [from, to];
	let where = '';
	if ('areaIds' in place) {
		params.push(place.areaIds);
		where = `AND footprint IN (SELECT h3 FROM area_coarse_cells WHERE res = 5 AND area_id = ANY($3::int[]))`;
	} else if ('cells' in place) {
		params.push(footprints);
		where = `AND footprint = ANY($3::bigint[])`;
	}
	const rows = await db.query<CoverageRecord & Record<string, unknown>>(
		`WITH place_months AS (
		   SELECT DISTINCT source_id, grain, date_trunc('month', period_start)::date AS month
		   FROM source_coverage
		   WHERE period_start BETWEEN date_trunc('month', $1::date)::date AND $2::date ${where}
		     AND source_id ${domain === 'road' ? '' : 'NOT '}IN (SELECT id FROM sources WHERE category = 'road-collisions')
		 )
		 SELECT DISTINCT c.grain, c.period_start::text AS "periodStart"
		 FROM source_coverage c
		 JOIN place_months p ON p.source_id = c.source_id AND p.grain = c.grain
		  AND p.month = date_trunc('month', c.period_start)::date
		 WHERE c.period_start BETWEEN date_trunc('month', $1::date)::date AND $2::date
		 ORDER BY 2, 1`,
		params
	);
	return rows.map((r) => ({ grain: r.grain, periodStart: r.periodStart }));
}
