/**
 * Reads for the supervisor view: recent counts per study cell, day and category (the input of the
 * prospective risk), and the occurrence windows of the area's incidents by category (the input of
 * the shift's time-of-day profile). Periods are local days of each incident's source, as in the rollup.
 */
import type { Queryable } from '../client';
import { cellToParent, getResolution, gridDisk } from 'h3-js';
import { rollupRows } from './rollup';

/** Counts per study cell (hex, at `res`), day and category; cells, days and categories with none are absent. */
export async function countsByCellDayCategory(
	db: Queryable,
	cells: readonly string[],
	res: number,
	from: string,
	to: string,
	categories: string[] | null
): Promise<{ cell: string; day: string; category: string; n: number }[]> {
	const rows = await db.query<{ cell: string; day: string; category: string; n: number }>(
		`SELECT to_hex(s.cell) AS cell, c.period::text AS day, c.category, sum(c.n)::int AS n
		 FROM ${rollupRows(res, from, to, 'day', { categories: '$2::text[]', per: 'set' })} c
		 JOIN unnest($1::bigint[]) AS s(cell) ON s.cell = c.h3
		 WHERE ($2::text[] IS NULL AND c.category NOT LIKE 'road-collision-%' OR c.category = ANY($2::text[]))
		 GROUP BY 1, 2, 3`,
		[cells.map((c) => BigInt('0x' + c).toString()), categories]
	);
	return rows.map((r) => ({ cell: r.cell, day: r.day, category: r.category, n: Number(r.n) }));
}

/** The coarse cell column indexed with the occurrence time (`incidents_r7_occurred_idx`, migration 0019). */
export const COARSE_RES = 7;

/**
 * The resolution-7 cells every point of these cells (hex, resolution ≥ 7) lies in: their parents and the
 * parents' neighbours, as decimal bigint text. A point's own resolution-7 cell (`latLngToCell`) need not
 * be the parent of its finer cell (H3 children reach past their parent's edge) but is always that
 * parent or one of its neighbours. Null for cells coarser than resolution 7 (no prefilter then).
 */
export function coarseCellsAround(cells: readonly string[]): string[] | null {
	if (cells.length === 0) return [];
	if (getResolution(cells[0]) < COARSE_RES) return null;
	const parents = new Set(cells.map((c) => cellToParent(c, COARSE_RES)));
	const around = new Set<string>();
	for (const p of parents) for (const n of gridDisk(p, 1)) around.add(n);
	return [...around].sort().map((h) => BigInt('0x' + h).toString());
}

/**
 * Occurrence windows (epoch ms) with category, local day and source zone of the most recent incidents
 * (at most `limit`) in these study cells (hex, at `res`: the cells the ranking counts) whose local day
 * lies in the period, newest first. Bounded work whatever the number of incidents: one backward scan
 * of the (coarse cell, time) index per resolution-7 cell around the study cells, merged by time and
 * stopped after `limit` rows.
 */
export async function recentIncidentWindows(
	db: Queryable,
	cells: readonly string[],
	res: number,
	from: string,
	to: string,
	categories: string[] | null,
	limit: number
): Promise<{ category: string; day: string; from: number; to: number; timeZone: string }[]> {
	if (cells.length === 0) return [];
	const col = cellColumn(res);
	const coarse = coarseCellsAround(cells);
	const where = `i.geom IS NOT NULL AND i.${col} = ANY($1::bigint[])
		   AND i.occurred_from >= $2::date - 2 AND i.occurred_from < $3::date + 3
		   AND i.local_day BETWEEN $2::date AND $3::date
		   AND ($4::text[] IS NULL AND i.category NOT LIKE 'road-collision-%' OR i.category = ANY($4::text[]) OR i.extra_categories && $4::text[])`;
	const branch = (k: number | null) =>
		`SELECT i.category, i.local_day, i.occurred_from, i.occurred_to, i.source_id FROM incidents i
		 WHERE ${k === null ? '' : `i.h3_r${COARSE_RES} = $${k}::bigint AND `}${where}`;
	const branches = coarse === null ? [branch(null)] : coarse.map((_, j) => branch(j + 6));
	const rows = await db.query<{ category: string; day: string; f: number; t: number; tz: string }>(
		`SELECT x.category, x.local_day::text AS day, (extract(epoch FROM x.occurred_from) * 1000)::float8 AS f,
		        (extract(epoch FROM x.occurred_to) * 1000)::float8 AS t,
		        (SELECT s.timezone FROM sources s WHERE s.id = x.source_id) AS tz
		 FROM (${branches.join('\n		 UNION ALL ')}) x
		 ORDER BY x.occurred_from DESC LIMIT $5::int`,
		[cells.map((c) => BigInt('0x' + c).toString()), from, to, categories, limit, ...(coarse ?? [])]
	);
	return rows.map((r) => ({
		category: r.category,
		day: r.day,
		from: Number(r.f),
		to: Number(r.t),
		timeZone: r.tz
	}));
}

