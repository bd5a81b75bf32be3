/**
 * Issue 3's services and endpoints on both engines, over the 148,636 Chicago aggravated assaults
 * (2010–2019) and the 25-feature police district boundaries. Every expected value is computed here
 * from the raw CSV rows with h3-js (cell = parent of the resolution-11 cell, as the import assigns
 * it), the boundary GeoJSON and the pure analysis functions, so the tests check exactly which cells
 * and rows the services return.
 */
import { getRoute } from '../helpers/route';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { parse } from 'csv-parse/sync';
import { cellToParent, latLngToCell, polygonToCells } from 'h3-js';
import { booleanPointInPolygon } from '@turf/turf';
import proj4 from 'proj4';
import {
	createTestDatabase,
	engines,
	hasShared,
	SHARED,
	type TestDatabase,
	withoutShared
} from '../helpers/db';
import { importPaths } from '../../src/lib/server/ingest/import';
import { h3Cover, importAreaFile } from '../../src/lib/server/ingest/import-areas';
import { getisOrdH3 } from '../../src/lib/server/analysis/getis-ord';
import { emergingHotSpotsH3 } from '../../src/lib/server/analysis/emerging-hotspots';
import { trendsBySeries } from '../../src/lib/server/analysis/mann-kendall';
import { knoxTest } from '../../src/lib/server/analysis/knox';
import { clearAnalysisCaches } from '../../src/lib/server/study/caches';
import { hotspotsForArea } from '../../src/lib/server/services/hotspots';
import { emergingForArea } from '../../src/lib/server/services/emerging';
import { emergingAnswerSchema, hotspotsAnswerSchema } from '../../src/lib/contracts/hotspots';
import { changeMap, trendMap, trendsForArea } from '../../src/lib/server/services/trends';
import { nearRepeatForArea } from '../../src/lib/server/services/near-repeat';
import { binomialTwoSidedP } from '../../src/lib/server/analysis/exact-binomial';
import { timeProfile } from '../../src/lib/server/services/profiles';
import { ServiceError } from '../../src/lib/server/errors';

const current = vi.hoisted(() => ({ db: null as unknown }));
// Routes read through `readSnapshot` (the read replica's entry point) or `getDatabase`: both are the
// test's database here.
vi.mock('$lib/server/db', () => ({
	getDatabase: async () => current.db,
	readSnapshot: async <T>(fn: (db: unknown, target: 'primary') => Promise<T>) =>
		fn(current.db, 'primary')
}));

const CHI = join(SHARED, 'data/chicago-cpd');
const DERIVED = join(CHI, 'derived/chicago_aggravated_assaults.csv.gz');
const DISTRICTS = join(CHI, 'boundaries/police_districts.zip.geojson');
const MAPPING = JSON.parse(
	readFileSync('examples/mappings/chicago-aggravated-assaults.json', 'utf8')
);
const VIOLENCE = 'violence-and-sexual-offences';

interface Assault {
	day: string;
	hour: number;
	lat: number;
	lon: number;
	/** Its own resolution-10 cell (`latLngToCell`). */
	c10: string;
	/** Days since 1970 of the local wall-clock time. */
	t: number;
}
type Feature = { properties: { DIST_NUM: string }; geometry: { type: string; coordinates: never } };

