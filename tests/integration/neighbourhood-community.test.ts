/**
 * The neighbourhood view as the community team gets it (public audience) against an analyst's, on the
 * demo data (City of London street crime; LSOAs and boroughs), on both engines: counts 1–4 as "<5", no
 * z, p, direction or difference computed from a suppressed count, hot spots as bins without counts or z,
 * and neighbourhoods outside the account's areas refused with 403.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, engines, type TestDatabase } from '../helpers/db';
import { loadDemo } from '../../src/lib/server/demo/load';
import {
	choosableAreas,
	neighbourhoodForViewer,
	neighbourhoodSummary,
	type DisclosedComparison
} from '../../src/lib/server/services/neighbourhood';
import { ServiceError } from '../../src/lib/server/services/errors';
import type { AuthUser } from '../../src/lib/server/auth/permissions';

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
		t = await createTestDatabase(engine);
		await loadDemo(t.db);
		const one = async (sql: string) => Number((await t.db.query<{ id: number }>(sql))[0].id);
		city = await one(`SELECT id FROM areas WHERE kind = 'borough' AND code = 'E09000001'`);
		// The City LSOA with the most incidents: big and small counts side by side.
		inside = await one(
			`SELECT a.id FROM areas a JOIN areas b ON b.id = ${city}
			 JOIN area_cells ac ON ac.area_id = a.id
			 JOIN cell_counts c ON c.h3 = ac.h3 AND c.res = 10 AND c.grain = 'day'
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

	it('suppresses 1–4 as "<5" for the community team; the analyst gets the exact counts', async () => {
		const exact = await neighbourhoodSummary(t.db, { area: String(inside), to: TO });
		const analyst = (await neighbourhoodForViewer(t.db, {
			area: String(inside),
			to: TO,
			viewer: user('analyst', [])
		}))!;
		const community = (await neighbourhoodForViewer(t.db, {
			area: String(inside),
			to: TO,
			viewer: user('community', [city])
		}))!;
		// The demo is police.uk data: whole months, said without naming the chosen period's dates.
		expect(exact.granularity.unit).toBe('month');
		expect(exact.granularity.reason).toMatch(
			/^The source publishes months .* \(checked over the last year of data, \d{4}-\d{2}-\d{2} to \d{4}-\d{2}-\d{2}\), so periods here are whole months\.$/
		);
		expect(analyst.audience).toBe('internal');
		expect(community.audience).toBe('public');
		expect(analyst.zWithheld).toBe(0);
		expect(analyst.hotspots).toBeNull();
		const byCode = new Map(exact.categories.map((c) => [c.code, c]));
		// The analyst's view is the summary, unchanged.
		for (const a of analyst.categories) {
			const e = byCode.get(a.code)!;
			expect(a.briefingCount).toBe(e.briefingCount);
			expect(a.trendCount).toBe(e.trendCount);
			expect(a.sinceLastBriefing).toEqual(e.sinceLastBriefing);
			expect(a.yearOnYear).toEqual(e.yearOnYear);
		}
		expect(analyst.total.sinceLastBriefing).toEqual(exact.total.sinceLastBriefing);

		const shown = (n: number) => (n >= 1 && n <= 4 ? '<5' : n);
		let suppressed = 0;
		let withheld = 0;
		const check = (c: DisclosedComparison | null, now: number, before: number, z?: number) => {
			expect(c).not.toBeNull();
			expect(c!.now).toBe(shown(now));
			expect(c!.before).toBe(shown(before));
			if (typeof c!.now === 'string' || typeof c!.before === 'string') {
				withheld++;
				// Nothing computed from a suppressed count.
				expect(c).toMatchObject({ z: null, p: null, direction: null, difference: null });
			} else {
				expect(c!.z).toBe(z);
				expect(c!.difference).toBe(now - before);
			}
		};
		expect(community.categories.map((c) => c.code).sort()).toEqual(
			exact.categories.map((c) => c.code).sort()
		);
		for (const c of community.categories) {
			const e = byCode.get(c.code)!;
			expect(c.briefingCount).toBe(shown(e.briefingCount));
			expect(c.trendCount).toBe(shown(e.trendCount));
			if (c.briefingCount === '<5') suppressed++;
			if (c.trendCount === '<5') suppressed++;
			check(
				c.sinceLastBriefing,
				e.sinceLastBriefing!.now,
				e.sinceLastBriefing!.before,
				e.sinceLastBriefing!.z
			);
			check(c.yearOnYear, e.yearOnYear!.now, e.yearOnYear!.before, e.yearOnYear!.z);
		}
		// The demo LSOA has small categories beside large ones, so both rules are exercised.
		expect(suppressed).toBeGreaterThan(0);
		expect(withheld).toBeGreaterThan(0);
		expect(community.zWithheld).toBe(
			withheld +
				(community.total.sinceLastBriefing?.z === null ? 1 : 0) +
				(community.total.yearOnYear?.z === null ? 1 : 0)
		);
		// Totals large enough to show; a single suppressed row would have banded them.
		expect(exact.total.trendCount).toBeGreaterThanOrEqual(5);
		expect(['number', 'string']).toContain(typeof community.total.trendCount);
		// No count from 1 to 4 anywhere in what the page receives (differences of shown counts may be).
		const json = JSON.stringify({ categories: community.categories, total: community.total });
		expect(json).not.toMatch(/"(now|before|briefingCount|trendCount)":[1-4][,}]/);
	});

	it('gives the community team hot spots as bins only, without counts or z', async () => {
		const community = (await neighbourhoodForViewer(t.db, {
			area: String(inside),
			to: TO,
			viewer: user('community', [city])
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
		// An officer (internal, no analysis:run) also gets bins from the server, sensitive records in.
		const officer = (await neighbourhoodForViewer(t.db, {
			area: String(inside),
			to: TO,
			viewer: user('officer', [city])
		}))!;
		expect(officer.hotspots?.value?.sensitiveLeftOut).toBe(false);
		expect(officer.hotspots?.value?.cells).toEqual(h.cells);
	});

	it("refuses a neighbourhood outside the community account's areas with 403", async () => {
		const refused = neighbourhoodForViewer(t.db, {
			area: String(outside),
			viewer: user('community', [city])
		});
		await expect(refused).rejects.toBeInstanceOf(ServiceError);
		await expect(refused).rejects.toMatchObject({
			code: 'E_FORBIDDEN',
			status: 403,
			message: expect.stringMatching(/outside your account's areas \(City of London\)/)
		});
		// Their own borough and the LSOAs in it are allowed; with no area chosen they get their own.
		const own = await neighbourhoodForViewer(t.db, { viewer: user('community', [city]) });
		expect(own?.area.id).toBe(city);
		// Internal users' area limits cover incident detail only: the aggregate view stays open.
		const analyst = await neighbourhoodForViewer(t.db, {
			area: String(outside),
			viewer: user('analyst', [city])
		});
		expect(analyst?.area.id).toBe(outside);
		// Nobody limited and nothing chosen: nothing to show.
		expect(await neighbourhoodForViewer(t.db, { viewer: user('community', []) })).toBeNull();
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
			const opens = await neighbourhoodForViewer(t.db, { area: String(id), to: TO, viewer }).then(
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
