/**
 * Issue 14, road safety: the STATS19 fixture slice (tests/fixtures/ingest/stats19, City of London 2023
 * plus rows written for the tests) imported beside police.uk crime on each engine — exact accounting,
 * British National Grid reprojection, idempotent re-import, collisions kept out of every crime count
 * and crime coverage, the overview and a before/after evaluation counted by hand.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, engines, type TestDatabase } from '../helpers/db';
import { importPaths } from '../../src/lib/server/ingest/import';
import { cellCountsForMap } from '../../src/lib/server/services/cells';
import { coverageFor } from '../../src/lib/server/study/coverage';
import { dataExtent } from '../../src/lib/server/study/extent';
import { scopeFor } from '../../src/lib/server/auth/read-scope';
import { CLI_ORIGIN } from '../../src/lib/server/auth/audit';
import { evaluateRoadScheme, roadSafetyOverview } from '../../src/lib/server/services/road-safety';
import { ServiceError } from '../../src/lib/server/errors';
import { draftRoadEvaluation } from '../../src/lib/server/products/road-evaluation';

const STATS19 = 'tests/fixtures/ingest/stats19/dft-collisions-2023-city-sample.csv';
const POLICE_UK = 'tests/fixtures/ingest/police-uk/2016-01-city-of-london-street.csv';
const analyst = scopeFor(
	{ id: 1, username: 'road-analyst', displayName: 'Road analyst', role: 'analyst', areaIds: [] },
	CLI_ORIGIN
);

describe.each(engines())('road safety on %s', (engine) => {
	let t: TestDatabase;
	beforeAll(async () => {
		t = await createTestDatabase(engine);
		const crime = await importPaths(t.db, { inputs: [POLICE_UK], format: 'police-uk' });
		expect(crime.imported).toBe(14);
	});
	afterAll(async () => {
		await t?.drop();
	});

	it('imports every row: 29 = 23 imported + 5 rejected (with reasons) + 1 duplicate', async () => {
		const r = await importPaths(t.db, { inputs: [STATS19], format: 'stats19' });
		expect(r.failed).toEqual([]);
		expect({ total: r.total, imported: r.imported, rejected: r.rejected }).toEqual({
			total: 29,
			imported: 23,
			rejected: 5
		});
		expect(r.duplicate).toBe(1);
		expect(r.located).toBe(22);
		const rejects = await t.db.query<{ field: string; reason: string }>(
			'SELECT field, reason FROM import_rejects ORDER BY row_number'
		);
		expect(rejects.map((x) => x.field)).toEqual([
			'accident_severity',
			'date',
			'time',
			'latitude',
			'location_easting_osgr/location_northing_osgr'
		]);
		expect(rejects[4].reason).toMatch(/Great Britain/);
		// The grid reference of the first row, given without lon/lat, lands where DfT's lon/lat put it.
		const [p] = await t.db.query<{ lon: number; lat: number; category: string }>(
			`SELECT ST_X(geom)::float8 AS lon, ST_Y(geom)::float8 AS lat, category
			 FROM incidents WHERE external_id = '2023489999901'`
		);
		expect(p.category).toBe('road-collision-fatal');
		expect(Number(p.lon)).toBeCloseTo(-0.077079, 4);
		expect(Number(p.lat)).toBeCloseTo(51.516481, 4);
	});

	it('adds nothing when the same file is imported again', async () => {
		const r = await importPaths(t.db, { inputs: [STATS19], format: 'stats19' });
		expect({ imported: r.imported, rejected: r.rejected, duplicate: r.duplicate }).toEqual({
			imported: 0,
			rejected: 5,
			duplicate: 24
		});
		const [{ n }] = await t.db.query<{ n: number }>(
			`SELECT count(*)::int AS n FROM incidents WHERE category LIKE 'road-collision-%'`
		);
		expect(Number(n)).toBe(23);
	});

	it('never counts a collision as crime: maps, the data range and crime coverage', async () => {
		const map = await cellCountsForMap(t.db, {
			res: 8,
			from: '2016-01-01',
			to: '2023-12-31',
			categories: []
		});
		expect(map.total).toBe(12); // the 14 police.uk crimes, 2 of them without a location
		const extent = await dataExtent(t.db);
		expect(extent).toMatchObject({ from: '2016-01-01', to: '2016-01-31' });
		expect(extent!.granularity.unit).toBe('month');
		const crime = await coverageFor(t.db, '2023-01-01', '2023-12-31', { everywhere: true });
		expect(crime.period('2023-01-01', '2023-12-31').status).toBe('missing');
		const road = await coverageFor(t.db, '2023-01-01', '2023-12-31', { everywhere: true }, 'road');
		expect(road.period('2023-01-01', '2023-12-31').status).toBe('partial');
	});

	it('gives the overview: counts by severity, KSI, the day × hour profile and the points', async () => {
		const o = (await roadSafetyOverview(t.db, analyst, {}))!;
		expect(o.coveredMonths).toEqual(['2023-01', '2023-02', '2023-07', '2023-09', '2023-10']);
		expect(o.years).toEqual([
			{
				year: 2023,
				monthsCovered: 5,
				counts: { fatal: 1, serious: 9, slight: 13, ksi: 10, total: 23 }
			}
		]);
		expect({ located: o.located, unlocated: o.unlocated, untimed: o.untimed }).toEqual({
			located: 22,
			unlocated: 1,
			untimed: 1
		});
		// 09/01/2023 12:00 was a Monday; 15/07/2023 08:15 BST a Saturday.
		expect(o.weekHour.all[0][12]).toBeGreaterThanOrEqual(1);
		expect(o.weekHour.ksi[5][8]).toBe(1);
		expect(o.weekHour.all.flat().reduce((s, v) => s + v, 0)).toBe(22);
		// Severity × hour: the same 22 timed collisions; fatal and serious hour by hour are the KSI ones.
		const sum = (xs: number[]) => xs.reduce((s, v) => s + v, 0);
		expect(sum(Object.values(o.severityHour).flat())).toBe(22);
		for (let h = 0; h < 24; h++)
			expect(o.severityHour.fatal[h] + o.severityHour.serious[h]).toBe(
				sum(o.weekHour.ksi.map((day) => day[h]))
			);
		expect(o.severityHour.fatal[8] + o.severityHour.serious[8]).toBeGreaterThanOrEqual(1);
		expect(o.points).toHaveLength(22);
		expect(o.points.find((p) => p.id === '2023480420387')).toMatchObject({
			when: '2023-01-09 12:00',
			road: 'A1210',
			speedLimit: '20',
			category: 'road-collision-slight'
		});
	});

	it('evaluates a site before and after a scheme, against the rest of the data', async () => {
		// Within 600 m of the first row: 3 collisions 4–31 Jan (1 serious), 2 in Feb (both slight);
		// elsewhere 4 in Jan (1 serious) and 9 in Feb (4 serious) — counted from the fixture by hand.
		const e = await evaluateRoadScheme(t.db, {
			site: { lon: -0.077079, lat: 51.516481, radiusM: 600 },
			control: null,
			schemeDate: '2023-02-01',
			periodDays: 28
		});
		expect(e.before).toEqual({ from: '2023-01-04', to: '2023-01-31' });
		expect(e.after).toEqual({ from: '2023-02-01', to: '2023-02-28' });
		expect(e.all.site).toMatchObject({ before: 3, after: 2 });
		expect(e.all.control).toMatchObject({ before: 4, after: 9 });
		expect(e.all.adjusted!.estimate).toBeCloseTo((2 * 4) / (3 * 9), 12);
		expect(e.ksi.site).toMatchObject({ before: 1, after: 0 });
		expect(e.ksi.control).toMatchObject({ before: 1, after: 4 });
		expect(e.caveats.join(' ')).toMatch(/Regression to the mean/);
	});

	it('saves the evaluation as a product: frozen counts, map table, intervals, in the area of the site', async () => {
		const site = { lon: -0.077079, lat: 51.516481, radiusM: 600 };
		const request = { site, control: null, schemeDate: '2023-02-01', periodDays: 28 };
		const [{ id: userId }] = await t.db.query<{ id: number }>(
			`INSERT INTO users (username, display_name, password_hash, role) VALUES ('road-analyst', 'Road analyst', 'x', 'analyst') RETURNING id`
		);
		const actor = { user: { ...analyst.user, id: Number(userId) }, origin: CLI_ORIGIN };
		// A product belongs to an area: none holds the site yet.
		await expect(
			draftRoadEvaluation(t.db, { ...request, mapPicture: false }, actor)
		).rejects.toThrow(/no stored area holds the circle/);
		await t.db.query(
			`INSERT INTO areas (kind, code, name, geom) VALUES ('ward', 'RS1', 'Aldgate test ward',
			 ST_Multi(ST_GeomFromText('POLYGON((-0.09 51.51, -0.07 51.51, -0.07 51.52, -0.09 51.52, -0.09 51.51))', 4326)))`
		);
		const p = await draftRoadEvaluation(t.db, { ...request, mapPicture: false }, actor);
		expect(p).toMatchObject({
			type: 'road-safety-evaluation',
			status: 'draft',
			audience: 'internal',
			areaCode: 'RS1',
			periodFrom: '2023-01-04',
			periodTo: '2023-02-28'
		});
		const e = await evaluateRoadScheme(t.db, request);
		expect(p.content.parameters).toMatchObject({ all: e.all, ksi: e.ksi, before: e.before });
		const byHeading = (h: string) => p.content.blocks.find((b) => b.heading === h)!;
		const map = byHeading('The site and its collisions');
		expect(map.kind).toBe('map');
		if (map.kind !== 'map') return;
		// The map's table: 3 before (1 serious), 2 after (slight), as counted by hand above.
		expect(map.table.rows).toEqual([
			['Fatal', 0, 0],
			['Serious', 1, 0],
			['Slight', 2, 2]
		]);
		const points = map.geojson.features.filter(
			(f) => (f as { geometry: { type: string } }).geometry.type === 'Point'
		);
		expect(points).toHaveLength(5);
		const chart = byHeading('Effect and uncertainty');
		expect(chart.kind === 'chart' && chart.svg.startsWith('<svg')).toBe(true);
		if (chart.kind !== 'chart') return;
		const or = chart.table.rows.find(
			(r) => r[0] === 'All injury collisions: odds ratio (site against control)'
		)!;
		expect(Number(or[1])).toBeCloseTo((2 * 4) / (3 * 9), 2);
		expect(p.content.summary.join(' ')).toMatch(
			/3 injury collisions .* and 2 in the 28 days after/
		);
	});

	it('refuses periods that touch months without data, naming them', async () => {
		const refused = evaluateRoadScheme(t.db, {
			site: { lon: -0.077079, lat: 51.516481, radiusM: 600 },
			control: null,
			schemeDate: '2023-03-01',
			periodDays: 60
		});
		await expect(refused).rejects.toThrow(ServiceError);
		await expect(refused).rejects.toThrow(/2023-03, 2023-04/);
	});
});
