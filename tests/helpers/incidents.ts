/** Incidents written straight into the table by tests, with what the import stores for each point. */
import { latLngToCell } from 'h3-js';
import type { Queryable } from '../../src/lib/server/db/client';
import { CELL_COLUMNS, exactCells } from '../../src/lib/server/cell-keys';

export interface TestIncident {
	ext: string;
	lat: number;
	lon: number;
	/** Local day (the source's zone is UTC in tests); the incident happened at noon UTC. */
	day: string;
	category?: string;
	type?: string;
	location?: string | null;
	code?: string;
	sensitive?: boolean;
	/** Record key of the cell-key method (0–255); drawn at random by the database when absent. */
	key?: number;
}

/**
 * Insert located incidents with their exact cell at every served resolution and their local day, as
 * the import does; the rollup trigger counts them.
 */
export async function insertIncidents(
	db: Queryable,
	sourceId: number,
	rows: TestIncident[]
): Promise<void> {
	const cells = rows.map((r) => exactCells(r.lat, r.lon));
	const names = CELL_COLUMNS.map((_, i) => `c${i}`).join(', ');
	await db.query(
		`INSERT INTO incidents (source_id, external_id, category, original_type, occurred_from,
		   occurred_to, location_precision, location_text, geom, handling_code, sensitive, local_day,
		   record_key, ${CELL_COLUMNS.join(', ')})
		 SELECT $1, ext, cat, typ, (dy || 'T12:00:00Z')::timestamptz, (dy || 'T12:00:00Z')::timestamptz,
		   'exact', loc, ST_SetSRID(ST_MakePoint(lng, lat), 4326), code, sens, dy::date,
		   coalesce(k, get_byte(uuid_send(gen_random_uuid()), 0)), ${names}
		 FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::float8[],
		   $8::float8[], $9::text[], $10::boolean[], $11::smallint[],
		   ${CELL_COLUMNS.map((_, i) => `$${i + 12}::bigint[]`).join(', ')})
		   AS u(ext, cat, typ, dy, loc, lng, lat, code, sens, k, ${names})`,
		[
			sourceId,
			rows.map((r) => r.ext),
			rows.map((r) => r.category ?? 'anti-social-behaviour'),
			rows.map((r) => r.type ?? r.category ?? 'anti-social-behaviour'),
			rows.map((r) => r.day),
			rows.map((r) => r.location ?? null),
			rows.map((r) => r.lon),
			rows.map((r) => r.lat),
			rows.map((r) => r.code ?? 'P'),
			rows.map((r) => r.sensitive ?? false),
			rows.map((r) => r.key ?? null),
			...CELL_COLUMNS.map((_, i) => cells.map((c) => c[i]))
		]
	);
}

/**
 * What `beatwise cells` must answer for these points: counts per `latLngToCell(point, res)` of those
 * kept, sorted by index.
 */
export function countsPerOwnCell<T extends { lat: number; lon: number }>(
	points: readonly T[],
	res: number,
	keep: (p: T) => boolean = () => true
): { cell: string; count: number }[] {
	const m = new Map<string, number>();
	for (const p of points) {
		if (!keep(p)) continue;
		const c = latLngToCell(p.lat, p.lon, res);
		m.set(c, (m.get(c) ?? 0) + 1);
	}
	return [...m]
		.sort(([a], [b]) => (BigInt('0x' + a) < BigInt('0x' + b) ? -1 : 1))
		.map(([cell, count]) => ({ cell, count }));
}

/**
 * Rollup rows that differ from a recount of the incidents, in both directions: `cell_counts` (each
 * incident under its primary category) and `cell_extra_counts` (incidents with further categories);
 * 0 when both agree.
 */
export async function rollupDifferences(db: Queryable): Promise<number> {
	const keys = `CROSS JOIN LATERAL incident_rollup_keys(i.h3_r5, i.h3_r6, i.h3_r7, i.h3_r8, i.h3_r9,
	   i.h3_r10, i.h3, i.local_day, i.occurred_from, i.occurred_to) k`;
	const counts = `count(*)::int AS n, (count(*) FILTER (WHERE i.sensitive))::int AS sensitive`;
	const recount = `SELECT k.res, k.grain, k.h3, k.period, i.category, i.source_id, ${counts}
	 FROM incidents i ${keys} GROUP BY 1, 2, 3, 4, 5, 6`;
	const stored = `SELECT res, grain, h3, period, category, source_id, n, sensitive FROM cell_counts`;
	const extraRecount = `SELECT k.res, k.grain, k.h3, k.period, i.category, i.extra_categories,
	        i.source_id, ${counts}
	 FROM incidents i ${keys} WHERE cardinality(i.extra_categories) > 0 GROUP BY 1, 2, 3, 4, 5, 6, 7`;
	const extraStored = `SELECT res, grain, h3, period, category, extra, source_id, n, sensitive
	 FROM cell_extra_counts`;
	const [r] = await db.query<{ n: number }>(
		`SELECT ((SELECT count(*) FROM (${recount} EXCEPT ${stored}) a)
		       + (SELECT count(*) FROM (${stored} EXCEPT ${recount}) b)
		       + (SELECT count(*) FROM (${extraRecount} EXCEPT ${extraStored}) c)
		       + (SELECT count(*) FROM (${extraStored} EXCEPT ${extraRecount}) d))::int AS n`
	);
	return Number(r.n);
}
