import { sql } from 'drizzle-orm';
import {
	bigint,
	bigserial,
	boolean,
	check,
	date,
	index,
	integer,
	jsonb,
	real,
	serial,
	smallint,
	text,
	timestamp,
	uniqueIndex
} from 'drizzle-orm/pg-core';
import { pgTable } from 'drizzle-orm/pg-core';
import { users } from './auth';
import { areas, importBatches } from './ingest';
import { geometry } from './types';

/**
 * The tasking loop (docs/tasking.md): units on a shift, the tasking that sends them to cells with a
 * dosage plan, the analysts' edits to the spot list, the visits officers log, and the patrol/control
 * draw of a randomised tasking. Cells are H3 indexes stored as bigint like the rollups.
 */

/** A unit on one shift: call sign, foot / vehicle / PCSO, the area it patrols. */
export const shiftUnits = pgTable(
	'shift_units',
	{
		id: serial('id').primaryKey(),
		shiftDate: date('shift_date', { mode: 'string' }).notNull(),
		shift: text('shift').notNull(),
		callSign: text('call_sign').notNull(),
		unitType: text('unit_type').notNull(),
		areaId: integer('area_id')
			.notNull()
			.references(() => areas.id),
		/** The officer carrying the unit's phone (sees the unit's orders); null: any officer of the area. */
		officerId: integer('officer_id').references(() => users.id),
		createdBy: integer('created_by').references(() => users.id),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [
		uniqueIndex('shift_units_call_sign_uq').on(t.shiftDate, t.shift, t.callSign),
		check('shift_units_type_check', sql`${t.unitType} IN ('foot', 'vehicle', 'pcso')`),
		check('shift_units_shift_check', sql`${t.shift} IN ('early', 'late', 'night')`)
	]
);

/**
 * One tasking: an area's shift, the forecast settings and data version it was made from (so its
 * accuracy can be re-tested), the dosage and cadence, the seed of its random order and draw.
 */
export const taskings = pgTable(
	'taskings',
	{
		id: serial('id').primaryKey(),
		areaId: integer('area_id')
			.notNull()
			.references(() => areas.id),
		shiftDate: date('shift_date', { mode: 'string' }).notNull(),
		shift: text('shift').notNull(),
		/** Forecast settings: res, half-life, window, bias guard, formula, the forecast's date. */
		forecast: jsonb('forecast').notNull(),
		/** The data the forecast read: last import batch id, data end, rows. */
		dataVersion: jsonb('data_version').notNull(),
		importBatchId: integer('import_batch_id').references(() => importBatches.id),
		/** Harm index applied to the ranking, or null (counts). */
		harmIndex: text('harm_index'),
		cadence: text('cadence').notNull(),
		visitMinutes: smallint('visit_minutes').notNull(),
		targetVisits: smallint('target_visits').notNull(),
		maxVisits: smallint('max_visits').notNull(),
		spotsPerUnit: smallint('spots_per_unit').notNull(),
		/** Seed of the visit order and of the patrol/control draw. */
		seed: integer('seed').notNull(),
		randomised: boolean('randomised').notNull().default(false),
		createdBy: integer('created_by').references(() => users.id),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [
		index('taskings_area_idx').on(t.areaId, t.shiftDate),
		check('taskings_shift_check', sql`${t.shift} IN ('early', 'late', 'night')`),
		check(
			'taskings_dosage_check',
			sql`${t.visitMinutes} > 0 AND ${t.targetVisits} > 0 AND ${t.maxVisits} >= ${t.targetVisits}`
		)
	]
);

/** The cells of a tasking: ranked, allocated to a unit (or control), with why each was chosen. */
export const taskingSpots = pgTable(
	'tasking_spots',
	{
		id: serial('id').primaryKey(),
		taskingId: integer('tasking_id')
			.notNull()
			.references(() => taskings.id, { onDelete: 'cascade' }),
		h3: bigint('h3', { mode: 'bigint' }).notNull(),
		unitId: integer('unit_id').references(() => shiftUnits.id),
		rank: integer('rank').notNull(),
		risk: real('risk').notNull(),
		/** forecast | added | drawn. */
		origin: text('origin').notNull(),
		/** Recent incidents, top category, place name at the time of tasking. */
		why: jsonb('why').notNull().default({}),
		/** patrol | control (randomised taskings) | null. */
		arm: text('arm')
	},
	(t) => [
		uniqueIndex('tasking_spots_cell_uq').on(t.taskingId, t.h3),
		check('tasking_spots_origin_check', sql`${t.origin} IN ('forecast', 'added', 'drawn')`),
		check('tasking_spots_arm_check', sql`${t.arm} IS NULL OR ${t.arm} IN ('patrol', 'control')`)
	]
);

/** The dosage plan: each unit's visits in their (seeded random) order with planned times. */
export const plannedVisits = pgTable(
	'planned_visits',
	{
		id: serial('id').primaryKey(),
		taskingId: integer('tasking_id')
			.notNull()
			.references(() => taskings.id, { onDelete: 'cascade' }),
		unitId: integer('unit_id')
			.notNull()
			.references(() => shiftUnits.id),
		spotId: integer('spot_id')
			.notNull()
			.references(() => taskingSpots.id, { onDelete: 'cascade' }),
		seq: smallint('seq').notNull(),
		plannedStart: timestamp('planned_start', { withTimezone: true }).notNull(),
		plannedEnd: timestamp('planned_end', { withTimezone: true }).notNull()
	},
	(t) => [uniqueIndex('planned_visits_seq_uq').on(t.taskingId, t.unitId, t.seq)]
);

/** Analysts' edits to an area's spot list: add or suppress a cell, or draw a spot, always with a reason. */
export const spotEdits = pgTable(
	'spot_edits',
	{
		id: serial('id').primaryKey(),
		areaId: integer('area_id')
			.notNull()
			.references(() => areas.id),
		action: text('action').notNull(),
		/** The cells the edit covers (hex), at the resolution given. */
		cells: jsonb('cells').notNull(),
		res: smallint('res').notNull(),
		/** The drawn polygon (draw only). */
		geom: geometry('geom', 'MultiPolygon'),
		reason: text('reason').notNull(),
		/** Last day the edit applies; null: until withdrawn. */
		until: date('until', { mode: 'string' }),
		withdrawnAt: timestamp('withdrawn_at', { withTimezone: true }),
		createdBy: integer('created_by').references(() => users.id),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [
		index('spot_edits_area_idx').on(t.areaId),
		check('spot_edits_action_check', sql`${t.action} IN ('add', 'suppress', 'draw')`),
		check('spot_edits_reason_check', sql`length(trim(${t.reason})) > 0`)
	]
);

/** A visit to a cell: arrived / left from the phone's buttons, its geofence, or entered by hand. */
export const patrolVisits = pgTable(
	'patrol_visits',
	{
		id: bigserial('id', { mode: 'number' }).primaryKey(),
		taskingId: integer('tasking_id').references(() => taskings.id, { onDelete: 'set null' }),
		unitId: integer('unit_id')
			.notNull()
			.references(() => shiftUnits.id),
		h3: bigint('h3', { mode: 'bigint' }).notNull(),
		startedAt: timestamp('started_at', { withTimezone: true }).notNull(),
		endedAt: timestamp('ended_at', { withTimezone: true }),
		/** phone (buttons) | geofence (consented position) | manual (entered by hand). */
		source: text('source').notNull(),
		/** What the officer did: tactics used and a note. */
		activities: jsonb('activities').notNull().default({}),
		/** The phone's id for the visit, so a replayed offline queue adds nothing twice. */
		clientId: text('client_id'),
		createdBy: integer('created_by').references(() => users.id),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [
		uniqueIndex('patrol_visits_client_uq').on(t.clientId),
		index('patrol_visits_unit_idx').on(t.unitId, t.startedAt),
		index('patrol_visits_tasking_idx').on(t.taskingId),
		check('patrol_visits_source_check', sql`${t.source} IN ('phone', 'geofence', 'manual')`),
		check('patrol_visits_order_check', sql`${t.endedAt} IS NULL OR ${t.endedAt} >= ${t.startedAt}`)
	]
);

/** Every change to a logged visit: who, when, why, before and after. Append-only by use. */
export const visitEdits = pgTable(
	'visit_edits',
	{
		id: bigserial('id', { mode: 'number' }).primaryKey(),
		visitId: bigint('visit_id', { mode: 'number' })
			.notNull()
			.references(() => patrolVisits.id, { onDelete: 'cascade' }),
		before: jsonb('before').notNull(),
		after: jsonb('after').notNull(),
		reason: text('reason').notNull(),
		editedBy: integer('edited_by').references(() => users.id),
		editedAt: timestamp('edited_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [index('visit_edits_visit_idx').on(t.visitId)]
);

/**
 * The randomised draw of a tasking: each eligible spot on each day, patrol or control, recorded when
 * drawn so the assessment compares like with like (docs/tasking.md, Assessment).
 */
export const patrolAssignments = pgTable(
	'patrol_assignments',
	{
		id: serial('id').primaryKey(),
		taskingId: integer('tasking_id')
			.notNull()
			.references(() => taskings.id, { onDelete: 'cascade' }),
		areaId: integer('area_id')
			.notNull()
			.references(() => areas.id),
		day: date('day', { mode: 'string' }).notNull(),
		h3: bigint('h3', { mode: 'bigint' }).notNull(),
		arm: text('arm').notNull(),
		seed: integer('seed').notNull(),
		drawnAt: timestamp('drawn_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [
		uniqueIndex('patrol_assignments_uq').on(t.taskingId, t.h3),
		index('patrol_assignments_area_idx').on(t.areaId, t.day),
		check('patrol_assignments_arm_check', sql`${t.arm} IN ('patrol', 'control')`)
	]
);
