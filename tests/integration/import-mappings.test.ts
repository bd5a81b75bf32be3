/**
 * Issue 15 on both engines: the mapping features real analysts' files need, each with its own small
 * fixture (tests/fixtures/imports, the same files docs/import-mapping.md shows), run as several tiny
 * imports against one database per engine. Every file's accounting is exact:
 * total = imported + rejected + duplicate + filtered + retracted.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createTestDatabase, engines, type TestDatabase } from '../helpers/db';
import { importPaths, type ImportSummary } from '../../src/lib/server/ingest/import';
import { sourceMapping } from '../../src/lib/server/db/queries/ingest';
import { CLI_ORIGIN } from '../../src/lib/server/auth/audit';

const DIR = resolve('tests/fixtures/imports');
const mappingOf = (name: string) => JSON.parse(readFileSync(join(DIR, name), 'utf8')) as unknown;

function balanced(s: ImportSummary): void {
	for (const f of s.files)
		expect(f.total).toBe(f.imported + f.rejected + f.duplicate + f.filtered + f.retracted);
}

describe.each(engines())('mapping features on %s', { timeout: 300_000 }, (engine) => {
	let t: TestDatabase;
	const run = async (files: string[], mapping: string) => {
		const s = await importPaths(t.db, {
			inputs: files.map((f) => join(DIR, f)),
			format: 'csv',
			mapping: mappingOf(mapping),
			mappingFile: mapping,
			origin: CLI_ORIGIN
		});
		expect(s.failed).toEqual([]);
		balanced(s);
		return s;
	};
	const incidents = (source: string) =>
		t.db.query<{
			external_id: string;
			category: string;
			original_type: string;
			located: boolean;
			attributes: Record<string, string>;
		}>(
			`SELECT i.external_id, i.category, i.original_type, i.geom IS NOT NULL AS located,
			        i.attributes
			 FROM incidents i JOIN sources s ON s.id = i.source_id
			 WHERE s.name = $1 ORDER BY i.external_id`,
			[source]
		);

	beforeAll(async () => {
		t = await createTestDatabase(engine);
	});
	afterAll(async () => {
		await t?.drop();
	});

	it('stores placeholder and out-of-extent lon/lat without a location, counted by reason', async () => {
		const s = await run(['placeholders.csv'], 'placeholders.json');
		expect(s).toMatchObject({ total: 4, imported: 4, rejected: 0, located: 1 });
		expect(s.unlocated).toEqual({
			'placeholder coordinates 0, 0': 1,
			'outside the declared extent [-88, 41.6, -87.5, 42.1]': 1
		});
		const rows = await incidents('fixture placeholders');
		expect(rows.map((r) => [r.external_id, r.located])).toEqual([
			['P1', true],
			['P2', false],
			['P3', false],
			['P4', false]
		]);
		const [batch] = await t.db.query<{ report: { unlocated: Record<string, number> } }>(
			`SELECT report FROM import_batches WHERE id = $1`,
			[s.files[0].batchId]
		);
		expect(batch.report.unlocated['placeholder coordinates 0, 0']).toBe(1);
	});

	it('checks projected points against the CRS area of use; X = Y = 0 is a placeholder', async () => {
		const s = await run(['bng.csv'], 'bng.json');
		expect(s).toMatchObject({ total: 3, imported: 3, located: 1 });
		expect(s.unlocated).toEqual({
			'placeholder coordinates 0, 0': 1,
			'outside the area of use of EPSG:27700 (United Kingdom (British National Grid))': 1
		});
		expect(s.warnings).toEqual([]);
	});

	it('accepts ESRI codes, and warns when most points land outside the area of use', async () => {
		const esri = await run(['esri.csv'], 'esri.json');
		expect(esri).toMatchObject({ total: 2, imported: 2, located: 2, warnings: [] });
		const [p] = await t.db.query<{ lon: number; lat: number }>(
			`SELECT ST_X(geom) AS lon, ST_Y(geom) AS lat FROM incidents WHERE external_id = 'E1'`
		);
		expect(p.lon).toBeCloseTo(-87.6643, 3);
		expect(p.lat).toBeCloseTo(41.754, 3);

		// The same foot coordinates declared as the metre-based Illinois East CRS.
		const feet = await importPaths(t.db, {
			inputs: [join(DIR, 'esri.csv')],
			format: 'csv',
			mapping: mappingOf('feet-as-metres.json'),
			origin: CLI_ORIGIN
		});
		expect(feet).toMatchObject({ total: 2, imported: 2, located: 0 });
		expect(feet.warnings).toHaveLength(1);
		expect(feet.warnings[0]).toMatch(
			/^esri\.csv: 2 of 2 points \(EPSG:26971\) reprojected outside the area of use of EPSG:26971 \(Illinois East\).*feet/
		);
	});

	it('maps categories by prefix, regex and code range in order; blank and unknown go to the default and are reported', async () => {
		const s = await run(['categories.csv'], 'categories.json');
		expect(s).toMatchObject({ total: 9, imported: 9, rejected: 0 });
		const rows = await incidents('fixture categories');
		expect(Object.fromEntries(rows.map((r) => [r.external_id, r.category]))).toEqual({
			C1: 'other-theft',
			C2: 'other-theft',
			C3: 'burglary',
			C4: 'violence-and-sexual-offences',
			C5: 'robbery',
			C6: 'other-crime',
			C7: 'other-crime',
			C8: 'other-crime',
			C9: 'criminal-damage-arson'
		});
		expect(s.unmappedCategories).toEqual([
			{ value: 'UNKNOWN THING', rows: 2 },
			{ value: '', rows: 1 }
		]);
	});

	it('drops filtered rows and settles signed counts, in the file and against stored incidents', async () => {
		const first = await run(['retractions.csv'], 'retractions.json');
		expect(first.files[0]).toMatchObject({
			total: 7,
			imported: 2,
			rejected: 1,
			duplicate: 0,
			filtered: 2,
			retracted: 2,
			withdrawn: 0
		});
		expect(first.filterReasons).toEqual({
			'count is 0': 1,
			'dropped by filter: status in ["UNFOUNDED"]': 1
		});
		expect(first.rejectReasons).toEqual({
			'count: count N cancels id "…", which is neither earlier in the file nor stored': 1
		});
		const next = await run(['retractions-next.csv'], 'retractions.json');
		expect(next.files[0]).toMatchObject({
			total: 2,
			imported: 1,
			rejected: 0,
			retracted: 1,
			withdrawn: 1
		});
		expect((await incidents('fixture retractions')).map((r) => r.external_id)).toEqual([
			'R6',
			'R7'
		]);
		const [b] = await t.db.query<{ filtered: number; retracted: number; withdrawn: number }>(
			`SELECT filtered, retracted, withdrawn FROM import_batches WHERE id = $1`,
			[next.files[0].batchId]
		);
		expect(b).toEqual({ filtered: 0, retracted: 1, withdrawn: 1 });
		// The rollups follow the deletion (R1 left, R6 and R7 stay).
		const [n] = await t.db.query<{ n: number }>(
			`SELECT coalesce(sum(c.n), 0)::int AS n FROM cell_counts c JOIN sources s ON s.id = c.source_id
			 WHERE s.name = 'fixture retractions' AND c.res = 10 AND c.grain IN ('day', 'month-only')`
		);
		expect(Number(n.n)).toBe(0); // no location in this file: nothing in the cell rollups
	});

	it('reads header variants into one attribute name and reports values with replaced bytes', async () => {
		const s = await run(['month-a.csv', 'month-b.csv', 'month-c.csv'], 'months.json');
		expect(s).toMatchObject({ total: 4, imported: 4, replaced: 1 });
		expect(s.files[0].replacedValues).toEqual([
			{ row: 2, column: 'place', value: 'Caf\uFFFD Royal' }
		]);
		const rows = await incidents('fixture months');
		expect(rows.map((r) => r.attributes)).toEqual([
			{ 'Coded Month': '2024-01', place: 'Caf\uFFFD Royal' },
			{ 'Coded Month': '2024-01', place: 'High Street' },
			{ 'Coded Month': '2024-02', place: 'Station Road' },
			{ 'Coded Month': '2024-03', place: 'Market Square' }
		]);
		// The mapping that worked is kept for the source's next file.
		expect((await sourceMapping(t.db, 'fixture months'))?.mapping).toEqual(
			mappingOf('months.json')
		);
	});

	it('names the mapping file in errors about the mapping', async () => {
		const bad = { ...(mappingOf('bng.json') as object), location: { x: 'E', y: 'N' } };
		await expect(
			importPaths(t.db, {
				inputs: [join(DIR, 'bng.csv')],
				format: 'csv',
				mapping: bad,
				mappingFile: 'may.json',
				origin: CLI_ORIGIN
			})
		).resolves.toMatchObject({
			failed: [
				{
					code: 'E_HEADER',
					message: expect.stringMatching(/the mapping may\.json names columns "E", "N"/)
				}
			]
		});
		const invalid = await importPaths(t.db, {
			inputs: [join(DIR, 'bng.csv')],
			format: 'csv',
			mapping: { ...(bad as object), timezone: 'Mars' },
			mappingFile: 'may.json',
			origin: CLI_ORIGIN
		});
		expect(invalid.failed).toEqual([
			{
				file: join(DIR, 'bng.csv'),
				code: 'E_MAPPING',
				message: expect.stringMatching(/^may\.json: invalid import mapping: timezone/)
			}
		]);
	});
});
