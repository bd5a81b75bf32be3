/**
 * Seeded resampler of the real Chicago aggravated assaults (2010–2019, 148,636 rows;
 * ../shared/data/chicago-cpd/derived/chicago_aggravated_assaults.csv.gz) to any multiple of their size,
 * for the scale benchmark (bench/scale/run.ts, issue 16).
 *
 * Copy 0 is the data itself. Each further copy repeats every row with
 * - its point moved by a uniform random offset within a disc of `jitterM` metres (default 50), and
 * - unless `keepTimes`, its time moved by a whole number of days drawn uniformly from −`shiftDays`…
 *   +`shiftDays` (default 180), drawn again while the moved day falls outside the decade
 *   (2010-01-01…2019-12-31), so the copies land on new cell-days as real growth does; the time of day
 *   is kept.
 * Each row of copy c > 0 draws from its own stream, `mulberry32(seed × 1,000,003 + c)`, in row order:
 * the same seed, input and copy count give byte-identical output on every machine (a unit test holds
 * it: generate.spec.ts). The CSV has the input's columns (date,loc_cat,longitude,latitude,district),
 * so it imports with examples/mappings/chicago-aggravated-assaults.json.
 *
 *   npx tsx bench/scale/generate.ts --copies 10 --seed 16 [--keep-times] --out /tmp/assaults-x10.csv.gz
 */
import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { resolve } from 'node:path';
import { text } from 'node:stream/consumers';
import { parseArgs } from 'node:util';
import { createGunzip, createGzip } from 'node:zlib';
import { mulberry32 } from '../../src/lib/server/analysis/random';

export interface AssaultRow {
	/** `YYYY-MM-DD HH:mm`, local time. */
	date: string;
	locCat: string;
	lon: number;
	lat: number;
	district: string;
}

export interface ResampleOptions {
	/** Output size as a multiple of the input (copy 0 is the input itself). */
	copies: number;
	seed: number;
	/** Radius of the jitter disc in metres. Default 50. */
	jitterM?: number;
	/** Largest time shift in whole days either way. Default 180. */
	shiftDays?: number;
	/** Keep every copy's times (points are still jittered). Default false. */
	keepTimes?: boolean;
	/** First and last day a moved time may fall on. Default the decade 2010–2019. */
	firstDay?: string;
	lastDay?: string;
}

const M_PER_DEG_LAT = 111_320;
const MS_DAY = 86_400_000;

const dayNumber = (iso: string) => Date.parse(`${iso}T00:00:00Z`) / MS_DAY;
const isoDay = (n: number) => new Date(n * MS_DAY).toISOString().slice(0, 10);

/** Parse the input CSV (header `date,loc_cat,longitude,latitude,district`, no quoted fields). */
export function parseAssaults(csv: string): AssaultRow[] {
	const lines = csv.split('\n');
	const header = lines[0].trim();
	if (header !== 'date,loc_cat,longitude,latitude,district') {
		throw new Error(`unexpected header: ${header}`);
	}
	const rows: AssaultRow[] = [];
	for (let i = 1; i < lines.length; i++) {
		const line = lines[i].trim();
		if (!line) continue;
		const [date, locCat, lon, lat, district] = line.split(',');
		rows.push({ date, locCat, lon: Number(lon), lat: Number(lat), district });
	}
	return rows;
}

/**
 * The resampled rows, copy by copy, as CSV lines (header first). A generator, so 15 M rows stream to
 * a file without being held in memory.
 */
export function* resampleLines(rows: readonly AssaultRow[], o: ResampleOptions): Generator<string> {
	const jitter = o.jitterM ?? 50;
	const shift = o.keepTimes ? 0 : (o.shiftDays ?? 180);
	const lo = dayNumber(o.firstDay ?? '2010-01-01');
	const hi = dayNumber(o.lastDay ?? '2019-12-31');
	yield 'date,loc_cat,longitude,latitude,district';
	for (const r of rows) yield `${r.date},${r.locCat},${r.lon},${r.lat},${r.district}`;
	for (let c = 1; c < o.copies; c++) {
		const rand = mulberry32(o.seed * 1_000_003 + c);
		for (const r of rows) {
			// Uniform in the disc: radius ∝ √u.
			const d = jitter * Math.sqrt(rand());
			const a = 2 * Math.PI * rand();
			const lat = r.lat + (d * Math.cos(a)) / M_PER_DEG_LAT;
			const lon = r.lon + (d * Math.sin(a)) / (M_PER_DEG_LAT * Math.cos((r.lat * Math.PI) / 180));
			let date = r.date;
			if (shift > 0) {
				const day = dayNumber(r.date.slice(0, 10));
				let moved: number;
				do moved = day + Math.floor(rand() * (2 * shift + 1)) - shift;
				while (moved < lo || moved > hi);
				date = isoDay(moved) + r.date.slice(10);
			}
			yield `${date},${r.locCat},${lon.toFixed(6)},${lat.toFixed(6)},${r.district}`;
		}
	}
}

async function main() {
	const { values } = parseArgs({
		options: {
			copies: { type: 'string', default: '10' },
			seed: { type: 'string', default: '16' },
			'keep-times': { type: 'boolean', default: false },
			input: {
				type: 'string',
				default: resolve('../shared/data/chicago-cpd/derived/chicago_aggravated_assaults.csv.gz')
			},
			out: { type: 'string' }
		}
	});
	if (!values.out) throw new Error('--out FILE.csv.gz is required');
	const rows = parseAssaults(await text(createReadStream(values.input).pipe(createGunzip())));
	await writeResample(rows, values.out, {
		copies: Number(values.copies),
		seed: Number(values.seed),
		keepTimes: values['keep-times']
	});
}

/** Write the resample gzipped to `file`; resolves once it is on disk. */
export async function writeResample(
	rows: readonly AssaultRow[],
	file: string,
	o: ResampleOptions
): Promise<number> {
	const gz = createGzip({ level: 1 });
	const out = gz.pipe(createWriteStream(file));
	let n = -1;
	let chunk: string[] = [];
	for (const line of resampleLines(rows, o)) {
		n++;
		chunk.push(line);
		if (chunk.length === 10_000) {
			if (!gz.write(chunk.join('\n') + '\n')) await once(gz, 'drain');
			chunk = [];
		}
	}
	gz.end(chunk.length ? chunk.join('\n') + '\n' : '');
	await once(out, 'finish');
	return n;
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
