/** Option parsing and CSV input shared by the file-based commands; failures become usage errors. */
import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { parse } from 'csv-parse/sync';
import { UsageError } from './main';

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * The values of `args` for these options; unknown options and missing values are usage errors.
 *
 * @example
 * parseOptions(['--k', '2'], { k: { type: 'string' } }); // { k: '2' }
 */
export function parseOptions<O extends Options>(args: string[], options: O) {
	try {
		return parseArgs<{ args: string[]; options: O }>({ args, options }).values;
	} catch (e) {
		throw new UsageError((e as Error).message);
	}
}

export interface CsvRecord {
	record: string[];
	/** Line number of the record's last line in the file (1-based). */
	info: { lines: number };
}

/**
 * Every record of a CSV file (gzip-compressed or not), with its line number; unreadable files and
 * malformed CSV are usage errors that name the file.
 */
export async function readCsvRecords(path: string, { trim = false } = {}): Promise<CsvRecord[]> {
	let buf: Buffer;
	try {
		buf = await readFile(path);
	} catch (e) {
		throw new UsageError(`cannot read ${path}: ${(e as Error).message}`);
	}
	if (buf[0] === 0x1f && buf[1] === 0x8b) buf = gunzipSync(buf);
	try {
		return parse(buf.toString('utf8'), {
			relax_column_count: true,
			skip_empty_lines: true,
			trim,
			bom: true,
			info: true
		}) as unknown as CsvRecord[];
	} catch (e) {
		throw new UsageError(`${path}: not a readable CSV: ${(e as Error).message}`);
	}
}
