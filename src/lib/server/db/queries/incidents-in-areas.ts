/**
 * Reads for the forecast-accuracy backtest: the incidents inside areas' polygons over a period, each
 * with its point, its local wall-clock time (in its source's zone) and whether it has a time of day.
 */
import type { Queryable } from '../client';

export interface AreaIncident {
	lon: number;
	lat: number;
	/** Local wall-clock time, `YYYY-MM-DDTHH:MI:SS`: the window's middle for windows shorter than a day, else its start. */
	local: string;
	/** The occurrence window is shorter than a day (a time of day is known). */
	timed: boolean;
	category: string;
	/** The publisher's type text and IUCR code (Chicago), from which the service finds the harm weight. */
	originalType: string;
	iucr: string | null;
}

/**
 * Incidents inside the areas whose local date lies in [from, to], categories in `excluded` left out.
 * At most `limit + 1` rows, so the caller can tell when the cap was reached.
 */
export async function incidentsInAreas(
	db: Queryable,
	areaIds: number[],
	from: string,
	to: string,
	excluded: string[],
	limit: number
): Promise<AreaIncident[]> {
	const rows = await db.query<AreaIncident>(
		`SELECT ST_X(i.geom)::float8 AS lon, ST_Y(i.geom)::float8 AS lat,
		        to_char(CASE WHEN i.occurred_to - i.occurred_from < interval '1 day'
		                     THEN i.occurred_from + (i.occurred_to - i.occurred_from) / 2
		                     ELSE i.occurred_from END AT TIME ZONE s.timezone,
		                'YYYY-MM-DD"T"HH24:MI:SS') AS local,
		        (i.occurred_to - i.occurred_from < interval '1 day') AS timed,
		        i.category, i.original_type AS "originalType",
		        coalesce(i.attributes->>'IUCR', i.attributes->>'iucr') AS iucr
		 FROM incidents i JOIN sources s ON s.id = i.source_id
		 WHERE i.geom IS NOT NULL
		   AND i.occurred_from >= $2::date - 2 AND i.occurred_from < $3::date + 3
		   AND (i.occurred_from AT TIME ZONE s.timezone)::date BETWEEN $2::date AND $3::date
		   AND NOT (i.category = ANY($4::text[])) AND i.category NOT LIKE 'road-collision-%'
		   AND EXISTS (SELECT 1 FROM areas a WHERE a.id = ANY($1::int[]) AND ST_Intersects(a.geom, i.geom))
		 LIMIT $5::int`,
		[areaIds, from, to, excluded, limit + 1]
	);
	return rows.map((r) => ({
		lon: Number(r.lon),
		lat: Number(r.lat),
		local: r.local,
		timed: Boolean(r.timed),
		category: r.category,
		originalType: r.originalType,
		iucr: r.iucr
	}));
}
