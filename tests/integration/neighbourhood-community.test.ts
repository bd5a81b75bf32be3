/**
 * The neighbourhood view as the community team gets it (public audience) against an analyst's, on the
 * demo data (City of London street crime; LSOAs and boroughs), on both engines: every count perturbed
 * by the cell-key method (the p-table's value for the records' count and key sum: never 1–4), z and
 * differences computed from the shown counts only, hot spots as bins without counts or z (Gi* of the
 * counts as they would be published), and
 * neighbourhoods outside the account's areas refused with 403.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, engines, type TestDatabase } from '../helpers/db';
import {
	choosableAreas,
	neighbourhoodForViewer,
	neighbourhoodSummary,
	summaryPeriods,
	type CategoryTrend
} from '../../src/lib/server/services/neighbourhood';
import { perturb } from '../../src/lib/server/auth/cell-key';
import { poissonZ } from '../../src/lib/server/analysis/compstat';
import { getisOrd } from '../../src/lib/server/analysis/getis-ord';
import { resolveStudyArea } from '../../src/lib/server/study/area';
import { studyWeights } from '../../src/lib/server/study/caches';
import { ServiceError } from '../../src/lib/server/errors';
import type { AuthUser } from '../../src/lib/server/auth/permissions';
import { scopeFor } from '../../src/lib/server/auth/read-scope';

const origin = { ip: '192.0.2.80', userAgent: 'vitest' };

describe.each(engines())('the neighbourhood view for the community team (%s)', (engine) => {
	let t: TestDatabase;
	let city: number;
	let inside: number;
	let outside: number;
	const TO = '2017-06-15';
	const user = (role: AuthUser['role'], areaIds: number[]): AuthUser => ({
		id: 1,
		username: `t-${role}`,
		displayName: role,
		role,
		areaIds
	});

	beforeAll(async () => {
		t = await createTestDatabase(engine, { demo: true });
		const one = async (sql: string) => Number((await t.db.query<{ id: number }>(sql))[0].id);
		city = await one(`SELECT id FROM areas WHERE kind = 'borough' AND code = 'E09000001'`);
		// The City LSOA with the most incidents: big and small counts side by side.
		inside = await one(
			`SELECT a.id FROM areas a JOIN areas b ON b.id = ${city}
			 JOIN area_cells ac ON ac.area_id = a.id
			 JOIN cell_counts c ON c.h3 = ac.h3 AND c.res = 10 AND c.grain IN ('day', 'month-only')
			 WHERE a.kind = 'lsoa' AND ST_Covers(b.geom, ST_PointOnSurface(a.geom))
			 GROUP BY a.id ORDER BY sum(c.n) DESC, a.id LIMIT 1`
		);
		outside = await one(
			`SELECT a.id FROM areas a JOIN areas b ON b.id = ${city}
			 WHERE a.kind = 'lsoa' AND NOT ST_Intersects(a.geom, b.geom) ORDER BY a.id LIMIT 1`
		);
	}, 600_000);

	afterAll(async () => {
		await t?.drop();
	});

	it('perturbs every count by its records’ keys for the community team; the analyst gets exact counts', async () => {
		const exact = await neighbourhoodSummary(t.db, { area: String(inside), to: TO });
		const analyst = (await neighbourhoodForViewer(t.db, {
			area: String(inside),
			to: TO,
			scope: scopeFor(user('analyst', []), origin)
		}))!;
		const community = (await neighbourhoodForViewer(t.db, {
			area: String(inside),
			to: TO,
			scope: scopeFor(user('community', [city]), origin)
		}))!;
		// The demo is police.uk data: whole months, said without naming the chosen period's dates.
		expect(exact.granularity.unit).toBe('month');
		expect(exact.granularity.reason).toMatch(
			/^The source publishes months .* \(checked over the last year of data, \d{4}-\d{2}-\d{2} to \d{4}-\d{2}-\d{2}\), so periods here are whole months\.$/
		);
		expect(analyst.audience).toBe('internal');
		expect(community.audience).toBe('public');
		expect(community.suppressBelow).toBe(5);
		expect(analyst.hotspots).toBeNull();
		// The analyst's view is the summary, unchanged.
		expect(analyst.categories).toEqual(exact.categories);
		expect(analyst.total).toEqual(exact.total);

		// The records behind each figure, read here with plain SQL: per category and period, the count
		// (equal to the rollup's) and the sum of the records' keys.
		const periods = summaryPeriods(exact);
		const keyed = new Map<string, { n: number; keys: number }[]>();
		for (const [k, p] of periods.entries()) {
			const rows = await t.db.query<{ category: string; n: number; keys: number }>(
				`SELECT i.category, count(*)::int AS n, sum(i.record_key)::int AS keys
				 FROM incidents i JOIN sources s ON s.id = i.source_id
				 WHERE i.h3_r10 IN (SELECT h3 FROM area_cells WHERE area_id = $1)
				   AND (i.occurred_from AT TIME ZONE s.timezone)::date BETWEEN $2::date AND $3::date
				 GROUP BY 1`,
				[inside, p.from, p.to]
			);
			for (const r of rows) {
				const v = keyed.get(r.category) ?? periods.map(() => ({ n: 0, keys: 0 }));
				v[k] = { n: Number(r.n), keys: Number(r.keys) };
				keyed.set(r.category, v);
			}
		}
		const byCode = new Map(exact.categories.map((c) => [c.code, c]));
		for (const [code, v] of keyed) {
			const e = byCode.get(code)!;
			expect([v[0].n, v[2].n], code).toEqual([e.briefingCount, e.trendCount]);
		}
		const shownOf = (v: { n: number; keys: number }[]) => v.map((x) => perturb(x.n, x.keys, 5));
		let vague = 0;
		const check = (c: CategoryTrend, shown: number[]) => {
			expect([c.briefingCount, c.trendCount], c.code).toEqual([shown[0], shown[2]]);
			// Statistics come from the shown counts only, and none where a shown 0 or 5 may be 1–4.
			const z = (a: number, b: number) => {
				if ([a, b].some((x) => x === 0 || x === 5)) {
					vague++;
					return null;
				}
				return poissonZ(a, b);
			};
			expect(c.sinceLastBriefing).toMatchObject({
				now: shown[0],
				before: shown[1],
				difference: shown[0] - shown[1],
				z: z(shown[0], shown[1])
			});
			expect(c.yearOnYear).toMatchObject({
				now: shown[2],
				before: shown[3],
				z: z(shown[2], shown[3])
			});
			if (c.yearOnYear!.z === null) expect(c.yearOnYear!.direction).toBeNull();
		};
		let small = 0;
		let changed = 0;
		const listed = new Set(community.categories.map((c) => c.code));
		for (const [code, v] of keyed) {
			const shown = shownOf(v);
			small += v.filter((x) => x.n >= 1 && x.n <= 4).length;
			changed += v.filter((x, k) => x.n !== shown[k]).length;
			// A category shown as nothing but zeros is not listed (its listing would say it is not empty).
			expect(listed.has(code), code).toBe(shown.some((x) => x > 0));
			if (listed.has(code))
				check(
					community.categories.find((c) => c.code === code)!,
					shown
				);
		}
		// The area total is a figure of its own: all the records, their keys summed.
		const sum = periods.map((_, k) =>
			[...keyed.values()].reduce((acc, v) => ({ n: acc.n + v[k].n, keys: acc.keys + v[k].keys }), {
				n: 0,
				keys: 0
			})
		);
		check(community.total, shownOf(sum));
		// The demo LSOA has small categories beside large ones, and the noise moves some counts.
		expect(small).toBeGreaterThan(0);
		expect(changed).toBeGreaterThan(0);
		expect(vague).toBeGreaterThan(0);
		// No count from 1 to 4 anywhere in what the page receives.
		const json = JSON.stringify({ categories: community.categories, total: community.total });
		expect(json).not.toMatch(/"(now|before|briefingCount|trendCount)":[1-4][,}]/);
	});

	it('gives the community team hot spots as bins only, without counts or z', async () => {
		const community = (await neighbourhoodForViewer(t.db, {
			area: String(inside),
			to: TO,
			scope: scopeFor(user('community', [city]), origin)
		}))!;
		expect(community.hotspots?.error).toBeNull();
		const h = community.hotspots!.value!;
		expect(Object.keys(h).sort()).toEqual(
			['alpha', 'bin', 'cells', 'fdr', 'from', 'k', 'res', 'sensitiveLeftOut', 'to'].sort()
		);
		expect(h.res).toBe(community.hotspotRes);
		expect(h.res).toBeGreaterThan(7);
		expect(h.sensitiveLeftOut).toBe(true);
		expect({ from: h.from, to: h.to }).toEqual({
			from: community.periods.hotspots.from,
			to: community.periods.hotspots.to
		});
		expect(h.cells.length).toBeGreaterThan(0);
		expect(h.bin).toHaveLength(h.cells.length);
		for (const b of h.bin) expect([-3, -2, -1, 0, 1, 2, 3]).toContain(b);
		expect(h.bin.some((b) => b !== 0)).toBe(true);
		// From the counts as they would be published: sensitive records out, every count perturbed.
		const rows = await t.db.query<{ cell: string; n: number; keys: number }>(
			// Each record in its own cell at the hot-spot resolution (exact cells, issue 16).
			`SELECT to_hex(i.${h.res === 11 ? 'h3' : `h3_r${h.res}`}) AS cell, count(*)::int AS n,
			        sum(i.record_key)::int AS keys
			 FROM incidents i JOIN sources s ON s.id = i.source_id
			 WHERE NOT i.sensitive AND i.h3 IS NOT NULL
			   AND (i.occurred_from AT TIME ZONE s.timezone)::date BETWEEN $1::date AND $2::date
			 GROUP BY 1`,
			[h.from, h.to]
		);
		const shown = new Map(rows.map((r) => [r.cell, perturb(Number(r.n), Number(r.keys), 5)]));
		const study = await resolveStudyArea(t.db, { area: [String(inside)], res: h.res });
		expect(study.cells).toEqual(h.cells);
		const g = getisOrd(
			Float64Array.from(h.cells.map((c) => shown.get(c) ?? 0)),
			studyWeights(study, 1).weights,
			{ fdr: true, alpha: 0.1 }
		);
		expect(h.bin).toEqual(Array.from(g.bin));
		// An officer (internal, no analysis:run) also gets bins from the server, sensitive records in.
		const officer = (await neighbourhoodForViewer(t.db, {
			area: String(inside),
			to: TO,
			scope: scopeFor(user('officer', [city]), origin)
		}))!;
		expect(officer.hotspots?.value?.sensitiveLeftOut).toBe(false);
		expect(officer.hotspots?.value?.cells).toEqual(h.cells);
	});

	it("refuses a neighbourhood outside the community account's areas with 403", async () => {
		const refused = neighbourhoodForViewer(t.db, {
			area: String(outside),
			scope: scopeFor(user('community', [city]), origin)
		});
		await expect(refused).rejects.toBeInstanceOf(ServiceError);
		await expect(refused).rejects.toMatchObject({
			code: 'E_FORBIDDEN',
			status: 403,
			message: expect.stringMatching(/outside your account's areas \(City of London\)/)
		});
		// Their own borough and the LSOAs in it are allowed; with no area chosen they get their own.
		const own = await neighbourhoodForViewer(t.db, {
			scope: scopeFor(user('community', [city]), origin)
		});
		expect(own?.area.id).toBe(city);
		// Internal users' area limits cover incident detail only: the aggregate view stays open.
		const analyst = await neighbourhoodForViewer(t.db, {
			area: String(outside),
			scope: scopeFor(user('analyst', [city]), origin)
		});
		expect(analyst?.area.id).toBe(outside);
		// Nobody limited and nothing chosen: nothing to show.
		expect(
			await neighbourhoodForViewer(t.db, { scope: scopeFor(user('community', []), origin) })
		).toBeNull();
	});

	it('offers the community team exactly the neighbourhoods it would not refuse', async () => {
		const viewer = user('community', [city]);
		const choosable = (await choosableAreas(t.db, viewer))!;
		expect(choosable.borough).toEqual([city]);
		expect(choosable.lsoa).toContain(inside);
		expect(choosable.lsoa).not.toContain(outside);
		// Every LSOA of the demo: offered if and only if the view opens for this viewer.
		const lsoas = (
			await t.db.query<{ id: number }>(`SELECT id FROM areas WHERE kind = 'lsoa' ORDER BY id`)
		).map((r) => Number(r.id));
		expect(choosable.lsoa.length).toBeGreaterThan(0);
		expect(choosable.lsoa.length).toBeLessThan(lsoas.length);
		for (const id of lsoas) {
			const opens = await neighbourhoodForViewer(t.db, {
				area: String(id),
				to: TO,
				scope: scopeFor(viewer, origin)
			}).then(
				() => true,
				(e: unknown) => {
					if (e instanceof ServiceError && e.status === 403) return false;
					throw e;
				}
			);
			expect(opens, `LSOA ${id}`).toBe(choosable.lsoa.includes(id));
		}
		// Internal users and unlimited ones choose freely.
		expect(await choosableAreas(t.db, user('analyst', [city]))).toBeNull();
		expect(await choosableAreas(t.db, user('community', []))).toBeNull();
	});
});
