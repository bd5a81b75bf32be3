/**
 * Bulk path of the scale benchmark for the big sizes (×100: 14.9 M incidents), where the product's
 * per-batch import (~600 rows/s on the shared 2-core machine) would take hours. Not the import: it
 * writes the same rows the import would, by the product's own code where it counts.
 *
 * - Copy 0 (the real data) is imported first through `importPaths` as for every size: the source, its
 *   batch, its coverage, rollups and report come from the import itself.
 * - Copies 1…n−1 (`resampleLines`) are parsed by the product's CSV adapter with the same mapping (so
 *   ids, times, time zone, category and attributes are the import's), located with the import's
 *   `exactCells` (`latLngToCell` at every served resolution) and `localDayFormatter`, encoded with its
 *   COPY helpers into the import's incident columns, and COPYed into `incidents` under the same source
 *   and batch, with the rollup triggers off and the secondary indexes dropped (recreated afterwards
 *   from their own definitions).
 * - Their coverage goes in with the import's `CoverageCollector` / `addCoverage`, the batch's counts
 *   with `addBatchCounts`; then the rollups are counted again from all incidents by the product's
 *   `rebuildRollups` (`beatwise rollup --rebuild`) and checked against the raw counts per resolution
 *   and grain (`rollupMismatches`); a mismatch fails the load.
 */
import type { Database } from '../../src/lib/server/db/client';
import { createAdapter } from '../../src/lib/server/ingest/adapters';
import { exactCells, localDayFormatter } from '../../src/lib/server/cell-keys';
import { attributesJson, copyField, pointEwkbHex } from '../../src/lib/server/ingest/copy-text';
import {
	CoverageCollector,
	coverageFootprint,
	coveragePeriodOf
} from '../../src/lib/server/ingest/coverage';
import {
	addBatchCounts,
	addCoverage,
	copyIncidents,
	findSource
} from '../../src/lib/server/db/queries/ingest';
import { rebuildRollups, rollupMismatches } from '../../src/lib/server/db/queries/rollup-rebuild';
import type { AssaultRow, ResampleOptions } from './generate';
import { resampleLines } from './generate';

const CHUNK = 25_000;

export interface BulkTimes {
	rows: number;
	copyS: number;
	indexS: number;
	rollupS: number;
	checkS: number;
}

/**
 * Append copies 1…`o.copies`−1 to a database holding copy 0 imported through the product with
 * `mapping` (one source, one batch). Returns the rows added and the phase times in seconds.
 */
