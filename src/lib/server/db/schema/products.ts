import { sql } from 'drizzle-orm';
import {
	bigint,
	bigserial,
	check,
	date,
	index,
	integer,
	jsonb,
	text,
	timestamp,
	uniqueIndex
} from 'drizzle-orm/pg-core';
import { pgTable } from 'drizzle-orm/pg-core';
import { users } from './auth';

/**
 * Intelligence products (issue 14): briefings, notices, reports, assessments, memos, evaluations. The
 * content is frozen: the numbers, tables, text and map as they were when the product was drafted, never
 * recomputed. A published row is immutable — the trigger `products_published_immutable` (migration
 * 0011, hand-written) refuses UPDATE and DELETE of it — and a correction is a new row whose
 * `previous_id` names the version it replaces. The area is copied (id, kind, code, name), not a foreign
 * key: re-importing boundaries must not change or delete a published product.
 */
export const products = pgTable(
	'products',
	{
		id: bigserial('id', { mode: 'number' }).primaryKey(),
		type: text('type').notNull(),
		title: text('title').notNull(),
		areaId: integer('area_id').notNull(),
		areaKind: text('area_kind').notNull(),
		areaCode: text('area_code').notNull(),
		areaName: text('area_name').notNull(),
		periodFrom: date('period_from').notNull(),
		periodTo: date('period_to').notNull(),
		periodLabel: text('period_label').notNull(),
		/** The user who drafted it; null for the command line (`author_name` says who). */
		authorId: integer('author_id').references(() => users.id),
		authorName: text('author_name').notNull(),
		/** P: lawful sharing permitted; C: sharing with conditions (internal readers with restricted access). */
		handlingCode: text('handling_code').notNull().default('P'),
		audience: text('audience').notNull(),
		status: text('status').notNull().default('draft'),
		/** Who it goes to: names of people, teams or lists, as the author wrote them. */
		dissemination: jsonb('dissemination').notNull().default([]),
		version: integer('version').notNull().default(1),
		previousId: bigint('previous_id', { mode: 'number' }),
		/** The frozen content (src/lib/server/products/content.ts). */
		content: jsonb('content').notNull(),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
		updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
		reviewedById: integer('reviewed_by_id').references(() => users.id),
		reviewedByName: text('reviewed_by_name'),
		reviewedAt: timestamp('reviewed_at', { withTimezone: true }),
		publishedById: integer('published_by_id').references(() => users.id),
		publishedByName: text('published_by_name'),
		publishedAt: timestamp('published_at', { withTimezone: true })
	},
	(t) => [
		index('products_area_type_idx').on(t.areaKind, t.areaCode, t.type),
		index('products_area_id_idx').on(t.areaId),
		// Versions form a chain: a version is replaced by at most one correction.
		uniqueIndex('products_previous_uq').on(t.previousId),
		check(
			'products_type_check',
			sql`${t.type} IN ('briefing', 'early-warning-notice', 'trend-report', 'threat-assessment', 'risk-analysis', 'intelligence-memo', 'road-safety-evaluation')`
		),
		check('products_audience_check', sql`${t.audience} IN ('internal', 'public')`),
		check('products_status_check', sql`${t.status} IN ('draft', 'reviewed', 'published')`),
		check('products_handling_check', sql`${t.handlingCode} IN ('P', 'C')`),
		check('products_period_check', sql`${t.periodFrom} <= ${t.periodTo}`),
		check('products_version_check', sql`${t.version} >= 1`),
		// A public product carries handling code P only.
		check(
			'products_public_handling_check',
			sql`${t.audience} = 'internal' OR ${t.handlingCode} = 'P'`
		),
		check(
			'products_published_check',
			sql`${t.status} <> 'published' OR ${t.publishedAt} IS NOT NULL`
		)
	]
);
