/**
 * Reads and writes of the tasking loop: units, taskings with their spots and plan, analysts' spot edits,
 * visits and their edit history, patrol/control draws, and the counts the reports and assessment need.
 * Cells travel as hex text; they are stored as bigint like the rollups.
 */
import type { Queryable } from '../client';
import { areaCoverCells, rollupRows } from './rollup';

const toBig = (hex: string) => BigInt('0x' + hex).toString();

export interface UnitRow {
	id: number;
	shiftDate: string;
	shift: string;
	callSign: string;
	unitType: 'foot' | 'vehicle' | 'pcso';
	areaId: number;
	areaName: string;
	officerId: number | null;
}

const UNIT_COLS = `u.id, u.shift_date::text AS "shiftDate", u.shift, u.call_sign AS "callSign",
	u.unit_type AS "unitType", u.area_id AS "areaId", a.name AS "areaName", u.officer_id AS "officerId"`;

const unitRow = (r: UnitRow): UnitRow => ({
	...r,
	id: Number(r.id),
	areaId: Number(r.areaId),
	officerId: r.officerId === null ? null : Number(r.officerId)
});

export async function insertUnit(
	db: Queryable,
	u: Omit<UnitRow, 'id' | 'areaName'> & { createdBy: number | null }
): Promise<number | null> {
	const rows = await db.query<{ id: number }>(
		`INSERT INTO shift_units (shift_date, shift, call_sign, unit_type, area_id, officer_id, created_by)
		 VALUES ($1, $2, $3, $4, $5, $6, $7)
		 ON CONFLICT (shift_date, shift, call_sign) DO NOTHING RETURNING id`,
		[u.shiftDate, u.shift, u.callSign, u.unitType, u.areaId, u.officerId, u.createdBy]
	);
	return rows[0] ? Number(rows[0].id) : null;
}

export async function deleteUnitIfUnused(db: Queryable, id: number): Promise<boolean> {
	const rows = await db.query<{ id: number }>(
		`DELETE FROM shift_units u WHERE u.id = $1
		   AND NOT EXISTS (SELECT 1 FROM planned_visits p WHERE p.unit_id = u.id)
		   AND NOT EXISTS (SELECT 1 FROM patrol_visits v WHERE v.unit_id = u.id)
		   AND NOT EXISTS (SELECT 1 FROM tasking_spots s WHERE s.unit_id = u.id)
		 RETURNING id`,
		[id]
	);
	return rows.length > 0;
}

/** Units of a shift whose area is `areaIds` (the tasking area and the areas inside it). */
export async function unitsOfShift(
	db: Queryable,
	shiftDate: string,
	shift: string,
	areaIds: number[]
): Promise<UnitRow[]> {
	const rows = await db.query<UnitRow>(
		`SELECT ${UNIT_COLS} FROM shift_units u JOIN areas a ON a.id = u.area_id
		 WHERE u.shift_date = $1 AND u.shift = $2 AND u.area_id = ANY($3::int[]) ORDER BY u.call_sign`,
		[shiftDate, shift, areaIds]
	);
	return rows.map(unitRow);
}

export async function unitById(db: Queryable, id: number): Promise<UnitRow | null> {
	const rows = await db.query<UnitRow>(
		`SELECT ${UNIT_COLS} FROM shift_units u JOIN areas a ON a.id = u.area_id WHERE u.id = $1`,
		[id]
	);
	return rows[0] ? unitRow(rows[0]) : null;
}

/** Units an officer carries the phone of, or whose area is one of theirs, from `fromDate` on. */
export async function unitsForOfficer(
	db: Queryable,
	userId: number,
	areaIds: number[] | null,
	fromDate: string
): Promise<UnitRow[]> {
	const rows = await db.query<UnitRow>(
		`SELECT ${UNIT_COLS} FROM shift_units u JOIN areas a ON a.id = u.area_id
		 WHERE u.shift_date >= $3::date
		   AND (u.officer_id = $1 OR ($2::int[] IS NOT NULL AND u.officer_id IS NULL AND u.area_id = ANY($2::int[])))
		   AND EXISTS (SELECT 1 FROM planned_visits p WHERE p.unit_id = u.id)
		 ORDER BY u.shift_date, u.shift, u.call_sign`,
		[userId, areaIds, fromDate]
	);
	return rows.map(unitRow);
}

