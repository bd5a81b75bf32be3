/**
 * Streaming CSV reader for every CSV-based adapter (a hand-written RFC 4180 parser, see parseRecords).
 *
 * - Never holds the file: rows are parsed from 64 KiB chunks with stream back-pressure.
 * - gzip (`.csv.gz`, or any file starting with the gzip magic bytes) is inflated on the fly.
 * - BOM stripped; CRLF, LF and CR line ends; quoted fields with embedded commas, quotes ("") and
 *   newlines; stray quotes inside unquoted fields are kept as text (`On or near "X" Road`).
 * - Header names are trimmed; empty names become `column_N`, repeated names get `_2`, `_3`, ...
 * - `rowNumber` is the CSV record number with the header as row 1 — what a spreadsheet shows. A quoted
 *   field with newlines does not advance it (one record = one spreadsheet row); blank lines do count as
 *   rows (as in a spreadsheet) but yield nothing.
 * - A row with the wrong number of columns is yielded with `problem` set (the adapter rejects it); extra
 *   trailing columns that are all empty are tolerated. An unterminated quote at the end of the file (a
 *   truncated download) becomes one problem row.
 * - A file that cannot be read at all throws ImportError: E_FILE_UNREADABLE (missing, a directory, no
 *   permission) or E_FORMAT (binary, UTF-16, empty, no header, corrupt gzip).
 */
import { createReadStream, type Stats } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { ImportError, type SourceRow } from './types';

export interface CsvOptions {
	/** Field delimiter; default ','. */
	delimiter?: string;
	/** Text encoding of the file; default 'utf8'. */
	encoding?: 'utf8' | 'latin1';
	/** Name used in error messages when the source is a stream. */
	name?: string;
}

export interface CsvFile {
	/** Header names, trimmed and made unique. */
	readonly header: string[];
	/** Data rows in file order; iterate once. */
	readonly rows: AsyncGenerator<SourceRow, void, undefined>;
	/** Bytes read from the source so far (compressed bytes for gzip), for progress bars. */
	bytesRead(): number;
	/** Size of the source file in bytes, when known. */
	readonly totalBytes: number | null;
	/**
	 * Invalid UTF-8 sequences read so far, each replaced by U+FFFD (a U+FFFD written in the file
	 * itself is not counted). Always 0 for latin1.
	 */
	replacedCharacters(): number;
	/** Stop reading and release the file (also done when `rows` finishes or is returned early). */
	close(): void;
}

/** Comparable form of a header name: lower case, letters and digits only ("Case Number" = "case_number"). */
export function headerKey(name: string): string {
	return name.toLowerCase().replace(/[^a-z0-9]/g, '');
}

/** The header name matching any candidate (compared with `headerKey`), or undefined. */
export function findColumn(header: readonly string[], ...candidates: string[]): string | undefined {
	for (const candidate of candidates) {
		const k = headerKey(candidate);
		const hit = header.find((h) => headerKey(h) === k);
		if (hit !== undefined) return hit;
	}
	return undefined;
}

const SNIFF_BYTES = 4096;

function looksBinary(chunk: Buffer): string | null {
	if (chunk[0] === 0xff && chunk[1] === 0xfe) return 'UTF-16 text (save it as UTF-8 CSV)';
	if (chunk[0] === 0xfe && chunk[1] === 0xff) return 'UTF-16 text (save it as UTF-8 CSV)';
	if (chunk[0] === 0x50 && chunk[1] === 0x4b) return 'a ZIP archive (unzip it first)';
	const n = Math.min(chunk.length, SNIFF_BYTES);
	for (let i = 0; i < n; i++) if (chunk[i] === 0) return 'binary data (contains NUL bytes)';
	return null;
}

function isGzip(chunk: Buffer): boolean {
	return chunk.length >= 2 && chunk[0] === 0x1f && chunk[1] === 0x8b;
}

/**
 * Reads the first chunk of a stream, then replays it ahead of the rest as a byte stream (pull-based,
 * so back-pressure still reaches the file) that counts the bytes it passes on.
 */
async function sniff(
	input: Readable
): Promise<{ first: Buffer | null; stream: Readable; bytes: () => number }> {
	const it = input[Symbol.asyncIterator]() as AsyncIterator<Buffer | string>;
	const head = await it.next();
	if (head.done) return { first: null, stream: input, bytes: () => 0 };
	const toBuffer = (c: Buffer | string) => (typeof c === 'string' ? Buffer.from(c) : c);
	const first = toBuffer(head.value);
	let bytes = 0;
	async function* replay() {
		bytes += first.length;
		yield first;
		for (;;) {
			const r = await it.next();
			if (r.done) return;
			const chunk = toBuffer(r.value);
			bytes += chunk.length;
			yield chunk;
		}
	}
	return { first, stream: Readable.from(replay(), { objectMode: false }), bytes: () => bytes };
}

