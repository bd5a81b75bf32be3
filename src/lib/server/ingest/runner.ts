/**
 * The batch runner: reads a file through a format adapter, assigns H3 cells, and stores incidents,
 * rejections and rollup counts one transaction per batch. Every row is accounted for:
 * total = imported + rejected + duplicate + filtered + retracted + merged. Re-importing a file adds
 * nothing, because `(source_id, external_id)` is unique and ids already stored count as duplicates;
 * with an `offence` mapping, `(source_id, external_id, offence)` decides, and a row adding a new
 * offence to an incident is `merged` into it.
 */
import { createHash } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';
import { basename } from 'node:path';
import proj4 from 'proj4';
import type { Database, Queryable } from '../db/client';
import {
	addBatchCounts,
	addCoverage,
	addOffences,
	addRollupCounts,
	copyIncidents,
	reserveIncidentIds,
	copyRejects,
	createBatch,
	ensureSource,
	existingExternalIds,
	existingOffences,
	offenceKey,
	findSource,
	finishBatch,
	sourceImportedTotal,
	insertStagedIncidents,
	takeOverRollupInserts,
	touchBatch,
	crsDefinition,
	setBatchReport,
	withdrawIncidents,
	type SourceRecord,
	type SourceSpec
} from '../db/queries/ingest';
import {
	exactCellsCache,
	localDayFormatter,
	SERVED_MAX_RES,
	SERVED_RESOLUTIONS
} from '../cell-keys';
import { attributesJson, copyField, pointEwkbHex } from './copy-text';
import {
	isMonthOnly,
	ROLLUP_COUNT_COLUMNS,
	rollupCountsText,
	type RollupInput
} from './rollup-counts';
import {
	CoverageCollector,
	coverageFootprint,
	coveragePeriodOf,
	type CoverageDelta
} from './coverage';
import { crsExtent, insideExtent, type Extent } from './crs-extent';
import { ReportCollector, type FileReport } from './report';
import {
	ImportError,
	type Adapter,
	type NormalisedIncident,
	type RowRejection,
	type RowResult,
	type SourceRow
} from './types';

/**
 * Rows (CSV records, GeoJSON features) longer than this are rejected unread: a record of megabytes is
 * not an incident, and storing it would only bloat the tables.
 */
export const MAX_ROW_CHARS = 1024 * 1024;
/** Raw text kept with a rejected over-long row; reasons keep at most this much of quoted values. */
const KEPT_RAW_CHARS = 10_000;
const KEPT_VALUE_CHARS = 200;

/** Resolution of the cell stored in `incidents.h3` (the finest served); `h3_r5`…`h3_r10` hold the others. */
export const INCIDENT_H3_RES = SERVED_MAX_RES;
/** Resolution of the areas' covers (`area_cells`). */
export const ROLLUP_H3_RES = 10;

/** What the runner needs from a reader: the header, then rows, and how far into the file it is. */
export interface RowSource {
	header: string[];
	rows: AsyncIterable<SourceRow>;
	/** Bytes of the file consumed so far (for progress). */
	bytesRead(): number;
	/** Invalid UTF-8 sequences read so far, each replaced by U+FFFD (text readers only). */
	replacedCharacters?(): number;
	close?(): Promise<void> | void;
}

export interface ImportProgress {
	file: string;
	bytesRead: number;
	bytesTotal: number;
	rows: number;
	imported: number;
	rejected: number;
	duplicate: number;
}

export interface FileImportResult extends FileReport {
	file: string;
	batchId: number;
	source: string;
	sourceId: number;
	total: number;
	imported: number;
	rejected: number;
	duplicate: number;
	/** Rows the mapping says are not incidents (row filters, a count of 0). */
	filtered: number;
	/** Rows with a count of −1 that cancelled an incident, plus the rows of this file they cancelled. */
	retracted: number;
	/** Incidents stored by earlier imports that retractions in this file deleted. */
	withdrawn: number;
	/**
	 * Rows that added a further offence (and its category) to an incident of this file or stored
	 * earlier (files with one row per incident × offence).
	 */
	merged: number;
	/** Rejections counted by `field: reason` (reasons without row-specific values). */
	rejectReasons: Record<string, number>;
	/** Located incidents (with an H3 cell) among the imported ones. */
	located: number;
	/** Invalid UTF-8 sequences in the file, each read as U+FFFD (the file is not clean UTF-8). */
	replaced: number;
	seconds: number;
}