/** Areas (of `candidates`) each cell at `res` lies in, by the areas' H3 cover. */
export async function areasOfCells(
	db: Queryable,
	cells: string[],
	res: number,
	candidates: number[]
): Promise<{ cell: string; areaId: number }[]> {
	const out: { cell: string; areaId: number }[] = [];
	for (const id of candidates) {
		const rows = await db.query<{ cell: string }>(
			`SELECT to_hex(c.h3) AS cell FROM (${areaCoverCells(res, '$1::int[]')}) c
			 WHERE c.h3 = ANY($2::bigint[])`,
			[[id], cells.map(toBig)]
		);
		for (const r of rows) out.push({ cell: r.cell, areaId: id });
	}
	return out;
}

/**
 * The area and the smaller areas of other kinds that lie in it (a borough's wards, a district's beats),
 * judged by a point on each one's surface, so boundary files drawn at different scales still nest.
 */
export async function areaWithInner(
	db: Queryable,
	areaId: number
): Promise<{ id: number; name: string }[]> {
	const rows = await db.query<{ id: number; name: string }>(
		`SELECT b.id, b.name FROM areas a JOIN areas b
		   ON b.id = a.id OR (b.kind <> a.kind AND ST_Area(b.geom) < ST_Area(a.geom)
		       AND ST_Covers(a.geom, ST_PointOnSurface(b.geom)))
		 WHERE a.id = $1 ORDER BY (b.id = a.id) DESC, b.name`,
		[areaId]
	);
	return rows.map((r) => ({ id: Number(r.id), name: r.name }));
}

export interface TaskingRow {
	id: number;
	areaId: number;
	areaName: string;
	shiftDate: string;
	shift: string;
	forecast: Record<string, unknown>;
	dataVersion: Record<string, unknown>;
	harmIndex: string | null;
	cadence: string;
	visitMinutes: number;
	targetVisits: number;
	maxVisits: number;
	spotsPerUnit: number;
	seed: number;
	randomised: boolean;
	createdBy: string | null;
	createdAt: string;
}

const TASKING_COLS = `t.id, t.area_id AS "areaId", a.name AS "areaName", t.shift_date::text AS "shiftDate",
	t.shift, t.forecast, t.data_version AS "dataVersion", t.harm_index AS "harmIndex", t.cadence,
	t.visit_minutes AS "visitMinutes", t.target_visits AS "targetVisits", t.max_visits AS "maxVisits",
	t.spots_per_unit AS "spotsPerUnit", t.seed, t.randomised, us.display_name AS "createdBy",
	to_char(t.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS "createdAt"`;

const taskingRow = (r: TaskingRow): TaskingRow => ({
	...r,
	id: Number(r.id),
	areaId: Number(r.areaId),
	visitMinutes: Number(r.visitMinutes),
	targetVisits: Number(r.targetVisits),
	maxVisits: Number(r.maxVisits),
	spotsPerUnit: Number(r.spotsPerUnit),
	seed: Number(r.seed)
});

export async function taskingById(db: Queryable, id: number): Promise<TaskingRow | null> {
	const rows = await db.query<TaskingRow>(
		`SELECT ${TASKING_COLS} FROM taskings t JOIN areas a ON a.id = t.area_id
		 LEFT JOIN users us ON us.id = t.created_by WHERE t.id = $1`,
		[id]
	);
	return rows[0] ? taskingRow(rows[0]) : null;
}

/** Taskings, newest first, of an area (or all areas), optionally of one shift. */
export async function taskingsOf(
	db: Queryable,
	q: { areaId?: number | null; shiftDate?: string; shift?: string; limit?: number }
): Promise<TaskingRow[]> {
	const rows = await db.query<TaskingRow>(
		`SELECT ${TASKING_COLS} FROM taskings t JOIN areas a ON a.id = t.area_id
		 LEFT JOIN users us ON us.id = t.created_by
		 WHERE ($1::int IS NULL OR t.area_id = $1) AND ($2::date IS NULL OR t.shift_date = $2::date)
		   AND ($3::text IS NULL OR t.shift = $3)
		 ORDER BY t.shift_date DESC, t.id DESC LIMIT $4`,
		[q.areaId ?? null, q.shiftDate ?? null, q.shift ?? null, q.limit ?? 200]
	);
	return rows.map(taskingRow);
}

