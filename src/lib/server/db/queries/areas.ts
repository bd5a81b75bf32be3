/** Area boundaries and their H3 cover. */
import type { Queryable } from '../client';
import { grainIs } from './rollup';

export interface AreaInput {
	kind: string;
	code: string;
	name: string;
	properties: Record<string, unknown>;
	/** GeoJSON geometry in the CRS `srid`. */
	geometry: unknown;
	srid: number;
	sourceFile: string;
}

/**
 * Insert or replace areas (by kind + code), reprojected to WGS84 and made valid by PostGIS; returns
 * each area's id and WGS84 GeoJSON geometry, in input order.
 */
export async function upsertAreas(
	db: Queryable,
	areas: AreaInput[]
): Promise<{ id: number; code: string; geojson: string }[]> {
	if (areas.length === 0) return [];
	const rows = await db.query<{ id: number; code: string; geojson: string; ord: number }>(
		`WITH input AS (
		   SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::int[], $7::text[])
		     WITH ORDINALITY AS u(kind, code, name, props, geometry, srid, source_file, ord)
		 ), up AS (
		   INSERT INTO areas (kind, code, name, properties, geom, source_file)
		   SELECT kind, code, name, props::jsonb,
		     ST_Multi(ST_CollectionExtract(ST_MakeValid(
		       ST_Transform(ST_SetSRID(ST_GeomFromGeoJSON(geometry), srid), 4326)), 3)),
		     source_file
		   FROM input ORDER BY ord
		   ON CONFLICT (kind, code) DO UPDATE SET name = EXCLUDED.name, properties = EXCLUDED.properties,
		     geom = EXCLUDED.geom, source_file = EXCLUDED.source_file
		   RETURNING id, kind, code, ST_AsGeoJSON(geom, 9) AS geojson
		 )
		 SELECT up.id, up.code, up.geojson, input.ord FROM up
		 JOIN input ON input.kind = up.kind AND input.code = up.code ORDER BY input.ord`,
		[
			areas.map((a) => a.kind),
			areas.map((a) => a.code),
			areas.map((a) => a.name),
			areas.map((a) => JSON.stringify(a.properties)),
			areas.map((a) => JSON.stringify(a.geometry)),
			areas.map((a) => a.srid),
			areas.map((a) => a.sourceFile)
		]
	);
	return rows.map((r) => ({ id: Number(r.id), code: r.code, geojson: r.geojson }));
}

/**
 * Replace the H3 cover of these areas (resolution-10 cells as decimal bigint text) and, derived from
 * it, their covers at resolutions 5–9 (`area_coarse_cells`).
 */
export async function replaceAreaCells(
	db: Queryable,
	covers: { areaId: number; cells: string[] }[]
): Promise<void> {
	if (covers.length === 0) return;
	const areaIds = covers.map((c) => c.areaId);
	await db.query(`DELETE FROM area_cells WHERE area_id = ANY($1::int[])`, [areaIds]);
	await db.query(`DELETE FROM area_coarse_cells WHERE area_id = ANY($1::int[])`, [areaIds]);
	const ids: number[] = [];
	const cells: string[] = [];
	for (const c of covers) {
		for (const h of c.cells) {
			ids.push(c.areaId);
			cells.push(h);
		}
	}
	if (cells.length === 0) return;
	await db.query(
		`INSERT INTO area_cells (area_id, h3) SELECT * FROM unnest($1::int[], $2::bigint[])
		 ON CONFLICT DO NOTHING`,
		[ids, cells]
	);
	// The covers at the coarser analysis resolutions: the parents of the resolution-10 cover.
	await db.query(
		`INSERT INTO area_coarse_cells (area_id, res, h3)
		 SELECT DISTINCT a.area_id, r, h3_parent(a.h3, r)
		 FROM area_cells a CROSS JOIN generate_series(5, 9) AS r
		 WHERE a.area_id = ANY($1::int[])`,
		[areaIds]
	);
}

export interface AreaSummary {
	id: number;
	kind: string;
	code: string;
	name: string;
}

/**
 * The kinds of area with how many there are, those whose areas lie where the incidents are first: ordered
 * by the incidents in the distinct resolution-5 cells their covers touch (a coarse, cheap measure), then by
 * name. The map's boundary layer starts on the first kind, so data held in two places (a London force and
 * a Chicago slice) does not open on boundaries drawn on the other side of the ocean.
 */
export async function areaKinds(db: Queryable): Promise<{ kind: string; count: number }[]> {
	const rows = await db.query<{ kind: string; count: number }>(
		`WITH kinds AS (SELECT kind, count(*)::int AS count FROM areas GROUP BY kind),
		 kind_cells AS (
		   SELECT DISTINCT a.kind, ac.h3 FROM areas a
		   JOIN area_coarse_cells ac ON ac.area_id = a.id AND ac.res = 5
		 ),
		 near AS (
		   SELECT kc.kind, sum(c.n)::float8 AS n FROM kind_cells kc
		   JOIN cell_counts c ON c.h3 = kc.h3 AND c.res = 5 AND ${grainIs('year', 'c.grain')}
		   GROUP BY kc.kind
		 )
		 SELECT k.kind, k.count FROM kinds k LEFT JOIN near USING (kind)
		 ORDER BY coalesce(near.n, 0) DESC, k.kind`
	);
	return rows.map((r) => ({ kind: r.kind, count: Number(r.count) }));
}

/** Areas of a kind as a GeoJSON FeatureCollection text, simplified for display. */
export async function areasGeoJson(
	db: Queryable,
	kind: string | null,
	tolerance = 0.00002
): Promise<string> {
	const rows = await db.query<{ fc: string }>(
		`SELECT json_build_object('type', 'FeatureCollection', 'features', coalesce(json_agg(
		   json_build_object('type', 'Feature', 'id', id,
		     'properties', json_build_object('id', id, 'kind', kind, 'code', code, 'name', name),
		     'geometry', ST_AsGeoJSON(ST_SimplifyPreserveTopology(geom, $2::float8), 6)::json)
		   ORDER BY kind, code), '[]'::json))::text AS fc
		 FROM areas WHERE ($1::text IS NULL OR kind = $1)`,
		[kind, tolerance]
	);
	return rows[0].fc;
}

export async function findAreas(db: Queryable, ids: number[]): Promise<AreaSummary[]> {
	const rows = await db.query<AreaSummary>(
		`SELECT id, kind, code, name FROM areas WHERE id = ANY($1::int[]) ORDER BY id`,
		[ids]
	);
	return rows.map((r) => ({ ...r, id: Number(r.id) }));
}

/** The id of the area `kind:code`, or null. */
export async function areaIdByCode(
	db: Queryable,
	kind: string,
	code: string
): Promise<number | null> {
	const rows = await db.query<{ id: number }>(
		`SELECT id FROM areas WHERE kind = $1 AND code = $2 LIMIT 1`,
		[kind, code]
	);
	return rows[0] ? Number(rows[0].id) : null;
}
