/**
 * The batch runner: reads a file through a format adapter, assigns H3 cells, and stores incidents,
 * rejections and rollup counts one transaction per batch. Every row is accounted for:
 * total = imported + rejected + duplicate. Re-importing a file adds nothing, because
 * `(source_id, external_id)` is unique and ids already stored count as duplicates.
 */
import { createHash } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';
import { basename } from 'node:path';
import proj4 from 'proj4';
import type { Database, Queryable } from '../db/client';
import {
	addBatchCounts,
	addCoverage,
	addRollupCounts,
	copyIncidents,
	copyRejects,
	createBatch,
	ensureSource,
	existingExternalIds,
	finishBatch,
	lockSourceForBatch,
	sourceImportedTotal,
	insertStagedIncidents,
	takeOverRollupInserts,
	touchBatch,
	proj4ForSrid,
	type SourceRecord,
	type SourceSpec
} from '../db/queries/ingest';
import { exactCells, localDayFormatter, SERVED_MAX_RES, SERVED_RESOLUTIONS } from '../cell-keys';
import { attributesJson, copyField, pointEwkbHex } from './copy-text';
import { ROLLUP_COUNT_COLUMNS, rollupCountsText, type RollupInput } from './rollup-counts';
import {
	CoverageCollector,
	coverageFootprint,
	coveragePeriodOf,
	type CoverageDelta
} from './coverage';
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

export interface FileImportResult {
	file: string;
	batchId: number;
	source: string;
	total: number;
	imported: number;
	rejected: number;
	duplicate: number;
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

/** Reprojection through the definitions PostGIS itself holds in spatial_ref_sys. */
class Reprojector {
	private readonly converters = new Map<number, proj4.Converter>();
	constructor(private readonly db: Database) {}

	async prepare(srid: number, file: string): Promise<void> {
		if (this.converters.has(srid)) return;
		const def = await proj4ForSrid(this.db, srid);
		if (!def) {
			throw new ImportError(
				'E_CRS',
				`EPSG:${srid} is not a coordinate reference system PostGIS knows (spatial_ref_sys)`,
				file
			);
		}
		this.converters.set(srid, proj4(def, 'EPSG:4326'));
	}

	toLonLat(x: number, y: number, srid: number): [number, number] {
		return this.converters.get(srid)!.forward([x, y]) as [number, number];
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
}

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
		total: 0,
		imported: 0,
		rejected: 0,
		duplicate: 0,
		rejectReasons: {},
		located: 0,
		replaced: 0,
		seconds: 0
	};
	const stopHeartbeat = heartbeat(db, batchId);
	const reprojector = new Reprojector(db);
	const toDay = localDayFormatter(source.timezone);
	const batchSize = o.batchSize ?? 20_000;
	let batch: Batch = { rows: 0, incidents: [], rejects: [] };
	let pending: Promise<void> | null = null;
	const fileLabel = basename(o.file);

	const ctx: WriteContext = {
		knownIds: o.knownIds ?? new KnownIds(),
		source,
		batchId,
		file: fileLabel,
		reprojector,
		toDay,
		filePath: o.file
	};
	const store = async (b: PreparedBatch) => {
		const counts = await storeBatch(db, b, ctx);
		result.total += b.rows;
		result.imported += counts.imported;
		result.duplicate += counts.duplicate;
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
			if (parsed.ok) batch.incidents.push({ inc: parsed.incident, rowNumber: row.rowNumber, raw });
			else
				batch.rejects.push({
					rowNumber: row.rowNumber,
					raw,
					field: parsed.reject.field,
					reason: shortReason(parsed.reject.reason)
				});
			if (parsed.ok && parsed.incident.projected) {
				await reprojector.prepare(parsed.incident.projected.srid, o.file);
			}
			if (batch.rows >= batchSize) {
				// Read and prepare the next batch while this one is stored (the server works in parallel).
				const ready = prepareBatch(batch, ctx);
				batch = { rows: 0, incidents: [], rejects: [] };
				if (pending) await pending;
				pending = store(ready);
			}
		}
		const last = batch.rows > 0 ? prepareBatch(batch, ctx) : null;
		o.onReadDone?.();
		if (pending) await pending;
		pending = null;
		if (last) await store(last);
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
}

interface WriteCounts {
	imported: number;
	duplicate: number;
	located: number;
	rejects: PendingReject[];
}

/** A batch turned into COPY lines: pure JS, done while the previous batch is being stored. */
interface PreparedBatch {
	rows: number;
	/** Rows repeated within this batch (same id twice). */
	duplicateInBatch: number;
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
	// Within-batch duplicates first (same id twice in one file), then ids already stored.
	const seen = new Set<string>();
	let duplicate = 0;
	const fresh: Parsed[] = [];
	for (const p of b.incidents) {
		if (seen.has(p.inc.externalId)) duplicate++;
		else {
			seen.add(p.inc.externalId);
			fresh.push(p);
		}
	}