export interface NewTasking {
	areaId: number;
	shiftDate: string;
	shift: string;
	forecast: Record<string, unknown>;
	dataVersion: Record<string, unknown>;
	importBatchId: number | null;
	harmIndex: string | null;
	cadence: string;
	visitMinutes: number;
	targetVisits: number;
	maxVisits: number;
	spotsPerUnit: number;
	seed: number;
	randomised: boolean;
	createdBy: number | null;
	spots: {
		cell: string;
		unitId: number | null;
		rank: number;
		risk: number;
		origin: 'forecast' | 'added' | 'drawn';
		why: Record<string, unknown>;
		arm: 'patrol' | 'control' | null;
	}[];
	visits: { unitId: number; cell: string; seq: number; start: number; end: number }[];
	draw: { day: string; cell: string; arm: 'patrol' | 'control' }[];
}

/** Store a tasking with its spots, plan and draw (inside the caller's transaction). */
export async function insertTasking(db: Queryable, t: NewTasking): Promise<number> {
	const [{ id }] = await db.query<{ id: number }>(
		`INSERT INTO taskings (area_id, shift_date, shift, forecast, data_version, import_batch_id, harm_index,
		   cadence, visit_minutes, target_visits, max_visits, spots_per_unit, seed, randomised, created_by)
		 VALUES ($1, $2, $3, $4::jsonb, $5::jsonb, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING id`,
		[
			t.areaId,
			t.shiftDate,
			t.shift,
			JSON.stringify(t.forecast),
			JSON.stringify(t.dataVersion),
			t.importBatchId,
			t.harmIndex,
			t.cadence,
			t.visitMinutes,
			t.targetVisits,
			t.maxVisits,
			t.spotsPerUnit,
			t.seed,
			t.randomised,
			t.createdBy
		]
	);
	const taskingId = Number(id);
	const spotIds = new Map<string, number>();
	for (const s of t.spots) {
		const [row] = await db.query<{ id: number }>(
			`INSERT INTO tasking_spots (tasking_id, h3, unit_id, rank, risk, origin, why, arm)
			 VALUES ($1, $2::bigint, $3, $4, $5, $6, $7::jsonb, $8) RETURNING id`,
			[taskingId, toBig(s.cell), s.unitId, s.rank, s.risk, s.origin, JSON.stringify(s.why), s.arm]
		);
		spotIds.set(s.cell, Number(row.id));
	}
	for (const v of t.visits) {
		await db.query(
			`INSERT INTO planned_visits (tasking_id, unit_id, spot_id, seq, planned_start, planned_end)
			 VALUES ($1, $2, $3, $4, to_timestamp($5::float8 / 1000), to_timestamp($6::float8 / 1000))`,
			[taskingId, v.unitId, spotIds.get(v.cell), v.seq, v.start, v.end]
		);
	}
	for (const d of t.draw) {
		await db.query(
			`INSERT INTO patrol_assignments (tasking_id, area_id, day, h3, arm, seed)
			 VALUES ($1, $2, $3, $4::bigint, $5, $6)`,
			[taskingId, t.areaId, d.day, toBig(d.cell), d.arm, t.seed]
		);
	}
	return taskingId;
}

export interface SpotRow {
	id: number;
	cell: string;
	unitId: number | null;
	rank: number;
	risk: number;
	origin: 'forecast' | 'added' | 'drawn';
	why: Record<string, unknown>;
	arm: 'patrol' | 'control' | null;
}

export async function spotsOfTasking(db: Queryable, taskingId: number): Promise<SpotRow[]> {
	const rows = await db.query<SpotRow>(
		`SELECT id, to_hex(h3) AS cell, unit_id AS "unitId", rank, risk::float8 AS risk, origin, why, arm
		 FROM tasking_spots WHERE tasking_id = $1 ORDER BY rank`,
		[taskingId]
	);
	return rows.map((r) => ({
		...r,
		id: Number(r.id),
		unitId: r.unitId === null ? null : Number(r.unitId),
		rank: Number(r.rank),
		risk: Number(r.risk)
	}));
}

export interface PlannedRow {
	unitId: number;
	cell: string;
	seq: number;
	start: string;
	end: string;
}

export async function plannedOfTasking(db: Queryable, taskingId: number): Promise<PlannedRow[]> {
	const rows = await db.query<PlannedRow>(
		`SELECT p.unit_id AS "unitId", to_hex(s.h3) AS cell, p.seq,
		        to_char(p.planned_start AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS start,
		        to_char(p.planned_end AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS "end"
		 FROM planned_visits p JOIN tasking_spots s ON s.id = p.spot_id
		 WHERE p.tasking_id = $1 ORDER BY p.unit_id, p.seq`,
		[taskingId]
	);
	return rows.map((r) => ({ ...r, unitId: Number(r.unitId), seq: Number(r.seq) }));
}