export interface ImportFileOptions {
	file: string;
	format: string;
	source: SourceSpec;
	/** Opens the file (throws ImportError for a file that cannot be read at all). */
	open: (file: string) => Promise<RowSource>;
	adapter: Adapter;
	mapping?: unknown;
	importedBy?: string | null;
	batchSize?: number;
	onProgress?: (p: ImportProgress) => void;
	/** Ids stored earlier in the same run (several files of one source). */
	knownIds?: KnownIds;
	/** Called once the import batch row exists (before any row is stored), with its id. */
	onBatch?: (batchId: number) => void;
	/**
	 * Called once every row of the file has been read and prepared, while its last batch may still be
	 * being stored: the caller can start reading the next file meanwhile.
	 */
	onReadDone?: () => void;
}

export async function sha256OfFile(file: string): Promise<string> {
	const hash = createHash('sha256');
	for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
	return hash.digest('hex');
}

/**
 * Reprojection through the definitions PostGIS itself holds in spatial_ref_sys, for CRSs named
 * `AUTH:code` (EPSG, ESRI, … as spatial_ref_sys lists them), with each CRS's area of use.
 */
class Reprojector {
	private readonly crss = new Map<string, { convert: proj4.Converter; extent: Extent | null }>();
	constructor(private readonly db: Database) {}

	static key(p: { srid: number; crs?: string }): string {
		return p.crs ?? `EPSG:${p.srid}`;
	}

	async prepare(crs: string, file: string): Promise<void> {
		if (this.crss.has(crs)) return;
		const def = await crsDefinition(this.db, crs);
		if (!def) {
			throw new ImportError(
				'E_CRS',
				`${crs} is not a coordinate reference system PostGIS knows (spatial_ref_sys lists authorities such as EPSG and ESRI with their codes)`,
				file
			);
		}
		this.crss.set(crs, {
			convert: proj4(def.proj4, 'EPSG:4326'),
			extent: crsExtent(crs, def.proj4)
		});
	}

	toLonLat(x: number, y: number, crs: string): [number, number] {
		return this.crss.get(crs)!.convert.forward([x, y]) as [number, number];
	}

	extent(crs: string): Extent | null {
		return this.crss.get(crs)!.extent;
	}
}

interface PendingReject {
	rowNumber: number;
	field: string;
	reason: string;
	raw: string;
}

interface Batch {
	rows: number;
	incidents: Parsed[];
	rejects: PendingReject[];
	filtered: number;
	/** Retractions and the rows of this batch they cancelled. */
	retracted: number;
	/** Retractions of incidents not in this batch: looked up among stored incidents. */
	retractions: Parsed[];
}

const emptyBatch = (): Batch => ({
	rows: 0,
	incidents: [],
	rejects: [],
	filtered: 0,
	retracted: 0,
	retractions: []
});

interface Parsed {
	inc: NormalisedIncident;
	rowNumber: number;
	raw: string;
}

/** A reason with long quoted values cut short (a rejected value can be most of a megabyte). */
export function shortReason(reason: string): string {
	return reason.replace(
		new RegExp(`"([^"]{${KEPT_VALUE_CHARS}})[^"]+"`, 'g'),
		(_, head: string) => `"${head}…"`
	);
}

/**
 * The rejection of a row over `MAX_ROW_CHARS`, with the raw text to keep for it (its start), or null
 * for a row of ordinary length.
 */
export function oversizedRow(raw: string): { reject: RowRejection; raw: string } | null {
	if (raw.length <= MAX_ROW_CHARS) return null;
	return {
		reject: {
			field: '',
			reason: `row is ${raw.length} characters long; rows of more than ${MAX_ROW_CHARS} are not imported`
		},
		raw: `${raw.slice(0, KEPT_RAW_CHARS)}… (${raw.length} characters)`
	};
}

/** Reasons without numbers or quoted values, so counts group by kind of problem. */
export function reasonKey(field: string, reason: string): string {
	const generic = reason.replace(/"[^"]*"/g, '"…"').replace(/-?\d+(\.\d+)?/g, 'N');
	return field ? `${field}: ${generic}` : generic;
}

/**
 * Import one file. A file that cannot be opened or has a bad header fails before anything is
 * written. Each batch is one transaction; a failure part-way marks the import batch `failed`,
 * keeps the batches already committed (re-running the import completes it without duplicates).
 */
