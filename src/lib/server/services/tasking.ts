/**
 * The tasking loop for one shift (docs/tasking.md): the supervisor's units, a tasking made from the
 * shift's risk ranking (allocation by area and closeness, dosage plan, optional patrol/control draw,
 * analysts' spot edits applied), each unit's orders, visits logged from the phone or by hand (edits
 * audited), and live completion. The ranking itself comes from the supervisor's forecast; the route
 * hands it in, so this service does not call another service.
 */
import { cellToLatLng, getResolution, isValidCell, latLngToCell, polygonToCells } from 'h3-js';
import type { Database, Queryable } from '../db/client';
import * as q from '../db/queries/tasking';
import { allocateCells, drawPatrolControl, planDosage } from '../analysis/tasking-plan';
import { CADENCE_PRESETS, cadencePreset } from '../analysis/cadence';
import { AnalysisInputError } from '../analysis/weights';
import { HARM_INDEX } from '../analysis/harm-index';
import { zonedTimeToUtc } from '../ingest/time';
import { recordAudit, type AuditOrigin } from '../auth/audit';
import { mayAccessArea } from '../auth/areas';
import type { AuthUser } from '../auth/permissions';
import { placesOfCells, type Place } from '../study/places';
import { checkDate } from '../study/period';
import { ServiceError } from '../errors';

export const UNIT_TYPES = ['foot', 'vehicle', 'pcso'] as const;
export type UnitType = (typeof UNIT_TYPES)[number];
export const SHIFT_STARTS = { early: 7, late: 15, night: 23 } as const;
export type Shift = keyof typeof SHIFT_STARTS;
export const SHIFT_MINUTES = 480;

/** What officers may do at a spot: presence and engagement, never enforcement targets. */
export const APPROVED_TACTICS = [
	{
		id: 'presence',
		label: 'Visible presence',
		text: 'Be seen: walk or stand where people pass, stay the full visit.'
	},
	{
		id: 'engagement',
		label: 'Engagement',
		text: 'Talk to residents, workers and businesses; ask what worries them here.'
	},
	{
		id: 'problem-solving',
		label: 'Problem-solving',
		text: 'Note what makes the spot easy for crime (lighting, hiding places, access) and report it.'
	}
] as const;

export interface Who {
	user: AuthUser;
	origin: AuditOrigin;
}

const bad = (m: string) => new ServiceError('E_PARAMETER', m);

/** A record id from a form: a positive whole number, else a 400 naming the field. */
function requireId(what: string, id: number): void {
	if (!Number.isSafeInteger(id) || id <= 0) throw bad(`id: the ${what} to change (a whole number)`);
}

function checkShift(v: string): asserts v is Shift {
	if (!(v in SHIFT_STARTS)) throw bad(`shift: must be early, late or night, got "${v}"`);
}
function checkArea(user: AuthUser, areaId: number) {
	if (!mayAccessArea(user, areaId))
		throw new ServiceError(
			'E_FORBIDDEN',
			`area ${areaId} is outside the areas of your account`,
			403
		);
}

// ---------------------------------------------------------------- units

export interface NewUnit {
	shiftDate: string;
	shift: string;
	callSign: string;
	unitType: string;
	areaId: number;
	officerId?: number | null;
}

export async function createUnit(db: Database, who: Who, u: NewUnit): Promise<q.UnitRow> {
	checkDate('shiftDate', u.shiftDate);
	checkShift(u.shift);
	const callSign = u.callSign.trim();
	if (!/^[A-Za-z0-9][A-Za-z0-9 /-]{0,19}$/.test(callSign))
		throw bad('callSign: 1–20 letters, digits, spaces, "/" or "-"');
	if (!(UNIT_TYPES as readonly string[]).includes(u.unitType))
		throw bad(`unitType: must be foot, vehicle or pcso, got "${u.unitType}"`);
	if (!Number.isInteger(u.areaId)) throw bad('areaId: must be an area id');
	checkArea(who.user, u.areaId);
	const id = await q.insertUnit(db, {
		shiftDate: u.shiftDate,
		shift: u.shift,
		callSign,
		unitType: u.unitType as UnitType,
		areaId: u.areaId,
		officerId: u.officerId ?? null,
		createdBy: who.user.id
	});
	if (id === null)
		throw bad(`callSign: ${callSign} is already on the ${u.shift} shift of ${u.shiftDate}`);
	await recordAudit(db, {
		actor: who.user,
		action: 'tasking.unit.create',
		object: `unit:${id}`,
		detail: { ...u, callSign },
		origin: who.origin
	});
	return (await q.unitById(db, id))!;
}

