/**
 * Import of observations (graded intelligence reports) from CSV, documented in docs/observations.md.
 *
 * - Columns (header names compared case-insensitively, ignoring spaces and punctuation): id,
 *   observed_at, text, latitude, longitude, source_evaluation, intelligence_assessment, handling_code,
 *   and optionally sanitised_text.
 * - Streaming through `openCsv` (BOM, CRLF, quotes, gzip), one transaction per batch, every row accounted
 *   for: total = imported + rejected + duplicate. Rejected rows go to `import_rejects` with file, row
 *   number, field and reason; an id the source already holds is a duplicate (re-importing adds nothing).
 * - Text is stored as written (surrounding spaces trimmed, NUL characters removed): it is escaped where
 *   it is shown, never rewritten here.
 * - Each located observation gets its H3 cell at resolution 11 as a bigint, like incidents.
 * - Every file, imported or failed, writes an `import.observations` audit entry with its accounting.
 */
import { basename } from 'node:path';
import type { Database } from '../db/client';
import {
	addBatchCounts,
	copyRejects,
	createBatch,
	ensureSource,
	finishBatch,
	markInterruptedBatches
} from '../db/queries/ingest';
import { insertObservationBatch } from '../db/queries/observations';
import { recordAudit, type AuditActor, type AuditOrigin } from '../auth/audit';
import {
	HANDLING_CODES,
	INTELLIGENCE_ASSESSMENTS,
	SOURCE_EVALUATIONS,
	type HandlingCode,
	type IntelligenceAssessment,
	type SourceEvaluation
} from '../../grading';
import { CELL_COLUMNS, exactCells } from '../cell-keys';
import { copyField, pointEwkbHex, storableText } from './copy-text';
import { findColumn, openCsv } from './csv';
import { emptyImportSummary, type ImportSummary } from './import';
import { checkExternalId, checkTime } from './adapters/common';
import {
	heartbeat,
	oversizedRow,
	reasonKey,
	sha256OfFile,
	noExtraRows,
	shortReason,
	type FileImportResult
} from './runner';
import { ISO_FORMAT } from './time';
import { ImportError, type RowRejection, type SourceRow } from './types';
import { readLonLat } from './values';

export const OBSERVATIONS_FORMAT = 'observations';
/** Longest text (and sanitised text) accepted, in characters. */
export const OBSERVATION_TEXT_MAX = 10_000;

export interface ObservationColumns {
	id: string;
	observedAt: string;
	text: string;
	latitude: string;
	longitude: string;
	sourceEvaluation: string;
	intelligenceAssessment: string;
	handlingCode: string;
	/** Absent when the file has no sanitised_text column. */
	sanitisedText?: string;
}

const REQUIRED: [Exclude<keyof ObservationColumns, 'sanitisedText'>, string][] = [
	['id', 'id'],
	['observedAt', 'observed_at'],
	['text', 'text'],
	['latitude', 'latitude'],
	['longitude', 'longitude'],
	['sourceEvaluation', 'source_evaluation'],
	['intelligenceAssessment', 'intelligence_assessment'],
	['handlingCode', 'handling_code']
];

/** The file's names for each column; throws ImportError E_HEADER naming every missing one. */
export function observationColumns(header: readonly string[], file?: string): ObservationColumns {
	const found: Partial<ObservationColumns> = {};
	const missing: string[] = [];
	for (const [key, name] of REQUIRED) {
		const hit = findColumn(header, name);
		if (hit === undefined) missing.push(name);
		else found[key] = hit;
	}
	if (missing.length) {
		throw new ImportError(
			'E_HEADER',
			`missing column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}: an observations file needs ${REQUIRED.map(([, n]) => n).join(', ')} (and optionally sanitised_text); see docs/observations.md`,
			file
		);
	}
	const sanitised = findColumn(header, 'sanitised_text');
	if (sanitised !== undefined) found.sanitisedText = sanitised;
	return found as ObservationColumns;
}

export interface ParsedObservation {
	externalId: string;
	observedAt: Date;
	text: string;
	sanitisedText: string | null;
	lon: number | null;
	lat: number | null;
	sourceEvaluation: SourceEvaluation;
	intelligenceAssessment: IntelligenceAssessment;
	handlingCode: HandlingCode;
}

export type ObservationRowResult =
	{ ok: true; observation: ParsedObservation } | { ok: false; reject: RowRejection };