/** Visits already planned per cell on a day by other taskings (the daily maximum counts them). */
export async function plannedPerCellOnDay(
	db: Queryable,
	day: string,
	cells: string[]
): Promise<Map<string, number>> {
	const rows = await db.query<{ cell: string; n: number }>(
		`SELECT to_hex(s.h3) AS cell, count(*)::int AS n
		 FROM planned_visits p JOIN tasking_spots s ON s.id = p.spot_id JOIN taskings t ON t.id = p.tasking_id
		 WHERE t.shift_date = $1::date AND s.h3 = ANY($2::bigint[]) GROUP BY 1`,
		[day, cells.map(toBig)]
	);
	return new Map(rows.map((r) => [r.cell, Number(r.n)]));
}

export interface SpotEditRow {
	id: number;
	areaId: number;
	action: 'add' | 'suppress' | 'draw';
	cells: string[];
	res: number;
	reason: string;
	until: string | null;
	createdBy: string | null;
	createdAt: string;
}

export async function insertSpotEdit(
	db: Queryable,
	e: {
		areaId: number;
		action: 'add' | 'suppress' | 'draw';
		cells: string[];
		res: number;
		geojson: string | null;
		reason: string;
		until: string | null;
		createdBy: number | null;
	}
): Promise<number> {
	const [row] = await db.query<{ id: number }>(
		`INSERT INTO spot_edits (area_id, action, cells, res, geom, reason, until, created_by)
		 VALUES ($1, $2, $3::jsonb, $4,
		   CASE WHEN $5::text IS NULL THEN NULL ELSE ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON($5::text), 4326)) END,
		   $6, $7, $8) RETURNING id`,
		[e.areaId, e.action, JSON.stringify(e.cells), e.res, e.geojson, e.reason, e.until, e.createdBy]
	);
	return Number(row.id);
}

export async function withdrawSpotEdit(db: Queryable, id: number): Promise<boolean> {
	const rows = await db.query(
		`UPDATE spot_edits SET withdrawn_at = now() WHERE id = $1 AND withdrawn_at IS NULL RETURNING id`,
		[id]
	);
	return rows.length > 0;
}

/** Edits in force for an area on a day. */
export async function activeSpotEdits(
	db: Queryable,
	areaIds: number[],
	day: string
): Promise<SpotEditRow[]> {
	const rows = await db.query<SpotEditRow>(
		`SELECT e.id, e.area_id AS "areaId", e.action, e.cells, e.res, e.reason, e.until::text AS until,
		        us.display_name AS "createdBy",
		        to_char(e.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS "createdAt"
		 FROM spot_edits e LEFT JOIN users us ON us.id = e.created_by
		 WHERE e.area_id = ANY($1::int[]) AND e.withdrawn_at IS NULL
		   AND (e.until IS NULL OR e.until >= $2::date)
		 ORDER BY e.id`,
		[areaIds, day]
	);
	return rows.map((r) => ({
		...r,
		id: Number(r.id),
		areaId: Number(r.areaId),
		res: Number(r.res)
	}));
}

export interface VisitRow {
	id: number;
	taskingId: number | null;
	unitId: number;
	callSign: string;
	cell: string;
	startedAt: string;
	endedAt: string | null;
	source: 'phone' | 'geofence' | 'manual';
	activities: Record<string, unknown>;
	clientId: string | null;
	edits: number;
}

const VISIT_COLS = `v.id, v.tasking_id AS "taskingId", v.unit_id AS "unitId", u.call_sign AS "callSign",
	to_hex(v.h3) AS cell,
	to_char(v.started_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS "startedAt",
	to_char(v.ended_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS "endedAt",
	v.source, v.activities, v.client_id AS "clientId",
	(SELECT count(*)::int FROM visit_edits e WHERE e.visit_id = v.id) AS edits`;

const visitRow = (r: VisitRow): VisitRow => ({
	...r,
	id: Number(r.id),
	taskingId: r.taskingId === null ? null : Number(r.taskingId),
	unitId: Number(r.unitId),
	edits: Number(r.edits)
});

/**
 * Record a visit, or complete the one the phone already sent under the same client id (a replayed
 * offline queue adds nothing twice; a later "left" fills in the end).
 */
