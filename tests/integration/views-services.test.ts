/**
 * The neighbourhood and supervisor services on the demo data (City of London police.uk street crime,
 * 2016-01..2017-06 and 2020-01..12; LSOAs and boroughs). Expected counts are summed here with plain SQL
 * over the rollup and the risk recomputed from those counts with the published formula, so the tests
 * check the services' periods, coverage rules and arithmetic, not only their shape.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { latLngToCell } from 'h3-js';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import {
	briefingPeriods,
	neighbourhoodForViewer,
	neighbourhoodSummary
} from '../../src/lib/server/services/neighbourhood';
import { dataExtent, dataGranularity } from '../../src/lib/server/study/extent';
import { workspaceMeta } from '../../src/lib/server/services/meta';
import { areaBoundaries } from '../../src/lib/server/services/areas';
import { workspaceMetaSchema } from '../../src/lib/contracts/meta';
import { areaCollectionSchema } from '../../src/lib/contracts/areas';
import { trendsForArea } from '../../src/lib/server/services/trends';
import { homeAreaId } from '../../src/lib/server/auth/areas';
import type { AuthUser } from '../../src/lib/server/auth/permissions';
import { binomialTwoSidedP } from '../../src/lib/server/analysis/exact-binomial';
import { scopeFor } from '../../src/lib/server/auth/read-scope';
import { placesOfCells } from '../../src/lib/server/study/places';
import { riskForShift } from '../../src/lib/server/services/supervisor';
import { rollupRange } from '../../src/lib/server/db/queries/cells';
import { ServiceError } from '../../src/lib/server/errors';

describe('views services on the demo data', () => {
	let t: TestDatabase;
	let lsoa: { id: number; code: string };
	const borough = 'borough:E09000001'; // City of London

	beforeAll(async () => {
		t = await createTestDatabase('pglite', { demo: true });
		// The LSOA with the most incidents: enough counts in every period to compare.
		const rows = await t.db.query<{ id: number; code: string }>(
			`SELECT a.id, a.code FROM areas a JOIN area_cells ac ON ac.area_id = a.id
			 JOIN cell_counts c ON c.h3 = ac.h3 AND c.res = 10 AND c.grain IN ('day', 'month-only') WHERE a.kind = 'lsoa'
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
			 WHERE res = 10 AND grain IN ('day', 'month-only')
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
		// Changes are tested exactly (conditional binomial): the direction follows the exact p, and no
		// change between counts totalling 5 or fewer can be significant (before: 3 against 0 read "Up", z 3.46).
		const comparisons = [
			s.total.sinceLastBriefing,
			s.total.yearOnYear,
			...s.categories.flatMap((c) => [c.sinceLastBriefing, c.yearOnYear])
		].filter((c) => c !== null && c !== undefined);
		expect(comparisons.length).toBeGreaterThan(2);
		for (const c of comparisons) {
			const n = c.now + c.before;
			expect(c.p).toBeCloseTo(n === 0 ? 1 : binomialTwoSidedP(c.now, n, 0.5), 12);
			expect(c.direction).toBe(
				c.p! < 0.05 ? (c.now > c.before ? 'up' : 'down') : 'no significant change'
			);
			if (n <= 5) expect(c.direction).toBe('no significant change');
		}
		const top = s.categories[0];
		expect(top.trendCount).toBe(await sumInArea(lsoa.id, '2017-04-01', '2017-06-30', top.code));
		expect(top.yearOnYear?.before).toBe(
			await sumInArea(lsoa.id, '2016-04-01', '2016-06-30', top.code)
		);
		for (let i = 1; i < s.categories.length; i++)
			expect(s.categories[i - 1].trendCount).toBeGreaterThanOrEqual(s.categories[i].trendCount);
		// No observations are imported in the demo: an empty list, not placeholders.
		expect(s.observations).toEqual({ total: 0, recent: [], areaLimited: false });
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
			 WHERE res = 9 AND grain IN ('day', 'month-only') AND period BETWEEN '2020-09-01' AND '2020-12-31'
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
	it('states one data extent everywhere: map, supervisor, trends and neighbourhood agree', async () => {
		// Before: the map said the data ended 2020-12-01 (the last stored 1st of a month), the
		// supervisor 2020-12-31; police.uk months run to their last day.
		const extent = await dataExtent(t.db);
		expect(extent).toMatchObject({
			from: '2016-01-01',
			to: '2020-12-31',
			stored: { from: '2016-01-01', to: '2020-12-01' },
			granularity: { unit: 'month' }
		});
		const meta = await workspaceMeta(t.db);
		expect(meta.range).toEqual({ from: '2016-01-01', to: '2020-12-31' });
		expect(meta.granularity?.unit).toBe('month');
		// As sent (JSON), the meta is what the contract (and so the map client) reads, key for key.
		const wire = JSON.parse(JSON.stringify(meta));
		expect(workspaceMetaSchema.parse(wire)).toEqual(wire);
		const boroughs = JSON.parse(await areaBoundaries(t.db, 'borough'));
		expect(areaCollectionSchema.parse(boroughs)).toEqual(boroughs);
		expect(boroughs.features.length).toBeGreaterThan(0);
		const risk = await riskForShift(t.db, { area: borough, shift: 'early', today: '2026-01-05' });
		expect(risk.parameters.dataEnd).toBe(extent!.to);
		expect(risk.parameters.date).toBe(extent!.to);
		const trends = await trendsForArea(t.db, { area: [borough] });
		expect(trends.parameters.date).toBe(extent!.to);
		const summary = await neighbourhoodSummary(t.db, { area: borough });
		expect(summary.range).toEqual({ from: extent!.from, to: extent!.to });
		expect(summary.periods.briefing.to).toBe(extent!.to);
	});

	it('opens the demo community team on the City of London, the supervisor and officer on Chicago district 11', async () => {
		const [city] = await t.db.query<{ id: number }>(
			`SELECT id FROM areas WHERE kind = 'borough' AND code = 'E09000001'`
		);
		// The timed demo data, where the shifts rank differently and the demo's tasking board is.
		const [district] = await t.db.query<{ id: number }>(
			`SELECT id FROM areas WHERE kind = 'district' AND code = '11'`
		);
		const users = await t.db.query<{
			id: number;
			username: string;
			role: string;
			area_ids: number[];
		}>(
			`SELECT id, username, role, area_ids FROM users WHERE username LIKE 'demo-%' ORDER BY username`
		);
		const home = Object.fromEntries(
			users.map((u) => [u.role, homeAreaId({ areaIds: u.area_ids.map(Number) })])
		);
		expect(home).toEqual({
			admin: null,
			analyst: null,
			community: Number(city.id),
			officer: Number(district.id),
			planner: null,
			supervisor: Number(district.id),
			viewer: null
		});
		// The neighbourhood page without a chosen area shows the account's area, not "choose one".
		const u = users.find((x) => x.role === 'community')!;
		const viewer: AuthUser = {
			id: Number(u.id),
			username: u.username,
			displayName: 'Demo community',
			role: 'community',
			areaIds: u.area_ids.map(Number)
		};
		const view = await neighbourhoodForViewer(t.db, {
			scope: scopeFor(viewer, { ip: '192.0.2.81', userAgent: 'vitest' })
		});
		expect(view?.area.name).toBe('City of London');
	});
	it('names cells by the street most of their incidents are recorded at, else their area', async () => {
		// Before: the risk list and the largest changes showed only ids such as 89194ad3047ffff.
		const risk = await riskForShift(t.db, { area: borough, shift: 'late', today: '2021-01-05' });
		const top = risk.cells.slice(0, 5);
		expect(top.every((c) => c.place?.basis === 'street')).toBe(true);
		expect(risk.cells.slice(25).every((c) => c.place === null)).toBe(true);
		// The same answer counted here from the raw records with h3-js, not from the query.
		const rows = await t.db.query<{ lat: number; lon: number; text: string }>(
			`SELECT ST_Y(geom)::float8 AS lat, ST_X(geom)::float8 AS lon, location_text AS text
			 FROM incidents WHERE geom IS NOT NULL AND location_text IS NOT NULL AND NOT sensitive`
		);
		for (const c of top) {
			const counts = new Map<string, number>();
			for (const r of rows)
				if (latLngToCell(r.lat, r.lon, 9) === c.cell)
					counts.set(r.text, (counts.get(r.text) ?? 0) + 1);
			const [text, n] = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0];
			expect(c.place).toMatchObject({
				cell: c.cell,
				label: text,
				street: { text, n, of: [...counts.values()].reduce((a, b) => a + b, 0) }
			});
			expect(text).toMatch(/^On or near /);
		}
		// A cell without incidents inside an LSOA: its area; one in the Atlantic: its id.
		const [far] = await t.db.query<{ code: string; name: string; lon: number; lat: number }>(
			`SELECT a.code, a.name, ST_X(ST_PointOnSurface(a.geom)) AS lon, ST_Y(ST_PointOnSurface(a.geom)) AS lat
			 FROM areas a WHERE a.kind = 'lsoa'
			   AND NOT EXISTS (SELECT 1 FROM incidents i WHERE ST_DWithin(i.geom, a.geom, 0.002))
			 ORDER BY a.code LIMIT 1`
		);
		const empty = latLngToCell(Number(far.lat), Number(far.lon), 11);
		const atlantic = latLngToCell(45, -30, 9);
		const [inCity, atSea] = await placesOfCells(t.db, [empty, atlantic]);
		expect(inCity).toMatchObject({
			basis: 'area',
			street: null,
			area: { kind: 'lsoa', code: far.code },
			label: `in ${far.name}`
		});
		expect(atSea).toEqual({
			cell: atlantic,
			label: atlantic,
			basis: 'cell',
			street: null,
			area: null
		});
		await expect(placesOfCells(t.db, ['not-a-cell'])).rejects.toThrow(/not an H3 cell/);
	});
});
