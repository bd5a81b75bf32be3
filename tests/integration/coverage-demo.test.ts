/**
 * Statistics know which periods have data (issue 9, item 3), on the demo data: City of London police.uk
 * street crime for 2016-01..2017-06 and 2020-01..12, every record dated to its month. Each test names
 * the number the product used to show (the "before") and asserts it no longer appears: emerging hot spots
 * "Sporadic" everywhere over 2016–2020, CompStat "z 38.00" / "z 145.55" against a year never imported,
 * 1 incident against 0 flagged as a significant rise, the December 2020 briefing compared with a
 * December without data, "2017 3,346" for half a year, and Knox day bands on month-dated records. Run on
 * both engines where PostgreSQL is configured.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, engines, type TestDatabase } from '../helpers/db';
import { busiestLsoa } from '../helpers/demo';
import { emergingForArea } from '../../src/lib/server/services/emerging';
import { changeMap, trendsForArea } from '../../src/lib/server/services/trends';
import { neighbourhoodSummary } from '../../src/lib/server/services/neighbourhood';
import { coverageBySteps } from '../../src/lib/server/services/coverage';
import { nearRepeatForArea } from '../../src/lib/server/services/near-repeat';
import { poissonZ } from '../../src/lib/server/analysis/compstat';
import { ServiceError } from '../../src/lib/server/errors';

const DEMO_MONTHS: string[] = [];
for (let y = 2016; y <= 2020; y++)
	for (let m = 1; m <= 12; m++)
		if (y === 2016 || (y === 2017 && m <= 6) || y === 2020)
			DEMO_MONTHS.push(`${y}-${String(m).padStart(2, '0')}-01`);

/** The City of London, where the demo's police.uk months lie. */
const CITY = 'borough:E09000001';

async function serviceError(p: Promise<unknown>): Promise<ServiceError> {
	const e = await p.then(
		() => null,
		(x: unknown) => x
	);
	expect(e).toBeInstanceOf(ServiceError);
	return e as ServiceError;
}