export async function upsertVisit(
	db: Queryable,
	v: {
		taskingId: number | null;
		unitId: number;
		cell: string;
		startedAt: string;
		endedAt: string | null;
		source: string;
		activities: Record<string, unknown>;
		clientId: string | null;
		createdBy: number | null;
	}
): Promise<number> {
	const [row] = await db.query<{ id: number }>(
		`INSERT INTO patrol_visits (tasking_id, unit_id, h3, started_at, ended_at, source, activities, client_id, created_by)
		 VALUES ($1, $2, $3::bigint, $4::timestamptz, $5::timestamptz, $6, $7::jsonb, $8, $9)
		 ON CONFLICT (client_id) DO UPDATE SET
		   ended_at = COALESCE(EXCLUDED.ended_at, patrol_visits.ended_at),
		   activities = patrol_visits.activities || EXCLUDED.activities
		 RETURNING id`,
		[
			v.taskingId,
			v.unitId,
			toBig(v.cell),
			v.startedAt,
			v.endedAt,
			v.source,
			JSON.stringify(v.activities),
			v.clientId,
			v.createdBy
		]
	);
	return Number(row.id);
}

export async function visitById(db: Queryable, id: number): Promise<VisitRow | null> {
	const rows = await db.query<VisitRow>(
		`SELECT ${VISIT_COLS} FROM patrol_visits v JOIN shift_units u ON u.id = v.unit_id WHERE v.id = $1`,
		[id]
	);
	return rows[0] ? visitRow(rows[0]) : null;
}

export async function visitsOfTasking(db: Queryable, taskingId: number): Promise<VisitRow[]> {
	const rows = await db.query<VisitRow>(
		`SELECT ${VISIT_COLS} FROM patrol_visits v JOIN shift_units u ON u.id = v.unit_id
		 WHERE v.tasking_id = $1 ORDER BY v.started_at, v.id`,
		[taskingId]
	);
	return rows.map(visitRow);
}

/** Change a visit's times and record before/after with the reason, in one transaction of the caller. */
export async function updateVisitWithEdit(
	db: Queryable,
	id: number,
	after: { startedAt: string; endedAt: string | null },
	before: { startedAt: string; endedAt: string | null },
	reason: string,
	editedBy: number | null
): Promise<void> {
	await db.query(
		`UPDATE patrol_visits SET started_at = $2::timestamptz, ended_at = $3::timestamptz WHERE id = $1`,
		[id, after.startedAt, after.endedAt]
	);
	await db.query(
		`INSERT INTO visit_edits (visit_id, before, after, reason, edited_by) VALUES ($1, $2::jsonb, $3::jsonb, $4, $5)`,
		[id, JSON.stringify(before), JSON.stringify(after), reason, editedBy]
	);
}

export async function visitEditsOf(
	db: Queryable,
	visitIds: number[]
): Promise<
	{
		visitId: number;
		before: unknown;
		after: unknown;
		reason: string;
		editedBy: string | null;
		editedAt: string;
	}[]
> {
	const rows = await db.query<{
		visitId: number;
		before: unknown;
		after: unknown;
		reason: string;
		editedBy: string | null;
		editedAt: string;
	}>(
		`SELECT e.visit_id AS "visitId", e.before, e.after, e.reason, us.display_name AS "editedBy",
		        to_char(e.edited_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS "editedAt"
		 FROM visit_edits e LEFT JOIN users us ON us.id = e.edited_by
		 WHERE e.visit_id = ANY($1::bigint[]) ORDER BY e.id`,
		[visitIds]
	);
	return rows.map((r) => ({ ...r, visitId: Number(r.visitId) }));
}

/** Visits, planned visits and minutes per tasking of an area in a period: the dosage report's rows. */
export async function dosageRows(
	db: Queryable,
	areaIds: number[] | null,
	from: string,
	to: string
): Promise<
	{
		taskingId: number;
		areaName: string;
		shiftDate: string;
		shift: string;
		planned: number;
		targetMinutes: number;
		visits: number;
		minutes: number;
		spots: number;
		visitedSpots: number;
	}[]
