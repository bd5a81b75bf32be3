/**
 * Reads of road collisions (incidents of sources with `sources.category = 'road-collisions'`,
 * src/lib/road-safety.ts): points for the map, counts by year and severity, the time-of-day profile,
 * covered months, and counts for a before/after evaluation. Days are the source's local days
 * (`incidents.local_day`), hours its local clock.
 */
import type { Queryable } from '../client';

const ROAD = `s.category = 'road-collisions'`;

/** Where collisions are counted: a circle around a point, or a stored area's polygon. */
export type RoadPlace =
	{ kind: 'circle'; lon: number; lat: number; radiusM: number } | { kind: 'area'; areaId: number };

/** SQL for "the incident `i` lies in the place", with its parameters appended to `params`. */
function placeSql(place: RoadPlace, params: unknown[]): string {
	if (place.kind === 'circle') {
		params.push(place.lon, place.lat, place.radiusM);
		const n = params.length;
		return `ST_DWithin(i.geom::geography, ST_SetSRID(ST_MakePoint($${n - 2}::float8, $${n - 1}::float8), 4326)::geography, $${n}::float8)`;
	}
	params.push(place.areaId);
	return `EXISTS (SELECT 1 FROM areas a WHERE a.id = $${params.length}::int AND ST_Intersects(a.geom, i.geom))`;
}

/** Whether any road-collision source exists. */
export async function roadSourceCount(db: Queryable): Promise<number> {
	const [r] = await db.query<{ n: number }>(
		`SELECT count(*)::int AS n FROM sources s WHERE ${ROAD}`
	);
	return Number(r.n);
}

/** Months ('YYYY-MM') in which a road-collision source holds data (source_coverage). */
export async function roadCoveredMonths(db: Queryable): Promise<string[]> {
	const rows = await db.query<{ month: string }>(
		`SELECT DISTINCT to_char(c.period_start, 'YYYY-MM') AS month
		 FROM source_coverage c JOIN sources s ON s.id = c.source_id
		 WHERE ${ROAD} ORDER BY 1`
	);
	return rows.map((r) => r.month);
}

/** Collisions by local year and category, located or not. */
export async function roadCountsByYear(
	db: Queryable
): Promise<{ year: number; category: string; n: number }[]> {
	const rows = await db.query<{ year: number; category: string; n: number }>(
		`SELECT extract(year FROM i.local_day)::int AS year, i.category, count(*)::int AS n
		 FROM incidents i JOIN sources s ON s.id = i.source_id
		 WHERE ${ROAD} GROUP BY 1, 2 ORDER BY 1, 2`
	);
	return rows.map((r) => ({ year: Number(r.year), category: r.category, n: Number(r.n) }));
}

/**
 * Collisions with a clock time by ISO day of week (1 Monday … 7 Sunday) and local hour, per
 * category, over [from, to] (local days). Rows dated only to their day (no time) are counted apart.
 */
export async function roadWeekHourCounts(
	db: Queryable,
	from: string,
	to: string
): Promise<{
	timed: { dow: number; hour: number; category: string; n: number }[];
	untimed: number;
}> {
	const rows = await db.query<{ dow: number; hour: number; category: string; n: number }>(
		`SELECT CASE WHEN i.occurred_to - i.occurred_from < interval '1 hour'
		             THEN extract(isodow FROM i.occurred_from AT TIME ZONE s.timezone)::int END AS dow,
		        CASE WHEN i.occurred_to - i.occurred_from < interval '1 hour'
		             THEN extract(hour FROM i.occurred_from AT TIME ZONE s.timezone)::int END AS hour,
		        i.category, count(*)::int AS n
		 FROM incidents i JOIN sources s ON s.id = i.source_id
		 WHERE ${ROAD} AND i.local_day BETWEEN $1::date AND $2::date
		 GROUP BY 1, 2, 3`,
		[from, to]
	);
	let untimed = 0;
	const timed: { dow: number; hour: number; category: string; n: number }[] = [];
	for (const r of rows) {
		if (r.dow === null || r.hour === null) untimed += Number(r.n);
		else
			timed.push({
				dow: Number(r.dow),
				hour: Number(r.hour),
				category: r.category,
				n: Number(r.n)
			});
	}
	return { timed, untimed };
}

