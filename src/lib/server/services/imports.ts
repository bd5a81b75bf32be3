/**
 * Import in the browser (issue 15): an analyst uploads a file, gets a proposed mapping (or the one
 * kept for the source), dry-runs it — the accounting, reasons, sample points and unmapped categories,
 * nothing stored — and then imports it in the background while the page polls the progress. The
 * mapping of a successful import is kept for the source's next file (`importPaths` stores it).
 *
 * Uploads wait in a folder of their own under the system temp dir, named by a random token, for
 * `UPLOAD_TTL_MS`; imports run one per upload, and their progress lives in this process.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DryRun, ImportRun, UploadProposal } from '../../contracts/imports';
import type { Database } from '../db/client';
import { sourceMappings } from '../db/queries/ingest';
import { newestAttributeKeys } from '../db/queries/incidents';
import type { AuditActor, AuditOrigin } from '../auth/audit';
import { createAdapter } from '../ingest/adapters';
import { openCsv } from '../ingest/csv';
import { defaultSource, importPaths } from '../ingest/import';
import { parseMapping } from '../ingest/mapping';
import { proposeMapping } from '../ingest/propose';
import { dryRunFile } from '../ingest/runner';
import { ImportError } from '../ingest/types';
import { headerKey } from '../ingest/csv';

/** How long an uploaded file is kept for its dry run and import. */
export const UPLOAD_TTL_MS = 6 * 3_600_000;
/** Rows read to propose a mapping. */
const PROPOSAL_ROWS = 500;
const UPLOAD_NAME = /^[\w .()-]{1,120}\.(csv|tsv|txt)$/i;

function uploadDir(): string {
	const dir = join(process.env.BEATWISE_UPLOAD_DIR ?? join(tmpdir(), 'beatwise-uploads'));
	mkdirSync(dir, { recursive: true, mode: 0o700 });
	return dir;
}

interface UploadMeta {
	name: string;
	userId: number;
	bytes: number;
}

/** A problem with the request an analyst can fix: the route answers 400 with the message. */
export class ImportRequestError extends Error {}

function removeExpired(dir: string): void {
	const now = Date.now();
	for (const name of readdirSync(dir)) {
		try {
			if (now - statSync(join(dir, name)).mtimeMs > UPLOAD_TTL_MS) rmSync(join(dir, name));
		} catch {
			// Removed meanwhile by another request.
		}
	}
}

/** Keeps an uploaded CSV for its dry run and import; returns its token. */
export function saveUpload(userId: number, name: string, data: Uint8Array): string {
	const clean = name.replace(/^.*[\\/]/, '').trim();
	if (!UPLOAD_NAME.test(clean))
		throw new ImportRequestError(
			`file: "${clean.slice(0, 80)}" is not a CSV file name (.csv, .tsv or .txt, letters, digits, spaces and . _ ( ) - only)`
		);
	if (data.byteLength === 0) throw new ImportRequestError(`file: "${clean}" is empty`);
	const dir = uploadDir();
	removeExpired(dir);
	const token = randomBytes(16).toString('hex');
	writeFileSync(join(dir, `${token}.data`), data, { mode: 0o600 });
	const meta: UploadMeta = { name: clean, userId, bytes: data.byteLength };
	writeFileSync(join(dir, `${token}.json`), JSON.stringify(meta), { mode: 0o600 });
	return token;
}

/** The stored upload of this user, as a path whose name ends with the original file name. */
function upload(userId: number, token: string): { path: string; meta: UploadMeta } {
	if (!/^[0-9a-f]{32}$/.test(token)) throw new ImportRequestError('token: not an upload token');
	const dir = uploadDir();
	let meta: UploadMeta;
	try {
		meta = JSON.parse(readFileSync(join(dir, `${token}.json`), 'utf8')) as UploadMeta;
	} catch {
		throw new ImportRequestError(
			'token: the upload has expired or does not exist; upload the file again'
		);
	}
	if (meta.userId !== userId)
		throw new ImportRequestError(
			'token: the upload has expired or does not exist; upload the file again'
		);
	// The runner names the file in rejections and the source by its name: link it under that name.
	const named = join(dir, token, meta.name);
	try {
		statSync(named);
	} catch {
		mkdirSync(join(dir, token), { recursive: true, mode: 0o700 });
		writeFileSync(named, readFileSync(join(dir, `${token}.data`)), { mode: 0o600 });
	}
	return { path: named, meta };
}

/** Header, sample rows and a proposed mapping (or the kept mapping of a source that fits). */
export async function proposeForUpload(
	db: Database,
	userId: number,
	token: string
): Promise<UploadProposal> {
	const { path, meta } = upload(userId, token);
	const csv = await openCsv(path, {
		delimiter: meta.name.toLowerCase().endsWith('.tsv') ? '\t' : ','
	});
	const rows: Record<string, string>[] = [];
	try {
		for await (const row of csv.rows) {
			if (!row.problem) rows.push(row.values);
			if (rows.length >= PROPOSAL_ROWS) break;
		}
	} finally {
		csv.close();
	}
	const source = meta.name.replace(/\.(csv|tsv|txt)$/i, '');
	const proposal = proposeMapping(csv.header, rows, source);
	const keys = new Set(csv.header.map(headerKey));
	// A kept mapping fits when the file has every column it reads, and those columns (with the
	// attribute columns its source's last file had, for a mapping that keeps every other column) are
	// most of this file's: a mapping of date/lat/lon alone must not claim every file with those three.
	// Of several that fit, the one that knows the largest share of the file's columns.
	let saved: UploadProposal['saved'] = null;
	let best = 0;
	for (const m of await sourceMappings(db)) {
		if (m.format !== 'csv') continue;
		const read = mappingColumns(m.mapping);
		if (!read || read.named.length === 0) continue;
		if (!read.named.every((alternatives) => alternatives.some((c) => keys.has(headerKey(c)))))
			continue;
		const known = new Set(read.named.flat().map(headerKey));
		if (read.keepsOthers)
			for (const k of await newestAttributeKeys(db, m.source)) known.add(headerKey(k));
		const share = [...keys].filter((k) => known.has(k)).length / keys.size;
		const needed = read.keepsOthers ? KNOWN_SHARE : READ_SHARE;
		if (share >= needed && share > best) {
			saved = { source: m.source, mapping: m.mapping };
			best = share;
		}
	}
	return { ...proposal, token, file: meta.name, bytes: meta.bytes, saved };
}

