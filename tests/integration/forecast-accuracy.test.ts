/**
 * The supervisor's forecast accuracy on the database (services/forecast-accuracy.ts), on both engines:
 * Chicago aggravated assaults with times of day (around police district 11, 2018–2019) checked against
 * the same backtest run on the raw CSV rows (turf point-in-polygon, h3-js, the date text as wall clock),
 * so the wall-clock round trip through timestamptz, the area, the shift hours and the origins are all
 * tested; then caching per import, the endpoint's 400s, and an unknown area.
 */
import { getRoute } from '../helpers/route';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { parse } from 'csv-parse/sync';
import { latLngToCell } from 'h3-js';
import { bbox as turfBbox, booleanPointInPolygon } from '@turf/turf';
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
import { backtest, type BacktestEvent } from '../../src/lib/server/analysis/backtest';
import { dayToIso, isoToDay } from '../../src/lib/server/analysis/days';
import { forecastModel } from '../../src/lib/server/analysis/forecast-models';
import {
	clearForecastAccuracyCache,
	forecastAccuracy
} from '../../src/lib/server/services/forecast-accuracy';
import { forecastAccuracySchema } from '../../src/lib/contracts/forecast-accuracy';
import { ServiceError } from '../../src/lib/server/errors';

const current = vi.hoisted(() => ({ db: null as unknown }));
vi.mock('$lib/server/db', () => ({
	getDatabase: async () => current.db,
	// The route reads through a snapshot (read replica, db/reader.ts): here the test's own database.
	readSnapshot: async <T>(fn: (db: unknown, target: string) => Promise<T>) =>
		fn(current.db, 'primary')
}));

const CHI = join(SHARED, 'data/chicago-cpd');
const DERIVED = join(CHI, 'derived/chicago_aggravated_assaults.csv.gz');
const DISTRICTS = join(CHI, 'boundaries/police_districts.zip.geojson');
const MAPPING = hasShared
	? JSON.parse(readFileSync('examples/mappings/chicago-aggravated-assaults.json', 'utf8'))
	: {};
type Feature = { properties: { DIST_NUM: string }; geometry: never };

