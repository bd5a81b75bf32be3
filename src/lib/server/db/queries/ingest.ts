/** Queries of the import pipeline. Only files under db/queries talk to the database. */
import { CELL_COLUMNS } from '../../cell-keys';
import type { Database, Queryable } from '../client';

export interface SourceSpec {
	name: string;
	kind: 'internal' | 'open';
	category: string;
	timezone: string;
	attribution?: string;
	defaultReliability?: number;
}

export interface SourceRecord {
	id: number;
	name: string;
	timezone: string;
}

/** The source with this name, or null when there is none (nothing is created). */
export async function findSource(db: Queryable, name: string): Promise<SourceRecord | null> {
	const rows = await db.query<{ id: number; name: string; timezone: string }>(
		`SELECT id, name, timezone FROM sources WHERE name = $1`,
		[name]
	);
	return rows[0]
		? { id: Number(rows[0].id), name: rows[0].name, timezone: rows[0].timezone }
		: null;
}

/** The source with this name, created on first use. */
export async function ensureSource(db: Queryable, spec: SourceSpec): Promise<SourceRecord> {
	const rows = await db.query<{ id: number; name: string; timezone: string }>(
		`INSERT INTO sources (name, kind, category, timezone, attribution, default_reliability)
		 VALUES ($1, $2, $3, $4, $5, $6)
		 ON CONFLICT (name) DO UPDATE SET attribution = coalesce(sources.attribution, EXCLUDED.attribution)
		 RETURNING id, name, timezone`,
		[
			spec.name,
			spec.kind,
			spec.category,
			spec.timezone,
			spec.attribution ?? null,
			spec.defaultReliability ?? 2
		]
	);
	return { id: Number(rows[0].id), name: rows[0].name, timezone: rows[0].timezone };
}

