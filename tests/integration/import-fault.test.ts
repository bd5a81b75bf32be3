/**
 * Fault test (issue 5): kill the import process partway through a file, run it again, and the
 * database holds every row exactly once, with every batch's accounting exact. The file: the first
 * 30,000 rows of the Chicago aggravated-assault file (synthetic ids from each row's content), read in
 * batches of 2,000 and killed after the fourth commit; the whole file's 148,636 rows prove no more
 * (its import through the mapping is import-chicago-areas.test.ts's).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import {
	createTestDatabase,
	engines,
	SHARED,
	type TestDatabase,
	withoutShared
} from '../helpers/db';
import { openDatabase } from '../../src/lib/server/db/client';

const DERIVED = join(SHARED, 'data/chicago-cpd/derived/chicago_aggravated_assaults.csv.gz');
const MAPPING = 'examples/mappings/chicago-aggravated-assaults.json';
const TOTAL = 30_000;
const BATCH = 2_000;

describe.skipIf(withoutShared())('import killed part-way, then run again', () => {
	let work: string;
	let FILE: string;
	beforeAll(() => {
		work = mkdtempSync(join(tmpdir(), 'beatwise-fault-'));
		FILE = join(work, 'chicago-aggravated-assaults-30000.csv');
		const lines = gunzipSync(readFileSync(DERIVED)).toString('utf8').split('\n');
		writeFileSync(FILE, lines.slice(0, TOTAL + 1).join('\n') + '\n');
	});
	afterAll(() => rmSync(work, { recursive: true, force: true }));

	for (const engine of engines()) {
		describe(engine, () => {
			let t: TestDatabase;
			let env: NodeJS.ProcessEnv;
			beforeAll(async () => {
				t = await createTestDatabase(engine);
				// The CLI process needs the database to itself (PGlite: one process per folder).
				await t.db.close();
				env = {
					...process.env,
					DATABASE_URL: t.url ?? '',
					BEATWISE_DATA: t.dataDir ?? ''
				};
			});
			afterAll(async () => {
				await t?.drop();
			});

			const args = () => [
				'bin/beatwise.js',
				'import',
				FILE,
				'--format',
				'csv',
				'--mapping',
				MAPPING
			];

			it('loses nothing and duplicates nothing', async () => {
				// First run: killed with SIGKILL once some batches have been committed.
				const child = spawn(process.execPath, [...args(), '--batch-size', String(BATCH)], {
					env: { ...env, BEATWISE_IMPORT_TRACE: '1' },
					stdio: ['ignore', 'pipe', 'pipe']
				});
				let err = '';
				await new Promise<void>((resolve, reject) => {
					const timer = setTimeout(() => reject(new Error(`no batch committed:\n${err}`)), 240_000);
					child.stderr.on('data', (d) => {
						err += d;
						// Kill after the fourth committed batch: mid-file, mid-stream.
						if ((err.match(/batch committed/g) ?? []).length >= 4 && child.exitCode === null) {
							clearTimeout(timer);
							child.kill('SIGKILL');
							resolve();
						}
					});
					child.on('exit', () => {
						clearTimeout(timer);
						resolve();
					});
				});
				await new Promise((r) => (child.exitCode === null ? child.once('exit', r) : r(null)));
				expect(child.signalCode).toBe('SIGKILL');

				const db = await openDatabase({ databaseUrl: t.url, dataDir: t.dataDir });
				const [{ n: partial }] = await db.query<{ n: number }>(
					'SELECT count(*)::int AS n FROM incidents'
				);
				await db.close();
				expect(Number(partial)).toBeGreaterThanOrEqual(4 * BATCH);
				expect(Number(partial)).toBeLessThan(TOTAL);

				// Second run completes the file: what was stored counts as duplicate.
				const again = spawnSync(process.execPath, [...args(), '--json'], {
					env,
					encoding: 'utf8'
				});
				expect(again.status, again.stderr).toBe(0);
				const r = JSON.parse(again.stdout);
				expect(r.total).toBe(TOTAL);
				expect(r.duplicate).toBe(Number(partial));
				expect(r.imported).toBe(TOTAL - Number(partial));
				expect(r.rejected).toBe(0);

				const check = await openDatabase({ databaseUrl: t.url, dataDir: t.dataDir });
				try {
					const [s] = await check.query<{ n: number; distinct: number; rolled: number }>(
						`SELECT count(*)::int AS n, count(DISTINCT external_id)::int AS distinct,
						        (SELECT sum(n)::int FROM cell_counts WHERE res = 10 AND grain IN ('day', 'month-only')) AS rolled FROM incidents`
					);
					expect(Number(s.n)).toBe(TOTAL);
					expect(Number(s.distinct)).toBe(TOTAL);
					expect(Number(s.rolled)).toBe(TOTAL);
					// Every batch row, the interrupted one included, balances.
					const batches = await check.query<{ ok: boolean }>(
						`SELECT total_rows = imported + rejected + duplicate AS ok FROM import_batches`
					);
					expect(batches.length).toBe(2);
					expect(batches.every((b) => b.ok)).toBe(true);
				} finally {
					await check.close();
				}
			}, 600_000);
		});
	}
});
