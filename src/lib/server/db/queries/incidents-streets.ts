/** Reads that name places: the street text of a cell's incidents, and the areas a point lies in. */
import type { Queryable } from '../client';
import { cellColumn, SERVED_RESOLUTIONS, type Envelope } from '../../cell-keys';

export interface CellRange {
	/** The cell, as a decimal bigint string, at a served resolution `res` (5–11). */
	cell: string;
	res: number;
	/** A box holding the cell's points (`cellEnvelope`), null across the antimeridian. */
	envelope: Envelope | null;
}

export interface CellStreet {
	cell: string;
	/** The most frequent location text of the cell's incidents (ties: alphabetical first). */
	text: string;
	/** Incidents with that text (of those read: at most `STREET_SAMPLE` per cell). */
	n: number;
	/** Incidents in the cell with any location text (of those read). */
	of: number;
}

/**
 * Most incidents read per cell to name its street: the most frequent text of a few thousand of a
 * cell's incidents is its most frequent text (a street holding a plurality among thousands), and the
 * work stays the same however many incidents a busy cell holds.
 */
export const STREET_SAMPLE = 2_000;

/**
 * For each cell, the location text most of the incidents lying in it carry (police.uk "On or near …", a Chicago
 * block, a mapping's location column), among at most `STREET_SAMPLE` of its incidents (all of them in
 * cells holding fewer). Sensitive incidents are left out: their street is not named.
 */
export async function mostFrequentStreets(
	db: Queryable,
	cells: CellRange[]
): Promise<CellStreet[]> {
	if (cells.length === 0) return [];
	const rows = await db.query<{ cell: string; text: string; n: number; of: number }>(
		`WITH wanted AS (
		   SELECT * FROM unnest($1::bigint[], $2::int[], $3::float8[], $4::float8[], $5::float8[],
		     $6::float8[]) AS w(cell, res, w, s, e, n)
		 ), texts AS (
		   SELECT w.cell, x.text, count(*)::int AS n
		   FROM wanted w CROSS JOIN LATERAL (
		     SELECT i.location_text AS text FROM incidents i
		     -- The whole world for a cell across the antimeridian (no box): one condition the GiST index takes.
		     WHERE i.geom && ST_MakeEnvelope(coalesce(w.w, -180), coalesce(w.s, -90), coalesce(w.e, 180),
		                                     coalesce(w.n, 90), 4326)
		       AND CASE w.res ${SERVED_RESOLUTIONS.map((r) => `WHEN ${r} THEN i.${cellColumn(r)}`).join(' ')} END = w.cell
		       AND i.category NOT LIKE 'road-collision-%' AND NOT i.sensitive
		     -- Rows without text count towards the cap: a source without streets stops the read early.
		     LIMIT ${STREET_SAMPLE}) x
		   WHERE x.text IS NOT NULL AND btrim(x.text) <> ''
		   GROUP BY 1, 2
		 )
		 SELECT DISTINCT ON (cell) cell::text AS cell, text, n,
		        (sum(n) OVER (PARTITION BY cell))::int AS "of"
		 FROM texts ORDER BY cell, n DESC, text`,
		[
			cells.map((c) => c.cell),
			cells.map((c) => c.res),
			...[0, 1, 2, 3].map((k) => cells.map((c) => c.envelope?.[k] ?? null))
		]
	);
	return rows.map((r) => ({ cell: r.cell, text: r.text, n: Number(r.n), of: Number(r.of) }));
}

export interface PointArea {
	/** The key the point was given with. */
	key: string;
	kind: string;
	code: string;
	name: string;
}

/** For each point, the smallest area (by surface) that covers it; points outside every area are left out. */
export async function smallestAreasAt(
	db: Queryable,
	points: { key: string; lon: number; lat: number }[]
): Promise<PointArea[]> {
	if (points.length === 0) return [];
	const rows = await db.query<PointArea>(
		`SELECT DISTINCT ON (p.key) p.key, a.kind, a.code, a.name
		 FROM unnest($1::text[], $2::float8[], $3::float8[]) AS p(key, lon, lat)
		 JOIN areas a ON ST_Covers(a.geom, ST_SetSRID(ST_MakePoint(p.lon, p.lat), 4326))
		 ORDER BY p.key, ST_Area(a.geom), a.kind, a.code`,
		[points.map((p) => p.key), points.map((p) => p.lon), points.map((p) => p.lat)]
	);
	return rows.map((r) => ({ key: r.key, kind: r.kind, code: r.code, name: r.name }));
}