export async function createBatch(
	db: Queryable,
	b: {
		sourceId: number;
		format: string;
		file: string;
		fileSha256: string | null;
		fileBytes: number | null;
		mapping: unknown;
		importedBy: string | null;
	}
): Promise<number> {
	const rows = await db.query<{ id: number }>(
		`INSERT INTO import_batches (source_id, format, file, file_sha256, file_bytes, mapping, imported_by)
		 VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
		[
			b.sourceId,
			b.format,
			b.file,
			b.fileSha256,
			b.fileBytes,
			b.mapping === undefined || b.mapping === null ? null : JSON.stringify(b.mapping),
			b.importedBy
		]
	);
	return Number(rows[0].id);
}

export async function addBatchCounts(
	db: Queryable,
	batchId: number,
	c: {
		total: number;
		imported: number;
		rejected: number;
		duplicate: number;
		filtered?: number;
		retracted?: number;
		withdrawn?: number;
		merged?: number;
	}
): Promise<void> {
	await db.query(
		`UPDATE import_batches SET total_rows = total_rows + $2, imported = imported + $3,
		 rejected = rejected + $4, duplicate = duplicate + $5, filtered = filtered + $6,
		 retracted = retracted + $7, withdrawn = withdrawn + $8, merged = merged + $9,
		 heartbeat_at = now() WHERE id = $1`,
		[
			batchId,
			c.total,
			c.imported,
			c.rejected,
			c.duplicate,
			c.filtered ?? 0,
			c.retracted ?? 0,
			c.withdrawn ?? 0,
			c.merged ?? 0
		]
	);
}

/** The batch's report for analysts (rows without location by reason, unmapped values, warnings). */
export async function setBatchReport(
	db: Queryable,
	batchId: number,
	report: unknown
): Promise<void> {
	await db.query(`UPDATE import_batches SET report = $2 WHERE id = $1`, [
		batchId,
		JSON.stringify(report)
	]);
}

/**
 * Deletes the source's incidents with these external ids (retractions of earlier imports; the
 * rollup triggers take them out of the counts). Returns the ids deleted.
 */
export async function withdrawIncidents(
	tx: Queryable,
	sourceId: number,
	ids: string[]
): Promise<Set<string>> {
	if (ids.length === 0) return new Set();
	const rows = await tx.query<{ external_id: string }>(
		`DELETE FROM incidents WHERE source_id = $1 AND external_id = ANY($2::text[])
		 RETURNING external_id`,
		[sourceId, ids]
	);
	return new Set(rows.map((r) => r.external_id));
}

/**
 * The PostGIS srid and proj4 definition of `AUTH:code` (spatial_ref_sys `auth_name`/`auth_srid`,
 * case-insensitive authority), or null when PostGIS does not know it.
 */
export async function crsDefinition(
	db: Queryable,
	crs: string
): Promise<{ srid: number; proj4: string } | null> {
	const [auth, code] = crs.split(':');
	const rows = await db.query<{ srid: number; proj4text: string | null }>(
		`SELECT srid, proj4text FROM spatial_ref_sys
		 WHERE upper(auth_name) = upper($1) AND auth_srid = $2
		 ORDER BY srid LIMIT 1`,
		[auth, Number(code)]
	);
	const def = rows[0]?.proj4text?.trim();
	return def ? { srid: rows[0].srid, proj4: def } : null;
}

/** The mapping stored for a source (by source name), or null. */
export async function sourceMapping(
	db: Queryable,
	sourceName: string
): Promise<{ format: string; mapping: unknown; updatedAt: Date } | null> {
	const rows = await db.query<{ format: string; mapping: unknown; updated_at: Date | string }>(
		`SELECT m.format, m.mapping, m.updated_at FROM source_mappings m
		 JOIN sources s ON s.id = m.source_id WHERE s.name = $1`,
		[sourceName]
	);
	const r = rows[0];
	return r ? { format: r.format, mapping: r.mapping, updatedAt: new Date(r.updated_at) } : null;
}

/** Sources that have a stored mapping, newest first. */
export async function sourceMappings(
	db: Queryable
): Promise<{ source: string; format: string; mapping: unknown; updatedAt: Date }[]> {
	const rows = await db.query<{
		name: string;
		format: string;
		mapping: unknown;
		updated_at: Date | string;
	}>(
		`SELECT s.name, m.format, m.mapping, m.updated_at FROM source_mappings m
		 JOIN sources s ON s.id = m.source_id ORDER BY m.updated_at DESC, s.name`
	);
	return rows.map((r) => ({
		source: r.name,
		format: r.format,
		mapping: r.mapping,
		updatedAt: new Date(r.updated_at)
	}));
}

export async function saveSourceMapping(
	db: Queryable,
	sourceId: number,
	format: string,
	mapping: unknown,
	updatedBy: string | null
): Promise<void> {
	await db.query(
		`INSERT INTO source_mappings (source_id, format, mapping, updated_by) VALUES ($1, $2, $3, $4)
		 ON CONFLICT (source_id) DO UPDATE SET format = EXCLUDED.format, mapping = EXCLUDED.mapping,
		 updated_by = EXCLUDED.updated_by, updated_at = now()`,
		[sourceId, format, JSON.stringify(mapping), updatedBy]
	);
}

export async function finishBatch(
	db: Queryable,
	batchId: number,
	status: 'complete' | 'failed',
	error: string | null
): Promise<void> {
	await db.query(
		`UPDATE import_batches SET status = $2, error = $3, finished_at = now() WHERE id = $1`,
		[batchId, status, error]
	);
}

/** A running import's sign of life. */
export async function touchBatch(db: Queryable, batchId: number): Promise<void> {
	await db.query(
		`UPDATE import_batches SET heartbeat_at = now() WHERE id = $1 AND status = 'running'`,
		[batchId]
	);
}

/** How long a running batch may go without a sign of life before the next run calls it interrupted. */
export const BATCH_STALE_MS = 5 * 60_000;

export interface InterruptedBatch {
	batchId: number;
	file: string;
	/** Rows stored before it stopped (kept: importing the file again completes it). */
	imported: number;
}

/**
 * Mark `running` batches without a sign of life for `staleMs` as `interrupted` (their import was
 * killed: a live import renews `heartbeat_at` every minute and with every batch). Called when an
 * import starts, so a killed one is reported by the next run instead of showing `running` forever.
 */
export async function markInterruptedBatches(
	db: Queryable,
	staleMs = BATCH_STALE_MS
): Promise<InterruptedBatch[]> {
	const rows = await db.query<{ id: number; file: string; imported: number }>(
		`UPDATE import_batches
		 SET status = 'interrupted', finished_at = now(),
		     error = 'interrupted: its import stopped without finishing (no sign of life since '
		             || to_char(heartbeat_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') || ' UTC)'
		 WHERE status = 'running' AND heartbeat_at < now() - make_interval(secs => $1::float8 / 1000)
		 RETURNING id, file, imported`,
		[staleMs]
	);
	return rows
		.map((r) => ({ batchId: Number(r.id), file: r.file, imported: Number(r.imported) }))
		.sort((a, b) => a.batchId - b.batchId);
}

/** Incidents stored for a source, from its batches' counters (updated with the rows, so exact). */
export async function sourceImportedTotal(tx: Queryable, sourceId: number): Promise<number> {
	const rows = await tx.query<{ n: number }>(
		`SELECT coalesce(sum(imported), 0)::bigint::text AS n FROM import_batches WHERE source_id = $1`,
		[sourceId]
	);
	return Number(rows[0].n);
}

/**
 * Which of these external ids the source already holds. Index probes, one per id: the planner's
 * hash join over every incident of the source is far slower here (its row estimate is off after bulk
 * loads), so it is switched off for this transaction.
 */
export async function existingExternalIds(
	tx: Queryable,
	sourceId: number,
	ids: string[]
): Promise<Set<string>> {
	if (ids.length === 0) return new Set();
	await tx.query('SET LOCAL enable_hashjoin = off');
	await tx.query('SET LOCAL enable_mergejoin = off');
	const rows = await tx.query<{ external_id: string }>(
		`SELECT i.external_id FROM unnest($2::text[]) AS u(id)
		 JOIN incidents i ON i.source_id = $1 AND i.external_id = u.id`,
		[sourceId, ids]
	);
	await tx.query('SET LOCAL enable_hashjoin = on');
	await tx.query('SET LOCAL enable_mergejoin = on');
	return new Set(rows.map((r) => r.external_id));
}

/**
 * COPY incidents given as lines of `id` + `INCIDENT_COLUMNS` (ids from `reserveIncidentIds`, so the
 * rows can be sent in key order and still number the file's rows in the order it has them).
 */
export async function copyIncidents(tx: Queryable, copyText: string): Promise<void> {
	if (copyText) await tx.copyIn('incidents', ['id', ...INCIDENT_COLUMNS], copyText);
}

/**
 * `n` new incident ids from the table's own sequence, ascending. They come back as one row of runs
 * (`first-last`, or `id` alone where another writer took ids in between): a row per id cost more than
 * the ids themselves. The sequence is looked up once (`pg_get_serial_sequence` per id cost catalog
 * lookups per row: 4.5 s of the police.uk month, bench/RESULTS.md "Ingest").
 */
export async function reserveIncidentIds(tx: Queryable, n: number): Promise<number[]> {
	if (n === 0) return [];
	const [{ runs }] = await tx.query<{ runs: string }>(
		`SELECT string_agg(CASE WHEN lo = hi THEN lo::text ELSE lo || '-' || hi END, ',' ORDER BY lo) AS runs
		 FROM (SELECT min(id) AS lo, max(id) AS hi FROM (
		         SELECT id, id - row_number() OVER (ORDER BY id) AS run
		         FROM (SELECT nextval(q.seq) AS id
		               FROM (SELECT pg_get_serial_sequence('incidents', 'id')::regclass AS seq) AS q
		               CROSS JOIN generate_series(1, $1::int)) AS v) AS r
		       GROUP BY run) AS g`,
		[n]
	);
	const ids: number[] = [];
	for (const part of runs.split(',')) {
		const [lo, hi = lo] = part.split('-').map(Number);
		for (let id = lo; id <= hi; id++) ids.push(id);
	}
	return ids;
}

/**
 * From here to the end of the transaction the caller adds its inserted incidents to the rollups itself
 * (`addRollupCounts`); the insert trigger on incidents leaves them alone (migration 0016). Updates,
 * deletes and other transactions are still counted by the triggers. The batch's rows, which the
 * insert trigger's transition table holds, stay in memory (`work_mem` for this transaction).
 */
export async function takeOverRollupInserts(tx: Queryable): Promise<void> {
	await tx.query(
		`SELECT set_config('beatwise.rollups_by_import', 'on', true), set_config('work_mem', '64MB', true)`
	);
}

/**
 * Add summed rollup rows (COPY text of `columns`, sorted in the key's order: ingest/rollup-counts.ts)
 * to `cell_counts` in one set-based upsert, inside the caller's transaction.
 */
export async function addRollupCounts(
	tx: Queryable,
	columns: readonly string[],
	copyText: string
): Promise<void> {
	if (!copyText) return;
	const cols = columns.join(', ');
	await tx.query(
		`CREATE TEMP TABLE IF NOT EXISTS rollup_stage ON COMMIT DELETE ROWS AS
		 SELECT ${cols} FROM cell_counts WITH NO DATA`
	);
	await tx.copyIn('rollup_stage', [...columns], copyText);
	await tx.query(
		`INSERT INTO cell_counts AS c (${cols}) SELECT ${cols} FROM rollup_stage
		 ON CONFLICT (res, grain, period, h3, category, source_id) DO UPDATE
		 SET n = c.n + EXCLUDED.n, harm = c.harm + EXCLUDED.harm, sensitive = c.sensitive + EXCLUDED.sensitive`
	);
}

/** Distinct coverage keys of a batch (ingest/coverage.ts): grain, first day of the period, footprint. */
export interface CoverageRows {
	grain: string[];
	periodStart: string[];
	/** Resolution-5 cell as decimal bigint text, '0' for records without a location. */
	footprint: string[];
}

/**
 * Record that a source holds data for these periods and footprints (kept once; re-imports add
 * nothing). In key order, so concurrent batches wait on each other one way only.
 */
export async function addCoverage(tx: Queryable, sourceId: number, c: CoverageRows): Promise<void> {
	if (c.grain.length === 0) return;
	await tx.query(
		`INSERT INTO source_coverage (source_id, grain, period_start, footprint)
		 SELECT $1, g, p, f FROM unnest($2::text[], $3::date[], $4::bigint[]) AS u(g, p, f)
		 ORDER BY g, p, f
		 ON CONFLICT DO NOTHING`,
		[sourceId, c.grain, c.periodStart, c.footprint]
	);
}

export const INCIDENT_COLUMNS = [
	'source_id',
	'external_id',
	'category',
	'original_type',
	'occurred_from',
	'occurred_to',
	'reported_at',
	'location_precision',
	'location_text',
	'geom',
	'sensitive',
	'attributes',
	'batch_id',
	// What the rollups count the incident under (their insert trigger reads these).
	...CELL_COLUMNS,
	'local_day'
];

/**
 * Load a batch: COPY into a transaction-local staging table and insert what is new (the unique
 * `(source_id, external_id)` decides; rows already stored are skipped). The insert trigger adds only
 * the rows actually inserted to the rollups. Returns how many rows were inserted.
 */
export async function insertStagedIncidents(
	tx: Queryable,
	copyText: string
): Promise<{ inserted: number; located: number }> {
	if (!copyText) return { inserted: 0, located: 0 };
	await tx.query(
		`CREATE TEMP TABLE incident_stage ON COMMIT DROP AS
		 SELECT ${INCIDENT_COLUMNS.join(', ')} FROM incidents WITH NO DATA`
	);
	await tx.copyIn('incident_stage', INCIDENT_COLUMNS, copyText);
	const cols = INCIDENT_COLUMNS.join(', ');
	const rows = await tx.query<{ inserted: number; located: number }>(
		`WITH ins AS (
		   INSERT INTO incidents (${cols}) SELECT ${cols} FROM incident_stage ORDER BY external_id COLLATE "C"
		   ON CONFLICT (source_id, external_id) DO NOTHING
		   RETURNING h3 IS NOT NULL AS located
		 )
		 SELECT count(*)::int AS inserted, (count(*) FILTER (WHERE located))::int AS located FROM ins`
	);
	await tx.query('DROP TABLE incident_stage');
	return { inserted: Number(rows[0].inserted), located: Number(rows[0].located) };
}

export const OFFENCE_COPY_COLUMNS = [
	'source_id',
	'external_id',
	'offence',
	'category',
	'original_type',
	'sensitive',
	'batch_id'
];

/**
 * Store offences of incidents (COPY text of `OFFENCE_COPY_COLUMNS`; their incidents are stored),
 * skipping offences already stored, and bring each touched incident's `extra_categories` (its
 * offences' categories other than its own, sorted) and `sensitive` (any sensitive offence) up to
 * date — an UPDATE, so the rollup triggers move its counts. Returns how many offences were new.
 */
export async function addOffences(
	tx: Queryable,
	sourceId: number,
	copyText: string
): Promise<number> {
	if (!copyText) return 0;
	const cols = OFFENCE_COPY_COLUMNS.join(', ');
	await tx.query(
		`CREATE TEMP TABLE IF NOT EXISTS offence_stage ON COMMIT DELETE ROWS AS
		 SELECT ${cols} FROM incident_offences WITH NO DATA`
	);
	await tx.query('TRUNCATE offence_stage');
	await tx.copyIn('offence_stage', OFFENCE_COPY_COLUMNS, copyText);
	const [r] = await tx.query<{ n: number }>(
		`WITH ins AS (
		   INSERT INTO incident_offences (${cols}) SELECT ${cols} FROM offence_stage
		   ON CONFLICT (source_id, external_id, offence) DO NOTHING RETURNING 1
		 ) SELECT count(*)::int AS n FROM ins`
	);
	await tx.query(
		`UPDATE incidents i SET extra_categories = e.extra, sensitive = i.sensitive OR e.sensitive
		 FROM (
		   SELECT j.id,
		          coalesce(array_agg(DISTINCT o.category ORDER BY o.category)
		                   FILTER (WHERE o.category <> j.category), '{}') AS extra,
		          bool_or(o.sensitive) AS sensitive
		   FROM incidents j
		   JOIN incident_offences o ON o.source_id = j.source_id AND o.external_id = j.external_id
		   WHERE j.source_id = $1
		     AND j.external_id IN (SELECT DISTINCT external_id FROM offence_stage)
		   GROUP BY j.id
		 ) e
		 WHERE i.source_id = $1 AND i.id = e.id
		   AND (i.extra_categories IS DISTINCT FROM e.extra OR (e.sensitive AND NOT i.sensitive))`,
		[sourceId]
	);
	return Number(r.n);
}

/** The `(external id, offence)` pairs among `pairs` already stored for the source. */
export async function existingOffences(
	db: Queryable,
	sourceId: number,
	pairs: { externalId: string; offence: string }[]
): Promise<Set<string>> {
	if (pairs.length === 0) return new Set();
	const rows = await db.query<{ external_id: string; offence: string }>(
		`SELECT o.external_id, o.offence FROM incident_offences o
		 JOIN unnest($2::text[], $3::text[]) AS p(external_id, offence)
		   ON p.external_id = o.external_id AND p.offence = o.offence
		 WHERE o.source_id = $1`,
		[sourceId, pairs.map((p) => p.externalId), pairs.map((p) => p.offence)]
	);
	return new Set(rows.map((r) => offenceKey(r.external_id, r.offence)));
}

/** Key of an offence of an incident in sets of pairs. */
export const offenceKey = (externalId: string, offence: string): string =>
	`${externalId}\u0000${offence}`;

export const REJECT_COPY_COLUMNS = ['batch_id', 'file', 'row_number', 'field', 'reason', 'raw'];

export async function copyRejects(db: Queryable, copyText: string): Promise<void> {
	if (copyText) await db.copyIn('import_rejects', REJECT_COPY_COLUMNS, copyText);
}

/** proj4 definition PostGIS holds for an SRID, or null when PostGIS does not know it. */
export async function proj4ForSrid(db: Database, srid: number): Promise<string | null> {
	const rows = await db.query<{ proj4text: string | null }>(
		`SELECT proj4text FROM spatial_ref_sys WHERE srid = $1`,
		[srid]
	);
	return rows[0]?.proj4text?.trim() || null;
}

export interface BatchRecord {
	id: number;
	sourceName: string;
	format: string;
	file: string;
	status: string;
	totalRows: number;
	imported: number;
	rejected: number;
	duplicate: number;
	startedAt: string;
	finishedAt: string | null;
	error: string | null;
}

export async function listBatches(db: Queryable, limit = 50): Promise<BatchRecord[]> {
	return db.query<BatchRecord & Record<string, unknown>>(
		`SELECT b.id, s.name AS "sourceName", b.format, b.file, b.status, b.total_rows AS "totalRows",
		        b.imported, b.rejected, b.duplicate, b.started_at::text AS "startedAt",
		        b.finished_at::text AS "finishedAt", b.error
		 FROM import_batches b JOIN sources s ON s.id = b.source_id
		 ORDER BY b.id DESC LIMIT $1`,
		[limit]
	);
}

/** True before anything was imported: no import batch and no area. */
export async function nothingImported(db: Queryable): Promise<boolean> {
	const rows = await db.query<{ n: number }>(
		`SELECT (SELECT count(*) FROM import_batches) + (SELECT count(*) FROM areas) AS n`
	);
	return Number(rows[0].n) === 0;
}
