/**
 * The tasking loop on the demo data, on both engines: units, a tasking made from the supervisor's
 * ranking (areas respected, dosage planned, data version stored), a phone's arrived/left replayed as
 * an offline queue would (one visit), an audited correction, a suppressed spot, a randomised tasking's
 * recorded draw, and the reports.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cellToLatLng } from 'h3-js';
import { createTestDatabase, engines, type TestDatabase } from '../helpers/db';
import { riskForShift } from '../../src/lib/server/services/supervisor';
import {
	createSpotEdit,
	createTasking,
	createUnit,
	editVisit,
	logVisit,
	taskingBoard,
	unitOrders
} from '../../src/lib/server/services/tasking';
import { assessment, dosageReport } from '../../src/lib/server/services/tasking-reports';
import { ServiceError } from '../../src/lib/server/errors';
import type { AuthUser } from '../../src/lib/server/auth/permissions';

const origin = { ip: '127.0.0.1', userAgent: 'test' };
const DATE = '2020-12-15';

describe.each(engines())('tasking on %s', { timeout: 300_000 }, (engine) => {
	let t: TestDatabase;
	let who: { user: AuthUser; origin: typeof origin };
	let borough: number;
	let lsoa: { id: number; cells: Set<string> };

	beforeAll(async () => {
		t = await createTestDatabase(engine, { demo: true });
		const [u] = await t.db.query<{ id: number; username: string; display_name: string }>(
			`SELECT id, username, display_name FROM users WHERE role = 'supervisor' LIMIT 1`
		);
		who = {
			user: {
				id: Number(u.id),
				username: u.username,
				displayName: u.display_name,
				role: 'supervisor',
				areaIds: []
			},
			origin
		};
		const [b] = await t.db.query<{ id: number }>(
			`SELECT id FROM areas WHERE kind = 'borough' AND code = 'E09000001'`
		);
		borough = Number(b.id);
		// The LSOA holding the most of the ranking's top cells, for a unit of its own.
		const risk = await riskForShift(t.db, { area: String(borough), shift: 'late', date: DATE });
		const rows = await t.db.query<{ id: number; cell: string }>(
			`SELECT area_id AS id, to_hex(h3) AS cell FROM area_coarse_cells c JOIN areas a ON a.id = c.area_id
			 WHERE a.kind = 'lsoa' AND c.res = 9 AND c.h3 = ANY($1::bigint[])`,
			[risk.cells.slice(0, 10).map((c) => BigInt('0x' + c.cell).toString())]
		);
		const counts = new Map<number, number>();
		for (const r of rows) counts.set(Number(r.id), (counts.get(Number(r.id)) ?? 0) + 1);
		const id = [...counts].sort((a, b) => b[1] - a[1])[0][0];
		const cover = await t.db.query<{ cell: string }>(
			`SELECT to_hex(h3) AS cell FROM area_coarse_cells WHERE area_id = $1 AND res = 9`,
			[id]
		);
		lsoa = { id, cells: new Set(cover.map((c) => c.cell)) };
	});

	afterAll(async () => {
		await t?.drop();
	});

	it('refuses a bad unit with a message naming the field', async () => {
		await expect(
			createUnit(t.db, who, {
				shiftDate: DATE,
				shift: 'late',
				callSign: 'X1',
				unitType: 'horse',
				areaId: borough
			})
		).rejects.toThrow(/unitType: must be foot, vehicle or pcso/);
		await expect(
			createUnit(t.db, who, {
				shiftDate: DATE,
				shift: 'lunch',
				callSign: 'X1',
				unitType: 'foot',
				areaId: borough
			})
		).rejects.toBeInstanceOf(ServiceError);
	});

	it('allocates by area with a dosage plan, logs a replayed visit once, audits a correction', async () => {
		const foot = await createUnit(t.db, who, {
			shiftDate: DATE,
			shift: 'late',
			callSign: 'CW11',
			unitType: 'foot',
			areaId: borough
		});
		const pcso = await createUnit(t.db, who, {
			shiftDate: DATE,
			shift: 'late',
			callSign: 'CW22',
			unitType: 'pcso',
			areaId: lsoa.id
		});
		const risk = await riskForShift(t.db, { area: String(borough), shift: 'late', date: DATE });
		const id = await createTasking(t.db, who, risk, { cadence: 'us-koper', seed: 7 });
		const board = await taskingBoard(t.db, who.user, id);
		expect(board.tasking.dataVersion).toMatchObject({ dataEnd: risk.parameters.dataEnd });
		expect(board.tasking.forecast).toMatchObject({ res: 9, halfLifeDays: 28 });
		expect(board.tasking.seed).toBe(7);
		const byUnit = new Map(board.units.map((u) => [u.unit.id, u]));
		const pcsoSpots = byUnit.get(pcso.id)!.spots;
		const footSpots = byUnit.get(foot.id)!.spots;
		expect(pcsoSpots.length).toBe(4);
		expect(footSpots.length).toBe(4);
		// The PCSO's cells are all in its LSOA; no cell goes to two units.
		for (const s of pcsoSpots) expect(lsoa.cells.has(s.cell)).toBe(true);
		const all = [...pcsoSpots, ...footSpots].map((s) => s.cell);
		expect(new Set(all).size).toBe(all.length);
		// Koper preset: 4 visits of 15 minutes per spot.
		for (const s of [...pcsoSpots, ...footSpots]) {
			expect(s.planned).toHaveLength(4);
			expect(s.targetMinutes).toBe(60);
		}
		expect(board.totals.planned).toBe(32);

		const spot = footSpots[0];
		const report = {
			clientId: 'visit-0001-abcd',
			taskingId: id,
			unitId: foot.id,
			cell: spot.cell,
			startedAt: '2020-12-15T15:10:00Z',
			source: 'phone'
		};
		await logVisit(t.db, who, report);
		await logVisit(t.db, who, report); // the queue sent it twice
		await logVisit(t.db, who, { ...report, endedAt: '2020-12-15T15:25:00Z' });
		const after = await taskingBoard(t.db, who.user, id);
		expect(after.visits).toHaveLength(1);
		expect(after.visits[0].source).toBe('phone');
		expect(after.totals.visitsDone).toBe(1);
		expect(after.totals.minutesDone).toBe(15);
		await expect(
			logVisit(t.db, who, { ...report, clientId: 'visit-0002-abcd', cell: pcsoSpots[0].cell })
		).rejects.toThrow(/is not one of CW11's spots/);

		await editVisit(t.db, who, after.visits[0].id, {
			startedAt: '2020-12-15T15:05:00Z',
			endedAt: '2020-12-15T15:25:00Z',
			reason: 'officer radioed arrival earlier'
		});
		const edits = await t.db.query<{ reason: string; before: { startedAt: string } }>(
			`SELECT reason, before FROM visit_edits WHERE visit_id = $1`,
			[after.visits[0].id]
		);
		expect(edits).toEqual([
			{
				reason: 'officer radioed arrival earlier',
				before: expect.objectContaining({ startedAt: '2020-12-15T15:10:00Z' })
			}
		]);
		const audit = await t.db.query<{ n: number }>(
			`SELECT count(*)::int AS n FROM audit_log WHERE action = 'tasking.visit.edit'`
		);
		expect(Number(audit[0].n)).toBe(1);
		expect((await taskingBoard(t.db, who.user, id)).totals.minutesDone).toBe(20);

		const orders = await unitOrders(t.db, who.user, id, foot.id);
		expect(orders.spots.map((s) => s.cell)).toEqual(footSpots.map((s) => s.cell));
		expect(orders.spots[0].place).toMatch(/On or near|in /);

		const dosage = await dosageReport(t.db, who.user, borough, DATE, DATE);
		expect(dosage.shifts).toEqual([
			expect.objectContaining({
				taskingId: id,
				planned: 32,
				visits: 1,
				minutes: 20,
				targetMinutes: 480
			})
		]);
		const a = await assessment(t.db, who.user, borough, DATE, DATE);
		expect(a.wdd?.cells.treated).toBe(8);
	});

	it('suppressed spots stay out; a randomised tasking records its draw and leaves control unpatrolled', async () => {
		await createUnit(t.db, who, {
			shiftDate: DATE,
			shift: 'night',
			callSign: 'CN1',
			unitType: 'vehicle',
			areaId: borough
		});
		const risk = await riskForShift(t.db, { area: String(borough), shift: 'night', date: DATE });
		const top = risk.cells[0].cell;
		// Harm-weighted: the same cells, each category's counts times its (approximate) ONS CSS weight.
		const harm = await riskForShift(t.db, {
			area: String(borough),
			shift: 'night',
			date: DATE,
			harm: true
		});
		expect(harm.parameters.harmIndex).toBe('ons-css-2016');
		expect(risk.parameters.harmIndex).toBeNull();
		expect(harm.cells.map((c) => c.cell).sort()).toEqual(risk.cells.map((c) => c.cell).sort());
		expect(harm.cells.map((c) => c.cell)).not.toEqual(risk.cells.map((c) => c.cell));
		await expect(
			createSpotEdit(t.db, who, {
				areaId: borough,
				action: 'suppress',
				cells: [top],
				res: 9,
				reason: ''
			})
		).rejects.toThrow(/reason/);
		await createSpotEdit(t.db, who, {
			areaId: borough,
			action: 'suppress',
			cells: [top],
			res: 9,
			reason: 'building site, closed to the public'
		});
		// An analyst draws a spot around a cell far down the list: it joins the top, reason attached.
		const far = risk.cells[risk.cells.length - 1].cell;
		const [lat, lng] = cellToLatLng(far);
		const d = 0.0004;
		await createSpotEdit(t.db, who, {
			areaId: borough,
			action: 'draw',
			polygon: {
				type: 'Polygon',
				coordinates: [
					[
						[lng - d, lat - d],
						[lng + d, lat - d],
						[lng + d, lat + d],
						[lng - d, lat + d],
						[lng - d, lat - d]
					]
				]
			},
			res: 9,
			reason: 'residents report dealing at night'
		});
		const id = await createTasking(t.db, who, risk, {
			cadence: 'uk-cambridge',
			randomised: true,
			seed: 3
		});
		const board = await taskingBoard(t.db, who.user, id);
		const patrolled = board.units.flatMap((u) => u.spots.map((s) => s.cell));
		expect(patrolled).not.toContain(top);
		const drawn = board.units.flatMap((u) => u.spots).find((s) => s.cell === far);
		expect(drawn).toMatchObject({
			origin: 'drawn',
			why: { reason: 'residents report dealing at night' }
		});
		expect(board.control.length).toBeGreaterThan(0);
		for (const c of board.control) expect(patrolled).not.toContain(c.cell);
		const draws = await t.db.query<{ arm: string; n: number }>(
			`SELECT arm, count(*)::int AS n FROM patrol_assignments WHERE tasking_id = $1 GROUP BY arm ORDER BY arm`,
			[id]
		);
		expect(draws.map((d) => [d.arm, Number(d.n)])).toEqual([
			['control', 6],
			['patrol', 6]
		]);
		const a = await assessment(t.db, who.user, borough, DATE, DATE);
		expect(a.randomised?.spotDays).toEqual({ patrol: 6, control: 6 });
	});
});
