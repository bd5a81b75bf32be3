/**
 * Issue 2 on both engines: Chicago portal CSV (lat/lon and State Plane X/Y), the 148,636-row derived
 * file through a column mapping (its 2019 rows and the first 5,000 of 2010 stored on each engine and
 * counted per cell; every one of its rows goes through the mapping in
 * src/lib/server/ingest/adapters/mapped-csv.spec.ts), boundary polygons from shapefiles (EPSG:27700,
 * zipped EPSG:4326), and files that must fail cleanly without touching the database.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { parse } from 'csv-parse/sync';
import { latLngToCell } from 'h3-js';
import {
	createTestDatabase,
	engines,
	hasShared,
	SHARED,
	type TestDatabase,
	withoutShared
} from '../helpers/db';
import { importPaths } from '../../src/lib/server/ingest/import';
import { importAreaFile } from '../../src/lib/server/ingest/import-areas';
import { cellCountsForMap } from '../../src/lib/server/services/cells';

const CHI = join(SHARED, 'data/chicago-cpd');
const PORTAL = join(CHI, 'crimes/Crimes_-_2001_to_present.csv');
const DERIVED = join(CHI, 'derived/chicago_aggravated_assaults.csv.gz');
const MAPPING = JSON.parse(
	readFileSync('examples/mappings/chicago-aggravated-assaults.json', 'utf8')
);
const LSOA = join(SHARED, 'data/uk-policeuk-city-of-london/boundaries/london-2011-lsoa-gen20.shp');
const BEATS = join(CHI, 'boundaries/police_beats.zip');
const COMMUNITY = join(CHI, 'boundaries/community_areas.geojson');

type Row = Record<string, string>;
const cell = (lat: number, lon: number, res: number) => latLngToCell(lat, lon, res);

async function tableCounts(t: TestDatabase) {
	const [r] = await t.db.query<Record<string, number>>(
		`SELECT (SELECT count(*) FROM incidents)::int AS incidents,
		        (SELECT count(*) FROM import_batches)::int AS batches,
		        (SELECT count(*) FROM import_rejects)::int AS rejects,
		        (SELECT count(*) FROM areas)::int AS areas,
		        (SELECT coalesce(sum(n), 0) FROM cell_counts WHERE res = 10 AND grain IN ('day', 'month-only'))::int AS rolled`
	);
	return Object.fromEntries(Object.entries(r).map(([k, v]) => [k, Number(v)]));
}

describe.skipIf(withoutShared())('Chicago and boundaries', () => {
	const work = mkdtempSync(join(tmpdir(), 'beatwise-chi-'));
	// A skipped describe still runs its body to collect the tests: read the files only when present.
	const portalRows = hasShared
		? (parse(readFileSync(PORTAL), { columns: true, bom: true }) as Row[])
		: [];
	const derivedText = hasShared ? gunzipSync(readFileSync(DERIVED)).toString('utf8') : '';
	const derivedRows = hasShared ? (parse(derivedText, { columns: true }) as Row[]) : [];
	// Stored on each engine: the 2019 rows (counted per cell) and the first 5,000 rows of 2010 (outside
	// the period asked for), as lines of the file.
	const DERIVED_PART = join(work, 'chicago-aggravated-assaults-part.csv');
	const partLines = derivedText.split('\n').filter((line, i) => i === 0 || line.startsWith('2019'));
	const part2010 = derivedText
		.split('\n')
		.filter((line) => line.startsWith('2010'))
		.slice(0, 5000);
	const PART_ROWS = partLines.length - 1 + part2010.length;
	afterAll(() => rmSync(work, { recursive: true, force: true }));

	for (const engine of engines()) {
		describe(engine, () => {
			let t: TestDatabase;
			beforeAll(async () => {
				t = await createTestDatabase(engine);
			});
			afterAll(async () => {
				await t?.drop();
			});

			it('imports the portal CSV: rows without coordinates count but get no cell', async () => {
				const r = await importPaths(t.db, { inputs: [PORTAL], format: 'chicago' });
				const located = portalRows.filter((x) => x.Latitude && x.Longitude).length;
				expect(r.failed).toEqual([]);
				expect(r.total).toBe(1730);
				expect(r.imported + r.rejected + r.duplicate).toBe(1730);
				expect(r.rejected).toBe(0);
				expect(r.imported).toBe(new Set(portalRows.map((x) => x.ID)).size);
				expect(r.located).toBe(located);
				expect(located).toBe(1542);
				// Local Chicago dates: 01/03/2016 11:57 PM CST is 2016-01-04 05:57 UTC but day 2016-01-03.
				const [row] = await t.db.query<{ occurred: string }>(
					`SELECT to_char(occurred_from AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI') AS occurred
					 FROM incidents WHERE external_id = '10367002'`
				);
				expect(row.occurred).toBe('2016-01-04 05:57');
				// ... and its rollup day is the local day: no 2016-01-04 in a file of Jan 1-3 local times.
				const days = await t.db.query<{ day: string }>(
					`SELECT DISTINCT period::text AS day FROM cell_counts WHERE grain IN ('day', 'month-only') ORDER BY 1`
				);
				expect(days.map((d) => d.day)).toEqual(['2016-01-01', '2016-01-02', '2016-01-03']);
			});

			it('reprojects State Plane X/Y (EPSG:3435) through PostGIS when lat/lon are blank', async () => {
				// Real rows with their lat/lon blanked: the X/Y must land where the portal put lat/lon.
				const lines = readFileSync(PORTAL, 'utf8').split('\n');
				const header = lines[0];
				const picked = portalRows.filter((x) => x.Latitude).slice(0, 25);
				const cols = header.split(',');
				const latIdx = cols.indexOf('Latitude');
				const lonIdx = cols.indexOf('Longitude');
				const locIdx = cols.indexOf('Location');
				const body = picked.map((x) =>
					cols
						.map((c, i) =>
							i === latIdx || i === lonIdx || i === locIdx
								? ''
								: c === 'ID'
									? `XY${x.ID}`
									: `"${(x[c] ?? '').replace(/"/g, '""')}"`
						)
						.join(',')
				);
				const file = join(work, 'xy-only.csv');
				writeFileSync(file, [header, ...body].join('\n') + '\n');
				const r = await importPaths(t.db, { inputs: [file], format: 'chicago' });
				expect(r.imported).toBe(25);
				expect(r.located).toBe(25);
				const got = await t.db.query<{ id: string; lon: number; lat: number }>(
					`SELECT external_id AS id, ST_X(geom) AS lon, ST_Y(geom) AS lat FROM incidents
					 WHERE external_id LIKE 'XY%'`
				);
				expect(got).toHaveLength(25);
				for (const g of got) {
					const orig = picked.find((x) => `XY${x.ID}` === g.id)!;
					// Within ~2 m: the portal derived its lat/lon from the same State Plane feet.
					expect(Math.abs(Number(g.lon) - Number(orig.Longitude))).toBeLessThan(3e-5);
					expect(Math.abs(Number(g.lat) - Number(orig.Latitude))).toBeLessThan(3e-5);
				}
			});

			it('imports rows of the derived file through a mapping, with exact cell counts', async () => {
				writeFileSync(DERIVED_PART, [...partLines, ...part2010].join('\n') + '\n');
				const r = await importPaths(t.db, {
					inputs: [DERIVED_PART],
					format: 'csv',
					mapping: MAPPING
				});
				expect(r.failed).toEqual([]);
				expect(r.total).toBe(PART_ROWS);
				expect(r.imported).toBe(PART_ROWS);
				expect(r.rejected + r.duplicate).toBe(0);
				expect(r.located).toBe(PART_ROWS);
				const expected = new Map<string, number>();
				for (const x of derivedRows) {
					if (!x.date.startsWith('2019')) continue;
					const c = cell(Number(x.latitude), Number(x.longitude), 9);
					expected.set(c, (expected.get(c) ?? 0) + 1);
				}
				const map = await cellCountsForMap(t.db, {
					res: 9,
					from: '2019-01-01',
					to: '2019-12-31',
					categories: ['violence-and-sexual-offences']
				});
				expect(map.total).toBe(15_328);
				expect(new Map(map.cells.map((c, i) => [c, map.counts[i]]))).toEqual(expected);
				// Re-import: nothing added.
				const again = await importPaths(t.db, {
					inputs: [DERIVED_PART],
					format: 'csv',
					mapping: MAPPING
				});
				expect(again.imported).toBe(0);
				expect(again.duplicate).toBe(PART_ROWS);
			}, 600_000);

			it('imports LSOA shapefiles in British National Grid (EPSG:27700) with their H3 cover', async () => {
				const r = await importAreaFile(t.db, LSOA, {});
				expect(r.srid).toBe(27700);
				expect(r.kind).toBe('lsoa');
				expect(r.areas).toBe(4835);
				const [g] = await t.db.query<{ srid: number; lon: number; lat: number; cells: number }>(
					`SELECT ST_SRID(geom) AS srid, ST_X(ST_Centroid(geom)) AS lon, ST_Y(ST_Centroid(geom)) AS lat,
					        (SELECT count(*)::int FROM area_cells WHERE area_id = a.id) AS cells
					 FROM areas a WHERE kind = 'lsoa' AND code = 'E01000001'`
				);
				// E01000001 is "City of London 001A", around the Barbican.
				expect(Number(g.srid)).toBe(4326);
				expect(Number(g.lon)).toBeGreaterThan(-0.1);
				expect(Number(g.lon)).toBeLessThan(-0.09);
				expect(Number(g.lat)).toBeGreaterThan(51.51);
				expect(Number(g.lat)).toBeLessThan(51.53);
				expect(Number(g.cells)).toBeGreaterThan(0);
				const [{ empty }] = await t.db.query<{ empty: number }>(
					`SELECT count(*)::int AS empty FROM areas a WHERE kind = 'lsoa'
					 AND NOT EXISTS (SELECT 1 FROM area_cells c WHERE c.area_id = a.id)`
				);
				expect(Number(empty)).toBe(0);
			});

			it('imports Chicago beats from the zipped shapefile and finds incidents inside them', async () => {
				const r = await importAreaFile(t.db, BEATS, { kind: 'beat' });
				// 277 features, 275 beats: beat 3100 comes in three parts, merged into one area.
				expect(r.areas).toBe(275);
				expect(r.merged).toBe(2);
				expect(r.srid).toBe(4326);
				// Portal row 10367002 is in beat 0611.
				const [hit] = await t.db.query<{ code: string }>(
					`SELECT a.code FROM areas a JOIN incidents i ON ST_Contains(a.geom, i.geom)
					 WHERE a.kind = 'beat' AND i.external_id = '10367002'`
				);
				expect(hit.code.replace(/^0+/, '')).toBe('611');
			}, 600_000);

			it('fails a bad file cleanly and leaves the database as it was', async () => {
				const before = await tableCounts(t);
				await expect(importAreaFile(t.db, COMMUNITY, { kind: 'community' })).rejects.toMatchObject({
					code: 'E_CRS'
				});
				const missing = await importPaths(t.db, {
					inputs: [PORTAL],
					format: 'police-uk'
				});
				expect(missing.failed[0].code).toBe('E_HEADER');
				const binary = join(work, 'binary.csv');
				writeFileSync(binary, Buffer.from([0x00, 0x01, 0x02, 0xff, 0x00, 0x41]));
				const bin = await importPaths(t.db, { inputs: [binary], format: 'chicago' });
				expect(bin.failed[0].code).toBe('E_FORMAT');
				await expect(
					importPaths(t.db, { inputs: [join(work, 'nope.csv')], format: 'chicago' })
				).rejects.toMatchObject({ code: 'E_FILE_UNREADABLE' });
				expect(await tableCounts(t)).toEqual(before);
			});

			it('stores each rejected row with its file, row number and reason', async () => {
				const file = join(work, 'bad-rows.csv');
				const header = readFileSync(PORTAL, 'utf8').split('\n')[0];
				const good = readFileSync(PORTAL, 'utf8').split('\n')[1].replace(/^\d+/, 'B1');
				writeFileSync(
					file,
					[
						header,
						good,
						good.replace(/^B1,/, 'B2,').replace('01/03/2016 11:57:00 PM', '13/45/2016 99:00:00 PM'),
						good.replace(/^B1,/, 'B3,').replace('41.753985135', '141.75'),
						'B4,too,few'
					].join('\r\n')
				);
				const r = await importPaths(t.db, { inputs: [file], format: 'chicago' });
				expect(r.total).toBe(4);
				expect(r.imported).toBe(1);
				expect(r.rejected).toBe(3);
				const rejects = await t.db.query<{ row: number; field: string; reason: string }>(
					`SELECT row_number AS row, field, reason FROM import_rejects r
					 JOIN import_batches b ON b.id = r.batch_id WHERE b.file = $1 ORDER BY row_number`,
					[file]
				);
				expect(rejects.map((x) => Number(x.row))).toEqual([3, 4, 5]);
				expect(rejects[0].field).toBe('Date');
				expect(rejects[1].field).toMatch(/Latitude/);
				expect(rejects[2].reason).toMatch(/columns/);
			});
		});
	}
});