export async function importFile(db: Database, o: ImportFileOptions): Promise<FileImportResult> {
	const t0 = performance.now();
	const bytesTotal = statSafe(o.file);
	const reader = await o.open(o.file);
	try {
		o.adapter.begin(reader.header, o.file);
	} catch (e) {
		await reader.close?.();
		throw e;
	}
	const sha = await sha256OfFile(o.file);
	const source = await ensureSource(db, o.source);
	const batchId = await createBatch(db, {
		sourceId: source.id,
		format: o.format,
		file: o.file,
		fileSha256: sha,
		fileBytes: bytesTotal,
		mapping: o.mapping ?? null,
		importedBy: o.importedBy ?? null
	});
	o.onBatch?.(batchId);
	const result: FileImportResult = {
		file: o.file,
		batchId,
		source: source.name,
		sourceId: source.id,
		total: 0,
		imported: 0,
		rejected: 0,
		duplicate: 0,
		rejectReasons: {},
		located: 0,
		replaced: 0,
		seconds: 0,
		...noExtraRows()
	};
	const collector = new ReportCollector();
	const stopHeartbeat = heartbeat(db, batchId);
	const reprojector = new Reprojector(db);
	const toDay = localDayFormatter(source.timezone);
	const batchSize = o.batchSize ?? 20_000;
	let batch: Batch = emptyBatch();
	let pending: Promise<void> | null = null;
	const fileLabel = basename(o.file);

	const ctx: WriteContext = {
		knownIds: o.knownIds ?? new KnownIds(),
		source,
		batchId,
		file: fileLabel,
		reprojector,
		toDay,
		cellsOf: exactCellsCache(),
		filePath: o.file,
		collector
	};
	const store = async (b: PreparedBatch) => {
		const counts = await storeBatch(db, b, ctx);
		result.total += b.rows;
		result.imported += counts.imported;
		result.duplicate += counts.duplicate;
		result.filtered += b.filtered;
		result.retracted += counts.retracted;
		result.withdrawn += counts.withdrawn;
		result.merged += counts.merged;
		result.rejected += counts.rejects.length;
		result.located += counts.located;
		for (const r of counts.rejects) {
			const k = reasonKey(r.field, r.reason);
			result.rejectReasons[k] = (result.rejectReasons[k] ?? 0) + 1;
		}
		o.onProgress?.({
			file: o.file,
			bytesRead: reader.bytesRead(),
			bytesTotal,
			rows: result.total,
			imported: result.imported,
			rejected: result.rejected,
			duplicate: result.duplicate
		});
	};

	try {
		for await (const row of reader.rows) {
			batch.rows++;
			let parsed: RowResult;
			let raw = row.raw;
			const oversized = oversizedRow(raw);
			if (oversized) {
				parsed = { ok: false, reject: oversized.reject };
				raw = oversized.raw;
			} else {
				try {
					parsed = o.adapter.parse(row);
				} catch (e) {
					parsed = { ok: false, reject: { field: '', reason: (e as Error).message } };
				}
			}
			addParsed(batch, parsed, row, raw, collector);
			if (parsed.ok && parsed.incident.projected) {
				await reprojector.prepare(Reprojector.key(parsed.incident.projected), o.file);
			}
			if (batch.rows >= batchSize) {
				// Read and prepare the next batch while this one is stored (the server works in parallel).
				const ready = prepareBatch(batch, ctx);
				batch = emptyBatch();
				if (pending) await pending;
				pending = store(ready);
			}
		}
		const last = batch.rows > 0 ? prepareBatch(batch, ctx) : null;
		o.onReadDone?.();
		if (pending) await pending;
		pending = null;
		if (last) await store(last);
		result.replaced = reader.replacedCharacters?.() ?? 0;
		Object.assign(result, collector.report());
		await setBatchReport(db, batchId, reportOf(result));
		await finishBatch(db, batchId, 'complete', null);
	} catch (e) {
		if (pending) await pending.catch(() => {});
		await finishBatch(db, batchId, 'failed', (e as Error).message).catch(() => {});
		throw e instanceof ImportError
			? e
			: new ImportError('E_DATABASE', (e as Error).message, o.file);
	} finally {
		stopHeartbeat();
		result.replaced = reader.replacedCharacters?.() ?? 0;
		await reader.close?.();
	}
	result.seconds = (performance.now() - t0) / 1000;
	return result;
}

/** Files a parsed row into the batch: incident, retraction, filtered row or rejection. */
function addParsed(
	batch: Batch,
	parsed: RowResult,
	row: SourceRow,
	raw: string,
	collector: ReportCollector
): void {
	collector.addRow(row);
	if (parsed.ok && parsed.incident.retracts) {
		// Cancels the latest row of this batch with the same id (and offence, when the mapping has
		// one), else a stored incident (with all its offences).
		const { externalId: id, offence } = parsed.incident;
		const i = batch.incidents.findLastIndex(
			(p) => p.inc.externalId === id && p.inc.offence === offence
		);
		if (i >= 0) {
			batch.incidents.splice(i, 1);
			batch.retracted += 2;
		} else batch.retractions.push({ inc: parsed.incident, rowNumber: row.rowNumber, raw });
	} else if (parsed.ok) {
		batch.incidents.push({ inc: parsed.incident, rowNumber: row.rowNumber, raw });
		if (parsed.incident.unmappedCategory) collector.addUnmapped(parsed.incident.originalType);
	} else if (parsed.filtered !== undefined) {
		batch.filtered++;
		collector.addFiltered(parsed.filtered);
	} else
		batch.rejects.push({
			rowNumber: row.rowNumber,
			raw,
			field: parsed.reject.field,
			reason: shortReason(parsed.reject.reason)
		});
}