describe.skipIf(withoutShared())('forecast accuracy on the database', () => {
	const features = hasShared
		? (JSON.parse(readFileSync(DISTRICTS, 'utf8')) as { features: Feature[] }).features
		: [];
	const district = features.filter((f) => f.properties.DIST_NUM === '11');
	const [w, s, e, n] = district.length
		? district
				.map((f) => turfBbox(f.geometry))
				.reduce((a, b) => [
					Math.min(a[0], b[0]),
					Math.min(a[1], b[1]),
					Math.max(a[2], b[2]),
					Math.max(a[3], b[3])
				])
		: [0, 0, 0, 0];
	// Rows of 2018–2019 in the district's bounding box (a small import; the polygon decides the rest).
	const header = 'date,loc_cat,longitude,latitude,district';
	const lines = hasShared
		? (gunzipSync(readFileSync(DERIVED)).toString('utf8').trim().split('\n').slice(1) as string[])
		: [];
	const slice = lines.filter((l) => {
		const [date, , lon, lat] = l.split(',');
		return date >= '2018' && +lon >= w && +lon <= e && +lat >= s && +lat <= n;
	});
	const dir = mkdtempSync(join(tmpdir(), 'beatwise-accuracy-'));
	const file = join(dir, 'district-11-box.csv');
	if (hasShared) writeFileSync(file, [header, ...slice].join('\n') + '\n');

	const inDistrict = (lon: number, lat: number) =>
		district.some((f) => booleanPointInPolygon([lon, lat], f.geometry as never));

	/**
	 * The same backtest from the file: rows inside district 11 from a year before the first origin, at
	 * their written wall-clock time.
	 */
	function fromFile(shift: { startHour: number; hours: number }, model: string) {
		const last = isoToDay('2019-12-31') - 6;
		const origins = Array.from({ length: 52 }, (_, i) => dayToIso(last - (51 - i) * 7));
		const historyFrom = dayToIso(isoToDay(origins[0]) - 365);
		const rows = (parse(readFileSync(file), { columns: true }) as Record<string, string>[]).filter(
			(r) => r.date >= historyFrom && inDistrict(+r.longitude, +r.latitude)
		);
		const events: BacktestEvent[] = rows.map((r) => ({
			cell: latLngToCell(+r.latitude, +r.longitude, 9),
			wallMs: Date.parse(r.date.replace(' ', 'T') + ':00Z'),
			timed: true
		}));
		return {
			rows: rows.length,
			result: backtest(events, {
				from: origins[0],
				to: origins[51],
				stepDays: 7,
				horizonDays: 7,
				coverage: 0.1,
				model: forecastModel(model),
				hours: shift
			})
		};
	}

	for (const engine of engines()) {
		describe(engine, () => {
			let t: TestDatabase;
			beforeAll(async () => {
				t = await createTestDatabase(engine);
				current.db = t.db;
				clearForecastAccuracyCache();
				const imported = await importPaths(t.db, {
					inputs: [file],
					format: 'csv',
					mapping: MAPPING
				});
				expect(imported.imported).toBe(slice.length);
				await importAreaFile(t.db, DISTRICTS, { kind: 'district' });
			});
			afterAll(async () => {
				clearForecastAccuracyCache();
				await t?.drop();
			});

			it('late shift in district 11: equal to the backtest of the raw rows, model and baseline', async () => {
				const r = await forecastAccuracy(t.db, {
					area: 'district:11',
					shift: 'late',
					res: 9,
					coverage: 0.1,
					guard: true,
					harm: false
				});
				expect(forecastAccuracySchema.parse(r)).toEqual(r);
				const late = { startHour: 15, hours: 8 };
				const model = fromFile(late, 'prospective');
				const baseline = fromFile(late, 'recent:28');
				expect(r.parameters).toMatchObject({
					granularity: 'day',
					step: 'week',
					horizonDays: 7,
					dataEnd: '2019-12-31',
					firstOrigin: model.result.origins[0].origin,
					lastOrigin: '2019-12-25',
					hours: late,
					studyCells: model.result.studyCells,
					k: model.result.k,
					incidents: model.rows,
					timedShare: 1
				});
				expect(r.origins.map((o) => ({ origin: o.origin, ...o.model }))).toEqual(
					model.result.origins
				);
				expect(r.origins.map((o) => ({ origin: o.origin, ...o.baseline }))).toEqual(
					baseline.result.origins
				);
				expect(r.model.mean).toEqual(model.result.mean);
				expect(r.baseline).toMatchObject({ name: 'recent:28', mean: baseline.result.mean });
				expect(r.summary).toMatch(
					/^Tested on the last year: each week, the \d+ top cells of the forecast/
				);
				expect(r.summary).toMatch(/late incidents of the following week/);
				expect(r.cached).toBe(false);
			});

			it('is cached per import: the same answer again, a new one after an import', async () => {
				const q = {
					area: 'district:11',
					shift: 'night' as const,
					res: 9,
					coverage: 0.1,
					guard: true,
					harm: false
				};
				const first = await forecastAccuracy(t.db, q);
				const again = await forecastAccuracy(t.db, q);
				expect(again.cached).toBe(true);
				expect({ ...again, cached: false }).toEqual(first);
				// One more incident in the district on the data's last day: the data version moves.
				const extra = join(dir, 'extra.csv');
				const inside = slice
					.map((l) => l.split(','))
					.find((l) => l[0] >= '2019-12' && inDistrict(+l[2], +l[3]))!;
				writeFileSync(extra, `${header}\n2019-12-31 23:30,street,${inside[2]},${inside[3]},11\n`);
				await importPaths(t.db, { inputs: [extra], format: 'csv', mapping: MAPPING });
				const after = await forecastAccuracy(t.db, q);
				expect(after.cached).toBe(false);
				expect(after.parameters.dataVersion).not.toBe(first.parameters.dataVersion);
				expect(after.parameters.incidents).toBe(first.parameters.incidents + 1);
			});

			it('GET /api/analysis/forecast-accuracy: 400s that name the field, 400 for an unknown area', async () => {
				const { GET } = await import('../../src/routes/api/analysis/forecast-accuracy/+server');
				const get = (query: string) => getRoute(GET, `/api/analysis/forecast-accuracy?${query}`);
				const bad = [
					['shift=late', /^area: is required/],
					['area=district:11&shift=lunch', /^shift: must be early, late or night/],
					['area=district:11&coverage=2', /^coverage: must be a share/],
					['area=district:11&res=12', /^res: must be a whole number/],
					['area=district:*', /^area: must be one area/],
					['area=district:99', /no area "district:99"/]
				] as const;
				for (const [query, message] of bad) {
					const res = await get(query);
					expect(res.status, query).toBe(400);
					expect(res.body.message, query).toMatch(message);
				}
				const ok = await get('area=district:11&shift=early&res=8&coverage=0.05');
				expect(ok.status).toBe(200);
				expect(forecastAccuracySchema.parse(ok.body).parameters).toMatchObject({
					shift: 'early',
					res: 8,
					coverage: 0.05
				});
			});

			it('refuses an unknown area with a service error', async () => {
				await expect(
					forecastAccuracy(t.db, {
						area: 'district:99',
						shift: 'late',
						res: 9,
						coverage: 0.1,
						guard: true,
						harm: false
					})
				).rejects.toBeInstanceOf(ServiceError);
			});
		});
	}
});