export interface ObservationRowOptions {
	/** IANA zone in which times without an offset are read. */
	timeZone: string;
	/** The import's time, for refusing dates in the future. Default: now. */
	now?: Date;
}

const fail = (field: string, reason: string): ObservationRowResult => ({
	ok: false,
	reject: { field, reason }
});

function characters(s: string): number {
	// Code points, not UTF-16 units; only counted when the length could be over the limit.
	return s.length <= OBSERVATION_TEXT_MAX ? s.length : [...s].length;
}

/** Text as stored: well-formed, without NUL characters, trimmed. */
function cleanText(value: string | undefined): string {
	return storableText(value ?? '').trim();
}

function code<T extends string | number>(
	value: string | undefined,
	codes: readonly T[]
): T | undefined {
	const v = (value ?? '').trim().toUpperCase();
	return codes.find((c) => String(c) === v);
}

/**
 * One CSV row → an observation or the field and reason it was refused for.
 * @example
 * parseObservationRow(row, observationColumns(csv.header), { timeZone: 'Europe/London' })
 * // { ok: false, reject: { field: 'intelligence_assessment', reason: 'must be one of A, B, C, D, E: got "F"' } }
 */
export function parseObservationRow(
	row: SourceRow,
	cols: ObservationColumns,
	o: ObservationRowOptions
): ObservationRowResult {
	if (row.problem) return { ok: false, reject: row.problem };
	const v = row.values;

	const externalId = cleanText(v[cols.id]);
	if (externalId === '') return fail(cols.id, 'is blank: every observation needs an id');
	const badId = checkExternalId(cols.id, externalId);
	if (badId && !badId.ok) return badId;

	const when = (v[cols.observedAt] ?? '').trim();
	if (when === '') return fail(cols.observedAt, 'is blank');
	const parsed = ISO_FORMAT.parse(when, o.timeZone);
	if (!parsed)
		return fail(
			cols.observedAt,
			`not an ISO 8601 date and time such as 2024-03-01T14:30:00+00:00: "${when}"`
		);
	if (parsed.precision !== 'instant')
		return fail(cols.observedAt, `needs a time of day as well as the date: "${when}"`);
	const badTime = checkTime(cols.observedAt, when, parsed, (o.now ?? new Date()).getTime());
	if (badTime && !badTime.ok) return badTime;

	const text = cleanText(v[cols.text]);
	if (text === '') return fail(cols.text, 'is empty: an observation needs its text');
	if (characters(text) > OBSERVATION_TEXT_MAX)
		return fail(cols.text, `is longer than ${OBSERVATION_TEXT_MAX} characters`);
	const sanitised = cols.sanitisedText === undefined ? '' : cleanText(v[cols.sanitisedText]);
	if (characters(sanitised) > OBSERVATION_TEXT_MAX)
		return fail(cols.sanitisedText as string, `is longer than ${OBSERVATION_TEXT_MAX} characters`);

	const place = readLonLat(v[cols.longitude], v[cols.latitude], {
		lon: cols.longitude,
		lat: cols.latitude
	});
	if (!place.ok) return fail(place.field, place.reason);
	if (place.lon === 0 && place.lat === 0)
		return fail(
			`${cols.latitude}/${cols.longitude}`,
			'0, 0 is not a place where observations are made (a missing location written as zeros?); leave both blank for no location'
		);

	const sourceEvaluation = code(v[cols.sourceEvaluation], SOURCE_EVALUATIONS);
	if (sourceEvaluation === undefined)
		return fail(
			cols.sourceEvaluation,
			`must be one of ${SOURCE_EVALUATIONS.join(', ')}: got "${(v[cols.sourceEvaluation] ?? '').trim()}"`
		);
	const intelligenceAssessment = code(v[cols.intelligenceAssessment], INTELLIGENCE_ASSESSMENTS);
	if (intelligenceAssessment === undefined)
		return fail(
			cols.intelligenceAssessment,
			`must be one of ${INTELLIGENCE_ASSESSMENTS.join(', ')}: got "${(v[cols.intelligenceAssessment] ?? '').trim()}"`
		);
	const handlingCode = code(v[cols.handlingCode], HANDLING_CODES);
	if (handlingCode === undefined)
		return fail(
			cols.handlingCode,
			`must be one of ${HANDLING_CODES.join(', ')}: got "${(v[cols.handlingCode] ?? '').trim()}"`
		);

	return {
		ok: true,
		observation: {
			externalId,
			observedAt: parsed.from,
			text,
			sanitisedText: sanitised === '' ? null : sanitised,
			lon: place.lon,
			lat: place.lat,
			sourceEvaluation,
			intelligenceAssessment,
			handlingCode
		}
	};
}