export async function bulkAppendCopies(
	db: Database,
	input: readonly AssaultRow[],
	mapping: { source: string } & Record<string, unknown>,
	o: ResampleOptions,
	log: (s: string) => void = console.log
): Promise<BulkTimes> {
	const now = () => performance.now() / 1000;
	const source = await findSource(db, mapping.source);
	if (!source) throw new Error(`source "${mapping.source}" not found: import copy 0 first`);
	const [{ batch }] = await db.query<{ batch: number }>(
		`SELECT max(id)::int AS batch FROM import_batches WHERE source_id = $1`,
		[source.id]
	);
	const adapter = createAdapter('csv', { mapping });
	const toDay = localDayFormatter(source.timezone);
	const coverage = new CoverageCollector();

	// Secondary indexes of incidents (not those behind constraints) go, and come back after the load.
	const indexes = await db.query<{ name: string; def: string }>(
		`SELECT indexname AS name, indexdef AS def FROM pg_indexes
		 WHERE schemaname = 'public' AND tablename = 'incidents'
		   AND indexname NOT IN (SELECT conname FROM pg_constraint WHERE conrelid = 'incidents'::regclass)`
	);
	// Foreign keys onto incidents hang on its unique index: they go first and come back last.
	const fks = await db.query<{ tbl: string; name: string; def: string }>(
		`SELECT conrelid::regclass::text AS tbl, conname AS name, pg_get_constraintdef(oid) AS def
		 FROM pg_constraint WHERE contype = 'f' AND confrelid = 'incidents'::regclass`
	);
	for (const fk of fks) await db.query(`ALTER TABLE ${fk.tbl} DROP CONSTRAINT ${fk.name}`);
	for (const ix of indexes) await db.query(`DROP INDEX ${ix.name}`);
	await db.query('ALTER TABLE incidents DISABLE TRIGGER USER');
	const [{ next }] = await db.query<{ next: string }>(
		`SELECT coalesce(max(id), 0) + 1 AS next FROM incidents`
	);
	let id = Number(next);

	const t0 = now();
	let rows = 0;
	let lines: string[] = [];
	let pending: Promise<void> = Promise.resolve();
	const flush = async () => {
		const text = lines.join('\n') + '\n';
		lines = [];
		await pending;
		pending = copyIncidents(db, text);
	};
	let header: string[] | null = null;
	let n = 0;
	const first = input.length + 1; // header + copy 0
	for (const line of resampleLines(input, o)) {
		if (!header) {
			header = line.split(',');
			adapter.begin(header, 'bulk');
			n++;
			continue;
		}
		const cols = line.split(',');
		const values: Record<string, string> = {};
		for (let i = 0; i < header.length; i++) values[header[i]] = cols[i];
		// Copy 0 goes through the adapter too: synthetic ids count repeated content across the file.
		const r = adapter.parse({ rowNumber: n + 1, values, raw: line });
		if (n++ < first) continue;
		if (!r.ok) throw new Error(`row ${n}: ${JSON.stringify(r)}`);
		const inc = r.incident;
		const cells = exactCells(inc.lat!, inc.lon!);
		const day = toDay(inc.occurredFrom);
		coverage.add(
			coveragePeriodOf(day, toDay(inc.occurredTo)),
			coverageFootprint(BigInt(cells[cells.length - 1]).toString(16))
		);
		lines.push(
			[
				id++,
				source.id,
				copyField(inc.externalId),
				copyField(inc.category),
				copyField(inc.originalType),
				inc.occurredFrom.toISOString(),
				inc.occurredTo.toISOString(),
				inc.reportedAt ? inc.reportedAt.toISOString() : '\\N',
				inc.locationPrecision,
				copyField(inc.locationText),
				pointEwkbHex(inc.lon!, inc.lat!),
				inc.sensitive ? 't' : 'f',
				copyField(attributesJson(inc.attributes)),
				batch,
				...cells,
				day
			].join('\t')
		);
		rows++;
		if (lines.length === CHUNK) {
			await flush();
			if (rows % 1_000_000 < CHUNK)
				log(`  ${rows.toLocaleString('en-GB')} rows, ${(now() - t0).toFixed(0)} s`);
		}
	}
	if (lines.length) await flush();
	await pending;
	const copyS = now() - t0;
	const rest = await finishBulk(db, {
		sourceId: source.id,
		batch,
		rows,
		coverage: coverage.delta(),
		indexes,
		fks,
		log
	});
	return { rows, copyS, ...rest };
}

/** Secondary index and foreign-key definitions that a bulk load drops and recreates. */
export interface DroppedDefinitions {
	indexes: { name: string; def: string }[];
	fks: { tbl: string; name: string; def: string }[];
}

/**
 * The phases after the COPY: sequence, triggers on, coverage and batch counts, indexes and foreign keys
 * back, rollups recounted and checked. `coverage` null: the copied rows' coverage is derived from the
 * stored incidents (each located incident's local day and the resolution-5 parent of its cell, as
 * `coveragePeriodOf` / `coverageFootprint` give for records timed to the minute).
 */