export async function removeUnit(db: Database, who: Who, id: number): Promise<void> {
	requireId('unit', id);
	const unit = await q.unitById(db, id);
	if (!unit) throw new ServiceError('E_PARAMETER', `unit ${id} does not exist`, 404);
	checkArea(who.user, unit.areaId);
	if (!(await q.deleteUnitIfUnused(db, id)))
		throw bad(`unit ${unit.callSign} already has a tasking or visits: it stays on the record`);
	await recordAudit(db, {
		actor: who.user,
		action: 'tasking.unit.delete',
		object: `unit:${id}`,
		detail: { callSign: unit.callSign },
		origin: who.origin
	});
}

// ---------------------------------------------------------------- spot edits

export interface NewSpotEdit {
	areaId: number;
	action: string;
	/** add / suppress: hex cells; draw: a GeoJSON Polygon. */
	cells?: string[];
	polygon?: { type: 'Polygon'; coordinates: number[][][] };
	res: number;
	reason: string;
	until?: string | null;
}

/** Most cells a drawn spot may cover. */
export const MAX_DRAWN_CELLS = 50;

export async function createSpotEdit(db: Database, who: Who, e: NewSpotEdit): Promise<number> {
	if (!['add', 'suppress', 'draw'].includes(e.action))
		throw bad(`action: must be add, suppress or draw, got "${e.action}"`);
	const reason = (e.reason ?? '').trim();
	if (reason.length < 3) throw bad('reason: say why (at least 3 characters)');
	if (reason.length > 500) throw bad('reason: at most 500 characters');
	if (!Number.isInteger(e.res) || e.res < 7 || e.res > 10) throw bad('res: must be 7–10');
	checkArea(who.user, e.areaId);
	if (e.until) checkDate('until', e.until);
	let cells: string[];
	let geojson: string | null = null;
	if (e.action === 'draw') {
		const ring = e.polygon?.coordinates?.[0];
		if (e.polygon?.type !== 'Polygon' || !Array.isArray(ring) || ring.length < 4)
			throw bad('polygon: a GeoJSON Polygon with at least three corners');
		for (const [i, p] of ring.entries())
			if (!Array.isArray(p) || !(Math.abs(p[0]) <= 180 && Math.abs(p[1]) <= 90))
				throw bad(`polygon: corner ${i + 1} is not a [longitude, latitude] pair`);
		cells = polygonToCells(ring as [number, number][], e.res, true);
		// A polygon smaller than one cell still marks the cell it sits in.
		if (cells.length === 0) {
			const [lng, lat] = ring[0];
			cells = [latLngToCell(lat, lng, e.res)];
		}
		if (cells.length > MAX_DRAWN_CELLS)
			throw bad(`polygon: covers ${cells.length} cells; draw at most ${MAX_DRAWN_CELLS}`);
		geojson = JSON.stringify(e.polygon);
	} else {
		cells = [...new Set(e.cells ?? [])];
		if (cells.length === 0) throw bad('cells: name at least one cell');
		for (const c of cells)
			if (!isValidCell(c) || getResolution(c) !== e.res)
				throw bad(`cells: "${c}" is not an H3 cell at resolution ${e.res}`);
	}
	const id = await q.insertSpotEdit(db, {
		areaId: e.areaId,
		action: e.action as 'add' | 'suppress' | 'draw',
		cells,
		res: e.res,
		geojson,
		reason,
		until: e.until ?? null,
		createdBy: who.user.id
	});
	await recordAudit(db, {
		actor: who.user,
		action: 'tasking.spot-edit',
		object: `spot-edit:${id}`,
		detail: { areaId: e.areaId, action: e.action, cells, reason },
		origin: who.origin
	});
	return id;
}

