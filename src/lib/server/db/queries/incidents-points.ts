/**
 * Point-level reads for the analyses that need individual incidents (near repeat, aoristic time
 * profiles). Each read is bounded: it returns at most `limit + 1` rows, so the caller can refuse a
 * request that would exceed its cap without loading everything. Periods are local days of each
 * incident's source, as in the rollup.
 */
import type { Queryable } from '../client';

export interface IncidentScope {
	/** Points inside any of these areas' polygons (PostGIS, exact), or null. */
	areaIds: number[] | null;
	/** [west, south, east, north] in WGS84, or null. */
	bbox: readonly [number, number, number, number] | null;
	from: string;
	to: string;
	categories: string[] | null;
}

function scopeSql(s: IncidentScope, first: number): { where: string; params: unknown[] } {
	const params: unknown[] = [s.from, s.to, s.categories];
	const p = (i: number) => `$${first + i}`;
	// The occurred_from range (±2 days) lets the index narrow the scan; the local day decides.
	let where = `i.geom IS NOT NULL
	   AND i.occurred_from >= ${p(0)}::date - 2 AND i.occurred_from < ${p(1)}::date + 3
	   AND (i.occurred_from AT TIME ZONE s.timezone)::date BETWEEN ${p(0)}::date AND ${p(1)}::date
	   AND (${p(2)}::text[] IS NULL AND i.category NOT LIKE 'road-collision-%' OR i.category = ANY(${p(2)}::text[]) OR i.extra_categories && ${p(2)}::text[])`;
	if (s.areaIds) {
		params.push(s.areaIds);
		where += ` AND EXISTS (SELECT 1 FROM areas a WHERE a.id = ANY(${p(3)}::int[]) AND ST_Intersects(a.geom, i.geom))`;
	}
	if (s.bbox) {
		params.push(...s.bbox);
		const b = params.length - 4;
		where += ` AND i.geom && ST_MakeEnvelope(${p(b)}::float8, ${p(b + 1)}::float8, ${p(b + 2)}::float8, ${p(b + 3)}::float8, 4326)`;
	}
	return { where, params };
}

/** Longitude/latitude of the scope's centre (areas' centroid or the bbox centre), to pick a UTM zone. */
export async function scopeCentre(db: Queryable, s: IncidentScope): Promise<[number, number]> {
	if (s.bbox) return [(s.bbox[0] + s.bbox[2]) / 2, (s.bbox[1] + s.bbox[3]) / 2];
	if (s.areaIds) {
		const rows = await db.query<{ lon: number; lat: number }>(
			`SELECT ST_X(c)::float8 AS lon, ST_Y(c)::float8 AS lat
			 FROM (SELECT ST_Centroid(ST_Collect(geom)) AS c FROM areas WHERE id = ANY($1::int[])) x`,
			[s.areaIds]
		);
		return [Number(rows[0].lon), Number(rows[0].lat)];
	}
	const rows = await db.query<{ lon: number; lat: number }>(
		`SELECT ST_X(c)::float8 AS lon, ST_Y(c)::float8 AS lat
		 FROM (SELECT ST_Centroid(ST_Extent(geom)::geometry) AS c FROM incidents) x`
	);
	return [Number(rows[0]?.lon ?? 0), Number(rows[0]?.lat ?? 0)];
}

/** True when PostGIS knows the SRID (spatial_ref_sys). */
export async function sridKnown(db: Queryable, srid: number): Promise<boolean> {
	const rows = await db.query<{ n: number }>(
		`SELECT count(*)::int AS n FROM spatial_ref_sys WHERE srid = $1`,
		[srid]
	);
	return Number(rows[0].n) > 0;
}

/**
 * Incident points projected by PostGIS `ST_Transform` to `srid` (metres or feet), with their time
 * in fractional days of local wall-clock time. At most `limit + 1` rows.
 */
export async function projectedIncidentPoints(
	db: Queryable,
	s: IncidentScope,
	srid: number,
	limit: number
): Promise<{ x: number; y: number; t: number; monthDated: boolean }[]> {
	const { where, params } = scopeSql(s, 3);
	const rows = await db.query<{ x: number; y: number; t: number; month_dated: boolean }>(
		`SELECT ST_X(p)::float8 AS x, ST_Y(p)::float8 AS y, t, month_dated FROM (
		   SELECT ST_Transform(i.geom, $1::int) AS p,
		          (extract(epoch FROM (i.occurred_from AT TIME ZONE s.timezone)) / 86400)::float8 AS t,
		          -- Dated only to its month (police.uk): the window is one whole local month, as in
		          -- ingest/coverage.ts.
		          ((i.occurred_from AT TIME ZONE s.timezone)
		             = date_trunc('month', i.occurred_from AT TIME ZONE s.timezone)
		           AND (i.occurred_to AT TIME ZONE s.timezone)::date
		             = (date_trunc('month', i.occurred_from AT TIME ZONE s.timezone)
		                + interval '1 month' - interval '1 day')::date) AS month_dated
		   FROM incidents i JOIN sources s ON s.id = i.source_id
		   WHERE ${where}
		   ORDER BY i.occurred_from, i.source_id, i.id
		   LIMIT $2::int
		 ) q`,
		[srid, limit + 1, ...params]
	);
	return rows.map((r) => ({
		x: Number(r.x),
		y: Number(r.y),
		t: Number(r.t),
		monthDated: r.month_dated === true
	}));
}

/** Occurrence windows (epoch ms) and the source's time zone. At most `limit + 1` rows. */
export async function incidentWindows(
	db: Queryable,
	s: IncidentScope,
	limit: number
): Promise<{ from: number; to: number; timeZone: string }[]> {
	const { where, params } = scopeSql(s, 2);
	const rows = await db.query<{ f: number; t: number; tz: string }>(
		`SELECT (extract(epoch FROM i.occurred_from) * 1000)::float8 AS f,
		        (extract(epoch FROM i.occurred_to) * 1000)::float8 AS t, s.timezone AS tz
		 FROM incidents i JOIN sources s ON s.id = i.source_id
		 WHERE ${where}
		 LIMIT $1::int`,
		[limit + 1, ...params]
	);
	return rows.map((r) => ({ from: Number(r.f), to: Number(r.t), timeZone: r.tz }));
}