/**
 * Least share of an upload's columns a kept mapping must know to be proposed for it: more than half
 * read by its fields when it lists its attribute columns; four in five, counting the attribute columns
 * of its source's last file (blank ones are not kept, so a few may be missing), when it keeps them all.
 */
const READ_SHARE = 0.51;
const KNOWN_SHARE = 0.8;

/** The columns a stored mapping reads (each with its alternative spellings), and whether it keeps
 * every other column as an attribute; null for a mapping that no longer parses. */
function mappingColumns(mapping: unknown): { named: string[][]; keepsOthers: boolean } | null {
	try {
		const m = parseMapping(mapping);
		const alt = (c: string) => [c, ...(m.columns?.[c] ?? [])];
		const list = (v: string | string[] | undefined) =>
			v === undefined ? [] : Array.isArray(v) ? v : [v];
		const cols = [
			...list(m.id),
			...(m.time.columns ?? [m.time.column!]),
			...(m.category.column ? [m.category.column] : []),
			...(m.location?.lon ? [m.location.lon, m.location.lat!] : []),
			...(m.location?.x ? [m.location.x, m.location.y!] : []),
			...list(m.location?.text),
			...list(m.offence),
			...(Array.isArray(m.attributes) ? m.attributes : [])
		];
		return { named: [...new Set(cols)].map(alt), keepsOthers: m.attributes === 'all' };
	} catch {
		return null;
	}
}

function parsedMapping(text: string): unknown {
	try {
		return JSON.parse(text);
	} catch (e) {
		throw new ImportRequestError(`mapping: not JSON: ${(e as Error).message}`);
	}
}

/** What importing the upload with this mapping would do; nothing is stored. */
export async function dryRunUpload(
	db: Database,
	userId: number,
	token: string,
	mappingText: string
): Promise<DryRun> {
	const { path } = upload(userId, token);
	const json = parsedMapping(mappingText);
	const mapping = parseMapping(json, 'mapping');
	return dryRunFile(db, {
		file: path,
		source: defaultSource('csv', path, mapping),
		open: (f) => openCsv(f, { delimiter: mapping.csv?.delimiter, encoding: mapping.csv?.encoding }),
		adapter: createAdapter('csv', { mapping: json, file: path, mappingFile: 'mapping' })
	});
}

/** An import as this process keeps it: the answer (`contracts/imports.ts`) and whose it is. */
interface ImportRunRecord extends ImportRun {
	userId: number;
}

const runs = new Map<string, ImportRunRecord>();

/** What the API shows of an import: everything but its owner. */
function runView({ userId: _owner, ...run }: ImportRunRecord): ImportRun {
	return run;
}

/** Starts importing the upload in the background; poll `importRun` for progress. */
export function startUploadImport(
	db: Database,
	who: { actor: AuditActor & { id: number }; origin: AuditOrigin },
	token: string,
	mappingText: string
): ImportRun {
	const { path, meta } = upload(who.actor.id, token);
	const json = parsedMapping(mappingText);
	parseMapping(json, 'mapping');
	const existing = runs.get(token);
	if (existing?.status === 'running')
		throw new ImportRequestError('token: this upload is being imported already');
	const run: ImportRunRecord = {
		id: token,
		userId: who.actor.id,
		file: meta.name,
		status: 'running',
		progress: 0,
		rows: 0,
		summary: null,
		error: null
	};
	runs.set(token, run);
	void importPaths(db, {
		inputs: [path],
		format: 'csv',
		mapping: json,
		mappingFile: 'mapping',
		actor: who.actor,
		origin: who.origin,
		onProgress: (p) => {
			run.progress = p.bytesTotal ? p.bytesRead / p.bytesTotal : 0;
			run.rows = p.rows;
		}
	})
		.then((summary) => {
			run.summary = summary;
			run.progress = 1;
			run.rows = summary.total;
			run.status = summary.failed.length ? 'failed' : 'complete';
			run.error = summary.failed[0]?.message ?? null;
		})
		.catch((e: unknown) => {
			run.status = 'failed';
			run.error = e instanceof ImportError || e instanceof Error ? e.message : String(e);
		});
	return runView(run);
}

/** The user's import of this upload, or null. */
export function importRun(userId: number, id: string): ImportRun | null {
	const run = runs.get(id);
	return run && run.userId === userId ? runView(run) : null;
}

/** Sources whose mapping is kept, for the page's list. */
export async function keptMappings(db: Database) {
	return (await sourceMappings(db)).map((m) => ({
		source: m.source,
		format: m.format,
		updatedAt: m.updatedAt.toISOString()
	}));
}
