/**
 * Import files or folders of one format: expands folders, picks the adapter, and runs each file
 * through the batch runner. Used by `beatwise import`, the demo loader and (later) the import page.
 * Every file, imported or failed, gets one `import` entry in the audit trail.
 */
import { readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { ROAD_SOURCE_CATEGORY } from '../../road-safety';
import type { Database } from '../db/client';
import {
	markInterruptedBatches,
	saveSourceMapping,
	type InterruptedBatch,
	type SourceSpec
} from '../db/queries/ingest';
import { createAdapter, type ImportFormat } from './adapters';
import { announceImport } from './after-import';
import { openCsv } from './csv';
import {
	failureDetail,
	importerName,
	recordImportAudit,
	type ImportAuditOptions
} from './import-audit';
import { parseMapping } from './mapping';
import {
	importFile,
	KnownIds,
	type FileImportResult,
	type ImportProgress,
	type RowSource
} from './runner';
import { REPORT_TOP } from './report';
import { ImportError } from './types';

export const IMPORT_FORMATS = ['police-uk', 'chicago', 'stats19', 'csv', 'geojson'] as const;

const FILE_PATTERNS: Record<ImportFormat, RegExp> = {
	// police.uk downloads hold street, outcomes and stop-and-search files side by side.
	'police-uk': /-street\.csv(\.gz)?$/i,
	chicago: /\.csv(\.gz)?$/i,
	// DfT publishes collision, vehicle and casualty files side by side; only collisions are imported.
	stats19: /(collision|accident)[^/]*\.csv(\.gz)?$/i,
	csv: /\.(csv|tsv|txt)(\.gz)?$/i,
	geojson: /\.(geo)?json$/i
};

/** Files named on the command line, with folders expanded (recursively, sorted). */
export function expandInputs(inputs: string[], format: ImportFormat): string[] {
	const out: string[] = [];
	const walk = (dir: string) => {
		for (const name of readdirSync(dir).sort()) {
			const p = join(dir, name);
			const st = statSync(p);
			if (st.isDirectory()) walk(p);
			else if (FILE_PATTERNS[format].test(name)) out.push(p);
		}
	};
	for (const input of inputs) {
		let st;
		try {
			st = statSync(input);
		} catch {
			throw new ImportError('E_FILE_UNREADABLE', 'no such file or folder', input);
		}
		if (st.isDirectory()) walk(input);
		else out.push(input);
	}
	if (out.length === 0) {
		throw new ImportError(
			'E_FILE_UNREADABLE',
			`no ${format} files found in ${inputs.join(', ')} (looked for names matching ${FILE_PATTERNS[format]})`
		);
	}
	return out;
}

export function defaultSource(
	format: ImportFormat,
	file: string,
	mapping?: { source?: string; timezone?: string; attribution?: string }
): SourceSpec {
	switch (format) {
		case 'police-uk':
			return {
				name: 'data.police.uk street-level crime',
				kind: 'internal',
				category: 'recorded-crime',
				timezone: 'Europe/London',
				attribution:
					'Contains public sector information licensed under the Open Government Licence v3.0 (data.police.uk)',
				defaultReliability: 1
			};
		case 'chicago':
			return {
				name: 'Chicago Police Department (City of Chicago data portal)',
				kind: 'internal',
				category: 'recorded-crime',
				timezone: 'America/Chicago',
				attribution: 'City of Chicago Data Portal, Chicago Police Department (CLEAR)',
				defaultReliability: 1
			};
		case 'stats19':
			return {
				name: 'DfT road casualty statistics (STATS19 collisions)',
				kind: 'open',
				category: ROAD_SOURCE_CATEGORY,
				timezone: 'Europe/London',
				attribution:
					'Department for Transport road safety data (STATS19). Contains public sector information licensed under the Open Government Licence v3.0.',
				defaultReliability: 1
			};
		default:
			return {
				name:
					mapping?.source ?? basename(file).replace(/\.(csv|tsv|txt|geojson|json)(\.gz)?$/i, ''),
				kind: 'internal',
				category: 'recorded-crime',
				timezone: mapping?.timezone ?? 'UTC',
				...(mapping?.attribution ? { attribution: mapping.attribution } : {})
			};
	}
}

async function openRows(
	file: string,
	format: ImportFormat,
	mapping: unknown,
	mappingFile?: string
): Promise<RowSource> {
	if (format === 'geojson') {
		const { openGeoJsonRows } = await import('./adapters/geojson');
		return openGeoJsonRows(file);
	}
	if (format === 'csv') {
		// The mapping names the delimiter and encoding of the file (validated by the adapter).
		const { csv } = parseMapping(mapping, mappingFile ?? file);
		return openCsv(file, { delimiter: csv?.delimiter, encoding: csv?.encoding });
	}
	return openCsv(file);
}

/**
 * Files of one import read or stored at once: one being read and prepared while the batches of the
 * others are stored side by side, each on its own connection (bench/RESULTS.md "Ingest").
 */
export const FILES_IN_FLIGHT = 3;

/** `actor`, `importedBy` and `origin` say who ran the import and from where (audit trail). */
export interface ImportPathsOptions extends ImportAuditOptions {
	inputs: string[];
	format: ImportFormat;
	mapping?: unknown;
	/** Where the mapping came from (a file name), named by errors about the mapping. */
	mappingFile?: string;
	sourceName?: string;
	batchSize?: number;
	/** Files read or stored at once (default `FILES_IN_FLIGHT`; 1 stores one file after the other). */
	filesInFlight?: number;
	onProgress?: (p: ImportProgress & { fileIndex: number; fileCount: number }) => void;
	/** Called after each file, successful or not. */
	onFile?: (r: FileImportResult | { file: string; error: ImportError }) => void;
}

export interface ImportSummary {
	files: FileImportResult[];
	failed: { file: string; code: string; message: string }[];
	total: number;
	imported: number;
	rejected: number;
	duplicate: number;
	filtered: number;
	retracted: number;
	withdrawn: number;
	/** Rows merged into an incident as a further offence (one row per incident × offence files). */
	merged: number;
	located: number;
	/** Invalid UTF-8 sequences read as U+FFFD, over all files (0: every file was clean UTF-8). */
	replaced: number;
	rejectReasons: Record<string, number>;
	/** Over all files: rows imported without a location by reason, and the rows filtered by reason. */
	unlocated: Record<string, number>;
	filterReasons: Record<string, number>;
	/** Commonest unmapped category values over all files (each file's own list is in `files`). */
	unmappedCategories: { value: string; rows: number }[];
	/** Per-file warnings, prefixed with the file. */
	warnings: string[];
	/** Earlier imports found killed part-way at the start of this run, now marked `interrupted`. */
	interrupted: InterruptedBatch[];
	seconds: number;
}

/** A run's totals before any file: what both importers (incidents, observations) start from. */
export function emptyImportSummary(): ImportSummary {
	return {
		files: [],
		failed: [],
		total: 0,
		imported: 0,
		rejected: 0,
		duplicate: 0,
		filtered: 0,
		retracted: 0,
		withdrawn: 0,
		merged: 0,
		located: 0,
		replaced: 0,
		rejectReasons: {},
		unlocated: {},
		filterReasons: {},
		unmappedCategories: [],
		warnings: [],
		interrupted: [],
		seconds: 0
	};
}

function addCounts(into: Record<string, number>, from: Record<string, number>): void {
	for (const [k, n] of Object.entries(from)) into[k] = (into[k] ?? 0) + n;
}

function mergeTop(
	a: { value: string; rows: number }[],
	b: { value: string; rows: number }[]
): { value: string; rows: number }[] {
	const m = new Map(a.map((x) => [x.value, x.rows]));
	for (const x of b) m.set(x.value, (m.get(x.value) ?? 0) + x.rows);
	return [...m]
		.sort((x, y) => y[1] - x[1] || x[0].localeCompare(y[0]))
		.slice(0, REPORT_TOP)
		.map(([value, rows]) => ({ value, rows }));
}

export async function importPaths(db: Database, o: ImportPathsOptions): Promise<ImportSummary> {
	const t0 = performance.now();
	let files: string[];
	try {
		files = expandInputs(o.inputs, o.format);
	} catch (e) {
		await recordImportAudit(db, o, {
			action: 'import',
			object: o.inputs.join(', '),
			detail: { inputs: o.inputs, format: o.format, error: failureDetail(e) }
		});
		throw e;
	}
	const summary = emptyImportSummary();
	summary.interrupted = await markInterruptedBatches(db);
	const knownIds = new KnownIds();
	type Outcome =
		| { ok: true; file: string; r: FileImportResult }
		| { ok: false; file: string; err: ImportError; batchId: number | null; source: string };

	/** One file through the runner; never rejects (a failure is an outcome to record). */
	const importOne = async (i: number, file: string, onReadDone: () => void): Promise<Outcome> => {
		const mapping = o.mapping as { source?: string; timezone?: string } | undefined;
		const source = defaultSource(o.format, file, mapping);
		if (o.sourceName) source.name = o.sourceName;
		// Set once the batch row exists: a failure after that is audited against the batch.
		let batchId = null as number | null;
		try {
			const r = await importFile(db, {
				file,
				format: o.format,
				source,
				open: (f) => openRows(f, o.format, o.mapping, o.mappingFile),
				adapter: createAdapter(o.format, {
					mapping: o.mapping,
					file,
					mappingFile: o.mappingFile
				}),
				mapping: o.mapping,
				importedBy: importerName(o),
				batchSize: o.batchSize,
				knownIds,
				onBatch: (id) => (batchId = id),
				onReadDone,
				onProgress: (p) => o.onProgress?.({ ...p, fileIndex: i, fileCount: files.length })
			});
			return { ok: true, file, r };
		} catch (e) {
			const err =
				e instanceof ImportError ? e : new ImportError('E_DATABASE', (e as Error).message, file);
			return { ok: false, file, err, batchId, source: source.name };
		}
	};

	/** Audit, summary and callback of one file, in file order. */
	const record = async (x: Outcome): Promise<void> => {
		if (!x.ok) {
			summary.failed.push({ file: x.file, code: x.err.code, message: x.err.message });
			await recordImportAudit(db, o, {
				action: 'import',
				object: x.batchId === null ? x.file : `batch:${x.batchId}`,
				detail: { file: x.file, format: o.format, source: x.source, error: failureDetail(x.err) }
			});
			o.onFile?.({ file: x.file, error: x.err });
			return;
		}
		const r = x.r;
		await recordImportAudit(db, o, {
			action: 'import',
			object: `batch:${r.batchId}`,
			detail: {
				file: x.file,
				format: o.format,
				source: r.source,
				total: r.total,
				imported: r.imported,
				rejected: r.rejected,
				duplicate: r.duplicate,
				// Only mapped files with filters or counts have these: kept out of the others' entries.
				...(r.filtered ? { filtered: r.filtered } : {}),
				...(r.retracted ? { retracted: r.retracted, withdrawn: r.withdrawn } : {}),
				...(r.merged ? { merged: r.merged } : {}),
				replaced: r.replaced
			}
		});
		// The mapping that worked is kept for the source's next file (the import page proposes it).
		if (o.mapping !== undefined)
			await saveSourceMapping(db, r.sourceId, o.format, o.mapping, importerName(o));
		summary.files.push(r);
		summary.total += r.total;
		summary.imported += r.imported;
		summary.rejected += r.rejected;
		summary.duplicate += r.duplicate;
		summary.filtered += r.filtered;
		summary.retracted += r.retracted;
		summary.withdrawn += r.withdrawn;
		summary.merged += r.merged;
		summary.located += r.located;
		summary.replaced += r.replaced;
		addCounts(summary.rejectReasons, r.rejectReasons);
		addCounts(summary.unlocated, r.unlocated);
		addCounts(summary.filterReasons, r.filterReasons);
		summary.unmappedCategories = mergeTop(summary.unmappedCategories, r.unmappedCategories);
		for (const w of r.warnings) summary.warnings.push(`${basename(r.file)}: ${w}`);
		o.onFile?.(r);
	};

	// Files overlap: the next file is read and prepared while the last batches of the previous ones are
	// stored (most files fit in one batch, so without this the database waited on every parse and the
	// parser on every store), each in its own transaction on its own connection. At most
	// `filesInFlight` files are in flight; outcomes are recorded in order.
	let recorded: Promise<void> = Promise.resolve();
	const inFlight: Promise<Outcome>[] = [];
	const filesInFlight = Math.max(1, o.filesInFlight ?? FILES_IN_FLIGHT);
	for (const [i, file] of files.entries()) {
		let readDone!: () => void;
		const read = new Promise<void>((resolve) => (readDone = resolve));
		const outcome = importOne(i, file, readDone);
		recorded = recorded.then(async () => record(await outcome));
		// Handled at the end (`await recorded`); meanwhile a failed audit must not count as unhandled.
		recorded.catch(() => {});
		await Promise.race([read, outcome]);
		inFlight.push(outcome);
		while (inFlight.length >= filesInFlight) await inFlight.shift();
	}
	await recorded;
	summary.seconds = (performance.now() - t0) / 1000;
	announceImport(db, {
		batchIds: summary.files.filter((f) => f.imported > 0).map((f) => f.batchId),
		imported: summary.imported
	});
	return summary;
}