export interface ObservationSourceSpec {
	name: string;
	kind: 'internal' | 'open';
	/** ILP source category: community, officer, social-media, … */
	category: string;
}

export interface ObservationImportOptions {
	files: string[];
	/** The source every file is filed under (created on first use; an existing one keeps its settings). */
	source: ObservationSourceSpec;
	/** IANA zone in which times without an offset are read. */
	timeZone: string;
	/** Stored on each observation (`created_by`) and on the import batch. */
	importedBy: string | null;
	/** Who the audit entries name. */
	audit: { actor: AuditActor | null; username?: string | null; origin: AuditOrigin };
	/** Rows per transaction. Default 5,000. */
	batchSize?: number;
	now?: Date;
	/** After each file, imported or failed. */
	onFile?: (r: ObservationFileResult | { file: string; error: ImportError }) => void;
}

/** Per file, the same accounting as an incident import. */
export type ObservationFileResult = FileImportResult;
export type ObservationImportSummary = ImportSummary;

const NULL = '\\N';

interface Pending {
	rows: number;
	lines: string[];
	ids: Set<string>;
	/** Rows whose id came earlier in the same batch. */
	repeated: number;
	rejects: { rowNumber: number; field: string; reason: string; raw: string }[];
}

const emptyBatch = (): Pending => ({
	rows: 0,
	lines: [],
	ids: new Set(),
	repeated: 0,
	rejects: []
});

function copyLine(
	sourceId: number,
	p: ParsedObservation,
	importedBy: string | null,
	batchId: number
): string {
	const located = p.lon !== null && p.lat !== null;
	// Its own cell at each served resolution (5–11), never a parent of a finer cell.
	const cells = located ? exactCells(p.lat!, p.lon!) : CELL_COLUMNS.map(() => NULL);
	return [
		sourceId,
		copyField(p.externalId),
		copyField(p.text),
		copyField(p.sanitisedText),
		p.sourceEvaluation,
		p.intelligenceAssessment,
		p.handlingCode,
		p.observedAt.toISOString(),
		located ? pointEwkbHex(p.lon!, p.lat!) : NULL,
		copyField(importedBy),
		batchId,
		...cells
	].join('\t');
}

/**
 * Import one observations file. A file that cannot be opened, or whose header lacks a column, fails
 * before anything is written. A failure part-way marks the import batch failed and keeps the batches
 * already committed (re-running the import completes it without duplicates).
 */