> {
	const rows = await db.query<Record<string, unknown>>(
		`SELECT t.id AS "taskingId", a.name AS "areaName", t.shift_date::text AS "shiftDate", t.shift,
		   (SELECT count(*) FROM planned_visits p WHERE p.tasking_id = t.id)::int AS planned,
		   ((SELECT count(*) FROM planned_visits p WHERE p.tasking_id = t.id) * t.visit_minutes)::int AS "targetMinutes",
		   (SELECT count(*) FROM patrol_visits v WHERE v.tasking_id = t.id AND v.ended_at IS NOT NULL)::int AS visits,
		   COALESCE((SELECT sum(extract(epoch FROM v.ended_at - v.started_at)) / 60 FROM patrol_visits v
		     WHERE v.tasking_id = t.id AND v.ended_at IS NOT NULL), 0)::float8 AS minutes,
		   (SELECT count(*) FROM tasking_spots s WHERE s.tasking_id = t.id AND s.unit_id IS NOT NULL)::int AS spots,
		   (SELECT count(DISTINCT v.h3) FROM patrol_visits v WHERE v.tasking_id = t.id AND v.ended_at IS NOT NULL)::int AS "visitedSpots"
		 FROM taskings t JOIN areas a ON a.id = t.area_id
		 WHERE ($1::int[] IS NULL OR t.area_id = ANY($1::int[])) AND t.shift_date BETWEEN $2::date AND $3::date
		 ORDER BY t.shift_date, t.shift, t.id`,
		[areaIds, from, to]
	);
	return rows.map((r) => ({
		taskingId: Number(r.taskingId),
		areaName: String(r.areaName),
		shiftDate: String(r.shiftDate),
		shift: String(r.shift),
		planned: Number(r.planned),
		targetMinutes: Number(r.targetMinutes),
		visits: Number(r.visits),
		minutes: Number(r.minutes),
		spots: Number(r.spots),
		visitedSpots: Number(r.visitedSpots)
	}));
}

/** Tasked spot-shifts per area (of a kind) per month: the bias guard's tasking frequency. */
export async function taskedSpotsPerAreaMonth(
	db: Queryable,
	kind: string,
	from: string,
	to: string
): Promise<{ areaId: number; areaName: string; month: string; spots: number; taskings: number }[]> {
	const rows = await db.query<Record<string, unknown>>(
		`SELECT a.id AS "areaId", a.name AS "areaName", to_char(t.shift_date, 'YYYY-MM') AS month,
		        count(*)::int AS spots, count(DISTINCT t.id)::int AS taskings
		 FROM tasking_spots s JOIN taskings t ON t.id = s.tasking_id
		 JOIN areas a ON a.kind = $1 AND (
		   EXISTS (SELECT 1 FROM area_coarse_cells c
		           WHERE c.area_id = a.id AND c.res = ((s.h3 >> 52) & 15)::int AND c.h3 = s.h3)
		   OR EXISTS (SELECT 1 FROM area_cells c WHERE c.area_id = a.id AND c.h3 = s.h3))
		 WHERE s.unit_id IS NOT NULL AND t.shift_date BETWEEN $2::date AND $3::date
		 GROUP BY 1, 2, 3 ORDER BY 2, 3`,
		[kind, from, to]
	);
	return rows.map((r) => ({
		areaId: Number(r.areaId),
		areaName: String(r.areaName),
		month: String(r.month),
		spots: Number(r.spots),
		taskings: Number(r.taskings)
	}));
}

/** Incidents per area of a kind per month (all categories), from the area covers and the rollups. */
export async function crimePerAreaMonth(
	db: Queryable,
	kind: string,
	from: string,
	to: string,
	categories: string[] | null
): Promise<{ areaId: number; month: string; n: number }[]> {
	const rows = await db.query<Record<string, unknown>>(
		`SELECT ac.area_id AS "areaId", to_char(c.period, 'YYYY-MM') AS month, sum(c.n)::int AS n
		 FROM ${rollupRows(10, from, to, 'month', { categories: '$2::text[]', per: 'set' })} c
		 JOIN area_cells ac ON ac.h3 = c.h3 JOIN areas a ON a.id = ac.area_id AND a.kind = $1
		 WHERE ($2::text[] IS NULL OR c.category = ANY($2::text[]))
		 GROUP BY 1, 2`,
		[kind, categories]
	);
	return rows.map((r) => ({ areaId: Number(r.areaId), month: String(r.month), n: Number(r.n) }));
}

