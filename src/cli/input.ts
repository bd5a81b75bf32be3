/**
 * What the file-reading commands share: their options parsed with usage errors, and a CSV file (or
 * gzip-compressed CSV) read into records that know their line numbers.
 */
import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { parse } from 'csv-parse/sync';
import { UsageError } from './main';

/** `parseArgs` (strict) whose mistakes are usage errors (exit 2, no stack trace). */
export function parseOptions<const O extends NonNullable<ParseArgsConfig['options']>>(
	args: string[],
	options: O
) {
	try {
		return parseArgs({ args, options, strict: true, allowPositionals: false }).values;
	} catch (e) {
		throw new UsageError((e as Error).message);
	}
}

/** A file's bytes, gunzipped when they are gzip; an unreadable file is a usage error. */
export async function readInputFile(file: string): Promise<Buffer> {
	let buf: Buffer;
	try {
		buf = await readFile(file);
	} catch (e) {
		throw new UsageError(`cannot read ${file}: ${(e as Error).message}`);
	}
	return buf[0] === 0x1f && buf[1] === 0x8b ? gunzipSync(buf) : buf;
}

export interface CsvRecord {
	record: string[];
	/** `info.lines`: the file line the record ends on (1-based). */
	info: { lines: number };
}

/** The records of a CSV file (ragged rows allowed, empty lines skipped, BOM removed). */
export async function readCsvRecords(
	file: string,
	opts: { trim?: boolean } = {}
): Promise<CsvRecord[]> {
	const text = (await readInputFile(file)).toString('utf8');
	try {
		return parse(text, {
			relax_column_count: true,
			skip_empty_lines: true,
			trim: opts.trim ?? false,
			bom: true,
			info: true
		}) as unknown as CsvRecord[];
	} catch (e) {
		throw new UsageError(`${file} is not a readable CSV: ${(e as Error).message}`);
	}
}