type ParsedRecord = { record: string[]; raw: string };

/**
 * Opens a CSV file (path or stream) and reads up to its header.
 * @example
 * const csv = await openCsv('2021-08-kent-street.csv');
 * for await (const row of csv.rows) adapter.parse(row);
 */
export async function openCsv(
	source: string | Readable,
	options: CsvOptions = {}
): Promise<CsvFile> {
	const name = typeof source === 'string' ? source : (options.name ?? 'input');
	let input: Readable;
	let totalBytes: number | null = null;
	if (typeof source === 'string') {
		try {
			const st = await stat(source);
			const notFile = notRegularFile(st);
			if (notFile) throw new ImportError('E_FILE_UNREADABLE', notFile, name);
			totalBytes = st.size;
		} catch (err) {
			if (err instanceof ImportError) throw err;
			throw new ImportError('E_FILE_UNREADABLE', `cannot read file (${errorText(err)})`, name);
		}
		input = createReadStream(source, { highWaterMark: 64 * 1024 });
	} else {
		input = source;
	}

	let sniffed: Awaited<ReturnType<typeof sniff>>;
	try {
		sniffed = await sniff(input);
	} catch (err) {
		input.destroy();
		throw new ImportError('E_FILE_UNREADABLE', `cannot read file (${errorText(err)})`, name);
	}
	if (!sniffed.first || sniffed.first.length === 0) {
		input.destroy();
		throw new ImportError('E_FORMAT', 'file is empty (expected a CSV header row)', name);
	}

	const gzip = isGzip(sniffed.first);
	if (!gzip) {
		const binary = looksBinary(sniffed.first);
		if (binary) {
			input.destroy();
			throw new ImportError('E_FORMAT', `not a CSV file: looks like ${binary}`, name);
		}
	}
	// Errors the parser recovered from (only an unterminated quote at end of file in practice).
	const skipped: { raw: string; message: string }[] = [];
	let failure: unknown = null;
	const fail = (err: unknown) => {
		failure ??= err;
	};
	sniffed.stream.on('error', fail);
	let chain: Readable = sniffed.stream;
	if (gzip) {
		const gunzip = createGunzip();
		gunzip.on('error', (err) =>
			fail(new ImportError('E_FORMAT', `corrupt or truncated gzip data (${err.message})`, name))
		);
		chain = chain.pipe(gunzip);
	}

	const close = () => {
		sniffed.stream.destroy();
		input.destroy();
		chain.destroy();
	};

	const decoding = { replaced: 0 };
	const recordIter = parseRecords(
		chain,
		options.delimiter ?? ',',
		options.encoding ?? 'utf8',
		skipped,
		decoding
	);
	// Records are counted here:
	// with empty lines kept, every record, blank or not, is one spreadsheet row.
	let records = 0;
	const next = async (): Promise<ParsedRecord | null> => {
		try {
			const r = await recordIter.next();
			if (failure) throw failure;
			if (r.done) return null;
			// Also when the whole record happened to fit in what was read.
			if (r.value.raw.length > MAX_RECORD_CHARS) throw new RecordTooLong();
			return r.value;
		} catch (err) {
			close();
			if (err instanceof RecordTooLong && !failure) {
				throw new ImportError(
					'E_FORMAT',
					`row ${records + 1} is longer than ${MAX_RECORD_CHARS / 1024 / 1024} M characters: not a CSV row (binary data, or a quote that is never closed)`,
					name
				);
			}
			throw asImportError(failure ?? err, name);
		}
	};
	// Header: the first non-blank record.
	let headerRecord: ParsedRecord | null;
	do {
		headerRecord = await next();
		if (headerRecord) records++;
	} while (headerRecord && isBlank(headerRecord.record));
	if (!headerRecord) {
		close();
		if (skipped.length > 0)
			throw new ImportError('E_FORMAT', `no readable header row (${skipped[0].message})`, name);
		throw new ImportError('E_FORMAT', 'file has no header row (only blank lines)', name);
	}
	if (headerRecord.record.some((h) => h.includes('\u0000'))) {
		close();
		throw new ImportError('E_FORMAT', 'not a CSV file: the header contains binary data', name);
	}
	const header = uniqueHeader(headerRecord.record);
	const width = header.length;

	async function* rows(): AsyncGenerator<SourceRow, void, undefined> {
		try {
			for (;;) {
				const rec = await next();
				if (!rec) break;
				const rowNumber = ++records;
				if (isBlank(rec.record)) continue;
				yield toRow(rec, rowNumber, header, width);
			}
			// Recovered parse errors: in practice only an unterminated quote at the end of the file.
			while (skipped.length > 0) yield skippedRow(skipped.shift()!, ++records);
		} finally {
			close();
		}
	}

	return {
		header,
		rows: rows(),
		bytesRead: sniffed.bytes,
		totalBytes,
		replacedCharacters: () => decoding.replaced,
		close
	};
}