describe.each(engines())('statistics know which periods have data (%s)', (engine) => {
	let t: TestDatabase;
	let lsoa: { id: number; code: string };
	let policeUk: number;
	let cityId: number;

	beforeAll(async () => {
		t = await createTestDatabase(engine, { demo: true });
		lsoa = await busiestLsoa(t.db);
		// The demo also holds a timed source elsewhere (Chicago, 2018–2019): these checks are on the
		// City of London's police.uk months, so they look at that source and that area.
		const [src] = await t.db.query<{ id: number }>(
			`SELECT DISTINCT source_id AS id FROM source_coverage WHERE grain = 'month'`
		);
		policeUk = Number(src.id);
		const [city] = await t.db.query<{ id: number }>(
			`SELECT id FROM areas WHERE kind = 'borough' AND code = 'E09000001'`
		);
		cityId = Number(city.id);
	}, 600_000);

	afterAll(async () => {
		await t?.drop();
	});

	async function sum(from: string, to: string, areaId?: number): Promise<number> {
		const rows = await t.db.query<{ n: number }>(
			`SELECT coalesce(sum(n), 0)::int AS n FROM cell_counts
			 WHERE res = 10 AND grain IN ('day', 'month-only') AND period BETWEEN $1 AND $2
			   AND ($3::int IS NULL OR h3 IN (SELECT h3 FROM area_cells WHERE area_id = $3))`,
			[from, to, areaId ?? null]
		);
		return Number(rows[0].n);
	}

	it('the import records the months each source holds data for, and migration 0005 backfills the same', async () => {
		const read = () =>
			t.db.query<{ grain: string; period: string; footprint: string }>(
				`SELECT grain, period_start::text AS period, footprint::text AS footprint
				 FROM source_coverage WHERE source_id = $1 ORDER BY 2, 3, 1`,
				[policeUk]
			);
		const recorded = await read();
		expect([...new Set(recorded.map((r) => r.period))]).toEqual(DEMO_MONTHS);
		expect(new Set(recorded.map((r) => r.grain))).toEqual(new Set(['month']));
		// Footprints are the resolution-5 parents of the stored cells (and 0 for rows without a location).
		const parents = await t.db.query<{ f: string }>(
			`SELECT DISTINCT coalesce(h3_parent(h3, 5), 0)::text AS f FROM incidents WHERE source_id = $1
			 ORDER BY 1`,
			[policeUk]
		);
		expect([...new Set(recorded.map((r) => r.footprint))].sort()).toEqual(parents.map((r) => r.f));
		// The backfill of migration 0005, run on the same incidents, gives exactly the rows the import wrote.
		const sql = readFileSync('drizzle/0005_coverage.sql', 'utf8');
		const backfill = sql.slice(sql.indexOf('INSERT INTO "source_coverage"'));
		const everySource = await t.db.query(`SELECT * FROM source_coverage ORDER BY 1, 2, 3, 4`);
		await t.db.query('DELETE FROM source_coverage');
		await t.db.query(backfill);
		expect(await read()).toEqual(recorded);
		// …and for the timed source too (days), so the whole table is as the imports wrote it.
		expect(await t.db.query(`SELECT * FROM source_coverage ORDER BY 1, 2, 3, 4`)).toEqual(
			everySource
		);
	});

	it('emerging hot spots use the 30 covered months only (before: "Sporadic" everywhere over 2016–2020)', async () => {
		const full = await emergingForArea(t.db, {
			area: ['lsoa:*'],
			res: 9,
			from: '2016-01-01',
			to: '2020-12-31',
			step: 'month'
		});
		expect(full.steps).toEqual(DEMO_MONTHS);
		expect(full.skippedSteps).toHaveLength(30);
		expect(full.skippedSteps.every((s) => s.status === 'missing')).toBe(true);
		expect(full.skippedSteps[0].start).toBe('2017-07-01');
		expect(full.parameters.coverage).toEqual({ grain: 'month', steps: 60, covered: 30 });
		expect(full.parameters.warnings.join(' ')).toMatch(
			/30 of the 60 months hold no data \(2017-07 – 2019-12\) and were left out, not counted as zeros/
		);
		// Before: 36 sporadic and no persistent hot spot. The cells the trends page (2020 alone) calls
		// persistent are persistent over the covered months too.
		expect(full.summary['persistent-hot-spot']).toBeGreaterThan(0);
		expect(full.summary['sporadic-hot-spot']).toBeLessThan(full.summary['persistent-hot-spot']);
		const year = await emergingForArea(t.db, {
			area: ['lsoa:*'],
			res: 9,
			from: '2020-01-01',
			to: '2020-12-31'
		});
		const overAll = new Map(full.cells.map((c, i) => [c, full.category[i]]));
		const persistent2020 = year.cells.filter((_, i) => year.category[i] === 'persistent-hot-spot');
		expect(persistent2020.length).toBeGreaterThan(0);
		for (const c of persistent2020) expect(overAll.get(c)).toBe('persistent-hot-spot');
		// Weekly steps would put a month's crimes into its first week: refused, saying why.
		const weekly = await serviceError(
			emergingForArea(t.db, { area: ['lsoa:*'], res: 9, step: 'week' })
		);
		expect(weekly.code).toBe('E_TIME_PRECISION');
		expect(weekly.message).toMatch(/dated to months/);
		const gap = await serviceError(
			emergingForArea(t.db, { area: ['lsoa:*'], res: 9, from: '2017-05-01', to: '2019-12-31' })
		);
		expect(gap.code).toBe('E_COVERAGE');
		expect(gap.message).toMatch(/Only 2 of the 32 months/);
	}, 120_000);

	it('CompStat says "no data to compare" against 2019 (before: z 38.00 and z 145.55, "significant")', async () => {
		const r = await trendsForArea(t.db, { area: [CITY] });
		expect(r.parameters.date).toBe('2020-12-31');
		expect(r.parameters.grain).toBe('month');
		expect(r.parameters.notes.join(' ')).toMatch(
			/week-to-date and 28-day windows cannot be measured/
		);
		const all = r.tables[0];
		expect(all.rows.map((x) => x.window)).toEqual(['month', 'yearToDate']);
		expect(all.rows.map((x) => [x.current, x.previous])).toEqual([
			[await sum('2020-12-01', '2020-12-31', cityId), 0],
			[await sum('2020-01-01', '2020-12-31', cityId), 0]
		]);
		for (const table of r.tables)
			for (const row of table.rows) {
				expect(row.z).toBeNull();
				expect(row.significant).toBe(false);
				expect(row.direction).toBe('no data to compare');
				expect(row.note).toMatch(/^No data for 1 (Dec|Jan) 2019 – 31 Dec 2019$/);
			}
		// The before numbers (z 38.00 and 145.55, on the whole demo before it held a timed source) were
		// Poisson z against a zero year; here, the City's own counts against zero would give these:
		const before = all.rows.map((x) => poissonZ(x.current, 0));
		for (const z of before) expect(z).toBeGreaterThan(10);
		for (const z of before) expect(JSON.stringify(r)).not.toContain(`"z":${z}`);
		// Where both years hold data, whole months are compared with the Poisson z.
		const june = await trendsForArea(t.db, { area: [CITY], date: '2017-06-01' });
		const [month, ytd] = june.tables[0].rows;
		const a = await sum('2017-06-01', '2017-06-30', cityId);
		const b = await sum('2016-06-01', '2016-06-30', cityId);
		expect([month.current, month.previous]).toEqual([a, b]);
		expect(month.z).toBeCloseTo(poissonZ(a, b), 12);
		expect([ytd.from, ytd.to, ytd.current]).toEqual([
			'2017-01-01',
			'2017-06-30',
			await sum('2017-01-01', '2017-06-30', cityId)
		]);
		expect(ytd.z).not.toBeNull();
	});

	it('the change map tests exactly (before: 1 incident against 0 was a significant rise)', async () => {
		const c = await changeMap(t.db, {
			by: 'cell',
			area: ['lsoa:*'],
			res: 9,
			from: '2020-01-01',
			to: '2020-12-31',
			beforeFrom: '2016-01-01',
			beforeTo: '2016-12-31'
		});
		expect(c.parameters.share).toBe(0.5);
		expect(c.parameters.statistic).toMatch(/exact conditional binomial/);
		expect(c).not.toHaveProperty('z');
		let oneAgainstZero = 0;
		for (const [i, d] of c.direction.entries()) {
			const n = c.now[i] + c.before[i];
			if (n > 0 && n <= 4) expect(d).toBe('no significant change');
			if (c.now[i] === 1 && c.before[i] === 0) {
				oneAgainstZero++;
				// The Poisson z said 2.00 ≥ 1.96; the exact test says p = 1.
				expect(poissonZ(1, 0)).toBeGreaterThan(1.96);
				expect(c.p[i]).toBe(1);
			}
		}
		expect(oneAgainstZero).toBeGreaterThan(0);
		// Counts large enough still show real change, each with its counts.
		expect(c.direction.some((d) => d !== 'no significant change')).toBe(true);
		const inLsoas = await t.db.query<{ n: number }>(
			`SELECT coalesce(sum(n), 0)::int AS n FROM cell_counts
			 WHERE res = 9 AND grain IN ('day', 'month-only') AND period BETWEEN '2020-01-01' AND '2020-12-31' AND h3 IN (
			   SELECT ac.h3 FROM area_coarse_cells ac JOIN areas a ON a.id = ac.area_id
			   WHERE a.kind = 'lsoa' AND ac.res = 9)`
		);
		expect(c.now.reduce((s, v) => s + v, 0)).toBe(Number(inLsoas[0].n));
		// The same months a year earlier (2019) were never imported: nothing to compare with.
		const none = await serviceError(
			changeMap(t.db, {
				by: 'cell',
				area: ['lsoa:*'],
				res: 9,
				from: '2020-01-01',
				to: '2020-12-31'
			})
		);
		expect([none.code, none.status]).toEqual(['E_NO_DATA_TO_COMPARE', 422]);
		expect(none.message).toMatch(
			/^No data to compare: nothing was imported for the earlier period \(2019-01-01 to 2019-12-31\)/
		);
		// Against 2017, half covered: weighed by covered days (181 of 365 against 366).
		const half = await changeMap(t.db, {
			by: 'area',
			kind: 'lsoa',
			res: 9,
			from: '2020-01-01',
			to: '2020-12-31',
			beforeFrom: '2017-01-01',
			beforeTo: '2017-12-31'
		});
		expect(half.parameters.share).toBeCloseTo(366 / (366 + 181), 12);
		expect(half.parameters.warnings[0]).toMatch(
			/holds data for only 181 of its 365 days \(Jan–Jun\)/
		);
	}, 120_000);

	it('the December 2020 briefing is not compared with a December without data', async () => {
		const s = await neighbourhoodSummary(t.db, { area: `lsoa:${lsoa.code}` });
		expect(s.periods.briefing.label).toBe('December 2020');
		expect(s.coverage).toEqual({ briefing: true, previous: true, trend: true, lastYear: false });
		expect(s.total.yearOnYear).toBeNull();
		for (const c of s.categories) expect(c.yearOnYear).toBeNull();
		expect(s.total.sinceLastBriefing?.before).toBe(await sum('2020-11-01', '2020-11-30', lsoa.id));
		// In June 2017 both years hold data: compared.
		const june = await neighbourhoodSummary(t.db, { area: `lsoa:${lsoa.code}`, to: '2017-06-30' });
		expect(june.coverage.lastYear).toBe(true);
		expect(june.total.yearOnYear).not.toBeNull();
	});

	it('labels partial years (before: "2017 3,346" for January to June)', async () => {
		const r = await coverageBySteps(t.db, {
			area: [CITY],
			from: '2016-01-01',
			to: '2020-12-31',
			step: 'year'
		});
		expect(r.parameters.grain).toBe('month');
		expect(r.steps.map((s) => [s.label, s.status, s.coveredDays])).toEqual([
			['2016', 'covered', 366],
			['2017 (Jan–Jun)', 'partial', 181],
			['2018 (no data)', 'missing', 0],
			['2019 (no data)', 'missing', 0],
			['2020', 'covered', 366]
		]);
		const months = await coverageBySteps(t.db, {
			area: [CITY],
			from: '2017-05-01',
			to: '2017-08-31',
			step: 'month'
		});
		expect(months.steps.map((s) => s.label)).toEqual([
			'May 2017',
			'Jun 2017',
			'Jul 2017 (no data)',
			'Aug 2017 (no data)'
		]);
	});

	it('Knox uses month bands on month-dated records and says so (before: 7-day bands)', async () => {
		const r = await nearRepeatForArea(t.db, {
			area: [`lsoa:${lsoa.code}`],
			from: '2020-01-01',
			to: '2020-06-30',
			permutations: 99
		});
		expect(r.parameters.timeUnit).toBe('mo');
		expect(r.parameters.monthDated).toBe(r.parameters.n);
		expect(r.parameters.timeNote).toMatch(
			/dated only to their month .* bands of 7 days cannot be measured: the test used 3 bands of 1 month instead/
		);
		expect(r.colLabels.slice(0, 3)).toEqual(['[0, 1) mo', '[1, 2) mo', '[2, 3) mo']);
		expect(r.colLabels.join(' ')).not.toMatch(/\bd\b/);
		const days = await serviceError(
			nearRepeatForArea(t.db, {
				area: [`lsoa:${lsoa.code}`],
				from: '2020-01-01',
				to: '2020-06-30',
				timeUnit: 'day'
			})
		);
		expect([days.code, days.status]).toEqual(['E_TIME_PRECISION', 422]);
	});
});