/** The incidents' column holding their own cell at `res` (5–10: `h3_r<res>`, 11: `h3`). */
function cellColumn(res: number): string {
	if (!Number.isInteger(res) || res < 5 || res > 11)
		throw new RangeError(`res: ${res} is not a served H3 resolution`);
	return res === 11 ? 'h3' : `h3_r${res}`;
}

/**
 * Counts per study cell, local day, category, offence (original type and IUCR code, where the source
 * gives one) and local hour (of the occurrence window's middle when the window is shorter than a day,
 * else null): the record-level input of a ranking that weighs each offence code by its own harm and
 * each incident by its time of day (the rollups keep only categories and days).
 */
export async function offenceCountsByCellDay(
	db: Queryable,
	cells: readonly string[],
	res: number,
	from: string,
	to: string,
	categories: string[] | null
): Promise<
	{
		cell: string;
		day: string;
		category: string;
		originalType: string;
		iucr: string | null;
		hour: number | null;
		n: number;
	}[]
> {
	const col = cellColumn(res);
	const coarse = coarseCellsAround(cells);
	const rows = await db.query<{
		cell: string;
		day: string;
		category: string;
		type: string;
		iucr: string | null;
		hour: number | null;
		n: number;
	}>(
		`SELECT to_hex(i.${col}) AS cell, i.local_day::text AS day, i.category, i.original_type AS type,
		        coalesce(i.attributes->>'IUCR', i.attributes->>'iucr') AS iucr,
		        CASE WHEN i.occurred_to - i.occurred_from < interval '1 day'
		             THEN extract(hour FROM (i.occurred_from + (i.occurred_to - i.occurred_from) / 2)
		                  AT TIME ZONE s.timezone)::int END AS hour,
		        count(*)::int AS n
		 FROM incidents i JOIN sources s ON s.id = i.source_id
		 WHERE i.${col} = ANY($1::bigint[]) AND i.local_day BETWEEN $2::date AND $3::date
		   -- A local day lies within a day of its UTC instant: the time index finds the period's rows
		   -- (without it every incident was read, at any period length).
		   AND i.occurred_from >= $2::date - 2 AND i.occurred_from < $3::date + 3
		   -- With the coarse cells around the study cells, the (coarse cell, time) index reads only
		   -- the period's rows near the area, not the whole city's.
		   ${coarse ? `AND i.h3_r${COARSE_RES} = ANY($5::bigint[])` : ''}
		   AND ($4::text[] IS NULL AND i.category NOT LIKE 'road-collision-%' OR i.category = ANY($4::text[]))
		 GROUP BY 1, 2, 3, 4, 5, 6`,
		[
			cells.map((c) => BigInt('0x' + c).toString()),
			from,
			to,
			categories,
			...(coarse ? [coarse] : [])
		]
	);
	return rows.map((r) => ({
		cell: r.cell,
		day: r.day,
		category: r.category,
		originalType: r.type,
		iucr: r.iucr,
		hour: r.hour === null ? null : Number(r.hour),
		n: Number(r.n)
	}));
}