export async function withdrawSpotEdit(db: Database, who: Who, id: number): Promise<void> {
	requireId('spot edit', id);
	if (!(await q.withdrawSpotEdit(db, id))) throw bad(`spot edit ${id} is not in force`);
	await recordAudit(db, {
		actor: who.user,
		action: 'tasking.spot-edit.withdraw',
		object: `spot-edit:${id}`,
		origin: who.origin
	});
}

// ---------------------------------------------------------------- taskings

/** The shift ranking a tasking is made from (the supervisor's forecast, `riskForShift`). */
export interface Ranking {
	parameters: {
		area: { id: number; name: string };
		shift: string;
		date: string;
		requestedDate: string;
		res: number;
		halfLifeDays: number;
		windowDays: number;
		biasGuard: boolean;
		formula: string;
		dataEnd: string;
		countsFrom: string;
		windowTo: string;
		harmIndex: string | null;
		/** With harm: incidents weighed by offence code and by broad category only (approximate). */
		harm?: { coded: number; approximate: number; note: string } | null;
		profile: { timeZone: string; timedIncidents: number };
	};
	cells: {
		cell: string;
		risk: number;
		recent: number;
		topCategoryLabel: string;
		place: Place | null;
	}[];
}

export interface TaskingSettings {
	cadence: string;
	visitMinutes?: number;
	targetVisits?: number;
	maxVisits?: number;
	spotsPerUnit?: number;
	randomised?: boolean;
	seed?: number;
}

/** Top cells considered per unit: the allocation's pool (the randomised draw halves it). */
const POOL_PER_SPOT = 2;

/**
 * Make a tasking for the ranking's area and shift: apply the area's spot edits, draw patrol/control
 * when asked, allocate cells to the shift's units, plan each unit's visits, and store it all with the
 * forecast's settings and data version.
 */
