import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { isValidCell } from 'h3-js';
import { parse } from 'csv-parse/sync';
import { UsageError, type CliIo } from '../main';
import { parseOptions } from '../options';
import { getisOrdH3 } from '../../lib/server/analysis/getis-ord';

export const summary = 'Getis-Ord Gi* hot spots of H3 cell counts from a CSV file (no database)';

const HELP = `Usage: beatwise gistar --input cells.csv [--k 1] [--alpha 0.10] [--no-fdr]

Reads "cell,count" rows (H3 index strings; a header row is optional; "-" reads stdin; .gz accepted).
The study area is exactly the cells in the file: list cells with no incidents as 0, or they are not
part of the analysis. Neighbours are gridDisk(cell, k) within the study area, the cell itself included,
binary weights (Gi* as in R spdep localG with include.self, and ArcGIS Hot Spot Analysis).

Writes CSV to stdout: cell,count,gistar_z,p,p_fdr,bin
  gistar_z  Gi* z-score         p      two-sided normal p-value
  p_fdr     Benjamini–Hochberg adjusted p (empty with --no-fdr)
  bin       ±3 / ±2 / ±1 for 99 / 95 / 90 % confidence (decided on p_fdr, or p with --no-fdr),
            0 otherwise or when that p is not below --alpha

Options:
  --input FILE   the cell,count CSV (required)
  --k N          neighbourhood grid distance (default 1)
  --alpha A      largest p that gets a non-zero bin (default 0.10: all three levels)
  --no-fdr       bin on the unadjusted p-values`;

/** Parse "cell,count" rows; every problem names its line. */
export function parseCellCounts(text: string): { cells: string[]; counts: number[] } {
	const records = parse(text, {
		relax_column_count: true,
		skip_empty_lines: true,
		trim: true,
		bom: true,
		info: true
	}) as unknown as { record: string[]; info: { lines: number } }[];
	const cells: string[] = [];
	const counts: number[] = [];
	const seen = new Map<string, number>();
	records.forEach(({ record, info }, i) => {
		const line = info.lines;
		const [cellRaw = '', countRaw = ''] = record;
		if (i === 0 && !isValidCell(cellRaw.toLowerCase()) && Number.isNaN(Number(countRaw))) return; // header
		if (record.length < 2)
			throw new UsageError(
				`line ${line}: expected "cell,count", got ${JSON.stringify(record.join(','))}`
			);
		const cell = cellRaw.toLowerCase();
		if (!isValidCell(cell))
			throw new UsageError(`line ${line}: "${cellRaw}" is not an H3 cell index`);
		const count = countRaw === '' ? NaN : Number(countRaw);
		if (!Number.isFinite(count))
			throw new UsageError(`line ${line}: count "${countRaw}" is not a number`);
		const prev = seen.get(cell);
		if (prev !== undefined)
			throw new UsageError(`line ${line}: cell ${cell} already given on line ${prev}`);
		seen.set(cell, line);
		cells.push(cell);
		counts.push(count);
	});
	return { cells, counts };
}

async function readInput(file: string): Promise<string> {
	let buf: Buffer;
	try {
		buf = file === '-' ? await readStdin() : await readFile(file);
	} catch (e) {
		throw new UsageError(`cannot read ${file}: ${(e as Error).message}`);
	}
	if (buf[0] === 0x1f && buf[1] === 0x8b) buf = gunzipSync(buf);
	return buf.toString('utf8');
}

async function readStdin(): Promise<Buffer> {
	const chunks: Buffer[] = [];
	for await (const c of process.stdin) chunks.push(c as Buffer);
	return Buffer.concat(chunks);
}

export async function run(args: string[], io: CliIo): Promise<number> {
	const values = parseOptions(args, {
		input: { type: 'string', short: 'i' },
		k: { type: 'string', default: '1' },
		alpha: { type: 'string', default: '0.1' },
		'no-fdr': { type: 'boolean', default: false },
		help: { type: 'boolean', short: 'h' }
	});
	if (values.help) {
		io.stdout.write(HELP + '\n');
		return 0;
	}
	if (!values.input) throw new UsageError('--input FILE is required (a cell,count CSV)');
	const k = Number(values.k);
	if (!Number.isInteger(k) || k < 1 || k > 10)
		throw new UsageError('--k must be a whole number from 1 to 10');
	const alpha = Number(values.alpha);
	if (!(alpha > 0 && alpha <= 1)) throw new UsageError('--alpha must be a number in (0, 1]');
	const fdr = !values['no-fdr'];
	const { cells, counts } = parseCellCounts(await readInput(values.input));
	if (cells.length < 3)
		throw new UsageError(`the study area needs at least 3 cells, got ${cells.length}`);
	const r = getisOrdH3(cells, counts, { k, alpha, fdr });
	const lines = ['cell,count,gistar_z,p,p_fdr,bin'];
	for (let i = 0; i < r.cells.length; i++)
		lines.push(
			`${r.cells[i]},${r.counts[i]},${r.z[i]},${r.p[i]},${fdr ? r.pAdjusted[i] : ''},${r.bin[i]}`
		);
	io.stdout.write(lines.join('\n') + '\n');
	if (r.degenerate > 0)
		io.stderr.write(
			`note: ${r.degenerate} cell(s) have an undefined z (all counts equal, or a neighbourhood covering the whole area); reported as z = 0, p = 1\n`
		);
	return 0;
}
