/**
 * Study cells and counts at the coarse analysis resolutions, on both engines: `area_coarse_cells`
 * must always hold exactly the parents (res 5–9) of `area_cells`, after area imports, re-imports,
 * deletions and the migration's backfill (each check recomputes it from `area_cells` in SQL and
 * compares every row both ways); and the counts per study cell (read as years, months and days) must
 * equal the day rollup at that resolution summed per cell, at every resolution and period. Last, the hot-spot answers cached per rollup and area
 * version: never older than the last import.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { cellToParent, latLngToCell } from 'h3-js';
import { createTestDatabase, engines, type TestDatabase } from '../helpers/db';
import { importPaths } from '../../src/lib/server/ingest/import';
import { importAreaFile } from '../../src/lib/server/ingest/import-areas';
import { areasCells, countsInStudyCells } from '../../src/lib/server/db/queries/areas-study';
import { clearAnalysisCaches } from '../../src/lib/server/study/caches';
import { hotspotsForArea } from '../../src/lib/server/services/hotspots';
import { mulberry32 } from '../../src/lib/server/analysis/random';

const MAPPING = JSON.parse(
	readFileSync('examples/mappings/chicago-aggravated-assaults.json', 'utf8')
);
const DISTRICTS = resolve('tests/fixtures/ingest/areas/police_districts_simple.geojson');
const VIOLENCE = 'violence-and-sexual-offences';

interface Point {
	date: string;
	lat: number;
	lon: number;
}

/** Seeded assaults in a few Chicago blocks over 2014–2020, many in the same cells and days. */
function points(seed: number, n: number): Point[] {
	const rand = mulberry32(seed);
	return Array.from({ length: n }, () => {
		const day = new Date(Date.UTC(2014, 0, 1) + Math.floor(rand() * 7 * 365) * 86_400_000);
		const hh = String(Math.floor(rand() * 24)).padStart(2, '0');
		return {
			date: `${day.toISOString().slice(0, 10)} ${hh}:${String(Math.floor(rand() * 60)).padStart(2, '0')}`,
			lat: 41.85 + rand() * 0.04,
			lon: -87.68 + rand() * 0.05
		};
	});
}

function csv(rows: Point[]): string {
	return (
		'date,loc_cat,longitude,latitude,district\n' +
		rows.map((r) => `${r.date},street,${r.lon.toFixed(6)},${r.lat.toFixed(6)},1`).join('\n') +
		'\n'
	);
}

async function coverDifference(t: TestDatabase): Promise<number> {
	const derived = `SELECT DISTINCT a.area_id, r AS res, h3_parent(a.h3, r) AS h3
	                 FROM area_cells a CROSS JOIN generate_series(5, 9) AS r`;
	const stored = `SELECT area_id, res::int, h3 FROM area_coarse_cells`;
	const [r] = await t.db.query<{ a: number; b: number }>(
		`SELECT (SELECT count(*) FROM (${stored} EXCEPT ${derived}) x)::int AS a,
		        (SELECT count(*) FROM (${derived} EXCEPT ${stored}) x)::int AS b`
	);
	return Number(r.a) + Number(r.b);
}

async function totals(t: TestDatabase) {
	const [r] = await t.db.query<{ day: number; covers: number; cells: number }>(
		`SELECT (SELECT coalesce(sum(n), 0) FROM cell_counts WHERE res = 10 AND grain IN ('day', 'month-only'))::int AS day,
		        (SELECT count(*) FROM area_coarse_cells)::int AS covers,
		        (SELECT count(*) FROM area_cells)::int AS cells`
	);
	return { day: Number(r.day), covers: Number(r.covers), cells: Number(r.cells) };
}

