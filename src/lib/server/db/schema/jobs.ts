import {
	bigserial,
	check,
	index,
	integer,
	jsonb,
	real,
	text,
	timestamp
} from 'drizzle-orm/pg-core';
import { pgTable } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import { users } from './auth';

/**
 * Background analyses (near repeat, time profiles, emerging hot spots) too large to wait for: the
 * owner starts one, leaves, and comes back to its progress and result (src/lib/server/jobs).
 */
export const analysisJobs = pgTable(
	'analysis_jobs',
	{
		id: bigserial('id', { mode: 'number' }).primaryKey(),
		ownerId: integer('owner_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		/** What is computed: near-repeat, profile or emerging. */
		kind: text('kind').notNull(),
		/** The request, validated by the kind's schema (the same as its /api/analysis endpoint's). */
		params: jsonb('params').notNull(),
		status: text('status').notNull().default('queued'),
		/** 0 … 1. */
		progress: real('progress').notNull().default(0),
		result: jsonb('result'),
		error: text('error'),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
		startedAt: timestamp('started_at', { withTimezone: true }),
		finishedAt: timestamp('finished_at', { withTimezone: true })
	},
	(t) => [
		index('analysis_jobs_owner_idx').on(t.ownerId, t.createdAt),
		check(
			'analysis_jobs_status_check',
			sql`${t.status} IN ('queued', 'running', 'done', 'failed', 'cancelled')`
		),
		check('analysis_jobs_progress_check', sql`${t.progress} >= 0 AND ${t.progress} <= 1`)
	]
);
