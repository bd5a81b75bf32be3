import { sql } from 'drizzle-orm';
import {
	bigint,
	check,
	bigserial,
	boolean,
	date,
	foreignKey,
	index,
	integer,
	jsonb,
	primaryKey,
	real,
	serial,
	smallint,
	text,
	timestamp,
	uniqueIndex
} from 'drizzle-orm/pg-core';
import { pgTable } from 'drizzle-orm/pg-core';
import { geometry } from './types';

/** Where information comes from (DESIGN §3): internal or open, an ILP source category, default grading. */
export const sources = pgTable(
	'sources',
	{
		id: serial('id').primaryKey(),
		name: text('name').notNull().unique(),
		kind: text('kind', { enum: ['internal', 'open'] }).notNull(),
		category: text('category').notNull(),
		/** 3x5x2 source evaluation: 1 reliable, 2 untested, 3 not reliable. */
		defaultReliability: smallint('default_reliability').notNull().default(2),
		/** IANA zone in which the source's local dates are read (rollup days are local days). */
		timezone: text('timezone').notNull().default('UTC'),
		attribution: text('attribution'),
		/** Who answers for the source (a team or a person), shown in the source register. */
		owner: text('owner'),
		/** 3x5x2 handling code new reports of this source start with: P or C. */
		defaultHandlingCode: text('default_handling_code', { enum: ['P', 'C'] })
			.notNull()
			.default('P'),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [
		check('sources_default_reliability_range', sql`${t.defaultReliability} BETWEEN 1 AND 3`),
		check('sources_default_handling_code', sql`${t.defaultHandlingCode} IN ('P', 'C')`)
	]
);

export const importBatches = pgTable(
	'import_batches',
	{
		id: serial('id').primaryKey(),
		sourceId: integer('source_id')
			.notNull()
			.references(() => sources.id),
		format: text('format').notNull(),
		file: text('file').notNull(),
		fileSha256: text('file_sha256'),
		fileBytes: bigint('file_bytes', { mode: 'number' }),
		/** `interrupted`: the import stopped without finishing (killed); found by the next run. */
		status: text('status', { enum: ['running', 'complete', 'failed', 'interrupted'] })
			.notNull()
			.default('running'),
		totalRows: integer('total_rows').notNull().default(0),
		imported: integer('imported').notNull().default(0),
		rejected: integer('rejected').notNull().default(0),
		duplicate: integer('duplicate').notNull().default(0),
		/** Rows the mapping says are not incidents (row filters, a count of 0). */
		filtered: integer('filtered').notNull().default(0),
		/** Rows with a count of −1 that cancelled an incident, plus the rows of this file they cancelled. */
		retracted: integer('retracted').notNull().default(0),
		/** Incidents stored by earlier imports that this file's retractions deleted. */
		withdrawn: integer('withdrawn').notNull().default(0),
		/** Rows that added a further offence to an incident (one row per incident × offence files). */
		merged: integer('merged').notNull().default(0),
		/**
		 * What the analyst should check: rows imported without a location by reason, the commonest
		 * unmapped category values, values with replaced characters, warnings (ingest/report.ts).
		 */
		report: jsonb('report'),
		mapping: jsonb('mapping'),
		error: text('error'),
		importedBy: text('imported_by'),
		startedAt: timestamp('started_at', { withTimezone: true }).notNull().defaultNow(),
		/** Last sign of life of a running import (renewed every minute and with every batch). */
		heartbeatAt: timestamp('heartbeat_at', { withTimezone: true }).notNull().defaultNow(),
		finishedAt: timestamp('finished_at', { withTimezone: true })
	},
	(t) => [index('import_batches_source_idx').on(t.sourceId)]
);

export const importRejects = pgTable(
	'import_rejects',
	{
		id: bigserial('id', { mode: 'number' }).primaryKey(),
		batchId: integer('batch_id')
			.notNull()
			.references(() => importBatches.id, { onDelete: 'cascade' }),
		file: text('file').notNull(),
		rowNumber: integer('row_number').notNull(),
		field: text('field').notNull(),
		reason: text('reason').notNull(),
		raw: text('raw').notNull()
	},
	(t) => [index('import_rejects_batch_idx').on(t.batchId, t.rowNumber)]
);

/**
 * The mapping last used for a source's files (the browser import proposes it for next month's
 * file). One row per source; replaced by each successful import with a mapping.
 */
export const sourceMappings = pgTable('source_mappings', {
	sourceId: integer('source_id')
		.primaryKey()
		.references(() => sources.id, { onDelete: 'cascade' }),
	format: text('format').notNull(),
	mapping: jsonb('mapping').notNull(),
	updatedBy: text('updated_by'),
	updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow()
});

/**
 * Incidents. `(source_id, external_id)` is unique, which makes every import idempotent. Citus-ready:
 * the natural distribution column (source_id, or a coarse H3 parent) is part of the unique key.
 */
export const incidents = pgTable(
	'incidents',
	{
		id: bigserial('id', { mode: 'number' }).notNull(),
		/**
		 * The source (`sources.id`) and, below, the import batch (`import_batches.id`) that stored the
		 * row. No foreign keys: only the import writes these, from the rows it has just created or
		 * found, and sources and batches are never deleted; a key here cost two lookups per row at
		 * import (bench/RESULTS.md "Ingest").
		 */
		sourceId: integer('source_id').notNull(),
		externalId: text('external_id').notNull(),
		category: text('category').notNull(),
		originalType: text('original_type').notNull(),
		occurredFrom: timestamp('occurred_from', { withTimezone: true }).notNull(),
		occurredTo: timestamp('occurred_to', { withTimezone: true }).notNull(),
		reportedAt: timestamp('reported_at', { withTimezone: true }),
		locationPrecision: text('location_precision').notNull(),
		locationText: text('location_text'),
		geom: geometry('geom', 'Point'),
		/** H3 cell of the point at resolution 11 (`latLngToCell(point, 11)`). */
		h3: bigint('h3', { mode: 'bigint' }),
		/**
		 * The point's own cell at each coarser served resolution (`latLngToCell(point, r)`, never a parent
		 * of a finer cell: H3 children do not nest inside their parent's hexagon).
		 */
		h3R5: bigint('h3_r5', { mode: 'bigint' }),
		h3R6: bigint('h3_r6', { mode: 'bigint' }),
		h3R7: bigint('h3_r7', { mode: 'bigint' }),
		h3R8: bigint('h3_r8', { mode: 'bigint' }),
		h3R9: bigint('h3_r9', { mode: 'bigint' }),
		h3R10: bigint('h3_r10', { mode: 'bigint' }),
		/** Local calendar day of `occurred_from` in the source's time zone: the rollups' day. */
		localDay: date('local_day', { mode: 'string' }),
		/**
		 * The incident's further categories when its file lists several offences (one row per incident ×
		 * offence): the distinct categories of its offences (`incident_offences`) other than `category`,
		 * sorted. `category` stays the incident's one category for totals; category filters also match
		 * these (the `cell_extra_counts` rollup). Empty for single-offence incidents.
		 */
		extraCategories: text('extra_categories')
			.array()
			.notNull()
			.default(sql`'{}'::text[]`),
		harmWeight: real('harm_weight').notNull().default(1),
		/** 3x5x2 handling code: P lawful sharing permitted, C with conditions. */
		handlingCode: text('handling_code').notNull().default('P'),
		sensitive: boolean('sensitive').notNull().default(false),
		attributes: jsonb('attributes').notNull().default({}),
		batchId: integer('batch_id'),
		/**
		 * Record key of the cell-key method (0–255, uniformly random, fixed once stored): a public
		 * count's noise is looked up by the sum of its records' keys, so the same records get the same
		 * noise in every table (auth/cell-key.ts, docs/security.md). Drawn by the database at insert
		 * from a cryptographic random source; never shown.
		 */
		recordKey: smallint('record_key')
			.notNull()
			.default(sql`get_byte(uuid_send(gen_random_uuid()), 0)`)
	},
	(t) => [
		check('incidents_record_key_range', sql`${t.recordKey} BETWEEN 0 AND 255`),
		// The distribution column (source_id) leads every key, as Citus requires.
		primaryKey({ columns: [t.sourceId, t.id] }),
		uniqueIndex('incidents_source_external_uq').on(t.sourceId, t.externalId),
		index('incidents_geom_gist').using('gist', t.geom),
		index('incidents_h3_idx').on(t.h3),
		index('incidents_occurred_idx').on(t.occurredFrom),
		// Recent incidents near an area, newest first (the supervisor's counts and time profile): the
		// point's resolution-7 cell, then the time, so the work is the area's, not the city's.
		index('incidents_r7_occurred_idx').on(t.h3R7, t.occurredFrom),
		// Rows still waiting for their exact cells (stored before migration 0010): the backfill's queue.
		index('incidents_cells_pending_idx')
			.on(t.sourceId, t.id)
			.where(sql`${t.localDay} IS NULL`)
	]
);

/**
 * Counts by (resolution, time grain, H3 cell, period, category, source): the rollup every map and
 * statistic reads, so a request costs cells × time steps, never a scan of raw incidents. Each served
 * resolution (5–11) holds the points' own cells at that resolution (the incidents' `h3_r*` columns),
 * each at three grains: `day` (period = the local day), `month` and `year` (period = its first day);
 * incidents known only to the month (police.uk) instead once at `month-only` (period = their local
 * day, the month's first), which readers of every grain add (queries/rollup.ts `grainIs`).
 * Maintained by statement triggers on `incidents` (insert, update, delete; migration 0010), so it
 * equals the raw counts whichever way rows arrive or leave; an import batch adds its own counts
 * instead, summed before they reach the database (`addRollupCounts`, migration 0011).
 */
export const cellCounts = pgTable(
	'cell_counts',
	{
		res: smallint('res').notNull(),
		grain: text('grain', { enum: ['day', 'month', 'year', 'month-only'] }).notNull(),
		h3: bigint('h3', { mode: 'bigint' }).notNull(),
		period: date('period', { mode: 'string' }).notNull(),
		category: text('category').notNull(),
		/**
		 * No foreign key: rollup rows only come from incidents, which reference their source (a key here
		 * cost a lookup per rollup row, seven times the incidents' own, at import).
		 */
		sourceId: integer('source_id').notNull(),
		n: integer('n').notNull(),
		/** Sum of harm weights, for harm-weighted maps and forecasts. */
		harm: real('harm').notNull().default(0),
		/** Of `n`, how many are sensitive records (kept out of community outputs at fine cells). */
		sensitive: integer('sensitive').notNull().default(0)
	},
	(t) => [
		// Period before cell: every read names a resolution, a grain and a period range (rollup.ts), so
		// the key serves them all without a second index, and an import's rows (few periods) are added
		// in key order.
		primaryKey({
			name: 'cell_counts_pk',
			columns: [t.res, t.grain, t.period, t.h3, t.category, t.sourceId]
		})
	]
);

/**
 * The offences of incidents imported from files with one row per incident × offence (a mapping with
 * `offence`): one row per offence, the first-read one included. `(source_id, external_id, offence)`
 * makes a re-imported offence a duplicate and a new offence of a stored incident an addition. The
 * incident's `extra_categories` are derived from these rows.
 */
export const incidentOffences = pgTable(
	'incident_offences',
	{
		sourceId: integer('source_id').notNull(),
		externalId: text('external_id').notNull(),
		/** The offence column's value (an offence code or sequence number), unique within the incident. */
		offence: text('offence').notNull(),
		category: text('category').notNull(),
		originalType: text('original_type').notNull(),
		sensitive: boolean('sensitive').notNull().default(false),
		batchId: integer('batch_id')
	},
	(t) => [
		primaryKey({ columns: [t.sourceId, t.externalId, t.offence] }),
		// Co-located with incidents (same distribution column); its incident's delete removes it.
		foreignKey({
			name: 'incident_offences_incident_fk',
			columns: [t.sourceId, t.externalId],
			foreignColumns: [incidents.sourceId, incidents.externalId]
		}).onDelete('cascade')
	]
);

/**
 * Incidents with further categories (`incidents.extra_categories` not empty), counted by (resolution,
 * grain, cell, period, primary category, further categories, source) — the same keys as `cell_counts`
 * plus the set of further categories. An incident is in `cell_counts` once under its primary category
 * (totals) and here once; a filter on a set S of categories adds the rows here whose primary category
 * is not in S and whose further categories meet S, so each incident counts once per set
 * (`rollupRows` in queries/rollup.ts). Maintained by the same triggers as `cell_counts`.
 */
export const cellExtraCounts = pgTable(
	'cell_extra_counts',
	{
		res: smallint('res').notNull(),
		grain: text('grain', { enum: ['day', 'month', 'year', 'month-only'] }).notNull(),
		h3: bigint('h3', { mode: 'bigint' }).notNull(),
		period: date('period', { mode: 'string' }).notNull(),
		category: text('category').notNull(),
		extra: text('extra').array().notNull(),
		sourceId: integer('source_id').notNull(),
		n: integer('n').notNull(),
		harm: real('harm').notNull().default(0),
		sensitive: integer('sensitive').notNull().default(0)
	},
	(t) => [
		primaryKey({
			name: 'cell_extra_counts_pk',
			columns: [t.res, t.grain, t.period, t.h3, t.category, t.extra, t.sourceId]
		})
	]
);

/**
 * How many times rows left or moved in the rollups (deletes and updates of incidents, counted by their
 * trigger in the same transaction). Imports only add and are counted by their batches; with this, a
 * cache keyed on both is never older than the rollups. One row.
 */
export const rollupEdits = pgTable('rollup_edits', {
	id: smallint('id').primaryKey(),
	edits: bigint('edits', { mode: 'number' }).notNull().default(0)
});

/**
 * Coverage: which days or months of each source hold data, and where. A period of a source without a
 * row here is *missing* (nothing was imported for it), not a period with no crime, so statistics skip
 * it instead of counting zeros (DESIGN §2 "Coverage"). `grain` is the source's time precision for the
 * records of that period: 'month' when records are dated only to their month (police.uk), else 'day'
 * (the period is the local day). `footprint` is the resolution-5 H3 parent (≈ 250 km²) of the records'
 * cells, 0 for records without a location; an area's coverage is that of the footprints of its cover.
 * Maintained by every import in the batch's transaction; migration 0005 filled it from older incidents.
 */
export const sourceCoverage = pgTable(
	'source_coverage',
	{
		sourceId: integer('source_id')
			.notNull()
			.references(() => sources.id),
		grain: text('grain', { enum: ['day', 'month'] }).notNull(),
		/** First day of the period (the local day, or the 1st of the month). */
		periodStart: date('period_start', { mode: 'string' }).notNull(),
		footprint: bigint('footprint', { mode: 'bigint' }).notNull()
	},
	(t) => [
		primaryKey({ columns: [t.sourceId, t.grain, t.periodStart, t.footprint] }),
		index('source_coverage_period_idx').on(t.periodStart)
	]
);

/** Areas: neighbourhoods, beats, districts, LSOAs, force boundaries. */
export const areas = pgTable(
	'areas',
	{
		id: serial('id').primaryKey(),
		kind: text('kind').notNull(),
		code: text('code').notNull(),
		name: text('name').notNull(),
		properties: jsonb('properties').notNull().default({}),
		geom: geometry('geom', 'MultiPolygon').notNull(),
		sourceFile: text('source_file'),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [
		uniqueIndex('areas_kind_code_uq').on(t.kind, t.code),
		index('areas_geom_gist').using('gist', t.geom)
	]
);

/** H3 cover of each area at resolution 10 (cells whose centre lies inside the polygon). */
export const areaCells = pgTable(
	'area_cells',
	{
		areaId: integer('area_id')
			.notNull()
			.references(() => areas.id, { onDelete: 'cascade' }),
		h3: bigint('h3', { mode: 'bigint' }).notNull()
	},
	(t) => [primaryKey({ columns: [t.areaId, t.h3] }), index('area_cells_h3_idx').on(t.h3)]
);

/**
 * The cover of each area at the coarser analysis resolutions (5–9): the distinct parents of its
 * resolution-10 cover, written with `area_cells` (db/queries/areas.ts), so a study area at a coarse
 * resolution is read, not derived from every resolution-10 cell.
 */
export const areaCoarseCells = pgTable(
	'area_coarse_cells',
	{
		areaId: integer('area_id')
			.notNull()
			.references(() => areas.id, { onDelete: 'cascade' }),
		res: smallint('res').notNull(),
		h3: bigint('h3', { mode: 'bigint' }).notNull()
	},
	(t) => [primaryKey({ columns: [t.areaId, t.res, t.h3] })]
);

/** Intelligence reports graded 3x5x2 (DESIGN §3). */
export const observations = pgTable(
	'observations',
	{
		id: bigserial('id', { mode: 'number' }).primaryKey(),
		sourceId: integer('source_id')
			.notNull()
			.references(() => sources.id),
		externalId: text('external_id'),
		text: text('text').notNull(),
		sanitisedText: text('sanitised_text'),
		sourceEvaluation: smallint('source_evaluation').notNull(),
		intelligenceAssessment: text('intelligence_assessment', {
			enum: ['A', 'B', 'C', 'D', 'E']
		}).notNull(),
		handlingCode: text('handling_code', { enum: ['P', 'C'] }).notNull(),
		observedAt: timestamp('observed_at', { withTimezone: true }).notNull(),
		geom: geometry('geom', 'Point'),
		h3: bigint('h3', { mode: 'bigint' }),
		/**
		 * The point's own cell at each served resolution (`latLngToCell(point, r)`), as for incidents;
		 * `h3` holds resolution 11.
		 */
		h3R5: bigint('h3_r5', { mode: 'bigint' }),
		h3R6: bigint('h3_r6', { mode: 'bigint' }),
		h3R7: bigint('h3_r7', { mode: 'bigint' }),
		h3R8: bigint('h3_r8', { mode: 'bigint' }),
		h3R9: bigint('h3_r9', { mode: 'bigint' }),
		h3R10: bigint('h3_r10', { mode: 'bigint' }),
		/** What the report is about, in the incident taxonomy where it fits (cross-checking compares it). */
		category: text('category'),
		/** Street or place as the reporter named it ("same street" in duplicate explanations). */
		locationText: text('location_text'),
		/** `accepted` after review (`reviewed` is how rows reviewed before migration 0011 are marked). */
		reviewStatus: text('review_status', { enum: ['new', 'accepted', 'reviewed', 'rejected'] })
			.notNull()
			.default('new'),
		links: jsonb('links').notNull().default([]),
		createdBy: text('created_by'),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
		/** The import batch that stored the row (null for rows stored before batches were recorded). */
		batchId: integer('batch_id').references(() => importBatches.id),
		/** A duplicate merged into another report: it leaves every analysis, the survivor stays. */
		mergedInto: bigint('merged_into', { mode: 'number' }),
		reviewedBy: text('reviewed_by'),
		reviewedAt: timestamp('reviewed_at', { withTimezone: true })
	},
	(t) => [
		check('observations_source_evaluation_range', sql`${t.sourceEvaluation} BETWEEN 1 AND 3`),
		index('observations_review_idx').on(t.reviewStatus, t.observedAt),
		index('observations_observed_idx').on(t.observedAt),
		index('observations_geom_gist').using('gist', t.geom),
		index('observations_batch_idx').on(t.batchId),
		index('observations_h3_idx').on(t.h3),
		uniqueIndex('observations_source_external_uq').on(t.sourceId, t.externalId)
	]
);

/**
 * Every review decision on an observation (accept, regrade, reject, merge, keep apart, link, conflict),
 * with the reason and the grading before and after. Written with an audit entry in one transaction.
 */
export const observationReviews = pgTable(
	'observation_reviews',
	{
		id: bigserial('id', { mode: 'number' }).primaryKey(),
		observationId: bigint('observation_id', { mode: 'number' })
			.notNull()
			.references(() => observations.id, { onDelete: 'cascade' }),
		decision: text('decision', {
			enum: ['accept', 'regrade', 'reject', 'merge', 'keep-apart', 'corroborate', 'conflict']
		}).notNull(),
		reason: text('reason').notNull(),
		/** Grading `1/C/P` before and after the decision. */
		gradingBefore: text('grading_before').notNull(),
		gradingAfter: text('grading_after').notNull(),
		/** The other report or incident of a merge, link or conflict (`observation:12`, `incident:3:99`). */
		other: text('other'),
		decidedBy: text('decided_by').notNull(),
		decidedAt: timestamp('decided_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [index('observation_reviews_obs_idx').on(t.observationId, t.decidedAt)]
);

/**
 * Links between a report and another report or an incident: `corroborates` (the other supports it) or
 * `conflicts` (the two cannot both be true). Exactly one target.
 */
export const observationLinks = pgTable(
	'observation_links',
	{
		id: bigserial('id', { mode: 'number' }).primaryKey(),
		observationId: bigint('observation_id', { mode: 'number' })
			.notNull()
			.references(() => observations.id, { onDelete: 'cascade' }),
		kind: text('kind', { enum: ['corroborates', 'conflicts'] }).notNull(),
		otherObservationId: bigint('other_observation_id', { mode: 'number' }).references(
			() => observations.id,
			{ onDelete: 'cascade' }
		),
		incidentSourceId: integer('incident_source_id'),
		incidentId: bigint('incident_id', { mode: 'number' }),
		/** Whether the other item came from a different source (only then may it raise an assessment). */
		independent: boolean('independent').notNull(),
		note: text('note').notNull(),
		createdBy: text('created_by').notNull(),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [
		check(
			'observation_links_one_target',
			sql`(${t.otherObservationId} IS NULL) <> (${t.incidentId} IS NULL AND ${t.incidentSourceId} IS NULL)`
		),
		index('observation_links_obs_idx').on(t.observationId),
		index('observation_links_other_idx').on(t.otherObservationId)
	]
);

/**
 * Decided duplicate candidates: a pair (lower id first) merged or kept apart, with the score and
 * explanation it had when decided, so the queue does not offer it again.
 */
export const duplicateDecisions = pgTable(
	'duplicate_decisions',
	{
		firstId: bigint('first_id', { mode: 'number' })
			.notNull()
			.references(() => observations.id, { onDelete: 'cascade' }),
		secondId: bigint('second_id', { mode: 'number' })
			.notNull()
			.references(() => observations.id, { onDelete: 'cascade' }),
		decision: text('decision', { enum: ['merged', 'kept-apart'] }).notNull(),
		score: real('score').notNull(),
		explanation: text('explanation').notNull(),
		decidedBy: text('decided_by').notNull(),
		decidedAt: timestamp('decided_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [
		primaryKey({ columns: [t.firstId, t.secondId] }),
		check('duplicate_decisions_order', sql`${t.firstId} < ${t.secondId}`)
	]
);