export async function createTasking(
	db: Database,
	who: Who,
	ranking: Ranking,
	s: TaskingSettings
): Promise<number> {
	const p = ranking.parameters;
	checkShift(p.shift);
	checkArea(who.user, p.area.id);
	const preset = cadencePreset(s.cadence);
	if (!preset)
		throw bad(
			`cadence: must be one of ${CADENCE_PRESETS.map((c) => c.id).join(', ')}, got "${s.cadence}"`
		);
	const pick = (v: number | undefined, d: number, name: string, max: number) => {
		const x = v ?? d;
		if (!Number.isInteger(x) || x < 1 || x > max)
			throw bad(`${name}: must be a whole number 1–${max}`);
		return x;
	};
	const visitMinutes = pick(s.visitMinutes, preset.visitMinutes, 'visitMinutes', 120);
	const targetVisits = pick(s.targetVisits, preset.targetVisits, 'targetVisits', 16);
	const maxVisits = pick(s.maxVisits, preset.maxVisits, 'maxVisits', 24);
	const spotsPerUnit = pick(s.spotsPerUnit, preset.spotsPerUnit, 'spotsPerUnit', 12);
	if (targetVisits > maxVisits)
		throw bad(`targetVisits (${targetVisits}) is above the maximum per spot (${maxVisits})`);
	const seed = s.seed ?? Math.floor(Math.random() * 2 ** 31);
	const shiftDate = p.requestedDate;

	const inner = await q.areaWithInner(db, p.area.id);
	const units = await q.unitsOfShift(
		db,
		shiftDate,
		p.shift,
		inner.map((a) => a.id)
	);
	if (units.length === 0)
		throw bad(
			`no units on the ${p.shift} shift of ${shiftDate} in ${p.area.name}: add units first`
		);

	// Analysts' edits: suppressed cells leave the list, added and drawn cells join it at the top.
	const edits = await q.activeSpotEdits(
		db,
		inner.map((a) => a.id),
		shiftDate
	);
	const suppressed = new Map<string, string>();
	const forced = new Map<string, { origin: 'added' | 'drawn'; reason: string }>();
	for (const e of edits) {
		if (e.res !== p.res) continue;
		for (const c of e.cells)
			if (e.action === 'suppress') suppressed.set(c, e.reason);
			else forced.set(c, { origin: e.action === 'add' ? 'added' : 'drawn', reason: e.reason });
	}
	const byCell = new Map(ranking.cells.map((c) => [c.cell, c]));
	const top = ranking.cells[0]?.risk ?? 1;
	type Cand = {
		cell: string;
		risk: number;
		origin: 'forecast' | 'added' | 'drawn';
		why: Record<string, unknown>;
	};
	const pool: Cand[] = [];
	for (const [cell, f] of forced) {
		if (suppressed.has(cell)) continue;
		const r = byCell.get(cell);
		pool.push({
			cell,
			risk: top + (r?.risk ?? 0),
			origin: f.origin,
			why: {
				reason: f.reason,
				recent: r?.recent ?? 0,
				risk: r?.risk ?? 0,
				topCategory: r?.topCategoryLabel ?? null,
				place: r?.place?.label ?? null
			}
		});
	}
	const want = units.length * spotsPerUnit * (s.randomised ? 2 : 1) * POOL_PER_SPOT;
	for (const c of ranking.cells) {
		if (pool.length >= want) break;
		if (suppressed.has(c.cell) || forced.has(c.cell)) continue;
		pool.push({
			cell: c.cell,
			risk: c.risk,
			origin: 'forecast',
			why: {
				recent: c.recent,
				risk: c.risk,
				topCategory: c.topCategoryLabel,
				place: c.place?.label ?? null
			}
		});
	}
	if (pool.length === 0)
		throw bad('no cell had incidents in the forecast window and none was added: nothing to task');

	// Which unit area each cell lies in (the tasking area itself for units covering all of it).
	const unitAreas = [...new Set(units.map((u) => u.areaId))];
	const located = await q.areasOfCells(
		db,
		pool.map((c) => c.cell),
		p.res,
		unitAreas
	);
	const areasOf = new Map<string, number[]>();
	for (const l of located) areasOf.set(l.cell, [...(areasOf.get(l.cell) ?? []), l.areaId]);

	// Randomised: the pool's top cells are drawn between patrol and control; control cells get no unit.
	let arms = new Map<string, 'patrol' | 'control'>();
	if (s.randomised) {
		// Analysts' spots are always patrolled and stay out of the draw (they were not chosen by chance).
		const eligible = pool
			.filter((c) => c.origin === 'forecast')
			.slice(0, units.length * spotsPerUnit * 2)
			.map((c) => c.cell);
		const d = drawPatrolControl(eligible, seed);
		arms = new Map([
			...d.patrol.map((c) => [c, 'patrol'] as const),
			...d.control.map((c) => [c, 'control'] as const)
		]);
	}
	// A cell in several unit areas (a ward inside the borough) goes to the innermost: the unit area listed last.
	const candidates = pool
		.filter((c) => c.origin !== 'forecast' || !s.randomised || arms.get(c.cell) === 'patrol')
		.flatMap((c) => {
			const as = areasOf.get(c.cell) ?? [];
			const area = as.find((a) => a !== p.area.id) ?? as[0];
			return area === undefined ? [] : [{ cell: c.cell, areaId: area, risk: c.risk }];
		});
	// Units of the whole area can take any of its cells; units of an inner area only theirs.
	const alloc = allocateCells(
		candidates,
		units.map((u) => ({ id: u.id, areaId: u.areaId })),
		{ spotsPerUnit }
	);
	// Cells of an inner area with no unit of its own fall to the whole area's units.
	if (alloc.unallocated.length && units.some((u) => u.areaId === p.area.id)) {
		const room = units
			.filter((u) => u.areaId === p.area.id)
			.map((u) => ({
				id: u.id,
				areaId: p.area.id,
				capacity: spotsPerUnit - alloc.byUnit.get(u.id)!.length
			}))
			.filter((u) => u.capacity > 0);
		const more = allocateCells(
			alloc.unallocated.map((c) => ({ ...c, areaId: p.area.id })),
			room,
			{ spotsPerUnit }
		);
		for (const [id, cells] of more.byUnit) alloc.byUnit.get(id)!.push(...cells);
	}
	const unitOf = new Map<string, number>();
	for (const [id, cells] of alloc.byUnit) for (const c of cells) unitOf.set(c, id);

	const [y, m, d] = shiftDate.split('-').map(Number);
	const shiftStart = zonedTimeToUtc(
		{ year: y, month: m, day: d, hour: SHIFT_STARTS[p.shift] },
		p.profile.timeZone
	).getTime();
	const already = await q.plannedPerCellOnDay(db, shiftDate, [...unitOf.keys()]);
	const visits: q.NewTasking['visits'] = [];
	for (const [unitId, cells] of alloc.byUnit) {
		if (cells.length === 0) continue;
		try {
			const plan = planDosage(cells, {
				visitMinutes,
				targetVisits,
				maxVisits,
				alreadyPlanned: already,
				seed: seed + unitId,
				shiftStart,
				shiftMinutes: SHIFT_MINUTES
			});
			for (const v of plan.visits) visits.push({ unitId, ...v });
		} catch (e) {
			if (e instanceof AnalysisInputError) throw bad(e.message);
			throw e;
		}
	}
	const kept = pool.filter((c) => unitOf.has(c.cell) || arms.get(c.cell) === 'control');
	const version = await q.dataVersion(db);
	const id = await db.transaction((tx) =>
		q.insertTasking(tx, {
			areaId: p.area.id,
			shiftDate,
			shift: p.shift,
			forecast: {
				date: p.date,
				res: p.res,
				halfLifeDays: p.halfLifeDays,
				windowDays: p.windowDays,
				biasGuard: p.biasGuard,
				formula: p.formula,
				countsFrom: p.countsFrom,
				windowTo: p.windowTo,
				timeZone: p.profile.timeZone,
				timedIncidents: p.profile.timedIncidents,
				harm: p.harm ?? null
			},
			dataVersion: { dataEnd: p.dataEnd, ...version },
			importBatchId: version.lastBatchId,
			harmIndex: p.harmIndex,
			cadence: preset.id,
			visitMinutes,
			targetVisits,
			maxVisits,
			spotsPerUnit,
			seed,
			randomised: Boolean(s.randomised),
			createdBy: who.user.id,
			spots: kept.map((c, i) => ({
				cell: c.cell,
				unitId: unitOf.get(c.cell) ?? null,
				rank: i + 1,
				risk: c.risk,
				origin: c.origin,
				why: c.why,
				arm: arms.get(c.cell) ?? null
			})),
			visits,
			draw: [...arms].map(([cell, arm]) => ({ day: shiftDate, cell, arm }))
		})
	);
	await recordAudit(db, {
		actor: who.user,
		action: 'tasking.create',
		object: `tasking:${id}`,
		detail: {
			areaId: p.area.id,
			shiftDate,
			shift: p.shift,
			cadence: preset.id,
			seed,
			units: units.length
		},
		origin: who.origin
	});
	return id;
}

