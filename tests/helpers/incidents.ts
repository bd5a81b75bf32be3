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