for (const engine of engines()) {
	describe(`coarse covers and study counts (${engine})`, () => {
		let t: TestDatabase;
		let dir: string;
		beforeAll(async () => {
			t = await createTestDatabase(engine);
			dir = mkdtempSync(join(tmpdir(), 'beatwise-covers-'));
			writeFileSync(join(dir, 'assaults.csv'), csv(points(1, 2000)));
			const r = await importPaths(t.db, {
				inputs: [join(dir, 'assaults.csv')],
				format: 'csv',
				mapping: MAPPING
			});
			expect(r.imported).toBe(2000);
		});
		afterAll(async () => {
			await t?.drop();
			rmSync(dir, { recursive: true, force: true });
		});

		it('keeps the coarse covers equal to the parents of the resolution-10 covers', async () => {
			const a = await importAreaFile(t.db, DISTRICTS, { kind: 'district' });
			expect(a.areas).toBeGreaterThan(0);
			expect(await coverDifference(t)).toBe(0);
			const first = await totals(t);
			expect(first.covers).toBeGreaterThan(0);
			await importAreaFile(t.db, DISTRICTS, { kind: 'district' });
			expect(await coverDifference(t)).toBe(0);
			expect(await totals(t)).toEqual(first);
			await t.db.query(`DELETE FROM areas WHERE id = (SELECT min(id) FROM areas)`);
			expect(await coverDifference(t)).toBe(0);
			expect((await totals(t)).covers).toBeLessThan(first.covers);
		});

		it('backfills the coarse covers from existing covers as the migration does', async () => {
			const before = await totals(t);
			const sql = readFileSync(
				join(
					'drizzle',
					readdirSync('drizzle').find((f) => f.includes('area_coarse_cells'))!
				),
				'utf8'
			);
			const backfill = sql
				.slice(sql.indexOf('-- Reviewed. Backfill'))
				.split('--> statement-breakpoint')
				.map((x) => x.trim())
				.filter(Boolean);
			expect(backfill).toHaveLength(1);
			await t.db.transaction(async (tx) => {
				await tx.query(`DELETE FROM area_coarse_cells`);
				await tx.query(backfill[0]);
			});
			expect(await totals(t)).toEqual(before);
			expect(await coverDifference(t)).toBe(0);
		});

		it("gives the areas' study cells at every resolution as parents of their cover", async () => {
			const ids = (await t.db.query<{ id: number }>(`SELECT id FROM areas ORDER BY id`)).map((r) =>
				Number(r.id)
			);
			const cover = (
				await t.db.query<{ h: string }>(
					`SELECT to_hex(h3) AS h FROM area_cells WHERE area_id = ANY($1::int[])`,
					[ids]
				)
			).map((r) => r.h);
			for (const res of [5, 6, 7, 8, 9, 10]) {
				const expected = [
					...new Set(cover.map((c) => (res === 10 ? c : cellToParent(c, res))))
				].sort();
				expect(await areasCells(t.db, ids, res), `res ${res}`).toEqual(expected);
			}
		});

		it('counts per study cell equal to the day rollup at that resolution summed per cell', async () => {
			for (const res of [5, 7, 9, 10]) {
				const cells = (
					await t.db.query<{ h: string }>(
						`SELECT DISTINCT to_hex(h3) AS h FROM cell_counts WHERE res = $1 AND grain IN ('day', 'month-only')`,
						[res]
					)
				)
					.map((r) => r.h)
					// Some cells with data left out of the study area, and some without data in it.
					.filter((_, i) => i % 4 !== 0)
					.concat([latLngToCell(41.5, -87.9, res)]);
				for (const [from, to] of [
					['2014-01-01', '2020-12-31'],
					['2015-03-10', '2019-08-20'],
					['2016-02-01', '2016-02-01']
				]) {
					const ours = await countsInStudyCells(t.db, cells, {
						res,
						from,
						to,
						categories: res === 9 ? [VIOLENCE] : null
					});
					const wanted = new Set(cells);
					const expected = (
						await t.db.query<{ cell: string; n: number }>(
							`SELECT to_hex(h3) AS cell, sum(n)::int AS n FROM cell_counts
							 WHERE res = $3 AND grain IN ('day', 'month-only') AND period BETWEEN $1::date AND $2::date GROUP BY 1`,
							[from, to, res]
						)
					).filter((r) => wanted.has(r.cell));
					const byCell = (rows: { cell: string; n: number }[]) =>
						Object.fromEntries(rows.map((x) => [x.cell, Number(x.n)]));
					expect(byCell(ours), `res ${res} ${from}..${to}`).toEqual(byCell(expected));
				}
			}
		});
		it('answers a repeated hot-spot request from its cache until an import or an area change', async () => {
			clearAnalysisCaches();
			const q = { area: ['district:*'], res: 9, from: '2014-01-01', to: '2020-12-31' };
			const first = await hotspotsForArea(t.db, q);
			expect(first.parameters.cache).toEqual({ weights: false, counts: false, answer: false });
			const again = await hotspotsForArea(t.db, q);
			expect(again.parameters.cache).toEqual({ weights: true, counts: true, answer: true });
			expect([again.z, again.bin, again.summary]).toEqual([first.z, first.bin, first.summary]);
			// Another alpha: same weights and counts, a new answer.
			const strict = await hotspotsForArea(t.db, { ...q, alpha: 0.05 });
			expect(strict.parameters.cache).toEqual({ weights: true, counts: true, answer: false });
			expect(strict.parameters.alpha).toBe(0.05);

			// An import: counts and answer are computed again and hold the new incidents.
			const extra = points(2, 60);
			writeFileSync(join(dir, 'more.csv'), csv(extra));
			const r = await importPaths(t.db, {
				inputs: [join(dir, 'more.csv')],
				format: 'csv',
				mapping: MAPPING
			});
			expect(r.imported).toBe(60);
			const study = new Set(first.cells);
			const added = extra.filter((p) => study.has(latLngToCell(p.lat, p.lon, 9))).length;
			expect(added).toBeGreaterThan(0);
			const after = await hotspotsForArea(t.db, q);
			expect(after.parameters.cache).toEqual({ weights: true, counts: false, answer: false });
			expect(after.summary.total).toBe(first.summary.total + added);

			// An area removed: its cells leave the study area, nothing comes from the caches.
			await t.db.query(`DELETE FROM areas WHERE id = (SELECT min(id) FROM areas)`);
			const fewer = await hotspotsForArea(t.db, q);
			expect(fewer.parameters.cache).toEqual({ weights: false, counts: false, answer: false });
			expect(fewer.cells.length).toBeLessThan(after.cells.length);
			expect(fewer.parameters.areas.length).toBe(after.parameters.areas.length - 1);
		});
	});
}
