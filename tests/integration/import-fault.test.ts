/**
 * Fault test (issue 5): kill the import process partway through a large file, run it again, and the
 * database holds every row exactly once, with every batch's accounting exact.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { createTestDatabase, engines, hasShared, SHARED, type TestDatabase } from '../helpers/db';
import { openDatabase } from '../../src/lib/server/db/client';

const DERIVED = join(SHARED, 'data/chicago-cpd/derived/chicago_aggravated_assaults.csv.gz');
const MAPPING = 'examples/mappings/chicago-aggravated-assaults.json';
const TOTAL = 148_636;

describe.skipIf(!hasShared)('import killed part-way, then run again', () => {
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

			const args = ['bin/beatwise.js', 'import', DERIVED, '--format', 'csv', '--mapping', MAPPING];

			it('loses nothing and duplicates nothing', async () => {
				// First run: killed with SIGKILL once some batches have been committed.
				const child = spawn(process.execPath, [...args, '--batch-size', '5000'], {
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
				expect(Number(partial)).toBeGreaterThanOrEqual(4 * 5000);
				expect(Number(partial)).toBeLessThan(TOTAL);

				// Second run completes the file: what was stored counts as duplicate.
				const again = spawnSync(process.execPath, [...args, '--json'], { env, encoding: 'utf8' });
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
						        (SELECT sum(n)::int FROM cell_counts WHERE res = 10 AND grain = 'day') AS rolled FROM incidents`
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
				// Two CLI imports of 148,636 rows into every rollup: minutes on a busy machine.
			}, 900_000);
		});
	}
});