// ---------------------------------------------------------------- board and orders

export interface SpotProgress {
	cell: string;
	rank: number;
	risk: number;
	origin: string;
	arm: string | null;
	why: Record<string, unknown>;
	place: string;
	centre: [number, number];
	planned: { seq: number; start: string; end: string }[];
	visitsDone: number;
	minutesDone: number;
	targetMinutes: number;
	onSpot: boolean;
}

export interface UnitBoard {
	unit: q.UnitRow;
	spots: SpotProgress[];
	planned: number;
	visitsDone: number;
	minutesDone: number;
	targetMinutes: number;
}

export interface Board {
	tasking: q.TaskingRow & { cadenceLabel: string; harmIndexName: string | null };
	units: UnitBoard[];
	control: SpotProgress[];
	visits: q.VisitRow[];
	totals: { planned: number; visitsDone: number; minutesDone: number; targetMinutes: number };
}

const minutesOf = (v: q.VisitRow, now: number) =>
	((v.endedAt ? Date.parse(v.endedAt) : now) - Date.parse(v.startedAt)) / 60_000;

/** A tasking with each unit's spots, plan and progress (visits done, minutes against the target). */
export async function taskingBoard(
	db: Queryable,
	user: AuthUser,
	id: number,
	now = Date.now()
): Promise<Board> {
	const t = await q.taskingById(db, id);
	if (!t) throw new ServiceError('E_PARAMETER', `tasking ${id} does not exist`, 404);
	checkArea(user, t.areaId);
	const [spots, planned, visits] = await Promise.all([
		q.spotsOfTasking(db, id),
		q.plannedOfTasking(db, id),
		q.visitsOfTasking(db, id)
	]);
	const inner = await q.areaWithInner(db, t.areaId);
	const units = await q.unitsOfShift(
		db,
		t.shiftDate,
		t.shift,
		inner.map((a) => a.id)
	);
	const progress = (s: q.SpotRow): SpotProgress => {
		const mine = planned.filter((p) => p.cell === s.cell && p.unitId === s.unitId);
		const done = visits.filter((v) => v.cell === s.cell);
		const [lat, lng] = cellToLatLng(s.cell);
		return {
			cell: s.cell,
			rank: s.rank,
			risk: s.risk,
			origin: s.origin,
			arm: s.arm,
			why: s.why,
			place: typeof s.why.place === 'string' ? s.why.place : s.cell,
			centre: [lng, lat],
			planned: mine.map((p) => ({ seq: p.seq, start: p.start, end: p.end })),
			visitsDone: done.filter((v) => v.endedAt).length,
			minutesDone: Math.round(done.reduce((a, v) => a + minutesOf(v, now), 0) * 10) / 10,
			targetMinutes: mine.length * t.visitMinutes,
			onSpot: done.some((v) => !v.endedAt)
		};
	};
	const board: UnitBoard[] = units.map((unit) => {
		const list = spots.filter((s) => s.unitId === unit.id).map(progress);
		list.sort((a, b) => (a.planned[0]?.seq ?? 99) - (b.planned[0]?.seq ?? 99));
		return {
			unit,
			spots: list,
			planned: list.reduce((a, s) => a + s.planned.length, 0),
			visitsDone: list.reduce((a, s) => a + s.visitsDone, 0),
			minutesDone: Math.round(list.reduce((a, s) => a + s.minutesDone, 0) * 10) / 10,
			targetMinutes: list.reduce((a, s) => a + s.targetMinutes, 0)
		};
	});
	const sum = (k: 'planned' | 'visitsDone' | 'minutesDone' | 'targetMinutes') =>
		board.reduce((a, u) => a + u[k], 0);
	return {
		tasking: {
			...t,
			cadenceLabel: cadencePreset(t.cadence)?.label ?? t.cadence,
			harmIndexName: t.harmIndex ? HARM_INDEX.name : null
		},
		units: board,
		control: spots.filter((s) => s.arm === 'control').map(progress),
		visits,
		totals: {
			planned: sum('planned'),
			visitsDone: sum('visitsDone'),
			minutesDone: Math.round(sum('minutesDone') * 10) / 10,
			targetMinutes: sum('targetMinutes')
		}
	};
}