describe.skipIf(withoutShared())('analysis services and endpoints', () => {
	// A skipped describe still runs its body to collect the tests: read the files only when present.
	const rows: Assault[] = (
		hasShared
			? (parse(gunzipSync(readFileSync(DERIVED)), { columns: true }) as Record<string, string>[])
			: []
	).map((r) => {
		const lat = Number(r.latitude);
		const lon = Number(r.longitude);
		const [d, hm] = r.date.split(' ');
		const [h, m] = hm.split(':').map(Number);
		return {
			day: d,
			hour: h,
			lat,
			lon,
			c10: latLngToCell(lat, lon, 10),
			t: Date.parse(`${d}T00:00:00Z`) / 86_400_000 + (h * 60 + m) / 1440
		};
	});
	// Each point in its own cell at every resolution (never the parent of a finer cell).
	const at = (r: Assault, res: number) => (res === 10 ? r.c10 : latLngToCell(r.lat, r.lon, res));
	const features = hasShared
		? (JSON.parse(readFileSync(DISTRICTS, 'utf8')) as { features: Feature[] }).features
		: [];
	const coverOf = (code: string) =>
		new Set(
			features
				.filter((f) => f.properties.DIST_NUM === code)
				.flatMap((f) => h3Cover(f.geometry as never))
		);
	const allCover = new Set(features.flatMap((f) => h3Cover(f.geometry as never)));
	const studyCells = (cover: Set<string>, res: number) =>
		[...new Set([...cover].map((c) => (res === 10 ? c : cellToParent(c, res))))].sort();
	const countBy = (pick: (r: Assault) => boolean, key: (r: Assault) => string) => {
		const m = new Map<string, number>();
		for (const r of rows) if (pick(r)) m.set(key(r), (m.get(key(r)) ?? 0) + 1);
		return m;
	};
	const inDistrict = (code: string) => {
		const polys = features.filter((f) => f.properties.DIST_NUM === code);
		return (r: Assault) =>
			polys.some((f) => booleanPointInPolygon([r.lon, r.lat], f.geometry as never));
	};

	for (const engine of engines()) {
		describe(engine, () => {
			let t: TestDatabase;
			beforeAll(async () => {
				t = await createTestDatabase(engine);
				current.db = t.db;
				clearAnalysisCaches();
				const imported = await importPaths(t.db, {
					inputs: [DERIVED],
					format: 'csv',
					mapping: MAPPING
				});
				expect(imported.imported).toBe(148_636);
				const areas = await importAreaFile(t.db, DISTRICTS, { kind: 'district' });
				expect(areas.areas).toBe(23);
				// 148,636 rows into every rollup (7 resolutions × 3 grains): minutes on a busy machine.
			}, 900_000);
			afterAll(async () => {
				clearAnalysisCaches();
				await t?.drop();
			});

			it('hot spots 2019 at res 8 over every district: the cells and Gi* of the raw rows', async () => {
				const r = await hotspotsForArea(t.db, {
					area: ['district:*'],
					res: 8,
					from: '2019-01-01',
					to: '2019-12-31'
				});
				const cells = studyCells(allCover, 8);
				expect(r.cells).toEqual(cells);
				const counts = countBy(
					(x) => x.day.startsWith('2019'),
					(x) => at(x, 8)
				);
				expect(r.counts).toEqual(cells.map((c) => counts.get(c) ?? 0));
				const expected = getisOrdH3(cells, counts, { k: 1 });
				expect(r.z.length).toBe(cells.length);
				for (let i = 0; i < cells.length; i++) {
					expect(Math.abs(r.z[i] - expected.z[i])).toBeLessThan(1e-9);
					expect(r.bin[i]).toBe(expected.bin[i]);
				}
				expect(r.pAdjusted).toEqual(Array.from(expected.pAdjusted));
				expect(r.parameters).toMatchObject({
					res: 8,
					k: 1,
					fdr: true,
					alpha: 0.1,
					from: '2019-01-01',
					to: '2019-12-31',
					studyAreaCells: cells.length,
					statistic: 'Gi*'
				});
				expect(r.parameters.areas.map((a) => a.code).sort()).toEqual(
					[...new Set(features.map((f) => f.properties.DIST_NUM))].sort()
				);
				expect(r.summary.hot.reduce((a, b) => a + b, 0)).toBe(
					Array.from(expected.bin).filter((b) => b > 0).length
				);
				// The same request again comes from the caches and gives the same answer.
				const again = await hotspotsForArea(t.db, {
					area: ['district:*'],
					res: 8,
					from: '2019-01-01',
					to: '2019-12-31'
				});
				expect(again.parameters.cache).toEqual({ weights: true, counts: true, answer: true });
				expect(again.z).toEqual(r.z);
			});

			it('hot spots over a bbox study area at res 9, FDR off, k = 2', async () => {
				const bbox = [-87.7, 41.85, -87.6, 41.9] as const;
				const r = await hotspotsForArea(t.db, {
					bbox,
					res: 9,
					from: '2018-01-01',
					to: '2018-06-30',
					k: 2,
					fdr: false
				});
				const [w, s, e, n] = bbox;
				const cells = polygonToCells(
					[
						[
							[w, s],
							[e, s],
							[e, n],
							[w, n],
							[w, s]
						]
					],
					9,
					true
				).sort();
				expect(r.cells).toEqual(cells);
				const counts = countBy(
					(x) => x.day >= '2018-01-01' && x.day <= '2018-06-30',
					(x) => at(x, 9)
				);
				const expected = getisOrdH3(cells, counts, { k: 2, fdr: false });
				expect(r.counts).toEqual(Array.from(expected.counts));
				expect(r.bin).toEqual(Array.from(expected.bin));
				expect(r.pAdjusted).toEqual(r.p);
				for (let i = 0; i < cells.length; i++)
					expect(Math.abs(r.z[i] - expected.z[i])).toBeLessThan(1e-9);
			});

			it('hot spots over several years off the calendar years at res 9, and for one district at res 10', async () => {
				for (const [res, area, from, to] of [
					[9, 'district:*', '2012-03-15', '2018-10-20'],
					[10, 'district:11', '2014-01-01', '2016-12-31']
				] as const) {
					const r = await hotspotsForArea(t.db, { area: [area], res, from, to });
					const cells = studyCells(area === 'district:*' ? allCover : coverOf('11'), res);
					expect(r.cells).toEqual(cells);
					const counts = countBy(
						(x) => x.day >= from && x.day <= to,
						(x) => at(x, res)
					);
					expect(r.counts).toEqual(cells.map((c) => counts.get(c) ?? 0));
					expect(r.summary.total).toBe(cells.reduce((n, c) => n + (counts.get(c) ?? 0), 0));
				}
			});

			it('refuses bad hot-spot requests with codes and messages a user can act on', async () => {
				const base = { area: ['district:*'], res: 8, from: '2019-01-01', to: '2019-12-31' };
				const fails = async (q: object, code: string, message: RegExp) => {
					const err = await hotspotsForArea(t.db, { ...base, ...q }).catch((e: unknown) => e);
					expect(err).toBeInstanceOf(ServiceError);
					expect((err as ServiceError).code).toBe(code);
					expect((err as ServiceError).status).toBe(400);
					expect((err as ServiceError).message).toMatch(message);
				};
				await fails({ area: ['district:99'] }, 'E_UNKNOWN_AREA', /no area "district:99"/);
				await fails({ area: ['beat:*'] }, 'E_UNKNOWN_AREA', /no area "beat:\*"/);
				await fails({ from: '2019-12-31', to: '2019-01-01' }, 'E_DATE_RANGE', /must not be after/);
				await fails({ res: 11 }, 'E_PARAMETER', /res: must be a whole number from 5 to 10/);
				await fails({ res: 4 }, 'E_PARAMETER', /from 5 to 10/);
				await fails({ categories: ['arson'] }, 'E_PARAMETER', /unknown category "arson"/);
				// Chicago at res 10 is ~40,000 cells: refused before any cell is listed, limit named.
				await fails(
					{ res: 10, maxStudyCells: 10_000 },
					'E_STUDY_AREA_TOO_LARGE',
					/about 4\d,\d{3} cells at resolution 10, over the limit of 10,000 cells/
				);
				await fails(
					{ area: undefined, bbox: [-100, 30, -80, 45], res: 7 },
					'E_STUDY_AREA_TOO_LARGE',
					/the bbox holds about [\d,]+ cells at resolution 7, over the limit of 200,000/
				);
				await fails({ bbox: [-87.7, 41.85, -87.6, 41.9] }, 'E_STUDY_AREA_MISSING', /not both/);
			});

			it('GET /api/analysis/hotspots: 400s with the field named, and a columnar answer', async () => {
				const { GET } = await import('../../src/routes/api/analysis/hotspots/+server');
				const get = (query: string) => getRoute(GET, `/api/analysis/hotspots?${query}`);
				const bad = [
					['area=district:*&res=11', /^res: must be a whole number from 5 to 10/],
					['area=district:*&from=2019-05-01&to=2019-01-01', /^from: `from` must not be after `to`/],
					['area=district:*&categories=burglary,arson', /unknown category "arson"/],
					['area=district:99', /no area "district:99"/],
					['res=8', /give the study area as `area`/],
					['area=district:*&res=10&k=0', /^k: must be a whole number from 1 to 5/],
					['bbox=-100,30,-80,45&res=7', /over the limit of 200,000 cells/]
				] as const;
				for (const [q, message] of bad) {
					const r = await get(q);
					expect(r.status, q).toBe(400);
					expect(r.body.message, q).toMatch(message);
				}
				const ok = await get('area=district:1&res=9&from=2019-01-01&to=2019-12-31&fdr=false');
				expect(ok.status).toBe(200);
				const cells = studyCells(coverOf('1'), 9);
				expect(ok.body.cells).toEqual(cells);
				expect(ok.body.parameters).toMatchObject({ res: 9, fdr: false, k: 1 });
				expect(ok.body.z).toHaveLength(cells.length);
				// The answer on the wire is what the contract (and so the client) reads, key for key.
				expect(hotspotsAnswerSchema.parse(ok.body)).toEqual(ok.body);
			});

			it('emerging hot spots by month: the cube and categories of the raw rows', async () => {
				const r = await emergingForArea(t.db, {
					area: ['district:*'],
					res: 7,
					from: '2018-01-01',
					to: '2019-12-31',
					step: 'month'
				});
				const cells = studyCells(allCover, 7);
				expect(r.cells).toEqual(cells);
				expect(r.steps).toHaveLength(24);
				expect(r.steps[0]).toBe('2018-01-01');
				expect(r.steps[23]).toBe('2019-12-01');
				// As sent (JSON), the answer is what the contract and the client read, key for key.
				const wire = JSON.parse(JSON.stringify(r));
				expect(emergingAnswerSchema.parse(wire)).toEqual(wire);
				const series = new Map<string, number[]>();
				for (const x of rows) {
					if (x.day < '2018-01-01' || x.day > '2019-12-31') continue;
					const c = at(x, 7);
					const s = series.get(c) ?? new Array<number>(24).fill(0);
					const m = (Number(x.day.slice(0, 4)) - 2018) * 12 + Number(x.day.slice(5, 7)) - 1;
					s[m]++;
					series.set(c, s);
				}
				const expected = emergingHotSpotsH3(cells, series, 24, { k: 1 });
				expect(r.category).toEqual(expected.locations.map((l) => l.category));
				expect(r.total).toEqual(cells.map((c) => (series.get(c) ?? []).reduce((a, b) => a + b, 0)));
				expect(r.summary).toEqual(expected.summary);
				expect(Object.keys(r.summary)).toHaveLength(17);
				const err = await emergingForArea(t.db, {
					area: ['district:*'],
					res: 7,
					from: '2019-01-01',
					to: '2019-02-15'
				}).catch((e: unknown) => e);
				expect((err as ServiceError).code).toBe('E_DATE_RANGE');
			});

			it('CompStat everywhere at 2019-06-30: counts and Poisson z from the raw rows', async () => {
				const r = await trendsForArea(t.db, { date: '2019-06-30' });
				const n = (a: string, b: string) => rows.filter((x) => x.day >= a && x.day <= b).length;
				const want = [
					['weekToDate', n('2019-06-24', '2019-06-30'), n('2018-06-24', '2018-06-30')],
					['last28Days', n('2019-06-03', '2019-06-30'), n('2018-06-03', '2018-06-30')],
					['yearToDate', n('2019-01-01', '2019-06-30'), n('2018-01-01', '2018-06-30')]
				] as const;
				expect(r.tables.map((x) => x.category)).toEqual(['all', VIOLENCE]);
				for (const table of r.tables)
					expect(table.rows.map((x) => [x.window, x.current, x.previous])).toEqual(want);
				for (const row of r.tables[0].rows)
					expect(row.z).toBeCloseTo(2 * (Math.sqrt(row.current) - Math.sqrt(row.previous)), 12);
				expect(r.parameters).toMatchObject({ date: '2019-06-30', priorYear: 'calendar' });
				// Inside district 11: the rows whose resolution-10 cell is in its cover.
				const cover = coverOf('11');
				const d11 = await trendsForArea(t.db, { area: ['district:11'], date: '2019-06-30' });
				const m = (a: string, b: string) =>
					rows.filter((x) => x.day >= a && x.day <= b && cover.has(x.c10)).length;
				expect(d11.tables[0].rows[2].current).toBe(m('2019-01-01', '2019-06-30'));
				expect(d11.tables[0].rows[2].previous).toBe(m('2018-01-01', '2018-06-30'));
			});

			it('change by district and Mann-Kendall trend map by cell', async () => {
				const ch = await changeMap(t.db, {
					by: 'area',
					kind: 'district',
					res: 8,
					from: '2019-01-01',
					to: '2019-12-31'
				});
				expect(ch.parameters).toMatchObject({
					beforeFrom: '2018-01-01',
					beforeTo: '2018-12-31',
					share: 0.5,
					coverage: { now: { status: 'covered' }, before: { status: 'covered' } }
				});
				const codes = [...new Set(features.map((f) => f.properties.DIST_NUM))].sort();
				expect(ch.ids).toEqual(codes);
				for (const [i, code] of ch.ids.entries()) {
					const cover = coverOf(code);
					const inYear = (y: string) =>
						rows.filter((x) => x.day.startsWith(y) && cover.has(x.c10)).length;
					expect([ch.now[i], ch.before[i]]).toEqual([inYear('2019'), inYear('2018')]);
					expect(ch.p[i]).toBeCloseTo(
						ch.now[i] + ch.before[i] === 0
							? 1
							: binomialTwoSidedP(ch.now[i], ch.now[i] + ch.before[i], 0.5),
						12
					);
				}
				const tm = await trendMap(t.db, {
					by: 'cell',
					area: ['district:11'],
					res: 8,
					from: '2015-01-01',
					to: '2019-12-31'
				});
				const cells = studyCells(coverOf('11'), 8);
				expect(tm.ids).toEqual(cells);
				const series = new Map(cells.map((c) => [c, new Array<number>(60).fill(0)]));
				for (const x of rows) {
					const s = series.get(at(x, 8));
					if (!s || x.day < '2015-01-01') continue;
					s[(Number(x.day.slice(0, 4)) - 2015) * 12 + Number(x.day.slice(5, 7)) - 1]++;
				}
				const want = trendsBySeries(series);
				expect(tm.direction).toEqual(want.map((w) => w.direction));
				expect(tm.s).toEqual(want.map((w) => w.s));
				expect(tm.total).toEqual(cells.map((c) => series.get(c)!.reduce((a, b) => a + b, 0)));
			});

			it('near repeat in district 11: the points in its polygon, projected to UTM 16N', async () => {
				const r = await nearRepeatForArea(t.db, {
					area: ['district:11'],
					from: '2019-01-01',
					to: '2019-03-31',
					distanceBands: { width: 200, count: 3 },
					timeBands: { width: 7, count: 3 },
					permutations: 99,
					seed: 7
				});
				const inside = inDistrict('11');
				const points = rows.filter(
					(x) => x.day >= '2019-01-01' && x.day <= '2019-03-31' && inside(x)
				);
				expect(r.parameters.n).toBe(points.length);
				expect(r.parameters.srid).toBe(32616);
				const utm = proj4('EPSG:4326', '+proj=utm +zone=16 +datum=WGS84 +units=m +no_defs');
				const expected = knoxTest(
					points.map((x) => {
						const [px, py] = utm.forward([x.lon, x.lat]);
						return { x: px, y: py, t: x.t };
					}),
					{
						distanceBands: { width: 200, count: 3 },
						timeBands: { width: 7, count: 3 },
						permutations: 99,
						seed: 7
					}
				);
				expect(r.observed).toEqual(expected.observed);
				expect(r.rowLabels).toEqual(expected.rowLabels);
				const capped = await nearRepeatForArea(t.db, {
					area: ['district:11'],
					from: '2019-01-01',
					to: '2019-03-31',
					maxIncidents: 100
				}).catch((e: unknown) => e);
				expect((capped as ServiceError).message).toMatch(/More than 100 incidents match/);
			});

			it('aoristic profile of district 11 in 2019: exact times give the local hours', async () => {
				const r = await timeProfile(t.db, {
					area: ['district:11'],
					from: '2019-01-01',
					to: '2019-12-31'
				});
				const inside = inDistrict('11');
				const points = rows.filter((x) => x.day.startsWith('2019') && inside(x));
				expect(r.incidents).toBe(points.length);
				expect(r.used).toBe(points.length);
				expect(r.parameters.timeZone).toBe('America/Chicago');
				const hours = new Array<number>(24).fill(0);
				for (const x of points) hours[x.hour]++;
				expect(r.hourOfDay).toEqual(hours);
				const capped = await timeProfile(t.db, {
					area: ['district:11'],
					maxIncidents: 10
				}).catch((e: unknown) => e);
				expect((capped as ServiceError).message).toMatch(/More than 10 incidents match/);
			});
		});
	}
});
