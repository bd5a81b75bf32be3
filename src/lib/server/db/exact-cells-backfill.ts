/**
 * The application's step of migration 0010: gives every incident stored before it (and any row written
 * without them) its exact cell at each served resolution and its local day, computed with h3-js —
 * PostGIS has no H3 — from the stored point. The update trigger on `incidents` adds each updated row to
 * the rollups in the same transaction, so the rollups fill chunk by chunk and always equal the rows
 * that have their keys. Idempotent: the queue is the rows whose `local_day` is null (a partial index),
 * so a step interrupted part-way continues where it stopped, and a database with nothing left does one
 * index probe. Observations get their exact resolution-10 cell the same way.
 */
import { CELL_COLUMNS, exactCells, localDayFormatter } from '../cell-keys';
import type { Database } from './client';

export interface BackfillResult {
	incidents: number;
	observations: number;
}

interface PendingIncident {
	source_id: number;
	id: string;
	lon: number | null;
	lat: number | null;
	occurred_ms: number;
	timezone: string;
}

export async function backfillExactCells(db: Database, chunk = 5_000): Promise<BackfillResult> {
	const result: BackfillResult = { incidents: 0, observations: 0 };
	const days = new Map<string, (d: Date) => string>();
	const dayIn = (zone: string) => {
		let f = days.get(zone);
		if (!f) days.set(zone, (f = localDayFormatter(zone)));
		return f;
	};
	const sets = CELL_COLUMNS.map((c, i) => `${c} = u.c${i}`).join(', ');
	const cellArrays = CELL_COLUMNS.map((_, i) => `$${i + 3}::bigint[]`).join(', ');
	const cellNames = CELL_COLUMNS.map((_, i) => `c${i}`).join(', ');
	const dayParam = `$${CELL_COLUMNS.length + 3}::date[]`;
	for (;;) {
		const done = await db.transaction(async (tx) => {
			const rows = await tx.query<PendingIncident>(
				`SELECT i.source_id, i.id::text AS id, ST_X(i.geom)::float8 AS lon, ST_Y(i.geom)::float8 AS lat,
				        (extract(epoch FROM i.occurred_from) * 1000)::float8 AS occurred_ms, s.timezone
				 FROM incidents i JOIN sources s ON s.id = i.source_id
				 WHERE i.local_day IS NULL
				 ORDER BY i.source_id, i.id LIMIT $1
				 FOR UPDATE OF i`,
				[chunk]
			);
			if (rows.length === 0) return true;
			const cells = CELL_COLUMNS.map(() => [] as (string | null)[]);
			for (const r of rows) {
				const located = r.lon !== null && r.lat !== null;
				const own = located ? exactCells(Number(r.lat), Number(r.lon)) : null;
				cells.forEach((col, i) => col.push(own ? own[i] : null));
			}
			await tx.query(
				`UPDATE incidents i SET ${sets}, local_day = u.day
				 FROM unnest($1::int[], $2::bigint[], ${cellArrays}, ${dayParam})
				   AS u(source_id, id, ${cellNames}, day)
				 WHERE i.source_id = u.source_id AND i.id = u.id`,
				[
					rows.map((r) => Number(r.source_id)),
					rows.map((r) => r.id),
					...cells,
					rows.map((r) => dayIn(r.timezone)(new Date(Number(r.occurred_ms))))
				]
			);
			result.incidents += rows.length;
			return rows.length < chunk;
		});
		if (done) break;
	}
	// Observations: their exact cell at every served resolution (those stored before migration 0011
	// have resolution 11 and, after 0010, 10 only).
	const observations = await db.query<{ id: string; lon: number; lat: number }>(
		`SELECT id::text AS id, ST_X(geom)::float8 AS lon, ST_Y(geom)::float8 AS lat
		 FROM observations WHERE (h3_r5 IS NULL OR h3_r10 IS NULL) AND geom IS NOT NULL`
	);
	if (observations.length) {
		const cells = CELL_COLUMNS.map(() => [] as string[]);
		for (const o of observations) {
			exactCells(Number(o.lat), Number(o.lon)).forEach((c, i) => cells[i].push(c));
		}
		await db.query(
			`UPDATE observations o SET ${sets}
			 FROM unnest($1::bigint[], ${CELL_COLUMNS.map((_, i) => `$${i + 2}::bigint[]`).join(', ')})
			   AS u(id, ${cellNames}) WHERE o.id = u.id`,
			[observations.map((o) => o.id), ...cells]
		);
		result.observations = observations.length;
	}
	return result;
}
