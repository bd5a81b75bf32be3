/**
 * Two imports of the same file at once: the unique (source, external_id) key decides, so together
 * they store every row once and account for every row (on PostgreSQL the second import meets rows
 * the first committed after its check, and falls back to row-by-row conflict handling).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import {
	createTestDatabase,
	engines,
	SHARED,
	type TestDatabase,
	withoutShared
} from '../helpers/db';
import { importPaths } from '../../src/lib/server/ingest/import';
import { reserveIncidentIds } from '../../src/lib/server/db/queries/ingest';

const PORTAL = join(SHARED, 'data/chicago-cpd/crimes/Crimes_-_2001_to_present.csv');

describe.skipIf(withoutShared())('concurrent imports of one file', () => {
	for (const engine of engines()) {
		describe(engine, () => {
			let t: TestDatabase;
			beforeAll(async () => {
				t = await createTestDatabase(engine);
			});
			afterAll(async () => {
				await t?.drop();
			});

			it('store every row once between them', async () => {
				const run = () => importPaths(t.db, { inputs: [PORTAL], format: 'chicago', batchSize: 50 });
				const [a, b] = await Promise.all([run(), run()]);
				expect(a.failed, JSON.stringify(a.failed)).toEqual([]);
				expect(b.failed, JSON.stringify(b.failed)).toEqual([]);
				expect(a.imported + b.imported).toBe(1730);
				expect(a.duplicate + b.duplicate).toBe(1730);
				for (const r of [a, b]) expect(r.imported + r.rejected + r.duplicate).toBe(1730);
				const [s] = await t.db.query<{ n: number; rolled: number }>(
					`SELECT count(*)::int AS n, (SELECT sum(n)::int FROM cell_counts WHERE res = 10 AND grain IN ('day', 'month-only')) AS rolled
					 FROM incidents`
				);
				expect(Number(s.n)).toBe(1730);
				expect(Number(s.rolled)).toBe(1542);
			});

			it('reserves ids from the sequence, also where they do not come in one run', async () => {
				const reserve = (n: number) => t.db.transaction((tx) => reserveIncidentIds(tx, n));
				const a = await reserve(1000);
				expect(a).toHaveLength(1000);
				expect(a[999] - a[0]).toBe(999);
				// Ids that do not follow each other (as when another writer takes ids in between).
				await t.db.query('ALTER SEQUENCE incidents_id_seq INCREMENT BY 3');
				try {
					const b = await reserve(500);
					expect(b).toHaveLength(500);
					expect(b[0]).toBeGreaterThan(a[999]);
					expect(b.every((id, i) => i === 0 || id - b[i - 1] === 3)).toBe(true);
				} finally {
					await t.db.query('ALTER SEQUENCE incidents_id_seq INCREMENT BY 1');
				}
				const [{ next }] = await t.db.query<{ next: string }>(
					`SELECT nextval('incidents_id_seq')::text AS next`
				);
				expect(Number(next)).toBeGreaterThan(a[999]);
				expect(await reserve(0)).toEqual([]);
			});
		});
	}
});