/** The latest tasking of an area's shift, if any. */
export async function latestTasking(
	db: Queryable,
	areaId: number,
	shiftDate: string,
	shift: string
): Promise<number | null> {
	const [t] = await q.taskingsOf(db, { areaId, shiftDate, shift, limit: 1 });
	return t?.id ?? null;
}

/** The outline of an area the user may task, for the spot-drawing map. */
export async function taskingAreaOutline(db: Queryable, user: AuthUser, areaId: number) {
	checkArea(user, areaId);
	const o = await q.areaOutline(db, areaId);
	if (!o) throw new ServiceError('E_PARAMETER', `area ${areaId} does not exist`, 404);
	return {
		geometry: JSON.parse(o.geojson) as { type: string; coordinates: unknown },
		bbox: o.bbox
	};
}

/** The area's latest taskings (any shift), newest first: the board's links to earlier shifts. */
export async function recentTaskings(
	db: Queryable,
	user: AuthUser,
	areaId: number,
	limit = 6
): Promise<{ id: number; shiftDate: string; shift: string }[]> {
	checkArea(user, areaId);
	const rows = await q.taskingsOf(db, { areaId, limit });
	return rows.map((t) => ({ id: t.id, shiftDate: t.shiftDate, shift: t.shift }));
}

export async function shiftUnits(
	db: Queryable,
	areaId: number,
	shiftDate: string,
	shift: string
): Promise<{ units: q.UnitRow[]; areas: { id: number; name: string }[] }> {
	checkDate('date', shiftDate);
	checkShift(shift);
	const areas = await q.areaWithInner(db, areaId);
	return {
		units: await q.unitsOfShift(
			db,
			shiftDate,
			shift,
			areas.map((a) => a.id)
		),
		areas
	};
}