/** Counts (and harm) per cell per day for cells at `res` over a period. */
export async function countsPerCellDay(
	db: Queryable,
	cells: string[],
	res: number,
	from: string,
	to: string,
	categories: string[] | null
): Promise<{ cell: string; day: string; n: number }[]> {
	if (cells.length === 0) return [];
	const rows = await db.query<{ cell: string; day: string; n: number }>(
		`SELECT to_hex(c.h3) AS cell, c.period::text AS day, sum(c.n)::int AS n
		 FROM ${rollupRows(res, from, to, 'day', { categories: '$2::text[]', per: 'set' })} c
		 WHERE c.h3 = ANY($1::bigint[]) AND ($2::text[] IS NULL OR c.category = ANY($2::text[]))
		 GROUP BY 1, 2`,
		[cells.map(toBig), categories]
	);
	return rows.map((r) => ({ cell: r.cell, day: r.day, n: Number(r.n) }));
}

/** Patrol/control draws of an area in a period. */
export async function drawsOf(
	db: Queryable,
	areaId: number,
	from: string,
	to: string
): Promise<{ taskingId: number; day: string; cell: string; arm: 'patrol' | 'control' }[]> {
	const rows = await db.query<{
		taskingId: number;
		day: string;
		cell: string;
		arm: 'patrol' | 'control';
	}>(
		`SELECT tasking_id AS "taskingId", day::text AS day, to_hex(h3) AS cell, arm FROM patrol_assignments
		 WHERE area_id = $1 AND day BETWEEN $2::date AND $3::date ORDER BY day, h3`,
		[areaId, from, to]
	);
	return rows.map((r) => ({ ...r, taskingId: Number(r.taskingId) }));
}

/** Cells tasked (allocated to a unit) in an area in a period, with their resolution's cells. */
export async function taskedCells(
	db: Queryable,
	areaId: number,
	from: string,
	to: string
): Promise<{ cell: string; first: string; times: number }[]> {
	const rows = await db.query<{ cell: string; first: string; times: number }>(
		`SELECT to_hex(s.h3) AS cell, min(t.shift_date)::text AS first, count(*)::int AS times
		 FROM tasking_spots s JOIN taskings t ON t.id = s.tasking_id
		 WHERE t.area_id = $1 AND s.unit_id IS NOT NULL AND t.shift_date BETWEEN $2::date AND $3::date
		 GROUP BY 1`,
		[areaId, from, to]
	);
	return rows.map((r) => ({ ...r, times: Number(r.times) }));
}

/** The last import batch and the number of incidents: the data version a tasking records. */
export async function dataVersion(
	db: Queryable
): Promise<{ lastBatchId: number | null; incidents: number }> {
	const [r] = await db.query<{ b: number | null; n: number }>(
		`SELECT (SELECT max(id) FROM import_batches) AS b, (SELECT count(*) FROM incidents)::int AS n`
	);
	return { lastBatchId: r.b === null ? null : Number(r.b), incidents: Number(r.n) };
}

/** An area's cells at `res` (its H3 cover). */
export async function coverCells(db: Queryable, areaId: number, res: number): Promise<string[]> {
	const rows = await db.query<{ cell: string }>(
		`SELECT to_hex(c.h3) AS cell FROM (${areaCoverCells(res, '$1::int[]')}) c`,
		[[areaId]]
	);
	return rows.map((r) => r.cell);
}

/** Areas to choose from: id, kind, name (boundaries are public geography). */
export async function areaChoices(
	db: Queryable
): Promise<{ id: number; kind: string; name: string }[]> {
	const rows = await db.query<{ id: number; kind: string; name: string }>(
		`SELECT id, kind, name FROM areas ORDER BY kind, name LIMIT 5000`
	);
	return rows.map((r) => ({ ...r, id: Number(r.id) }));
}

/** An area's outline (GeoJSON geometry text, simplified for display) and bounding box. */
export async function areaOutline(
	db: Queryable,
	areaId: number
): Promise<{ geojson: string; bbox: [number, number, number, number] } | null> {
	const [r] = await db.query<{ g: string; w: number; s: number; e: number; n: number }>(
		`SELECT ST_AsGeoJSON(ST_SimplifyPreserveTopology(geom, 0.00002), 6) AS g,
		        ST_XMin(geom)::float8 AS w, ST_YMin(geom)::float8 AS s,
		        ST_XMax(geom)::float8 AS e, ST_YMax(geom)::float8 AS n
		 FROM areas WHERE id = $1`,
		[areaId]
	);
	return r ? { geojson: r.g, bbox: [Number(r.w), Number(r.s), Number(r.e), Number(r.n)] } : null;
}
