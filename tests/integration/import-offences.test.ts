/**
 * Issue 15, several offences per incident, on both engines: a file with one row per incident ×
 * offence (tests/fixtures/imports/offences*.csv, shown in docs/import-mapping.md) keeps one incident
 * with all its categories. Exact accounting (imported + merged + duplicate), the same accounting from
 * the dry run, idempotent re-import, a next file adding an offence to a stored incident, the rollups
 * equal to a recount of the incidents, and category filters of the map, hot spots, trends, cell
 * detail and exports counting a multi-offence incident once per matching set of categories, once per
 * category in breakdowns and once in totals.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { latLngToCell } from 'h3-js';
import { createTestDatabase, engines, type TestDatabase } from '../helpers/db';
import { rollupDifferences } from '../helpers/incidents';
import { importPaths, defaultSource, type ImportSummary } from '../../src/lib/server/ingest/import';
import { dryRunFile } from '../../src/lib/server/ingest/runner';
import { createAdapter } from '../../src/lib/server/ingest/adapters';
import { openCsv } from '../../src/lib/server/ingest/csv';
import { parseMapping } from '../../src/lib/server/ingest/mapping';
import { countsByCell } from '../../src/lib/server/db/queries/cells';
import {
	countsInStudyCells,
	dailyCountsByCategoryInAreas,
	twoPeriodCountsByArea
} from '../../src/lib/server/db/queries/areas-study';
import { replaceAreaCells } from '../../src/lib/server/db/queries/areas';
import { categoryCountsInPeriods } from '../../src/lib/server/db/queries/areas-detail';
import { cellCountsByCategory } from '../../src/lib/server/db/queries/cells-detail';
import {
	cellCountsForExport,
	countIncidentsByMarks,
	listIncidentsForExport
} from '../../src/lib/server/db/queries/incidents-export';
import { CLI_ORIGIN } from '../../src/lib/server/auth/audit';

const DIR = resolve('tests/fixtures/imports');
const MAPPING = JSON.parse(readFileSync(join(DIR, 'offences.json'), 'utf8')) as unknown;
const SOURCE = 'fixture offences';
const RES = 9;
const A = latLngToCell(41.85, -87.65, RES);
const B = latLngToCell(41.88, -87.62, RES);
const C = latLngToCell(41.9, -87.7, RES);
const JAN = { from: '2024-01-01', to: '2024-01-31' };

function balanced(s: ImportSummary): void {
	for (const f of s.files)
		expect(f.total).toBe(
			f.imported + f.rejected + f.duplicate + f.filtered + f.retracted + f.merged
		);
}

describe.each(engines())('several offences per incident on %s', { timeout: 300_000 }, (engine) => {
	let t: TestDatabase;
	const run = async (file: string) => {
		const s = await importPaths(t.db, {
			inputs: [join(DIR, file)],
			format: 'csv',
			mapping: MAPPING,
			mappingFile: 'offences.json',
			origin: CLI_ORIGIN
		});
		expect(s.failed).toEqual([]);
		balanced(s);
		return s;
	};
	const dryRun = (file: string) => {
		const path = join(DIR, file);
		return dryRunFile(t.db, {
			file: path,
			source: defaultSource('csv', path, parseMapping(MAPPING)),
			open: (f) => openCsv(f),
			adapter: createAdapter('csv', { mapping: MAPPING, file: path })
		});
	};
	const incidents = () =>
		t.db.query<{ external_id: string; category: string; extra_categories: string[] }>(
			`SELECT i.external_id, i.category, i.extra_categories
			 FROM incidents i JOIN sources s ON s.id = i.source_id
			 WHERE s.name = $1 ORDER BY i.external_id`,
			[SOURCE]
		);
	const cells = async (categories: string[] | null) =>
		Object.fromEntries(
			(await countsByCell(t.db, { res: RES, ...JAN, categories, sourceIds: null })).map((r) => [
				r.cell,
				r.n
			])
		);

	beforeAll(async () => {
		t = await createTestDatabase(engine);
	});
	afterAll(async () => {
		await t?.drop();
	});

	it('keeps one incident per id with every offence, accounted as imported + merged + duplicate', async () => {
		const expected = { total: 9, imported: 4, rejected: 0, duplicate: 1, merged: 4, located: 4 };
		// The dry run gives the accounting the import then gives.
		expect(await dryRun('offences.csv')).toMatchObject(expected);
		const s = await run('offences.csv');
		expect(s).toMatchObject(expected);
		expect(s.files[0]).toMatchObject(expected);
		expect(await incidents()).toEqual([
			{
				external_id: 'M1',
				category: 'burglary',
				extra_categories: ['criminal-damage-arson', 'other-theft']
			},
			{
				external_id: 'M2',
				category: 'robbery',
				extra_categories: ['violence-and-sexual-offences']
			},
			{ external_id: 'M3', category: 'other-theft', extra_categories: [] },
			{ external_id: 'M4', category: 'other-theft', extra_categories: [] }
		]);
		const offences = await t.db.query<{
			external_id: string;
			offence: string;
			original_type: string;
		}>(`SELECT external_id, offence, original_type FROM incident_offences ORDER BY 1, 2`);
		expect(offences.map((o) => `${o.external_id}/${o.offence} ${o.original_type}`)).toEqual([
			'M1/1 BURGLARY',
			'M1/2 CRIMINAL DAMAGE',
			'M1/3 THEFT',
			'M2/1 ROBBERY',
			'M2/2 BATTERY',
			'M3/1 THEFT',
			'M4/1 THEFT',
			'M4/2 THEFT'
		]);
		const [batch] = await t.db.query<{ merged: number; duplicate: number }>(
			`SELECT merged, duplicate FROM import_batches WHERE id = $1`,
			[s.files[0].batchId]
		);
		expect(batch).toEqual({ merged: 4, duplicate: 1 });
		expect(await rollupDifferences(t.db)).toBe(0);
	});

	it('adds nothing when the same file is imported again', async () => {
		const s = await run('offences.csv');
		expect(s).toMatchObject({ total: 9, imported: 0, merged: 0, duplicate: 9 });
		expect(await rollupDifferences(t.db)).toBe(0);
	});

	it("merges a later file's new offence into the stored incident", async () => {
		const expected = { total: 3, imported: 1, duplicate: 1, merged: 1 };
		expect(await dryRun('offences-next.csv')).toMatchObject(expected);
		const s = await run('offences-next.csv');
		expect(s).toMatchObject(expected);
		expect((await incidents()).find((r) => r.external_id === 'M3')).toEqual({
			external_id: 'M3',
			category: 'other-theft',
			extra_categories: ['criminal-damage-arson']
		});
		expect(await rollupDifferences(t.db)).toBe(0);
	});

	// From here: M1 burglary + damage + other theft (A), M2 robbery + violence (B), M3 other theft +
	// damage (C), M4 other theft (A), M5 burglary (A).
	it('counts an incident once in totals and once per set of categories on the map', async () => {
		expect(await cells(null)).toEqual({ [A]: 3, [B]: 1, [C]: 1 });
		expect(await cells(['burglary'])).toEqual({ [A]: 2 });
		expect(await cells(['criminal-damage-arson'])).toEqual({ [A]: 1, [C]: 1 });
		// M1 has both: counted once for the pair.
		expect(await cells(['burglary', 'criminal-damage-arson'])).toEqual({ [A]: 2, [C]: 1 });
		expect(await cells(['other-theft'])).toEqual({ [A]: 2, [C]: 1 });
		expect(await cells(['violence-and-sexual-offences'])).toEqual({ [B]: 1 });
	});

	it('feeds hot spots, exports and the cell detail the same way', async () => {
		const study = await countsInStudyCells(t.db, [A, B, C], {
			res: RES,
			...JAN,
			categories: ['criminal-damage-arson', 'other-theft']
		});
		expect(Object.fromEntries(study.map((r) => [r.cell, r.n]))).toEqual({ [A]: 2, [C]: 1 });
		const exported = await cellCountsForExport(t.db, {
			res: RES,
			...JAN,
			categories: ['burglary', 'other-theft'],
			areaId: null
		});
		expect(exported.map((r) => [r.cell, r.n])).toEqual(
			[
				[A, 3],
				[C, 1]
			].sort((x, y) => String(x[0]).localeCompare(String(y[0])))
		);
		const records = await countIncidentsByMarks(t.db, {
			cell: null,
			areaId: null,
			areaIds: null,
			categories: ['burglary', 'criminal-damage-arson']
		});
		expect(records.reduce((n, r) => n + r.n, 0)).toBe(3); // M1, M3, M5
		// The exported records are listed once each, with their further categories.
		const filter = {
			cell: null,
			areaId: null,
			areaIds: null,
			categories: ['burglary', 'criminal-damage-arson']
		};
		const listed = await listIncidentsForExport(t.db, filter, records, 10);
		expect(listed).toHaveLength(3);
		for (const r of listed) {
			const [{ extra }] = await t.db.query<{ extra: string[] }>(
				`SELECT extra_categories AS extra FROM incidents WHERE external_id = $1`,
				[r.externalId]
			);
			expect(r.furtherCategories).toBe(extra.join(';'));
		}
		expect(listed.some((r) => r.furtherCategories !== '')).toBe(true);
		// A breakdown by category counts M1 under each of its categories.
		const detail = await cellCountsByCategory(t.db, {
			cell: BigInt('0x' + A).toString(),
			res: RES,
			...JAN,
			categories: null,
			sourceIds: null
		});
		expect(detail).toEqual([
			{ category: 'burglary', n: 2 },
			{ category: 'other-theft', n: 2 },
			{ category: 'criminal-damage-arson', n: 1 }
		]);
	});

	it('gives trends a total counting each incident once and each category its incidents', async () => {
		const daily = await dailyCountsByCategoryInAreas(t.db, null, '2024-01-01', '2024-01-31', [
			'burglary',
			'criminal-damage-arson'
		]);
		const total = daily.filter((r) => r.part !== 'category').reduce((n, r) => n + r.n, 0);
		const byCategory = new Map<string, number>();
		for (const r of daily.filter((x) => x.part !== 'total'))
			byCategory.set(r.category, (byCategory.get(r.category) ?? 0) + r.n);
		expect(total).toBe(3);
		expect(Object.fromEntries(byCategory)).toEqual({ burglary: 2, 'criminal-damage-arson': 2 });
	});

	it("counts each category in the neighbourhood's top concerns and once per set by area", async () => {
		const [a] = await t.db.query<{ id: number }>(
			`INSERT INTO areas (kind, code, name, geom)
			 VALUES ('beat', 'MO', 'Offences beat',
			         ST_Multi(ST_MakeEnvelope(-87.8, 41.8, -87.6, 41.95, 4326))) RETURNING id`
		);
		const areaId = Number(a.id);
		const points = [
			[41.85, -87.65],
			[41.88, -87.62],
			[41.9, -87.7]
		];
		await replaceAreaCells(t.db, [
			{
				areaId,
				cells: points.map(([lat, lon]) => BigInt('0x' + latLngToCell(lat, lon, 10)).toString())
			}
		]);
		const concerns = await categoryCountsInPeriods(t.db, areaId, [JAN]);
		expect(Object.fromEntries(concerns.map((c) => [c.category, c.counts[0]]))).toEqual({
			burglary: 2,
			'criminal-damage-arson': 2,
			'other-theft': 3,
			robbery: 1,
			'violence-and-sexual-offences': 1
		});
		const byArea = await twoPeriodCountsByArea(
			t.db,
			'beat',
			JAN,
			{ from: '2023-01-01', to: '2023-01-31' },
			['burglary', 'criminal-damage-arson', 'other-theft']
		);
		// M1, M3, M4, M5: M1 has all three categories and counts once.
		expect(byArea.map((r) => [r.code, r.now, r.before])).toEqual([['MO', 4, 0]]);
	});

	it('takes the further categories out of the rollups with the incident', async () => {
		await t.db.query(
			`DELETE FROM incidents WHERE external_id = 'M1'
			   AND source_id = (SELECT id FROM sources WHERE name = $1)`,
			[SOURCE]
		);
		expect(await rollupDifferences(t.db)).toBe(0);
		const [left] = await t.db.query<{ n: number }>(
			`SELECT count(*)::int AS n FROM incident_offences WHERE external_id = 'M1'`
		);
		expect(Number(left.n)).toBe(0);
		expect(await cells(['criminal-damage-arson'])).toEqual({ [C]: 1 });
	});
});