export async function spotEditsInForce(db: Queryable, areaId: number, day: string) {
	const areas = await q.areaWithInner(db, areaId);
	return q.activeSpotEdits(
		db,
		areas.map((a) => a.id),
		day
	);
}

export interface Orders {
	tasking: Board['tasking'];
	unit: q.UnitRow;
	spots: (SpotProgress & { boundary: [number, number][]; street: string | null })[];
	tactics: typeof APPROVED_TACTICS;
	visits: q.VisitRow[];
}

/** One unit's orders: its spots in visiting order with why, times, street names and cell outlines. */
export async function unitOrders(
	db: Queryable,
	user: AuthUser,
	taskingId: number,
	unitId: number,
	now = Date.now()
): Promise<Orders> {
	const board = await taskingBoard(db, user, taskingId, now);
	const u = board.units.find((x) => x.unit.id === unitId);
	if (!u)
		throw new ServiceError('E_PARAMETER', `unit ${unitId} is not on tasking ${taskingId}`, 404);
	mayPatrol(user, u.unit);
	const places = u.spots.length
		? await placesOfCells(
				db,
				u.spots.map((s) => s.cell)
			)
		: [];
	const { cellToBoundary } = await import('h3-js');
	return {
		tasking: board.tasking,
		unit: u.unit,
		spots: u.spots.map((s, i) => ({
			...s,
			street: places[i]?.street ? places[i].label : null,
			place: places[i]?.label ?? s.place,
			boundary: cellToBoundary(s.cell, true) as [number, number][]
		})),
		tactics: APPROVED_TACTICS,
		visits: board.visits.filter((v) => v.unitId === unitId)
	};
}

function mayPatrol(user: AuthUser, unit: q.UnitRow) {
	if (user.role === 'officer' && unit.officerId !== null && unit.officerId !== user.id)
		throw new ServiceError(
			'E_FORBIDDEN',
			`unit ${unit.callSign} is carried by another officer`,
			403
		);
	checkArea(user, unit.areaId);
}

/** The officer's units with orders from `fromDate` on, with the tasking of each. */
export async function officerUnits(
	db: Queryable,
	user: AuthUser,
	fromDate: string
): Promise<{ unit: q.UnitRow; taskingId: number | null }[]> {
	checkDate('from', fromDate);
	const units = await q.unitsForOfficer(
		db,
		user.id,
		user.areaIds.length ? user.areaIds : user.role === 'officer' ? [] : null,
		fromDate
	);
	const out: { unit: q.UnitRow; taskingId: number | null }[] = [];
	for (const unit of units) {
		const inner = await q.taskingsOf(db, {
			shiftDate: unit.shiftDate,
			shift: unit.shift,
			limit: 50
		});
		let found: number | null = null;
		for (const t of inner) {
			const spots = await q.spotsOfTasking(db, t.id);
			if (spots.some((s) => s.unitId === unit.id)) {
				found = t.id;
				break;
			}
		}
		out.push({ unit, taskingId: found });
	}
	return out;
}

// ---------------------------------------------------------------- visits

export interface VisitReport {
	clientId?: string | null;
	taskingId: number;
	unitId: number;
	cell: string;
	startedAt: string;
	endedAt?: string | null;
	source: string;
	activities?: { tactics?: string[]; note?: string };
}