export interface RoadCollisionPoint {
	id: string;
	lon: number;
	lat: number;
	category: string;
	/** Local date and time as recorded ('YYYY-MM-DD HH:MM'; time omitted when not recorded). */
	when: string;
	road: string | null;
	speedLimit: string | null;
	casualties: string | null;
}

/**
 * Located collisions over [from, to] (local days), inside `areaIds` when given (a reader's area
 * limits), at most `limit` + 1 (so the caller can tell it was cut).
 */
export async function roadCollisionPoints(
	db: Queryable,
	f: { from: string; to: string; areaIds: readonly number[] | null; limit: number }
): Promise<RoadCollisionPoint[]> {
	const rows = await db.query<{
		id: string;
		lon: number;
		lat: number;
		category: string;
		when: string;
		road: string | null;
		speed: string | null;
		casualties: string | null;
	}>(
		`SELECT i.external_id AS id, ST_X(i.geom)::float8 AS lon, ST_Y(i.geom)::float8 AS lat, i.category,
		        to_char(i.occurred_from AT TIME ZONE s.timezone,
		                CASE WHEN i.occurred_to - i.occurred_from < interval '1 hour'
		                     THEN 'YYYY-MM-DD HH24:MI' ELSE 'YYYY-MM-DD' END) AS "when",
		        i.location_text AS road, i.attributes->>'speed_limit' AS speed,
		        coalesce(i.attributes->>'number_of_casualties', '') AS casualties
		 FROM incidents i JOIN sources s ON s.id = i.source_id
		 WHERE ${ROAD} AND i.geom IS NOT NULL AND i.local_day BETWEEN $1::date AND $2::date
		   AND ($3::int[] IS NULL OR EXISTS (
		     SELECT 1 FROM areas a WHERE a.id = ANY($3::int[]) AND ST_Intersects(a.geom, i.geom)))
		 ORDER BY i.occurred_from, i.external_id
		 LIMIT $4::int`,
		[f.from, f.to, f.areaIds, f.limit + 1]
	);
	return rows.map((r) => ({
		id: r.id,
		lon: Number(r.lon),
		lat: Number(r.lat),
		category: r.category,
		when: r.when,
		road: r.road,
		speedLimit: r.speed,
		casualties: r.casualties === '' ? null : r.casualties
	}));
}

/** Located and unlocated collisions over [from, to] (local days). */
export async function roadLocatedCounts(
	db: Queryable,
	from: string,
	to: string
): Promise<{ located: number; unlocated: number }> {
	const [r] = await db.query<{ located: number; unlocated: number }>(
		`SELECT count(*) FILTER (WHERE i.geom IS NOT NULL)::int AS located,
		        count(*) FILTER (WHERE i.geom IS NULL)::int AS unlocated
		 FROM incidents i JOIN sources s ON s.id = i.source_id
		 WHERE ${ROAD} AND i.local_day BETWEEN $1::date AND $2::date`,
		[from, to]
	);
	return { located: Number(r.located), unlocated: Number(r.unlocated) };
}

export interface EvaluationCount {
	/** In the site (else in the control). */
	site: boolean;
	after: boolean;
	category: string;
	n: number;
}

/**
 * Located collisions in the before and after periods (local days, inclusive), split into the site and
 * the control: the control is `control` (an area) or, when null, everywhere the data has collisions;
 * the site is always left out of the control.
 */