export async function finishBulk(
	db: Database,
	o: DroppedDefinitions & {
		sourceId: number;
		batch: number;
		rows: number;
		coverage: ReturnType<CoverageCollector['delta']> | null;
		log: (s: string) => void;
	}
): Promise<Omit<BulkTimes, 'rows' | 'copyS'>> {
	const now = () => performance.now() / 1000;
	const { indexes, fks, log, rows, batch } = o;
	const source = { id: o.sourceId };
	const coverage = {
		delta: () => o.coverage
	};
	await db.query(
		`SELECT setval(pg_get_serial_sequence('incidents', 'id'), (SELECT max(id) FROM incidents))`
	);
	await db.query('ALTER TABLE incidents ENABLE TRIGGER USER');
	const delta = coverage.delta();
	if (delta) await addCoverage(db, source.id, delta);
	else
		await db.query(
			`INSERT INTO source_coverage (source_id, grain, period_start, footprint)
			 SELECT DISTINCT $1::int, 'day', local_day, h3_parent(h3, 5) FROM incidents
			 WHERE source_id = $1 AND h3 IS NOT NULL ON CONFLICT DO NOTHING`,
			[source.id]
		);
	await addBatchCounts(db, batch, { total: rows, imported: rows, rejected: 0, duplicate: 0 });
	log(`  ${rows.toLocaleString('en-GB')} rows copied; indexes…`);

	const t1 = now();
	await db.query(`SET maintenance_work_mem = '512MB'`);
	for (const ix of indexes) await db.query(ix.def);
	for (const fk of fks) await db.query(`ALTER TABLE ${fk.tbl} ADD CONSTRAINT ${fk.name} ${fk.def}`);
	const indexS = now() - t1;
	log(`  indexes in ${indexS.toFixed(0)} s; rollups…`);

	const t2 = now();
	const written = await rebuildRollups(db);
	const rollupS = now() - t2;
	log(
		`  rollups (${written.cellCounts.toLocaleString('en-GB')} rows) in ${rollupS.toFixed(0)} s; check…`
	);

	const t3 = now();
	const bad = await rollupMismatches(db);
	if (bad.length) throw new Error(`rollups disagree with the incidents: ${JSON.stringify(bad)}`);
	const checkS = now() - t3;
	log(`  rollup sums equal the raw counts at every resolution and grain (${checkS.toFixed(0)} s)`);
	return { indexS, rollupS, checkS };
}

/**
 * Finish a bulk load stopped during its COPY (the machine too slow for the whole size in one sitting):
 * keep copies 0…`keep`−1 (ids run in copy order), then `finishBulk` with the index and foreign-key
 * definitions of `schemaFrom` (a database of the same schema) and the coverage from the incidents.
 *
 *   npx tsx bench/scale/bulk.ts --finish bw_scale_x100 --keep 50 --schema-from bw_scale_x1
 */
async function finishMain() {
	const { parseArgs } = await import('node:util');
	const { openDatabase } = await import('../../src/lib/server/db/client');
	const { values } = parseArgs({
		options: {
			finish: { type: 'string' },
			keep: { type: 'string' },
			'schema-from': { type: 'string' },
			'copy-rows': { type: 'string', default: '148636' }
		}
	});
	const base = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
	const url = (name: string) => Object.assign(new URL(base), { pathname: `/${name}` }).toString();
	const schema = await openDatabase({ databaseUrl: url(values['schema-from']!), migrate: false });
	const defs: DroppedDefinitions = {
		indexes: await schema.query(
			`SELECT indexname AS name, indexdef AS def FROM pg_indexes
			 WHERE schemaname = 'public' AND tablename = 'incidents'
			   AND indexname NOT IN (SELECT conname FROM pg_constraint WHERE conrelid = 'incidents'::regclass)`
		),
		fks: await schema.query(
			`SELECT conrelid::regclass::text AS tbl, conname AS name, pg_get_constraintdef(oid) AS def
			 FROM pg_constraint WHERE contype = 'f' AND confrelid = 'incidents'::regclass`
		)
	};
	await schema.close();
	const db = await openDatabase({ databaseUrl: url(values.finish!), migrate: false });
	try {
		const keepRows = Number(values.keep) * Number(values['copy-rows']);
		await db.query(`DELETE FROM incidents WHERE id > $1`, [keepRows]);
		const [{ source_id: sourceId, batch }] = await db.query<{ source_id: number; batch: number }>(
			`SELECT source_id, max(id)::int AS batch FROM import_batches GROUP BY 1`
		);
		const [{ n }] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM incidents`);
		const times = await finishBulk(db, {
			...defs,
			sourceId: Number(sourceId),
			batch: Number(batch),
			rows: Number(n) - Number(values['copy-rows']),
			coverage: null,
			log: console.log
		});
		console.log(JSON.stringify({ rows: Number(n), ...times }));
	} finally {
		await db.close();
	}
}

if (import.meta.url === `file://${process.argv[1]}`) await finishMain();