/** The counts and report of a file whose mapping filtered, retracted and unlocated nothing (yet). */
export function noExtraRows() {
	return {
		filtered: 0,
		retracted: 0,
		withdrawn: 0,
		merged: 0,
		...new ReportCollector().report()
	};
}

/** The report stored with a batch (import_batches.report). */
function reportOf(r: FileImportResult) {
	return {
		unlocated: r.unlocated,
		filterReasons: r.filterReasons,
		unmappedCategories: r.unmappedCategories,
		replaced: r.replaced,
		replacedRows: r.replacedRows,
		replacedValues: r.replacedValues,
		warnings: r.warnings
	};
}

/** How often a running import renews its batch's `heartbeat_at`. */
const HEARTBEAT_MS = 60_000;

/**
 * Renew a running batch's sign of life every minute until the returned function is called; a killed
 * import stops renewing, and the next run marks its batch `interrupted` (`markInterruptedBatches`).
 */
export function heartbeat(db: Queryable, batchId: number): () => void {
	const timer = setInterval(() => void touchBatch(db, batchId).catch(() => {}), HEARTBEAT_MS);
	timer.unref?.();
	return () => clearInterval(timer);
}

function statSafe(file: string): number {
	try {
		return statSync(file).size;
	} catch {
		throw new ImportError('E_FILE_UNREADABLE', 'file not found or not readable', file);
	}
}

interface WriteContext {
	knownIds: KnownIds;
	source: SourceRecord;
	batchId: number;
	file: string;
	filePath: string;
	reprojector: Reprojector;
	toDay: (d: Date) => string;
	/** A point's cells at every served resolution (`exactCells`, remembered per point). */
	cellsOf: (lat: number, lon: number) => readonly string[];
	collector: ReportCollector;
}

interface WriteCounts {
	imported: number;
	duplicate: number;
	merged: number;
	retracted: number;
	withdrawn: number;
	located: number;
	rejects: PendingReject[];
}

/** A batch turned into COPY lines: pure JS, done while the previous batch is being stored. */
interface PreparedBatch {
	rows: number;
	filtered: number;
	/** Retractions settled within the batch (each with the row it cancelled). */
	retracted: number;
	retractions: Parsed[];
	/** Rows repeated within this batch (same id twice; with offences, same id and offence). */
	duplicateInBatch: number;
	/** The batch has an `offence` mapping (every prepared row then carries its offences). */
	withOffences: boolean;
	prepared: PreparedRow[];
	rejects: PendingReject[];
	rejectText: string;
	/**
	 * Periods and footprints the batch's rows hold data for. Recorded for every prepared row, stored
	 * before or not: a row already stored holds data for its period just the same.
	 */
	coverage: CoverageDelta;
	/** The rollup rows of all prepared rows, summed (right when none of them was stored before). */
	rollupText: string;
}