const TS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * Record a visit (arrived, left, or both). Phones send a client id so a replayed offline queue is
 * idempotent; the source says whether the times came from the buttons, the geofence or by hand.
 */
export async function logVisit(db: Database, who: Who, v: VisitReport): Promise<number> {
	if (!['phone', 'geofence', 'manual'].includes(v.source))
		throw bad(`source: must be phone, geofence or manual, got "${v.source}"`);
	if (!TS.test(v.startedAt)) throw bad('startedAt: must be an ISO time with its zone');
	if (v.endedAt != null && !TS.test(v.endedAt))
		throw bad('endedAt: must be an ISO time with its zone');
	if (v.endedAt && Date.parse(v.endedAt) < Date.parse(v.startedAt))
		throw bad('endedAt: is before startedAt');
	if (v.clientId != null && !/^[A-Za-z0-9_-]{8,64}$/.test(v.clientId))
		throw bad('clientId: 8–64 letters, digits, "_" or "-"');
	if (v.source !== 'manual' && !v.clientId) throw bad('clientId: phones must send one');
	const tactics = v.activities?.tactics ?? [];
	for (const t of tactics)
		if (!APPROVED_TACTICS.some((a) => a.id === t))
			throw bad(`activities.tactics: "${t}" is not an approved tactic`);
	const note = (v.activities?.note ?? '').slice(0, 1000);
	const board = await taskingBoard(db, who.user, v.taskingId);
	const u = board.units.find((x) => x.unit.id === v.unitId);
	if (!u) throw bad(`unitId: unit ${v.unitId} is not on tasking ${v.taskingId}`);
	mayPatrol(who.user, u.unit);
	if (!u.spots.some((s) => s.cell === v.cell))
		throw bad(`cell: ${v.cell} is not one of ${u.unit.callSign}'s spots`);
	const id = await q.upsertVisit(db, {
		taskingId: v.taskingId,
		unitId: v.unitId,
		cell: v.cell,
		startedAt: v.startedAt,
		endedAt: v.endedAt ?? null,
		source: v.source,
		activities: tactics.length || note ? { tactics, note } : {},
		clientId: v.clientId ?? null,
		createdBy: who.user.id
	});
	return id;
}

/** Change a visit's times, with the reason; the old and new values are kept and audited. */
export async function editVisit(
	db: Database,
	who: Who,
	id: number,
	change: { startedAt: string; endedAt: string | null; reason: string }
): Promise<void> {
	requireId('visit', id);
	const v = await q.visitById(db, id);
	if (!v) throw new ServiceError('E_PARAMETER', `visit ${id} does not exist`, 404);
	if (v.taskingId !== null) await taskingBoard(db, who.user, v.taskingId);
	if (!TS.test(change.startedAt)) throw bad('startedAt: must be an ISO time with its zone');
	if (change.endedAt !== null && !TS.test(change.endedAt))
		throw bad('endedAt: must be an ISO time with its zone');
	if (change.endedAt && Date.parse(change.endedAt) < Date.parse(change.startedAt))
		throw bad('endedAt: is before startedAt');
	const reason = change.reason.trim();
	if (reason.length < 3) throw bad('reason: say why the visit is changed (at least 3 characters)');
	const before = { startedAt: v.startedAt, endedAt: v.endedAt };
	const after = {
		startedAt: new Date(change.startedAt).toISOString(),
		endedAt: change.endedAt ? new Date(change.endedAt).toISOString() : null
	};
	await db.transaction((tx) => q.updateVisitWithEdit(tx, id, after, before, reason, who.user.id));
	await recordAudit(db, {
		actor: who.user,
		action: 'tasking.visit.edit',
		object: `visit:${id}`,
		detail: { before, after, reason },
		origin: who.origin
	});
}

export async function visitHistory(db: Queryable, visitIds: number[]) {
	return visitIds.length ? q.visitEditsOf(db, visitIds) : [];
}

/** The areas a user may task: all, or those of their account. */
export async function taskingAreas(db: Queryable, user: AuthUser) {
	return (await q.areaChoices(db)).filter((a) => mayAccessArea(user, a.id));
}

export { CADENCE_PRESETS, HARM_INDEX };
