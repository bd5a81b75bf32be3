/** Area boundaries and their H3 cover. */
import type { Queryable } from '../client';

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

/** Insert or replace an area (by kind + code); returns its id and its WGS84 GeoJSON geometry. */
export async function upsertArea(
	db: Queryable,
	a: AreaInput
): Promise<{ id: number; geojson: string }> {
	const rows = await db.query<{ id: number; geojson: string }>(
		`INSERT INTO areas (kind, code, name, properties, geom, source_file)
		 VALUES ($1, $2, $3, $4::jsonb,
		   ST_Multi(ST_CollectionExtract(ST_MakeValid(
		     ST_Transform(ST_SetSRID(ST_GeomFromGeoJSON($5), $6::int), 4326)), 3)),
		   $7)
		 ON CONFLICT (kind, code) DO UPDATE SET name = EXCLUDED.name, properties = EXCLUDED.properties,
		   geom = EXCLUDED.geom, source_file = EXCLUDED.source_file
		 RETURNING id, ST_AsGeoJSON(geom, 9) AS geojson`,
		[
			a.kind,
			a.code,
			a.name,
			JSON.stringify(a.properties),
			JSON.stringify(a.geometry),
			a.srid,
			a.sourceFile
		]
	);
	return { id: Number(rows[0].id), geojson: rows[0].geojson };
}

export async function replaceAreaCells(
	db: Queryable,
	areaId: number,
	cells: string[]
): Promise<void> {
	await db.query(`DELETE FROM area_cells WHERE area_id = $1`, [areaId]);
	if (cells.length === 0) return;
	await db.query(
		`INSERT INTO area_cells (area_id, h3) SELECT $1, c FROM unnest($2::bigint[]) AS u(c)
		 ON CONFLICT DO NOTHING`,
		[areaId, cells]
	);
}

export interface AreaSummary {
	id: number;
	kind: string;
	code: string;
	name: string;
}

export async function areaKinds(db: Queryable): Promise<{ kind: string; count: number }[]> {
	const rows = await db.query<{ kind: string; count: number }>(
		`SELECT kind, count(*)::int AS count FROM areas GROUP BY kind ORDER BY kind`
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