function prepareBatch(b: Batch, ctx: WriteContext): PreparedBatch {
	const rejects = b.rejects.slice();
	// Within-batch duplicates first (same id twice in one file), then ids already stored. With an
	// offence mapping the rows of one id are one incident: each new offence joins the first row's.
	const seen = new Map<string, Parsed[] | null>();
	let duplicate = 0;
	let withOffences = false;
	const fresh: Parsed[] = [];
	for (const p of b.incidents) {
		const offence = p.inc.offence;
		const group = seen.get(p.inc.externalId);
		if (group === undefined) {
			seen.set(p.inc.externalId, offence === undefined ? null : [p]);
			fresh.push(p);
			if (offence !== undefined) withOffences = true;
		} else if (group === null || group.some((o) => o.inc.offence === offence)) duplicate++;
		else group.push(p);
	}

	// Prepare every row outside the transaction: reprojection, range checks, H3 cells, local day.
	const rows: PreparedRow[] = [];
	const coverage = new CoverageCollector();
	for (const { inc, rowNumber, raw } of fresh) {
		const offences = seen.get(inc.externalId) ?? null;
		// A row that cannot be stored takes the further offences of its incident with it.
		const rejectRow = (r: PendingReject) => {
			rejects.push(r);
			for (const o of offences?.slice(1) ?? [])
				rejects.push({ ...r, rowNumber: o.rowNumber, raw: o.raw });
		};
		let lon = inc.lon;
		let lat = inc.lat;
		if (inc.unlocated) ctx.collector.addUnlocated(inc.unlocated);
		if (inc.projected) {
			const crs = Reprojector.key(inc.projected);
			[lon, lat] = ctx.reprojector.toLonLat(inc.projected.x, inc.projected.y, crs);
			const w = inc.projected.within;
			const area = inc.projected.areaOfUse ? ctx.reprojector.extent(crs) : null;
			const box = w ?? area;
			if (box) {
				const outside = !insideExtent(box, lon, lat);
				const unlocate = area !== null || w?.onOutside === 'unlocate';
				if (unlocate) ctx.collector.extentCheck(box.area, crs, outside);
				if (outside && !unlocate) {
					rejectRow({
						rowNumber,
						field: w!.field,
						reason: `${inc.projected.x}, ${inc.projected.y} (${crs}) lies outside ${w!.area}: reprojected to ${lon}, ${lat}`,
						raw
					});
					continue;
				}
				if (outside) {
					ctx.collector.addUnlocated(`outside ${box.area}`);
					lon = lat = null;
				}
			}
		}
		let geom = NULL;
		let cells: readonly string[] | null = null;
		if (lon !== null && lat !== null) {
			if (!(
				Number.isFinite(lon) &&
				Number.isFinite(lat) &&
				Math.abs(lat) <= 90 &&
				Math.abs(lon) <= 180
			)) {
				rejectRow({
					rowNumber,
					field: inc.projected ? 'x/y' : 'longitude/latitude',
					reason: `coordinates ${lon}, ${lat} are outside the valid range after reprojection`,
					raw
				});
				continue;
			}
			geom = pointEwkbHex(lon, lat);
			cells = ctx.cellsOf(lat, lon);
		}
		const day = ctx.toDay(inc.occurredFrom);
		const finest = cells ? BigInt(cells[cells.length - 1]).toString(16) : null;
		coverage.add(coveragePeriodOf(day, ctx.toDay(inc.occurredTo)), coverageFootprint(finest));
		rows.push({
			externalId: inc.externalId,
			offences: offences?.map((o) => o.inc.offence!) ?? null,
			offenceLines:
				offences?.map((o) =>
					[
						ctx.source.id,
						copyField(o.inc.externalId),
						copyField(o.inc.offence!),
						copyField(o.inc.category),
						copyField(o.inc.originalType),
						o.inc.sensitive ? 't' : 'f',
						ctx.batchId
					].join('\t')
				) ?? [],
			located: cells !== null,
			point: cells !== null ? [lon!, lat!, inc.category] : null,
			rollup: {
				cells,
				day,
				category: inc.category,
				sensitive: inc.sensitive,
				monthOnly: isMonthOnly(day, inc.occurredFrom, inc.occurredTo)
			},
			line: [
				ctx.source.id,
				copyField(inc.externalId),
				copyField(inc.category),
				copyField(inc.originalType),
				inc.occurredFrom.toISOString(),
				inc.occurredTo.toISOString(),
				inc.reportedAt ? inc.reportedAt.toISOString() : NULL,
				inc.locationPrecision,
				copyField(inc.locationText),
				geom,
				inc.sensitive ? 't' : 'f',
				copyField(attributesJson(inc.attributes)),
				ctx.batchId,
				// The rollups' keys: the point's own cell at every served resolution, its local day.
				...(cells ?? NO_CELLS),
				day
			].join('\t')
		});
	}
	const rejectText = rejectLines(ctx, rejects);

	return {
		rows: b.rows,
		filtered: b.filtered,
		retracted: b.retracted,
		retractions: b.retractions,
		duplicateInBatch: duplicate,
		withOffences,
		prepared: rows,
		rejects,
		rejectText,
		coverage: coverage.delta(),
		rollupText: rollupCountsText(
			ctx.source.id,
			rows.map((r) => r.rollup)
		)
	};
}

/** Rejections as COPY text for import_rejects. */
function rejectLines(ctx: WriteContext, rejects: PendingReject[]): string {
	if (rejects.length === 0) return '';
	return (
		rejects
			.map((r) =>
				[
					ctx.batchId,
					copyField(ctx.file),
					r.rowNumber,
					copyField(r.field),
					copyField(r.reason),
					copyField(r.raw)
				].join('\t')
			)
			.join('\n') + '\n'
	);
}