export async function roadEvaluationCounts(
	db: Queryable,
	f: {
		site: RoadPlace;
		control: RoadPlace | null;
		before: { from: string; to: string };
		after: { from: string; to: string };
	}
): Promise<EvaluationCount[]> {
	const params: unknown[] = [f.before.from, f.before.to, f.after.from, f.after.to];
	const inSite = placeSql(f.site, params);
	const inControl = f.control ? placeSql(f.control, params) : 'true';
	const rows = await db.query<{ site: boolean; after: boolean; category: string; n: number }>(
		`SELECT x.site, x.after, x.category, count(*)::int AS n
		 FROM (SELECT ${inSite} AS site, i.local_day >= $3::date AS after, i.category, i.geom
		       FROM incidents i JOIN sources s ON s.id = i.source_id
		       WHERE ${ROAD} AND i.geom IS NOT NULL
		         AND (i.local_day BETWEEN $1::date AND $2::date OR i.local_day BETWEEN $3::date AND $4::date)
		         AND (${inSite} OR ${inControl})) x
		 GROUP BY 1, 2, 3`,
		params
	);
	return rows.map((r) => ({
		site: Boolean(r.site),
		after: Boolean(r.after),
		category: r.category,
		n: Number(r.n)
	}));
}

/** Areas a site or a control can be chosen from, by kind and name (at most `limit`). */
export async function areaChoices(
	db: Queryable,
	limit: number
): Promise<{ kind: string; code: string; name: string }[]> {
	return db.query<{ kind: string; code: string; name: string }>(
		`SELECT kind, code, name FROM areas ORDER BY kind, name, code LIMIT $1::int`,
		[limit]
	);
}

/** Located collisions in a place over [from, to] (local days), for a product's map. */
export async function roadCollisionsInPlace(
	db: Queryable,
	place: RoadPlace,
	from: string,
	to: string,
	limit: number
): Promise<{ lon: number; lat: number; category: string; day: string }[]> {
	const params: unknown[] = [from, to, limit];
	const inPlace = placeSql(place, params);
	const rows = await db.query<{ lon: number; lat: number; category: string; day: string }>(
		`SELECT ST_X(i.geom)::float8 AS lon, ST_Y(i.geom)::float8 AS lat, i.category,
		        i.local_day::text AS day
		 FROM incidents i JOIN sources s ON s.id = i.source_id
		 WHERE ${ROAD} AND i.geom IS NOT NULL AND i.local_day BETWEEN $1::date AND $2::date
		   AND ${inPlace}
		 ORDER BY i.local_day, i.external_id LIMIT $3::int`,
		params
	);
	return rows.map((r) => ({ ...r, lon: Number(r.lon), lat: Number(r.lat) }));
}

/** The smallest stored area holding a point ('kind:code'), or null. */
export async function smallestAreaAt(
	db: Queryable,
	lon: number,
	lat: number
): Promise<string | null> {
	const rows = await db.query<{ ref: string }>(
		`SELECT kind || ':' || code AS ref FROM areas
		 WHERE ST_Covers(geom, ST_SetSRID(ST_MakePoint($1::float8, $2::float8), 4326))
		 ORDER BY ST_Area(geom), id LIMIT 1`,
		[lon, lat]
	);
	return rows[0]?.ref ?? null;
}

/** A stored area's outline as GeoJSON (simplified to about 2 m, for a map picture) and its bounding box. */
export async function areaOutline(
	db: Queryable,
	areaId: number
): Promise<{ geometry: unknown; bbox: [number, number, number, number] } | null> {
	const rows = await db.query<{ g: string; w: number; s: number; e: number; n: number }>(
		`SELECT ST_AsGeoJSON(ST_SimplifyPreserveTopology(geom, 0.00002), 6) AS g, ST_XMin(geom)::float8 AS w, ST_YMin(geom)::float8 AS s,
		        ST_XMax(geom)::float8 AS e, ST_YMax(geom)::float8 AS n
		 FROM areas WHERE id = $1::int`,
		[areaId]
	);
	const r = rows[0];
	return r
		? { geometry: JSON.parse(r.g), bbox: [Number(r.w), Number(r.s), Number(r.e), Number(r.n)] }
		: null;
}
