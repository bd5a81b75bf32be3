/**
 * The `/api/imports/*` contracts: the import page's upload → proposed mapping → dry run → import →
 * progress. The routes validate requests with these schemas, the service (`services/imports.ts`) returns
 * the answers' types, and the import page parses every answer with the same schemas. The counts mirror
 * the importer's own report (`server/ingest`, also printed by the CLI); a field the importer gains
 * reaches the page once it is added here.
 *
 * Shared with the browser: no node imports here.
 */
import { z } from 'zod';

/** An upload's token (and its import's id): 32 hexadecimal digits. */
export const UPLOAD_TOKEN = /^[0-9a-f]{32}$/;

/** `POST /api/imports/upload`: multipart form data with the CSV in the field `file`. */
export const importUploadSchema = z.object({
	file: z.instanceof(File, { message: 'choose a CSV file to upload' })
});

/** `POST /api/imports/dry-run` and `POST /api/imports`: JSON `{ token, mapping }`. */
export const importRequestSchema = z.object({
	token: z.string({ message: 'give the token of the uploaded file' }),
	/** The mapping as JSON text, as the analyst edited it (docs/import-mapping.md). */
	mapping: z.string({ message: 'give the mapping as JSON text' })
});
export type ImportRequest = z.output<typeof importRequestSchema>;

/** `GET /api/imports/[id]`: the id the import answered (its upload's token). */
export const importIdSchema = z.string().regex(UPLOAD_TOKEN, { message: 'not an import id' });

const counts = z.record(z.string(), z.number());
const valueRows = z.array(z.object({ value: z.string(), rows: z.number() }));

/**
 * The accounting every import report shows (`ImportReport.svelte`): total = imported + rejected +
 * duplicate + filtered + retracted + merged, with the reasons.
 */
export const importReportSchema = z.object({
	total: z.number(),
	imported: z.number(),
	rejected: z.number(),
	duplicate: z.number(),
	filtered: z.number(),
	retracted: z.number(),
	/** Incidents stored by earlier imports that retractions deleted. */
	withdrawn: z.number(),
	/** Rows that added a further offence to an incident. */
	merged: z.number(),
	located: z.number(),
	/** Invalid UTF-8 sequences read as U+FFFD. */
	replaced: z.number(),
	rejectReasons: counts,
	/** Rows imported without a location although they had coordinates, by reason. */
	unlocated: counts,
	filterReasons: counts,
	/** Commonest category values that fell to the default category. */
	unmappedCategories: valueRows,
	warnings: z.array(z.string())
});
export type ImportReport = z.output<typeof importReportSchema>;

const replacedValues = z.array(
	z.object({ row: z.number(), column: z.string(), value: z.string() })
);

/** One file of an import (the CLI imports several; the page one). */
export const fileImportSchema = importReportSchema.extend({
	file: z.string(),
	batchId: z.number(),
	source: z.string(),
	sourceId: z.number(),
	replacedRows: z.number(),
	replacedValues,
	seconds: z.number()
});

export const importSummarySchema = importReportSchema.extend({
	files: z.array(fileImportSchema),
	failed: z.array(z.object({ file: z.string(), code: z.string(), message: z.string() })),
	/** Earlier imports found killed part-way at the start of this run, now marked `interrupted`. */
	interrupted: z.array(z.object({ batchId: z.number(), file: z.string(), imported: z.number() })),
	seconds: z.number()
});
export type ImportSummary = z.output<typeof importSummarySchema>;

/** `POST /api/imports/upload` answers the file's columns and a proposed mapping. */
export const uploadProposalSchema = z.object({
	token: z.string().regex(UPLOAD_TOKEN),
	file: z.string(),
	bytes: z.number(),
	/** The proposed mapping (docs/import-mapping.md; the importer checks it on the dry run). */
	mapping: z.record(z.string(), z.unknown()),
	columns: z.array(z.object({ name: z.string(), samples: z.array(z.string()), blank: z.number() })),
	/** What was detected and how sure: shown next to the mapping. */
	detected: z.object({
		id: z.string().nullable(),
		time: z.string().nullable(),
		timeFormat: z.string().nullable(),
		/** Share of sampled times the format reads (0–1). */
		timeFormatShare: z.number(),
		category: z.string().nullable(),
		location: z.object({
			kind: z.enum(['lonlat', 'xy', 'none']),
			columns: z.array(z.string()),
			crs: z.string().nullable()
		}),
		timezone: z.string(),
		/** Ids on several sampled rows (offences of one incident) and the column telling them apart. */
		offence: z.object({ repeatedIds: z.number(), column: z.string().nullable() })
	}),
	/** Category values with what the taxonomy makes of them (null: the default category). */
	categorySuggestions: z.array(
		z.object({ value: z.string(), rows: z.number(), category: z.string().nullable() })
	),
	/** A mapping kept from an earlier import whose columns this file has (the best match). */
	saved: z.object({ source: z.string(), mapping: z.unknown() }).nullable()
});
export type UploadProposal = z.output<typeof uploadProposalSchema>;

/** `POST /api/imports/dry-run`: what importing would do; nothing is stored. */
export const dryRunSchema = importReportSchema.extend({
	file: z.string(),
	source: z.string(),
	/** The source exists already (duplicates and withdrawals are counted against what it holds). */
	sourceExists: z.boolean(),
	/** The first rejected rows, with their reasons. */
	rejects: z.array(z.object({ row: z.number(), field: z.string(), reason: z.string() })),
	replacedRows: z.number(),
	replacedValues,
	/** Sample located rows: [lon, lat, category]. */
	points: z.array(z.tuple([z.number(), z.number(), z.string()]))
});
export type DryRun = z.output<typeof dryRunSchema>;

/** `POST /api/imports` (202) and `GET /api/imports/[id]`: an import's progress, then its summary. */
export const importRunSchema = z.object({
	id: z.string().regex(UPLOAD_TOKEN),
	file: z.string(),
	status: z.enum(['running', 'complete', 'failed']),
	/** 0–1 of the file read. */
	progress: z.number(),
	rows: z.number(),
	summary: importSummarySchema.nullable(),
	error: z.string().nullable()
});
export type ImportRun = z.output<typeof importRunSchema>;