async function storeBatch(db: Database, p: PreparedBatch, ctx: WriteContext): Promise<WriteCounts> {
	const { prepared: rows, rejectText } = p;
	const offenceText = p.withOffences
		? rows
				.flatMap((r) => r.offenceLines)
				.map((l) => l + '\n')
				.join('')
		: '';
	const finish = async (tx: Queryable, inserted: number, located: number) => {
		// Offences new to their incident: all those of a new incident (its first is the incident
		// itself), and a stored incident's offences not yet stored, which are merged into it.
		const newOffences = await addOffences(tx, ctx.source.id, offenceText);
		const merged = p.withOffences ? newOffences - inserted : 0;
		const groupRows = rows.reduce((n, r) => n + (r.offences?.length ?? 1), 0);
		// Rows already stored (an earlier import, or an earlier batch of this file) are duplicates.
		const dup = p.duplicateInBatch + groupRows - inserted - merged;
		// Retractions of incidents stored earlier delete them; one that finds nothing is rejected.
		const rejects = p.rejects.slice();
		let withdrawn = 0;
		if (p.retractions.length) {
			const gone = await withdrawIncidents(
				tx,
				ctx.source.id,
				p.retractions.map((r) => r.inc.externalId)
			);
			const late: PendingReject[] = [];
			for (const r of p.retractions) {
				if (gone.delete(r.inc.externalId)) withdrawn++;
				else
					late.push({
						rowNumber: r.rowNumber,
						field: 'count',
						reason: `count -1 cancels id "${r.inc.externalId}", which is neither earlier in the file nor stored`,
						raw: r.raw
					});
			}
			await copyRejects(tx, rejectLines(ctx, late));
			rejects.push(...late);
			if (withdrawn) ctx.knownIds.forget(ctx.source.id);
		}
		const retracted = p.retracted + withdrawn;
		await copyRejects(tx, rejectText);
		await addCoverage(tx, ctx.source.id, p.coverage);
		await addBatchCounts(tx, ctx.batchId, {
			total: p.rows,
			imported: inserted,
			rejected: rejects.length,
			duplicate: dup,
			filtered: p.filtered,
			retracted,
			withdrawn,
			merged
		});
		return { imported: inserted, duplicate: dup, merged, located, rejects, retracted, withdrawn };
	};

	// Batches are stored in key order (external id), so two transactions that meet on the same ids
	// (concurrent imports of one source, or this run's overlapping files) wait on each other in one
	// direction and never deadlock; the rollup rows are in key order already.
	const sorted = rows.slice().sort((a, b) => compareText(a.externalId, b.externalId));
	// Ids still number the rows in the file's order (what a reader of the table expects).
	const fileOrder = new Map(rows.map((r, i) => [r, i]));
	ctx.knownIds.reserve(ctx.source.id, sorted.length);
	try {
		// Fast path: find the ids already stored, COPY the rest straight into incidents, add their
		// counts to the rollup. Batches of one source may be stored side by side (two files of a run
		// overlap; several imports may run): an id another transaction stores meanwhile makes this one
		// fail with a unique violation (or a deadlock), and the batch is stored again below, where the
		// unique index decides row by row.
		const { stored, ...counts } = await db.transaction(async (tx) => {
			const ids = sorted.map((r) => r.externalId);
			const existing =
				(await ctx.knownIds.existing(tx, ctx.source.id, ids)) ??
				(await existingExternalIds(tx, ctx.source.id, ids));
			const fresh = existing.size ? sorted.filter((r) => !existing.has(r.externalId)) : sorted;
			// This transaction adds exactly the copied rows to the rollups, summed beforehand, in one
			// upsert (the insert trigger, which would group them again, leaves them to it).
			await takeOverRollupInserts(tx);
			const newIds = await reserveIncidentIds(tx, fresh.length);
			const idOf = new Map(
				fresh
					.slice()
					.sort((a, b) => fileOrder.get(a)! - fileOrder.get(b)!)
					.map((r, k) => [r, newIds[k]])
			);
			await copyIncidents(
				tx,
				fresh.length ? fresh.map((r) => `${idOf.get(r)}\t${r.line}`).join('\n') + '\n' : ''
			);
			await addRollupCounts(
				tx,
				ROLLUP_COUNT_COLUMNS,
				existing.size
					? rollupCountsText(
							ctx.source.id,
							fresh.map((r) => r.rollup)
						)
					: p.rollupText
			);
			const c = await finish(tx, fresh.length, fresh.filter((r) => r.located).length);
			return { ...c, stored: fresh.map((r) => r.externalId) };
		});
		ctx.knownIds.settle(ctx.source.id, sorted.length, stored);
		return counts;
	} catch (e) {
		ctx.knownIds.settle(ctx.source.id, sorted.length, null);
		// A unique violation or a deadlock: another writer stored some of these ids meanwhile. On
		// PostgreSQL a violation inside the COPY reaches the client only as a refused COPY (E_DB_COPY),
		// which a row the server cannot store would also give: the slower path below stores it again,
		// row by row where the unique index decides, and fails as well if a row is bad.
		const code = (e as { code?: string }).code;
		if (code !== '23505' && code !== '40P01' && code !== 'E_DB_COPY') throw e;
		ctx.knownIds.forget(ctx.source.id);
		return db.transaction(async (tx) => {
			const text = sorted.map((r) => r.line).join('\n');
			const { inserted, located } = await insertStagedIncidents(tx, text ? text + '\n' : '');
			return finish(tx, inserted, located);
		});
	}
}

