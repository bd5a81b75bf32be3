/**
 * The neighbourhood and supervisor services on the demo data (City of London police.uk street crime,
 * 2016-01..2017-06 and 2020-01..12; LSOAs and boroughs). Expected counts are summed here with plain SQL
 * over the rollup and the risk recomputed from those counts with the published formula, so the tests
 * check the services' periods, coverage rules and arithmetic, not only their shape.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { loadDemo } from '../../src/lib/server/demo/load';
import {
	briefingPeriods,
	dataGranularity,
	neighbourhoodSummary
} from '../../src/lib/server/services/neighbourhood';
import { riskForShift } from '../../src/lib/server/services/supervisor';
import { rollupRange } from '../../src/lib/server/db/queries/cells';
import { ServiceError } from '../../src/lib/server/services/errors';

describe('views services on the demo data', () => {
	let t: TestDatabase;
	let lsoa: { id: number; code: string };
	const borough = 'borough:E09000001'; // City of London

	beforeAll(async () => {
		t = await createTestDatabase('pglite');
		await loadDemo(t.db);
		// The LSOA with the most incidents: enough counts in every period to compare.
		const rows = await t.db.query<{ id: number; code: string }>(
			`SELECT a.id, a.code FROM areas a JOIN area_cells ac ON ac.area_id = a.id
			 JOIN cell_counts c ON c.h3 = ac.h3 AND c.res = 10 AND c.grain = 'day' WHERE a.kind = 'lsoa'
			 GROUP BY a.id, a.code ORDER BY sum(c.n) DESC, a.code LIMIT 1`
		);
		lsoa = { id: Number(rows[0].id), code: rows[0].code };
	}, 300_000);

	afterAll(async () => {
		await t?.drop();
	});

	async function sumInArea(areaId: number, from: string, to: string, category?: string) {
		const rows = await t.db.query<{ n: number }>(
			`SELECT coalesce(sum(n), 0)::int AS n FROM cell_counts
			 WHERE res = 10 AND grain = 'day'
			   AND h3 IN (SELECT h3 FROM area_cells WHERE area_id = $1) AND period BETWEEN $2 AND $3
			   AND ($4::text IS NULL OR category = $4)`,
			[areaId, from, to, category ?? null]
		);
		return Number(rows[0].n);
	}

	it('detects monthly police.uk data and builds month periods', async () => {
		const g = await dataGranularity(t.db, await rollupRange(t.db));
		expect(g?.unit).toBe('month');
		expect(g?.reason).toMatch(/1st of its month/);
		expect(briefingPeriods('2017-06-30', 'month')).toMatchObject({
			briefing: { from: '2017-06-01', to: '2017-06-30', label: 'June 2017' },
			previous: { from: '2017-05-01', to: '2017-05-31', label: 'May 2017' },
			trend: { from: '2017-04-01', to: '2017-06-30' },
			lastYear: { from: '2016-04-01', to: '2016-06-30' },
			hotspots: { from: '2016-07-01', to: '2017-06-30' }
		});
		expect(briefingPeriods('2024-03-10', 'day')).toMatchObject({
			briefing: { from: '2024-02-12', to: '2024-03-10' },
			previous: { from: '2024-01-15', to: '2024-02-11' },
			lastYear: { from: '2022-12-18', to: '2023-03-10' }
		});
	});

	it('summarises an LSOA: counts equal the rollup, z = 2(√now − √before), honest coverage', async () => {
		const s = await neighbourhoodSummary(t.db, { area: String(lsoa.id), to: '2017-06-15' });
		expect(s.area).toMatchObject({ id: lsoa.id, kind: 'lsoa', code: lsoa.code });
		expect(s.area.bbox[0]).toBeLessThan(s.area.bbox[2]);
		expect(s.periods.briefing.label).toBe('June 2017');
		expect(s.coverage).toEqual({ briefing: true, previous: true, trend: true, lastYear: true });
		expect(s.total.briefingCount).toBe(await sumInArea(lsoa.id, '2017-06-01', '2017-06-30'));
		const may = await sumInArea(lsoa.id, '2017-05-01', '2017-05-31');
		expect(s.total.sinceLastBriefing?.before).toBe(may);
		expect(s.total.sinceLastBriefing?.z).toBeCloseTo(
			2 * (Math.sqrt(s.total.briefingCount) - Math.sqrt(may)),
			12
		);
		const top = s.categories[0];
		expect(top.trendCount).toBe(await sumInArea(lsoa.id, '2017-04-01', '2017-06-30', top.code));
		expect(top.yearOnYear?.before).toBe(
			await sumInArea(lsoa.id, '2016-04-01', '2016-06-30', top.code)
		);
		for (let i = 1; i < s.categories.length; i++)
			expect(s.categories[i - 1].trendCount).toBeGreaterThanOrEqual(s.categories[i].trendCount);
		// No observations are imported in the demo: an empty list, not placeholders.
		expect(s.observations).toEqual({ total: 0, recent: [] });
	});

	it('refuses a year-on-year comparison with a year that was never imported', async () => {
		const s = await neighbourhoodSummary(t.db, { area: `lsoa:${lsoa.code}` });
		expect(s.periods.briefing.label).toBe('December 2020');
		expect(s.coverage.lastYear).toBe(false);
		expect(s.total.yearOnYear).toBeNull();
		expect(s.total.sinceLastBriefing).not.toBeNull();
		await expect(neighbourhoodSummary(t.db, { area: 'lsoa:NOPE' })).rejects.toBeInstanceOf(
			ServiceError
		);
	});

	it('ranks shift risk cells in a borough from recency-weighted counts, data end stated', async () => {
		const r = await riskForShift(t.db, {
			area: borough,
			shift: 'late',
			today: '2026-05-01',
			res: 9
		});
		expect(r.parameters).toMatchObject({
			requestedDate: '2026-05-01',
			date: '2020-12-31',
			dataEnd: '2020-12-31',
			dataEndsBefore: true,
			halfLifeDays: 28,
			windowDays: 91,
			biasGuard: true,
			excludedCategories: ['drugs', 'possession-of-weapons'],
			weekday: 'Thursday'
		});
		// police.uk has months, not times: the profile has no timed incidents and every factor is flat.
		expect(r.parameters.profile.timedIncidents).toBe(0);
		expect(r.shiftFactors.every((f) => f.factor === 1 && f.basis.startsWith('no times'))).toBe(
			true
		);
		expect(r.cells.length).toBeGreaterThan(5);
		for (let i = 1; i < r.cells.length; i++) {
			expect(r.cells[i].rank).toBe(i + 1);
			expect(r.cells[i - 1].risk).toBeGreaterThanOrEqual(r.cells[i].risk);
		}
		// Recompute the top cell: months at mid-month, ages to 31 Dec, half-life 28 days, 91-day window.
		const top = r.cells[0];
		const rows = await t.db.query<{ h3: string; day: string; n: number }>(
			`SELECT to_hex(h3) AS h3, period::text AS day, sum(n)::int AS n FROM cell_counts
			 WHERE res = 9 AND grain = 'day' AND period BETWEEN '2020-09-01' AND '2020-12-31'
			   AND category NOT IN ('drugs', 'possession-of-weapons')
			 GROUP BY 1, 2`
		);
		const ref = Date.UTC(2020, 11, 31) / 86_400_000;
		let expected = 0;
		let recent = 0;
		for (const row of rows) {
			if (row.h3 !== top.cell) continue;
			const age = ref - (Date.parse(row.day + 'T00:00:00Z') / 86_400_000 + 14);
			if (age < 0 || age >= 91) continue;
			expected += Number(row.n) * 2 ** (-age / 28);
			recent += Number(row.n);
		}
		expect(top.risk).toBeCloseTo(expected, 9);
		expect(top.recent).toBe(recent);
	});

	it('includes proactive categories when the bias guard is off', async () => {
		const on = await riskForShift(t.db, { area: borough, shift: 'night', today: '2026-05-01' });
		const off = await riskForShift(t.db, {
			area: borough,
			shift: 'night',
			today: '2026-05-01',
			biasGuard: false
		});
		expect(off.parameters.excludedCategories).toEqual([]);
		const sum = (x: typeof on) => x.cells.reduce((a, c) => a + c.recent, 0);
		expect(off.cellsWithRisk).toBeGreaterThanOrEqual(on.cellsWithRisk);
		expect(sum(off)).toBeGreaterThan(sum(on));
		await expect(
			riskForShift(t.db, { area: borough, shift: 'late', halfLifeDays: 0 })
		).rejects.toMatchObject({ code: 'E_PARAMETER' });
	});
});
