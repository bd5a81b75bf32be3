/**
 * Reads for the supervisor view: recent counts per study cell, day and category (the input of the
 * prospective risk), and the occurrence windows of the area's incidents by category (the input of
 * the shift's time-of-day profile). Periods are local days of each incident's source, as in the rollup.
 */
import type { Queryable } from '../client';
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

/**
 * Occurrence windows (epoch ms) with category and source zone of the incidents inside the areas'
 * polygons in the period. At most `limit + 1` rows, so the caller can tell when the cap was reached.
 */
export async function incidentWindowsByCategory(
	db: Queryable,
	areaIds: number[],
	from: string,
	to: string,
	categories: string[] | null,
	limit: number
): Promise<{ category: string; from: number; to: number; timeZone: string }[]> {
	const rows = await db.query<{ category: string; f: number; t: number; tz: string }>(
		`SELECT i.category, (extract(epoch FROM i.occurred_from) * 1000)::float8 AS f,
		        (extract(epoch FROM i.occurred_to) * 1000)::float8 AS t, s.timezone AS tz
		 FROM incidents i JOIN sources s ON s.id = i.source_id
		 WHERE i.geom IS NOT NULL
		   AND i.occurred_from >= $2::date - 2 AND i.occurred_from < $3::date + 3
		   AND (i.occurred_from AT TIME ZONE s.timezone)::date BETWEEN $2::date AND $3::date
		   AND ($4::text[] IS NULL AND i.category NOT LIKE 'road-collision-%' OR i.category = ANY($4::text[]) OR i.extra_categories && $4::text[])
		   AND EXISTS (SELECT 1 FROM areas a WHERE a.id = ANY($1::int[]) AND ST_Intersects(a.geom, i.geom))
		 LIMIT $5::int`,
		[areaIds, from, to, categories, limit + 1]
	);
	return rows.map((r) => ({
		category: r.category,
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
		   AND ($4::text[] IS NULL AND i.category NOT LIKE 'road-collision-%' OR i.category = ANY($4::text[]))
		 GROUP BY 1, 2, 3, 4, 5, 6`,
		[cells.map((c) => BigInt('0x' + c).toString()), from, to, categories]
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