/** Code-unit order of two strings (the same total order in every transaction). */
const compareText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * External ids this run stored, per source, so a first load of a source does not probe the unique
 * index for every row. Trusted only while the source's stored total (sum of its batches' imported
 * counts, kept in the same transactions as the rows) is what this run stored on top of an empty
 * source, give or take the rows of its own batches still being stored (`reserve` … `settle`);
 * otherwise (rows from before the run, another writer, too many ids) the database decides. An id
 * missed here (another writer's, within that margin) only costs the unique index's slower path.
 */
export class KnownIds {
	private readonly bySource = new Map<
		number,
		{ ids: Set<string>; trusted: boolean; checked: boolean; pending: number }
	>();
	constructor(private readonly limit = 2_000_000) {}

	private state(sourceId: number) {
		let state = this.bySource.get(sourceId);
		if (!state) {
			state = { ids: new Set(), trusted: true, checked: false, pending: 0 };
			this.bySource.set(sourceId, state);
		}
		return state;
	}

	/** A batch of at most `rows` new rows of the source starts being stored. */
	reserve(sourceId: number, rows: number): void {
		this.state(sourceId).pending += rows;
	}

	/** That batch is done: committed with the ids it `stored`, or not stored (null). */
	settle(sourceId: number, rows: number, stored: string[] | null): void {
		const state = this.state(sourceId);
		state.pending -= rows;
		if (!stored || !state.trusted) return;
		for (const id of stored) state.ids.add(id);
		if (state.ids.size > this.limit) this.forget(sourceId);
	}

	/** Ids among `ids` already stored, or null when the database must be asked. */
	async existing(tx: Queryable, sourceId: number, ids: string[]): Promise<Set<string> | null> {
		const total = await sourceImportedTotal(tx, sourceId);
		const state = this.state(sourceId);
		// The source held nothing before this run's first batch of it …
		if (!state.checked) state.trusted = total === 0;
		state.checked = true;
		// … and own batches committed but not yet settled are in `total`, not yet in `ids`.
		if (!state.trusted || total < state.ids.size || total > state.ids.size + state.pending) {
			state.trusted = false;
			state.ids.clear();
			return null;
		}
		const found = new Set<string>();
		for (const id of ids) if (state.ids.has(id)) found.add(id);
		return found;
	}

	forget(sourceId: number): void {
		const pending = this.bySource.get(sourceId)?.pending ?? 0;
		this.bySource.set(sourceId, { ids: new Set(), trusted: false, checked: true, pending });
	}
}

const NULL = '\\N';
const NO_CELLS: readonly string[] = SERVED_RESOLUTIONS.map(() => NULL);

interface PreparedRow {
	externalId: string;
	/** With an offence mapping: the offences of the incident in this batch (its own first), else null. */
	offences: string[] | null;
	/** Those offences as COPY lines of `OFFENCE_COPY_COLUMNS`. */
	offenceLines: string[];
	located: boolean;
	/** lon, lat and category of a located row (the dry run's sample points). */
	point: [number, number, string] | null;
	/** What the incident adds to the rollups once stored. */
	rollup: RollupInput;
	/** The incident as one COPY text line. */
	line: string;
}

/** What importing a file would do, without storing anything (the import page's dry run). */
export interface DryRunResult extends FileReport {
	file: string;
	source: string;
	/** The source exists already (duplicates and withdrawals are counted against what it holds). */
	sourceExists: boolean;
	total: number;
	imported: number;
	rejected: number;
	duplicate: number;
	filtered: number;
	retracted: number;
	withdrawn: number;
	merged: number;
	located: number;
	replaced: number;
	rejectReasons: Record<string, number>;
	/** The first rejected rows, with their reasons. */
	rejects: { row: number; field: string; reason: string }[];
	/** Up to `samplePoints` located rows: [lon, lat, category]. */
	points: [number, number, string][];
}

/**
 * Reads a file through the adapter exactly as `importFile` would — same parsing, reprojection,
 * extent checks, duplicates against the stored incidents — and reports the accounting without
 * writing anything (no source, batch, incident or rejection is created).
 */
export async function dryRunFile(
	db: Database,
	o: Pick<ImportFileOptions, 'file' | 'source' | 'open' | 'adapter'> & {
		samplePoints?: number;
		sampleRejects?: number;
	}
): Promise<DryRunResult> {
	const reader = await o.open(o.file);
	try {
		o.adapter.begin(reader.header, o.file);
	} catch (e) {
		await reader.close?.();
		throw e;
	}
	const stored = await findSource(db, o.source.name);
	const source = stored ?? { id: 0, name: o.source.name, timezone: o.source.timezone };
	const collector = new ReportCollector();
	const ctx: WriteContext = {
		knownIds: new KnownIds(),
		source,
		batchId: 0,
		file: basename(o.file),
		filePath: o.file,
		reprojector: new Reprojector(db),
		toDay: localDayFormatter(source.timezone),
		cellsOf: exactCellsCache(),
		collector
	};
	const r: DryRunResult = {
		file: basename(o.file),
		source: source.name,
		sourceExists: stored !== null,
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
		rejects: [],
		points: [],
		...collector.report()
	};
	const maxPoints = o.samplePoints ?? 500;
	const maxRejects = o.sampleRejects ?? 20;
	const seen = new Set<string>();
	const seenOffences = new Set<string>();
	const settle = async (b: Batch) => {
		const p = prepareBatch(b, ctx);
		const fresh = p.prepared.filter((x) => !seen.has(x.externalId));
		const existing = stored
			? await existingExternalIds(
					db,
					source.id,
					fresh.map((x) => x.externalId)
				)
			: new Set<string>();
		const late = p.retractions.filter((x) => !seen.has(x.inc.externalId));
		const withdrawable = stored
			? await existingExternalIds(
					db,
					source.id,
					late.map((x) => x.inc.externalId)
				)
			: new Set<string>();
		const rejects = [...p.rejects];
		for (const x of p.retractions) {
			if (withdrawable.has(x.inc.externalId) || seen.has(x.inc.externalId)) {
				r.withdrawn++;
				r.retracted++;
				seen.delete(x.inc.externalId);
			} else
				rejects.push({
					rowNumber: x.rowNumber,
					field: 'count',
					reason: `count -1 cancels id "${x.inc.externalId}", which is neither earlier in the file nor stored`,
					raw: x.raw
				});
		}
		r.total += p.rows;
		r.filtered += p.filtered;
		r.retracted += p.retracted;
		r.rejected += rejects.length;
		for (const x of rejects) {
			const k = reasonKey(x.field, x.reason);
			r.rejectReasons[k] = (r.rejectReasons[k] ?? 0) + 1;
			if (r.rejects.length < maxRejects)
				r.rejects.push({ row: x.rowNumber, field: x.field, reason: x.reason });
		}
		r.duplicate += p.duplicateInBatch;
		const storedOffences = stored
			? await existingOffences(
					db,
					source.id,
					p.prepared
						.filter((x) => x.offences && (existing.has(x.externalId) || seen.has(x.externalId)))
						.flatMap((x) => x.offences!.map((offence) => ({ externalId: x.externalId, offence })))
				)
			: new Set<string>();
		for (const x of p.prepared) {
			const isNew = !seen.has(x.externalId) && !existing.has(x.externalId);
			for (const [i, offence] of (x.offences ?? []).entries()) {
				const key = offenceKey(x.externalId, offence);
				if (isNew && i === 0) seenOffences.add(key);
				else if (storedOffences.has(key) || seenOffences.has(key)) r.duplicate++;
				else {
					seenOffences.add(key);
					r.merged++;
				}
			}
			if (!isNew) {
				if (!x.offences) r.duplicate++;
				continue;
			}
			seen.add(x.externalId);
			r.imported++;
			if (x.point) {
				r.located++;
				if (r.points.length < maxPoints) r.points.push(x.point);
			}
		}
	};
	try {
		let batch = emptyBatch();
		for await (const row of reader.rows) {
			batch.rows++;
			const oversized = oversizedRow(row.raw);
			let parsed: RowResult;
			if (oversized) parsed = { ok: false, reject: oversized.reject };
			else {
				try {
					parsed = o.adapter.parse(row);
				} catch (e) {
					parsed = { ok: false, reject: { field: '', reason: (e as Error).message } };
				}
			}
			addParsed(batch, parsed, row, oversized?.raw ?? row.raw, collector);
			if (parsed.ok && parsed.incident.projected)
				await ctx.reprojector.prepare(Reprojector.key(parsed.incident.projected), o.file);
			if (batch.rows >= 20_000) {
				await settle(batch);
				batch = emptyBatch();
			}
		}
		if (batch.rows > 0) await settle(batch);
	} finally {
		r.replaced = reader.replacedCharacters?.() ?? 0;
		await reader.close?.();
	}
	return { ...r, ...collector.report() };
}