/**
 * Why a path that exists cannot be imported as a file, or null for a regular file. A named pipe would
 * block the reader until something writes to it; devices and sockets are not data files either.
 * @example notRegularFile(statSync('/tmp')) // "is a directory, not a file"
 */
export function notRegularFile(st: Stats): string | null {
	if (st.isFile()) return null;
	if (st.isDirectory()) return 'is a directory, not a file';
	const kind = st.isFIFO()
		? 'a named pipe (FIFO)'
		: st.isSocket()
			? 'a socket'
			: st.isCharacterDevice() || st.isBlockDevice()
				? 'a device'
				: 'not a regular file';
	return `is ${kind}, not a regular file: refused (it could block the import; copy the data to a file)`;
}

const REPLACEMENT_BYTES = Buffer.from([0xef, 0xbf, 0xbd]);

/** Occurrences of `needle` in `hay`. */
function countOf(hay: string, needle: string): number {
	let n = 0;
	for (let i = hay.indexOf(needle); i !== -1; i = hay.indexOf(needle, i + needle.length)) n++;
	return n;
}

const QUOTE = 34;
const CR = 13;
const LF = 10;
/** A record longer than this is not a CSV row (a binary file, or a quote left open by mistake). */
export const MAX_RECORD_CHARS = 16 * 1024 * 1024;

/**
 * RFC 4180 records from a byte stream, with the tolerance of real exports: CRLF, LF or CR line ends;
 * quoted fields with "" escapes and embedded line breaks; a quote inside an unquoted field kept as
 * text; an unterminated quote at the end reported through `skipped`. Each record comes with its raw
 * text. Hand-written because it is the hot loop of every import (several times faster than csv-parse).
 */
async function* parseRecords(
	stream: Readable,
	delimiter: string,
	encoding: 'utf8' | 'latin1',
	skipped: { raw: string; message: string }[],
	decoding: { replaced: number }
): AsyncGenerator<ParsedRecord, void, undefined> {
	const decoder = new TextDecoder(encoding === 'latin1' ? 'latin1' : 'utf-8');
	// U+FFFD in the text that the bytes did not spell (EF BF BD): what the decoder substituted.
	let carry = Buffer.alloc(0);
	const decode = (chunk?: Buffer): string => {
		const text = chunk ? decoder.decode(chunk, { stream: true }) : decoder.decode();
		if (encoding === 'utf8') {
			let genuine = 0;
			if (chunk) {
				const joined = carry.length ? Buffer.concat([carry, chunk]) : chunk;
				for (
					let i = joined.indexOf(REPLACEMENT_BYTES);
					i !== -1;
					i = joined.indexOf(REPLACEMENT_BYTES, i + 3)
				)
					genuine++;
				carry = Buffer.from(joined.subarray(Math.max(0, joined.length - 2)));
			}
			decoding.replaced += countOf(text, '\uFFFD') - genuine;
		}
		return text;
	};
	const delim = delimiter.charCodeAt(0);
	let buf = '';
	let first = true;
	let eof = false;
	// Characters to hold before parsing again: twice the unfinished record, so a very long record is
	// scanned a logarithmic number of times instead of once per chunk (quadratic: a 16 M line took
	// 18 s).
	let wanted = 0;
	const chunks = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
	for (;;) {
		while (!eof) {
			const r = await chunks.next();
			if (r.done) {
				eof = true;
				buf += decode();
			} else {
				buf += decode(r.value);
			}
			if (first && buf.length > 0) {
				if (buf.charCodeAt(0) === 0xfeff) buf = buf.slice(1);
				first = false;
			}
			if (buf.length >= wanted) break;
		}
		const len = buf.length;
		let s = 0; // start of the record being parsed
		records: while (s < len) {
			const record: string[] = [];
			let i = s;
			for (;;) {
				// One field starting at i.
				if (i >= len) {
					if (!eof) break records; // need more data
					record.push('');
					yield { record, raw: buf.slice(s, i) };
					s = i;
					break;
				}
				let c = buf.charCodeAt(i);
				let value: string;
				if (c === QUOTE) {
					let j = i + 1;
					let escaped = false;
					let k: number;
					for (;;) {
						k = buf.indexOf('"', j);
						if (k === -1 || (k + 1 >= len && !eof)) {
							if (!eof) break records;
							if (k === -1) {
								skipped.push({ raw: buf.slice(s), message: 'Quote Not Closed' });
								s = len;
								break records;
							}
						}
						if (buf.charCodeAt(k + 1) === QUOTE) {
							escaped = true;
							j = k + 2;
							continue;
						}
						break;
					}
					value = buf.slice(i + 1, k);
					if (escaped) value = value.replace(/""/g, '"');
					i = k + 1;
					// Text between the closing quote and the delimiter is kept (relaxed quoting).
					const after = i;
					while (i < len) {
						c = buf.charCodeAt(i);
						if (c === delim || c === CR || c === LF) break;
						i++;
					}
					if (i >= len && !eof) break records;
					if (i > after) value += buf.slice(after, i);
				} else {
					const from = i;
					while (i < len) {
						c = buf.charCodeAt(i);
						if (c === delim || c === CR || c === LF) break;
						i++;
					}
					if (i >= len && !eof) break records;
					value = buf.slice(from, i);
				}
				record.push(value);
				if (i >= len) {
					yield { record, raw: buf.slice(s, i) };
					s = i;
					break;
				}
				c = buf.charCodeAt(i);
				if (c === delim) {
					i++;
					continue;
				}
				// End of line: CRLF, LF or a lone CR.
				if (c === CR) {
					if (i + 1 >= len && !eof) break records;
					i += buf.charCodeAt(i + 1) === LF ? 2 : 1;
				} else i++;
				yield { record, raw: buf.slice(s, i) };
				s = i;
				break;
			}
		}
		buf = s > 0 ? buf.slice(s) : buf;
		if (eof) {
			if (buf.length > 0 && s === 0 && skipped.length === 0) {
				// Cannot happen: at end of input every remaining character belongs to a record.
				yield { record: [buf], raw: buf };
			}
			return;
		}
		if (buf.length > MAX_RECORD_CHARS) throw new RecordTooLong();
		wanted = Math.min(2 * buf.length, MAX_RECORD_CHARS + 1);
	}
}