	// Prepare every row outside the transaction: reprojection, range checks, H3 cells, local day.
	const rows: PreparedRow[] = [];
	const coverage = new CoverageCollector();
	for (const { inc, rowNumber, raw } of fresh) {
		let lon = inc.lon;
		let lat = inc.lat;
		if (inc.projected) {
			[lon, lat] = ctx.reprojector.toLonLat(inc.projected.x, inc.projected.y, inc.projected.srid);
			const w = inc.projected.within;
			if (w && !(lon >= w.west && lon <= w.east && lat >= w.south && lat <= w.north)) {
				rejects.push({
					rowNumber,
					field: w.field,
					reason: `${inc.projected.x}, ${inc.projected.y} (EPSG:${inc.projected.srid}) lies outside ${w.area}: reprojected to ${lon}, ${lat}`,
					raw
				});
				continue;
			}
		}
		let geom = NULL;
		let cells: string[] | null = null;
		if (lon !== null && lat !== null) {
			if (!(
				Number.isFinite(lon) &&
				Number.isFinite(lat) &&
				Math.abs(lat) <= 90 &&
				Math.abs(lon) <= 180
			)) {
				rejects.push({
					rowNumber,
					field: inc.projected ? 'x/y' : 'longitude/latitude',
					reason: `coordinates ${lon}, ${lat} are outside the valid range after reprojection`,
					raw
				});
				continue;
			}
			geom = pointEwkbHex(lon, lat);
			cells = exactCells(lat, lon);
		}
		const day = ctx.toDay(inc.occurredFrom);
		const finest = cells ? BigInt(cells[cells.length - 1]).toString(16) : null;
		coverage.add(coveragePeriodOf(day, ctx.toDay(inc.occurredTo)), coverageFootprint(finest));
		rows.push({
			externalId: inc.externalId,
			located: cells !== null,
			rollup: { cells, day, category: inc.category, sensitive: inc.sensitive },
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
	const rejectText = rejects.length
		? rejects
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
		: '';

	return {
		rows: b.rows,
		duplicateInBatch: duplicate,
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

async function storeBatch(db: Database, p: PreparedBatch, ctx: WriteContext): Promise<WriteCounts> {
	const { prepared: rows, rejects, rejectText } = p;
	const finish = async (tx: Queryable, inserted: number, located: number) => {
		// Rows already stored (an earlier import, or an earlier batch of this file) are duplicates.
		const dup = p.duplicateInBatch + rows.length - inserted;
		await copyRejects(tx, rejectText);
		await addCoverage(tx, ctx.source.id, p.coverage);
		await addBatchCounts(tx, ctx.batchId, {
			total: p.rows,
			imported: inserted,
			rejected: rejects.length,
			duplicate: dup
		});
		return { imported: inserted, duplicate: dup, located, rejects };
	};

	try {
		// Fast path: find the ids already stored, COPY the rest straight into incidents, add their
		// counts to the rollup.
		return await db
			.transaction(async (tx) => {
				// Imports of the same source take turns per batch, so the check below cannot race.
				await lockSourceForBatch(tx, ctx.source.id);
				const ids = rows.map((r) => r.externalId);
				const existing =
					(await ctx.knownIds.existing(tx, ctx.source.id, ids)) ??
					(await existingExternalIds(tx, ctx.source.id, ids));
				const fresh = existing.size ? rows.filter((r) => !existing.has(r.externalId)) : rows;
				// This transaction adds exactly the copied rows to the rollups, summed beforehand, in one
				// upsert (the insert trigger, which would group them again, leaves them to it).
				await takeOverRollupInserts(tx);
				await copyIncidents(tx, fresh.length ? fresh.map((r) => r.line).join('\n') + '\n' : '');
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
				const counts = await finish(tx, fresh.length, fresh.filter((r) => r.located).length);
				return { ...counts, stored: fresh.map((r) => r.externalId) };
			})
			.then(({ stored, ...counts }) => {
				ctx.knownIds.add(ctx.source.id, stored);
				return counts;
			});
	} catch (e) {
		if ((e as { code?: string }).code !== '23505') throw e;
		// A writer outside Beatwise's import stored some of these ids meanwhile: let the unique
		// index decide row by row (slower, race-free).
		ctx.knownIds.forget(ctx.source.id);
		return db.transaction(async (tx) => {
			const text = rows.map((r) => r.line).join('\n');
			const { inserted, located } = await insertStagedIncidents(tx, text ? text + '\n' : '');
			return finish(tx, inserted, located);
		});
	}
}

/**
 * External ids this run stored, per source, so a first load of a source does not probe the unique
 * index for every row. Trusted only while the source's stored total (sum of its batches' imported
 * counts, kept in the same transactions as the rows) equals what this run stored on top of an empty
 * source; otherwise (rows from before the run, another writer, too many ids) the database decides.
 */
export class KnownIds {
	private readonly bySource = new Map<number, { ids: Set<string>; trusted: boolean }>();
	constructor(private readonly limit = 2_000_000) {}

	/** Ids among `ids` already stored, or null when the database must be asked. */
	async existing(tx: Queryable, sourceId: number, ids: string[]): Promise<Set<string> | null> {
		const total = await sourceImportedTotal(tx, sourceId);
		let state = this.bySource.get(sourceId);
		if (!state) {
			state = { ids: new Set(), trusted: total === 0 };
			this.bySource.set(sourceId, state);
		}
		if (!state.trusted || total !== state.ids.size) {
			state.trusted = false;
			state.ids.clear();
			return null;
		}
		const found = new Set<string>();
		for (const id of ids) if (state.ids.has(id)) found.add(id);
		return found;
	}

	add(sourceId: number, ids: string[]): void {
		const state = this.bySource.get(sourceId);
		if (!state?.trusted) return;
		for (const id of ids) state.ids.add(id);
		if (state.ids.size > this.limit) this.forget(sourceId);
	}

	forget(sourceId: number): void {
		this.bySource.set(sourceId, { ids: new Set(), trusted: false });
	}
}

const NULL = '\\N';
const NO_CELLS: readonly string[] = SERVED_RESOLUTIONS.map(() => NULL);

interface PreparedRow {
	externalId: string;
	located: boolean;
	/** What the incident adds to the rollups once stored. */
	rollup: RollupInput;
	/** The incident as one COPY text line. */
	line: string;
}