export async function importObservationFile(
	db: Database,
	file: string,
	o: Omit<ObservationImportOptions, 'files' | 'onFile' | 'audit'> & {
		/** Called once the import batch exists, with the result it keeps up to date. */
		onBatch?: (live: ObservationFileResult) => void;
	}
): Promise<ObservationFileResult> {
	const t0 = performance.now();
	const csv = await openCsv(file);
	let cols: ObservationColumns;
	try {
		cols = observationColumns(csv.header, file);
	} catch (e) {
		csv.close();
		throw e;
	}
	const source = await ensureSource(db, { ...o.source, timezone: o.timeZone });
	const batchId = await createBatch(db, {
		sourceId: source.id,
		format: OBSERVATIONS_FORMAT,
		file,
		fileSha256: await sha256OfFile(file),
		fileBytes: csv.totalBytes,
		mapping: null,
		importedBy: o.importedBy
	});
	const result: ObservationFileResult = {
		file,
		batchId,
		source: source.name,
		sourceId: source.id,
		total: 0,
		imported: 0,
		rejected: 0,
		duplicate: 0,
		located: 0,
		rejectReasons: {},
		replaced: 0,
		...noExtraRows(),
		seconds: 0
	};
	o.onBatch?.(result);
	const stopHeartbeat = heartbeat(db, batchId);
	const label = basename(file);
	const now = o.now ?? new Date();
	const batchSize = o.batchSize ?? 5_000;

	const store = async (b: Pending) => {
		const rejectText = b.rejects
			.map((r) =>
				[batchId, copyField(label), r.rowNumber, copyField(r.field), copyField(r.reason)]
					.concat(copyField(r.raw))
					.join('\t')
			)
			.join('\n');
		const stored = await db.transaction(async (tx) => {
			const s = await insertObservationBatch(tx, b.lines.length ? b.lines.join('\n') + '\n' : '');
			await copyRejects(tx, rejectText ? rejectText + '\n' : '');
			await addBatchCounts(tx, batchId, {
				total: b.rows,
				imported: s.inserted,
				rejected: b.rejects.length,
				duplicate: b.repeated + b.lines.length - s.inserted
			});
			return s;
		});
		result.total += b.rows;
		result.imported += stored.inserted;
		result.located += stored.located;
		result.rejected += b.rejects.length;
		result.duplicate += b.repeated + b.lines.length - stored.inserted;
		for (const r of b.rejects) {
			const k = reasonKey(r.field, r.reason);
			result.rejectReasons[k] = (result.rejectReasons[k] ?? 0) + 1;
		}
	};

	let batch = emptyBatch();
	try {
		for await (const row of csv.rows) {
			batch.rows++;
			// A row of megabytes is refused unread, and only its start is kept with the rejection.
			const oversized = oversizedRow(row.raw);
			const r = oversized
				? { ok: false as const, reject: oversized.reject }
				: parseObservationRow(row, cols, { timeZone: o.timeZone, now });
			if (!r.ok)
				batch.rejects.push({
					rowNumber: row.rowNumber,
					raw: oversized?.raw ?? row.raw,
					field: r.reject.field,
					reason: shortReason(r.reject.reason)
				});
			else if (batch.ids.has(r.observation.externalId)) batch.repeated++;
			else {
				batch.ids.add(r.observation.externalId);
				batch.lines.push(copyLine(source.id, r.observation, o.importedBy, batchId));
			}
			if (batch.rows >= batchSize) {
				await store(batch);
				batch = emptyBatch();
			}
		}
		if (batch.rows > 0) await store(batch);
		await finishBatch(db, batchId, 'complete', null);
	} catch (e) {
		await finishBatch(db, batchId, 'failed', (e as Error).message).catch(() => {});
		throw e instanceof ImportError ? e : new ImportError('E_DATABASE', (e as Error).message, file);
	} finally {
		stopHeartbeat();
		result.replaced = csv.replacedCharacters();
		csv.close();
	}
	result.seconds = (performance.now() - t0) / 1000;
	return result;
}

/** Import several files into one source, auditing each; a failed file does not stop the others. */
export async function importObservations(
	db: Database,
	o: ObservationImportOptions
): Promise<ObservationImportSummary> {
	const t0 = performance.now();
	const summary: ObservationImportSummary = emptyImportSummary();
	summary.interrupted = await markInterruptedBatches(db);
	const audit = (object: string, detail: Record<string, unknown>) =>
		recordAudit(db, {
			actor: o.audit.actor,
			username: o.audit.username,
			action: 'import.observations',
			object,
			detail,
			origin: o.audit.origin
		});
	for (const file of o.files) {
		let live: ObservationFileResult | null = null;
		try {
			const r = await importObservationFile(db, file, { ...o, onBatch: (l) => (live = l) });
			summary.files.push(r);
			for (const k of [
				'total',
				'imported',
				'rejected',
				'duplicate',
				'located',
				'replaced'
			] as const)
				summary[k] += r[k];
			for (const [k, n] of Object.entries(r.rejectReasons))
				summary.rejectReasons[k] = (summary.rejectReasons[k] ?? 0) + n;
			await audit(`import_batch:${r.batchId}`, {
				status: 'complete',
				file: r.file,
				source: r.source,
				total: r.total,
				imported: r.imported,
				rejected: r.rejected,
				duplicate: r.duplicate,
				located: r.located,
				replaced: r.replaced,
				rejectReasons: r.rejectReasons
			});
			o.onFile?.(r);
		} catch (e) {
			const err =
				e instanceof ImportError ? e : new ImportError('E_DATABASE', (e as Error).message, file);
			summary.failed.push({ file, code: err.code, message: err.message });
			// What was committed before the failure stays (a re-run completes it); say how much.
			const partial = live as ObservationFileResult | null;
			await audit(partial ? `import_batch:${partial.batchId}` : `file:${file}`, {
				status: 'failed',
				file,
				source: partial?.source ?? o.source.name,
				code: err.code,
				message: err.message,
				...(partial && {
					total: partial.total,
					imported: partial.imported,
					rejected: partial.rejected,
					duplicate: partial.duplicate
				})
			});
			o.onFile?.({ file, error: err });
		}
	}
	summary.seconds = (performance.now() - t0) / 1000;
	return summary;
}