/** A record over MAX_RECORD_CHARS: openCsv reports it with the file and row. */
class RecordTooLong extends Error {}

function isBlank(record: string[]): boolean {
	return record.length === 0 || (record.length === 1 && record[0].trim() === '');
}

function uniqueHeader(record: string[]): string[] {
	const seen = new Map<string, number>();
	return record.map((raw, i) => {
		let name = raw.trim() || `column_${i + 1}`;
		const count = (seen.get(name) ?? 0) + 1;
		seen.set(name, count);
		if (count > 1) name = `${name}_${count}`;
		return name;
	});
}

function stripLineEnd(raw: string): string {
	return raw.replace(/^[\r\n]+/, '').replace(/[\r\n]+$/, '');
}

function toRow(rec: ParsedRecord, rowNumber: number, header: string[], width: number): SourceRow {
	const values: Record<string, string> = {};
	const n = Math.min(width, rec.record.length);
	for (let i = 0; i < n; i++) values[header[i]] = rec.record[i];
	const row: SourceRow = { rowNumber, values, raw: stripLineEnd(rec.raw) };
	const found = rec.record.length;
	if (found < width || (found > width && rec.record.slice(width).some((v) => v.trim() !== ''))) {
		row.problem = {
			field: '',
			reason: `wrong number of columns: expected ${width}, found ${found}`
		};
	}
	return row;
}

function skippedRow(skip: { raw: string; message: string }, rowNumber: number): SourceRow {
	const truncated = /quote not closed/i.test(skip.message);
	return {
		rowNumber,
		values: {},
		raw: stripLineEnd(skip.raw),
		problem: {
			field: '',
			reason: truncated
				? 'unterminated quoted field at end of file (is the file truncated?)'
				: `malformed CSV: ${skip.message}`
		}
	};
}

function errorText(err: unknown): string {
	if (err && typeof err === 'object' && 'code' in err && typeof err.code === 'string') {
		const code = err.code;
		if (code === 'ENOENT') return 'no such file';
		if (code === 'EACCES') return 'permission denied';
		if (code === 'EISDIR') return 'is a directory';
		return `${code}: ${String((err as { message?: unknown }).message)}`;
	}
	return err instanceof Error ? err.message : String(err);
}

function asImportError(err: unknown, name: string): ImportError {
	if (err instanceof ImportError) return err;
	const code =
		err && typeof err === 'object' && 'code' in err && typeof err.code === 'string' ? err.code : '';
	if (code.startsWith('E') && !code.startsWith('ERR_') && code !== 'CSV')
		return new ImportError('E_FILE_UNREADABLE', `read failed (${errorText(err)})`, name);
	return new ImportError('E_FORMAT', `cannot parse CSV (${errorText(err)})`, name);
}
