import { sql } from 'drizzle-orm';
import {
	bigint,
	bigserial,
	check,
	date,
	index,
	integer,
	jsonb,
	primaryKey,
	doublePrecision,
	serial,
	text,
	timestamp,
	unique,
	uniqueIndex
} from 'drizzle-orm/pg-core';
import { pgTable } from 'drizzle-orm/pg-core';
import { users } from './auth';
import { areas } from './ingest';

/**
 * One early-warning check over the weekly counts per area × category (services/early-warning.ts):
 * started after an import (its batches in `batch_ids`) or by hand, computed in the background pool.
 * `data_version` is the rollups' version when it ran (import batches + rollup edits), so a re-run on
 * unchanged data is recognised.
 */
export const earlyWarningRuns = pgTable(
	'early_warning_runs',
	{
		id: serial('id').primaryKey(),
		trigger: text('trigger').notNull(),
		batchIds: jsonb('batch_ids').notNull().default([]),
		dataVersion: text('data_version').notNull(),
		status: text('status').notNull().default('running'),
		/** The weekly series: first Monday and last Sunday, and the first week checked. */
		weeksFrom: date('weeks_from', { mode: 'string' }),
		weeksTo: date('weeks_to', { mode: 'string' }),
		checkFrom: date('check_from', { mode: 'string' }),
		/** Series checked, by method, and alarms found. */
		series: jsonb('series').notNull().default({}),
		alarms: integer('alarms').notNull().default(0),
		error: text('error'),
		startedAt: timestamp('started_at', { withTimezone: true }).notNull().defaultNow(),
		finishedAt: timestamp('finished_at', { withTimezone: true })
	},
	(t) => [
		check('early_warning_runs_status_check', sql`${t.status} IN ('running', 'done', 'failed')`),
		check('early_warning_runs_trigger_check', sql`${t.trigger} IN ('import', 'manual')`)
	]
);

/**
 * An alarm: a week whose count in an area and category exceeded its threshold. One row per (area,
 * category, week, method); a later run on more data updates it in place (`run_id` the latest).
 */
export const earlyWarningAlarms = pgTable(
	'early_warning_alarms',
	{
		id: bigserial('id', { mode: 'number' }).primaryKey(),
		runId: integer('run_id')
			.notNull()
			.references(() => earlyWarningRuns.id, { onDelete: 'cascade' }),
		areaId: integer('area_id')
			.notNull()
			.references(() => areas.id, { onDelete: 'cascade' }),
		category: text('category').notNull(),
		/** The week's Monday. */
		week: date('week', { mode: 'string' }).notNull(),
		observed: integer('observed').notNull(),
		threshold: doublePrecision('threshold').notNull(),
		expected: doublePrecision('expected').notNull(),
		method: text('method').notNull(),
		/** The early-warning notice drafted from this alarm (products, by id). */
		noticeProductId: integer('notice_product_id'),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [
		uniqueIndex('early_warning_alarms_uq').on(t.areaId, t.category, t.week, t.method),
		index('early_warning_alarms_week_idx').on(t.week),
		check('early_warning_alarms_method_check', sql`${t.method} IN ('farrington', 'ears-c2')`)
	]
);

/** What each user did with an alarm: no row is `new`. Dismissing needs a reason. */
export const alarmStates = pgTable(
	'alarm_states',
	{
		alarmId: bigint('alarm_id', { mode: 'number' })
			.notNull()
			.references(() => earlyWarningAlarms.id, { onDelete: 'cascade' }),
		userId: integer('user_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		status: text('status').notNull(),
		reason: text('reason'),
		updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [
		primaryKey({ columns: [t.alarmId, t.userId] }),
		check('alarm_states_status_check', sql`${t.status} IN ('new', 'acknowledged', 'dismissed')`),
		check(
			'alarm_states_reason_check',
			sql`${t.status} <> 'dismissed' OR length(btrim(coalesce(${t.reason}, ''))) > 0`
		)
	]
);

/** Alerts a user asked for: an area, a category, a method, each null for "any". */
export const alertSubscriptions = pgTable(
	'alert_subscriptions',
	{
		id: serial('id').primaryKey(),
		userId: integer('user_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		areaId: integer('area_id').references(() => areas.id, { onDelete: 'cascade' }),
		category: text('category'),
		method: text('method'),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [
		unique('alert_subscriptions_uq')
			.on(t.userId, t.areaId, t.category, t.method)
			.nullsNotDistinct(),
		check(
			'alert_subscriptions_method_check',
			sql`${t.method} IS NULL OR ${t.method} IN ('farrington', 'ears-c2')`
		)
	]
);

/**
 * The problem register (problem-oriented policing, SARA: scanning, analysis, response, assessment):
 * a recurring problem, where it is, what was found, what was done and whether it worked.
 */
export const problems = pgTable(
	'problems',
	{
		id: serial('id').primaryKey(),
		title: text('title').notNull(),
		areaId: integer('area_id').references(() => areas.id, { onDelete: 'set null' }),
		/** The SARA stage the problem is in. */
		stage: text('stage').notNull().default('scanning'),
		scanning: text('scanning').notNull().default(''),
		analysis: text('analysis').notNull().default(''),
		assessment: text('assessment').notNull().default(''),
		createdBy: integer('created_by').references(() => users.id, { onDelete: 'set null' }),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
		updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [
		index('problems_area_idx').on(t.areaId),
		check(
			'problems_stage_check',
			sql`${t.stage} IN ('scanning', 'analysis', 'response', 'assessment', 'closed')`
		)
	]
);

/** The hot-spot cells a problem is about (H3 cells at resolution 10 or coarser). */
export const problemCells = pgTable(
	'problem_cells',
	{
		problemId: integer('problem_id')
			.notNull()
			.references(() => problems.id, { onDelete: 'cascade' }),
		h3: bigint('h3', { mode: 'bigint' }).notNull(),
		res: integer('res').notNull()
	},
	(t) => [primaryKey({ columns: [t.problemId, t.h3] })]
);

/**
 * Products, taskings and alarms a problem is linked to, by kind and id (their tables belong to other
 * features; a link is checked when it is made).
 */
export const problemLinks = pgTable(
	'problem_links',
	{
		problemId: integer('problem_id')
			.notNull()
			.references(() => problems.id, { onDelete: 'cascade' }),
		kind: text('kind').notNull(),
		refId: integer('ref_id').notNull(),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [
		primaryKey({ columns: [t.problemId, t.kind, t.refId] }),
		check('problem_links_kind_check', sql`${t.kind} IN ('product', 'tasking', 'alarm')`)
	]
);

/**
 * A response to a problem (what was done, from when to when) and its evaluation: the counts in the
 * problem's cells before and after, with the exact test (kept as computed when evaluated).
 */
export const problemResponses = pgTable(
	'problem_responses',
	{
		id: serial('id').primaryKey(),
		problemId: integer('problem_id')
			.notNull()
			.references(() => problems.id, { onDelete: 'cascade' }),
		description: text('description').notNull(),
		startedOn: date('started_on', { mode: 'string' }).notNull(),
		endedOn: date('ended_on', { mode: 'string' }),
		evaluation: jsonb('evaluation'),
		evaluatedAt: timestamp('evaluated_at', { withTimezone: true }),
		createdBy: integer('created_by').references(() => users.id, { onDelete: 'set null' }),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [
		index('problem_responses_problem_idx').on(t.problemId),
		check(
			'problem_responses_dates_check',
			sql`${t.endedOn} IS NULL OR ${t.endedOn} >= ${t.startedOn}`
		)
	]
);
