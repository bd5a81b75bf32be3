/**
 * Issue 2: import all 40 police.uk files of August 2021 (362,296 rows) on each engine, assert the exact
 * accounting against an independent count, re-import and assert nothing changes, and check counts of
 * a few cells against h3-js applied to the raw rows.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { latLngToCell } from 'h3-js';
import { createTestDatabase, engines, hasShared, SHARED, type TestDatabase } from '../helpers/db';
import { importPaths } from '../../src/lib/server/ingest/import';
import { cellCountsForMap } from '../../src/lib/server/services/cells';

const DIR = join(SHARED, 'data/uk-policeuk-2021-08-allforces/2021-08');

interface Expected {
	total: number;
	duplicate: number;
	located: number;
	cells8: Map<string, number>;
}

/** Independent of the importer: plain csv-parse, first occurrence of a Crime ID wins. */
function expectedFromRawFiles(): Expected {
	const seen = new Set<string>();
	const e: Expected = { total: 0, duplicate: 0, located: 0, cells8: new Map() };
	for (const f of readdirSync(DIR).sort()) {
		const rows = parse(readFileSync(join(DIR, f)), { columns: true, bom: true }) as Record<
			string,
			string
		>[];
		for (const r of rows) {
			e.total++;
			const id = r['Crime ID'];
			if (id) {
				if (seen.has(id)) {
					e.duplicate++;
					continue;
				}
				seen.add(id);
			}
			if (r.Longitude && r.Latitude) {
				e.located++;
				const c = latLngToCell(Number(r.Latitude), Number(r.Longitude), 8);
				e.cells8.set(c, (e.cells8.get(c) ?? 0) + 1);
			}
		}
	}
	return e;
}

describe.skipIf(!hasShared)('police.uk August 2021, all 40 forces', () => {
	let expected: Expected;
	beforeAll(() => {
		expected = expectedFromRawFiles();
	});

	for (const engine of engines()) {
		describe(engine, () => {
			let t: TestDatabase;
			beforeAll(async () => {
				t = await createTestDatabase(engine);
			});
			afterAll(async () => {
				await t?.drop();
			});

			it('accounts for every row: total = imported + rejected + duplicate', async () => {
				const r = await importPaths(t.db, { inputs: [DIR], format: 'police-uk' });
				expect(r.failed).toEqual([]);
				expect(r.files).toHaveLength(40);
				expect(r.total).toBe(362_296);
				expect(expected.total).toBe(362_296);
				expect(r.rejected).toBe(0);
				expect(r.duplicate).toBe(expected.duplicate);
				expect(r.imported).toBe(362_296 - expected.duplicate);
				expect(r.located).toBe(expected.located);
				expect(r.imported + r.rejected + r.duplicate).toBe(r.total);
				const [{ n }] = await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM incidents');
				expect(Number(n)).toBe(r.imported);
				const [{ m }] = await t.db.query<{ m: number }>(
					"SELECT sum(n)::int AS m FROM cell_counts WHERE res = 10 AND grain = 'day'"
				);
				expect(Number(m)).toBe(expected.located);
				const [{ b }] = await t.db.query<{ b: number }>(
					`SELECT sum(total_rows - imported - rejected - duplicate)::int AS b FROM import_batches`
				);
				expect(Number(b)).toBe(0);
				// 362,296 rows into every rollup (7 resolutions × 3 grains): minutes on a busy machine.
			}, 900_000);

			it('re-importing adds nothing', async () => {
				const r = await importPaths(t.db, { inputs: [DIR], format: 'police-uk' });
				expect(r.total).toBe(362_296);
				expect(r.imported).toBe(0);
				expect(r.duplicate).toBe(362_296);
				const [{ n }] = await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM incidents');
				expect(Number(n)).toBe(362_296 - expected.duplicate);
				const [{ m }] = await t.db.query<{ m: number }>(
					"SELECT sum(n)::int AS m FROM cell_counts WHERE res = 10 AND grain = 'day'"
				);
				expect(Number(m)).toBe(expected.located);
			}, 600_000);

			it('serves the same per-cell counts as h3-js on the raw rows', async () => {
				const map = await cellCountsForMap(t.db, {
					res: 8,
					from: '2021-08-01',
					to: '2021-08-31',
					categories: []
				});
				const got = new Map(map.cells.map((c, i) => [c, map.counts[i]]));
				expect(got.size).toBe(expected.cells8.size);
				// The busiest cells and a spread of others, compared exactly.
				const sorted = [...expected.cells8.entries()].sort((a, b) => b[1] - a[1]);
				const sample = [...sorted.slice(0, 5), ...sorted.filter((_, i) => i % 997 === 0)];
				for (const [cell, n] of sample) expect(got.get(cell), cell).toBe(n);
				expect(map.total).toBe(expected.located);
			});
		});
	}
});