describe('forecast accuracy on monthly data (the police.uk demo)', () => {
	let t: TestDatabase;
	beforeAll(async () => {
		t = await createTestDatabase('pglite', { demo: true });
		clearForecastAccuracyCache();
	}, 300_000);
	afterAll(async () => {
		clearForecastAccuracyCache();
		await t?.drop();
	});

	it('City of London: origins on the 1st of the last 12 months, last month as the baseline, no shift hours', async () => {
		const r = await forecastAccuracy(t.db, {
			area: 'borough:E09000001',
			shift: 'night',
			res: 9,
			coverage: 0.1,
			guard: true,
			harm: false
		});
		expect(r.parameters).toMatchObject({
			granularity: 'month',
			step: 'month',
			horizonDays: 1,
			hours: null,
			firstOrigin: '2020-01-01',
			lastOrigin: '2020-12-01',
			dataEnd: '2020-12-31',
			timedShare: 0,
			excludedCategories: ['drugs', 'possession-of-weapons']
		});
		expect(r.baseline.name).toBe('recent:31');
		expect(r.origins.map((o) => o.origin)).toEqual(
			Array.from({ length: 12 }, (_, i) => `2020-${String(i + 1).padStart(2, '0')}-01`)
		);
		// Each origin's incidents are that month's, in the borough, bias-guard categories left out. April's
		// rows start at 1 April 00:00 BST = 31 March 23:00 UTC: months are local.
		const [{ n }] = await t.db.query<{ n: number }>(
			`SELECT count(*)::int AS n FROM incidents i JOIN sources s ON s.id = i.source_id
			 JOIN areas a ON ST_Intersects(a.geom, i.geom)
			 WHERE a.kind = 'borough' AND a.code = 'E09000001'
			   AND to_char(i.occurred_from AT TIME ZONE s.timezone, 'YYYY-MM') = '2020-04'
			   AND i.category NOT IN ('drugs', 'possession-of-weapons')`
		);
		expect(r.origins[3].model.incidents).toBe(Number(n));
		expect(r.origins[3].baseline.incidents).toBe(Number(n));
		expect(r.notes.join(' ')).toMatch(/dated by month, without times of day/);
		expect(r.summary).toMatch(/each month, the \d+ top cells .* of the following month/);
		expect(r.summary).toMatch(/the cells with the most incidents last month/);
		// Same answer for every shift: there are no times.
		const late = await forecastAccuracy(t.db, {
			area: 'borough:E09000001',
			shift: 'late',
			res: 9,
			coverage: 0.1,
			guard: true,
			harm: false
		});
		expect(late.origins).toEqual(r.origins);
	});
});
