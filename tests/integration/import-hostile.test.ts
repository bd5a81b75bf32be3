/**
 * Issue 5: bad and hostile input to every importer, on both engines — police.uk, Chicago, mapped CSV
 * and GeoJSON incidents, and boundary files. Malformed and truncated CSV, corrupt gzip, empty and
 * header-only files, the wrong header, binary garbage, Latin-1 and UTF-16 text, a 10 MB line and one
 * over the reader's limit, formulas, script tags, SQL and NUL bytes in text, out-of-range coordinates
 * and dates. For every file: nothing crashes, total = imported + rejected + duplicate exactly, each
 * rejected row is in import_rejects with file, row, field and reason, and a file that cannot be read
 * fails with an ImportError naming the file and leaves the database as it was.
 *
 * The files are generated in a temporary folder (the 10 MB and 17 MB ones only exist during the run).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import {
	createTestDatabase,
	engines,
	SHARED,
	type TestDatabase,
	withoutShared
} from '../helpers/db';
import { databaseCounts } from '../helpers/import';
import { importPaths } from '../../src/lib/server/ingest/import';
import { importAreaFile } from '../../src/lib/server/ingest/import-areas';
import type { AreaReadOptions } from '../../src/lib/server/ingest/areas';
import type { ImportFormat } from '../../src/lib/server/ingest/adapters';
import { MAX_RECORD_CHARS } from '../../src/lib/server/ingest/csv';
import { MAX_ROW_CHARS } from '../../src/lib/server/ingest/runner';
import { ImportError } from '../../src/lib/server/ingest/types';

const FIXTURES = resolve('tests/fixtures/ingest');
const TEN_MB = 10 * 1024 * 1024;
/** Good rows ahead of a NUL byte: a NUL in the first 4 KiB marks a file as binary. */
const PAD = 60;
const NEXT_YEAR = new Date().getUTCFullYear() + 1;

/** Text that must come back exactly as written (NUL bytes are dropped: PostgreSQL cannot store them). */
const HOSTILE_TEXT = [
	'=HYPERLINK("http://example.invalid/x","click me")',
	"+cmd|' /C calc'!A0",
	"@SUM(1+1)*cmd|' /C calc'!A0",
	'-2+3+cmd|x',
	'<script>alert(document.cookie)</script>',
	'<img src=x onerror=alert(1)>',
	"'; DROP TABLE incidents;--",
	"Robert'); DROP TABLE import_rejects; --",
	'$1 $2::text \\N \\.',
	'\\x00 and a real NUL: a\u0000b',
	'tab\there, "quotes", new\nline'
];
const stored = (text: string) => text.replaceAll('\u0000', '');

/** The logical fields each CSV format is built from. */
type Field = 'id' | 'date' | 'type' | 'lon' | 'lat' | 'place' | 'note';

interface CsvFormat {
	format: Exclude<ImportFormat, 'geojson'>;
	header: string[];
	/** Column of each logical field. */
	columns: Record<Field, string>;
	/** Values of every column for a good row (before the logical fields are set). */
	base: Record<string, string>;
	good: Record<Field, string>;
	mapping?: unknown;
	/** A real file of another format, refused for its header. */
	wrongFile: string;
	wrongHeader: RegExp;
	/** Dates that must be rejected, with the reason. */
	badDates: [string, RegExp][];
}

const POLICE_UK_HEADER =
	'Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Crime type,Last outcome category,Context'.split(
		','
	);
const CHICAGO_HEADER =
	'ID,Case Number,Date,Block,IUCR,Primary Type,Description,Location Description,Arrest,Domestic,Beat,District,Ward,Community Area,FBI Code,X Coordinate,Y Coordinate,Year,Updated On,Latitude,Longitude,Location'.split(
		','
	);
const CSV_MAPPING = {
	source: 'hostile mapped csv',
	timezone: 'Europe/London',
	id: 'ref',
	time: { column: 'when', format: 'YYYY-MM-DD HH:mm' },
	category: { column: 'what' },
	location: { lon: 'lon', lat: 'lat', text: 'place' }
};

const FORMATS: CsvFormat[] = [
	{
		format: 'police-uk',
		header: POLICE_UK_HEADER,
		columns: {
			id: 'Crime ID',
			date: 'Month',
			type: 'Crime type',
			lon: 'Longitude',
			lat: 'Latitude',
			place: 'Location',
			note: 'LSOA name'
		},
		base: {
			'Reported by': 'Test Police',
			'Falls within': 'Test Police',
			'LSOA code': 'E01000001',
			'Last outcome category': '',
			Context: ''
		},
		good: {
			id: '',
			date: '2021-08',
			type: 'Burglary',
			lon: '-0.0977',
			lat: '51.5186',
			place: 'On or near Hostile Street',
			note: 'City of London 001A'
		},
		wrongFile: join(FIXTURES, 'chicago/crimes-sample.csv'),
		wrongHeader: /missing required columns "Crime ID", "Month", "Crime type"; the header has "ID"/,
		badDates: [
			['2021-13', /not a month in YYYY-MM form: "2021-13"/],
			['2021-02-30', /not a month in YYYY-MM form/],
			['1899-12', /"1899-12" is before 1900/],
			['3000-01', /"3000-01" is in the future/],
			[`${NEXT_YEAR}-06`, /is in the future/],
			['0021-08', /before 1900/]
		]
	},
	{
		format: 'chicago',
		header: CHICAGO_HEADER,
		columns: {
			id: 'ID',
			date: 'Date',
			type: 'Primary Type',
			lon: 'Longitude',
			lat: 'Latitude',
			place: 'Block',
			note: 'Description'
		},
		base: Object.fromEntries(CHICAGO_HEADER.map((c) => [c, ''])),
		good: {
			id: '',
			date: '08/01/2021 10:00:00 AM',
			type: 'THEFT',
			lon: '-87.664263469',
			lat: '41.753985135',
			place: '016XX W 77TH ST',
			note: 'OVER $500'
		},
		wrongFile: join(FIXTURES, 'police-uk/2016-01-city-of-london-street.csv'),
		wrongHeader: /missing required columns "ID", "Date", "Primary Type"; the header has "Crime ID"/,
		badDates: [
			['13/01/2021 10:00:00 AM', /not a date in MM\/DD\/YYYY hh:mm:ss AM form/],
			['02/30/2021 10:00:00 AM', /not a date/],
			['01/01/1899 10:00:00 AM', /before 1900/],
			['01/01/3000 10:00:00 AM', /in the future/],
			[`06/01/${NEXT_YEAR} 10:00:00 AM`, /in the future/],
			['08/01/0021 10:00:00 AM', /before 1900/]
		]
	},
	{
		format: 'csv',
		header: ['ref', 'when', 'what', 'lon', 'lat', 'place', 'note'],
		columns: {
			id: 'ref',
			date: 'when',
			type: 'what',
			lon: 'lon',
			lat: 'lat',
			place: 'place',
			note: 'note'
		},
		base: {},
		good: {
			id: '',
			date: '2021-08-01 10:00',
			type: 'Burglary',
			lon: '-0.0977',
			lat: '51.5186',
			place: 'On or near Hostile Street',
			note: 'a note'
		},
		mapping: CSV_MAPPING,
		wrongFile: join(FIXTURES, 'police-uk/2016-01-city-of-london-street.csv'),
		wrongHeader:
			/the mapping names columns "ref", "when", "what", "lon", "lat", "place" that the file does not have/,
		badDates: [
			['2021-13-01 10:00', /time "2021-13-01 10:00" does not match format YYYY-MM-DD HH:mm/],
			['2021-02-30 10:00', /does not match format/],
			['1899-06-01 10:00', /before 1900/],
			['3000-01-01 10:00', /in the future/],
			[`${NEXT_YEAR}-06-01 10:00`, /in the future/],
			['0021-08-01 10:00', /before 1900/]
		]
	}
];

/** One CSV field, quoted when it has to be (RFC 4180). */
function csvField(v: string): string {
	return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/** A row of format `f`: the good values, with logical fields and then whole columns overridden. */
function csvLine(
	f: CsvFormat,
	id: string,
	o: Partial<Record<Field, string>> = {},
	columns: Record<string, string> = {}
): string {
	const values: Record<string, string> = { ...f.base };
	for (const [field, v] of Object.entries({ ...f.good, id, ...o }))
		values[f.columns[field as Field]] = v;
	Object.assign(values, columns);
	return f.header.map((c) => csvField(values[c] ?? '')).join(',');
}

function csvFile(f: CsvFormat, lines: string[]): string {
	return [f.header.join(','), ...lines].join('\n') + '\n';
}

/** Deterministic bytes (a linear congruential generator): `noNul` keeps them in 0x80–0xff. */
function garbage(n: number, noNul = false): Buffer {
	const b = Buffer.alloc(n);
	let x = 12345;
	for (let i = 0; i < n; i++) {
		x = (x * 1103515245 + 12345) & 0x7fffffff;
		b[i] = noNul ? 0x80 | ((x >> 16) % 0x80) : (x >> 16) & 0xff;
	}
	return b;
}

const utf16 = (text: string) =>
	Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);

interface StoredReject {
	row: number;
	field: string;
	reason: string;
	file: string;
	raw: string;
}

describe.each(engines())(
	'hostile input to every importer on %s',
	{ timeout: 300_000 },
	(engine) => {
		let t: TestDatabase;
		const work = mkdtempSync(join(tmpdir(), 'beatwise-hostile-'));
		let n = 0;
		/** Writes a file in the work folder (a fresh name each time). */
		const write = (name: string, content: string | Buffer) => {
			const file = join(work, `${++n}-${name}`);
			writeFileSync(file, content);
			return file;
		};

		beforeAll(async () => {
			t = await createTestDatabase(engine);
		});
		afterAll(async () => {
			await t?.drop();
			rmSync(work, { recursive: true, force: true });
		});

		async function rejectsOf(batchId: number): Promise<StoredReject[]> {
			const rows = await t.db.query<StoredReject>(
				`SELECT row_number AS row, field, reason, file, raw FROM import_rejects
			 WHERE batch_id = $1 ORDER BY row_number`,
				[batchId]
			);
			return rows.map((r) => ({ ...r, row: Number(r.row) }));
		}

		/**
		 * Imports one file that must be read: checks the accounting in the result and in the database,
		 * and returns the result with the stored rejections and incidents.
		 */
		async function imported(format: ImportFormat, file: string, mapping?: unknown) {
			const r = await importPaths(t.db, { inputs: [file], format, mapping });
			expect(r.failed).toEqual([]);
			const f = r.files[0];
			expect(f.total).toBe(f.imported + f.rejected + f.duplicate);
			const [batch] = await t.db.query<Record<string, number | string>>(
				`SELECT status, total_rows, imported, rejected, duplicate,
			        (SELECT count(*) FROM incidents WHERE batch_id = b.id)::int AS stored
			 FROM import_batches b WHERE id = $1`,
				[f.batchId]
			);
			expect(batch.status).toBe('complete');
			expect(
				[batch.total_rows, batch.imported, batch.rejected, batch.duplicate, batch.stored].map(
					Number
				)
			).toEqual([f.total, f.imported, f.rejected, f.duplicate, f.imported]);
			const rejects = await rejectsOf(f.batchId);
			expect(rejects).toHaveLength(f.rejected);
			for (const x of rejects) expect(x.file).toBe(basename(file));
			const incidents = await t.db.query<{
				external_id: string;
				location_text: string | null;
				original_type: string;
				attributes: Record<string, string>;
				lon: number | null;
				lat: number | null;
			}>(
				`SELECT external_id, location_text, original_type, attributes, ST_X(geom) AS lon, ST_Y(geom) AS lat
			 FROM incidents WHERE batch_id = $1 ORDER BY id`,
				[f.batchId]
			);
			return { ...f, rejects, incidents };
		}

		/** A file that cannot be read: one failure naming the file, and the database as it was. */
		async function refused(
			format: ImportFormat,
			file: string,
			code: string,
			message: RegExp,
			mapping?: unknown
		) {
			const before = await databaseCounts(t.db);
			const r = await importPaths(t.db, { inputs: [file], format, mapping });
			expect(r.files).toEqual([]);
			expect(r.failed).toEqual([{ file, code, message: expect.stringMatching(message) }]);
			expect(r.failed[0].message.startsWith(`${file}: `)).toBe(true);
			expect(r.failed[0].message.length).toBeLessThan(2000);
			expect(await databaseCounts(t.db)).toEqual(before);
			// A batch row may remain from a file that failed part-way: marked failed, holding nothing.
			const batches = await t.db.query<{ status: string; total_rows: number }>(
				`SELECT status, total_rows FROM import_batches WHERE file = $1`,
				[file]
			);
			for (const b of batches) expect([b.status, Number(b.total_rows)]).toEqual(['failed', 0]);
		}

		const shape = (rejects: StoredReject[]) => rejects.map((r) => [r.row, r.field]);

		describe.each(FORMATS)('$format', (f) => {
			const line = (id: string, o: Partial<Record<Field, string>> = {}) =>
				csvLine(f, `${f.format}-${id}`, o);

			it('rejects rows with the wrong number of columns, keeps stray quotes as text', async () => {
				const stray = line('stray', { place: '@PLACE@' }).replace('@PLACE@', 'On or near "X" Road');
				const glued = line('glued', { place: '@PLACE@' }).replace('@PLACE@', '"abc"def');
				const file = write(
					`${f.format}-malformed.csv`,
					csvFile(f, [
						line('ok'),
						'only,three,columns',
						line('extra') + ',surplus,values',
						line('trailing-empty') + ',,',
						stray,
						glued
					])
				);
				const r = await imported(f.format, file, f.mapping);
				expect([r.total, r.imported, r.rejected]).toEqual([6, 4, 2]);
				const width = f.header.length;
				expect(r.rejects.map((x) => [x.row, x.field, x.reason])).toEqual([
					[3, '', `wrong number of columns: expected ${width}, found 3`],
					[4, '', `wrong number of columns: expected ${width}, found ${width + 2}`]
				]);
				expect(r.rejects[0].raw).toBe('only,three,columns');
				expect(r.incidents.map((i) => i.location_text)).toEqual([
					f.good.place,
					f.good.place,
					'On or near "X" Road',
					'abcdef'
				]);
			});

			it('reads a file cut mid-row or inside a quoted field up to the cut, and rejects the cut row', async () => {
				const last = line('cut');
				const midRow = write(
					`${f.format}-cut-mid-row.csv`,
					[f.header.join(','), line('a'), line('b'), last.slice(0, last.indexOf(',', 12))].join(
						'\n'
					)
				);
				const r = await imported(f.format, midRow, f.mapping);
				expect([r.total, r.imported, r.rejected]).toEqual([3, 2, 1]);
				expect(r.rejects[0]).toMatchObject({
					row: 4,
					field: '',
					reason: expect.stringMatching(/^wrong number of columns: expected \d+, found [1-3]$/)
				});

				const open = line('open', { place: 'On or near, the cut' });
				const inQuote = write(
					`${f.format}-cut-in-quote.csv`,
					[f.header.join(','), line('c'), open.slice(0, open.indexOf('"On or near') + 8)].join('\n')
				);
				const q = await imported(f.format, inQuote, f.mapping);
				expect([q.total, q.imported, q.rejected]).toEqual([2, 1, 1]);
				expect(q.rejects.map((x) => [x.row, x.reason])).toEqual([
					[3, 'unterminated quoted field at end of file (is the file truncated?)']
				]);
			});

			it('reads .csv.gz, and refuses a truncated or corrupt one without storing anything', async () => {
				const gz = gzipSync(csvFile(f, [line('gz-1'), line('gz-2')]));
				const good = await imported(f.format, write(`${f.format}-good.csv.gz`, gz), f.mapping);
				expect(good.imported).toBe(2);
				const other = gzipSync(csvFile(f, [line('gzcut-1'), line('gzcut-2'), line('gzcut-3')]));
				await refused(
					f.format,
					write(`${f.format}-truncated.csv.gz`, other.subarray(0, other.length - 12)),
					'E_FORMAT',
					/corrupt or truncated gzip data \(unexpected end of file\)/,
					f.mapping
				);
				const corrupt = Buffer.from(other);
				corrupt.fill(0xa5, 12, corrupt.length - 8);
				await refused(
					f.format,
					write(`${f.format}-corrupt.csv.gz`, corrupt),
					'E_FORMAT',
					/corrupt or truncated gzip data/,
					f.mapping
				);
			});

			it('refuses empty, binary, UTF-16 and wrong-header files; a header-only file imports nothing', async () => {
				await refused(f.format, write('empty.csv', ''), 'E_FORMAT', /file is empty/, f.mapping);
				const headerOnly = await imported(
					f.format,
					write('header-only.csv', f.header.join(',') + '\r\n'),
					f.mapping
				);
				expect([headerOnly.total, headerOnly.imported, headerOnly.rejected]).toEqual([0, 0, 0]);
				await refused(
					f.format,
					write('wrong-header.csv', readFileSync(f.wrongFile)),
					'E_HEADER',
					f.wrongHeader,
					f.mapping
				);
				await refused(
					f.format,
					write('binary.csv', garbage(50_000)),
					'E_FORMAT',
					/not a CSV file: looks like binary data/,
					f.mapping
				);
				// High bytes without NUL or line ends: one "header" field of 300,000 characters, named briefly.
				await refused(
					f.format,
					write('high-bytes.csv', garbage(300_000, true)),
					'E_HEADER',
					/(the header has|its columns are) "[^"]{60}…"( \(.*\))?$/,
					f.mapping
				);
				await refused(
					f.format,
					write('utf16.csv', utf16(csvFile(f, [line('utf16')]))),
					'E_FORMAT',
					/UTF-16 text \(save it as UTF-8 CSV\)/,
					f.mapping
				);
			});

			it('reads Latin-1 as UTF-8 with U+FFFD in text, and rejects a number that does not survive', async () => {
				const latin1 = Buffer.from(
					csvFile(f, [
						line('latin1-text', { place: 'Café Müller, Straße', note: 'Ñandú' }),
						line('latin1-number', { lon: '-0.0977°' })
					]),
					'latin1'
				);
				const r = await imported(f.format, write('latin1.csv', latin1), f.mapping);
				expect([r.total, r.imported, r.rejected]).toEqual([2, 1, 1]);
				expect(r.incidents[0].location_text).toBe('Caf\uFFFD M\uFFFDller, Stra\uFFFDe');
				expect(r.incidents[0].attributes[f.columns.note]).toBe('\uFFFDand\uFFFD');
				expect(r.rejects.map((x) => [x.row, x.field, x.reason])).toEqual([
					[3, f.columns.lon, 'not a number: "-0.0977\uFFFD"']
				]);
			});

			it('rejects a 10 MB line naming its row, and refuses a file with a line over the reader limit', async () => {
				const file = write(
					`${f.format}-10mb.csv`,
					csvFile(f, [line('before'), line('huge', { place: 'x'.repeat(TEN_MB) }), line('after')])
				);
				const r = await imported(f.format, file, f.mapping);
				expect([r.total, r.imported, r.rejected]).toEqual([3, 2, 1]);
				expect(r.rejects[0]).toMatchObject({
					row: 3,
					field: '',
					reason: expect.stringMatching(
						new RegExp(
							`^row is \\d{8} characters long; rows of more than ${MAX_ROW_CHARS} are not imported$`
						)
					)
				});
				expect(r.rejects[0].raw.length).toBeLessThan(10_100);
				const over = write(
					`${f.format}-17mb.csv`,
					csvFile(f, [line('before'), line('over', { place: 'x'.repeat(MAX_RECORD_CHARS + 1) })])
				);
				await refused(
					f.format,
					over,
					'E_FORMAT',
					/: row 3 is longer than 16 M characters/,
					f.mapping
				);
			});

			it('stores formulas, script tags and SQL verbatim (NUL dropped), with the tables intact', async () => {
				const padding = Array.from({ length: PAD }, (_, i) => line(`pad-${i}`));
				const hostile = HOSTILE_TEXT.map((text, i) =>
					line(`hostile-${i}`, { place: text, note: text })
				);
				const sqlId = csvLine(f, "'; DROP TABLE incidents;--", { type: '<script>x</script>' });
				const file = write(`${f.format}-hostile.csv`, csvFile(f, [...padding, ...hostile, sqlId]));
				const r = await imported(f.format, file, f.mapping);
				expect([r.total, r.imported, r.rejected]).toEqual([
					PAD + HOSTILE_TEXT.length + 1,
					r.total,
					0
				]);
				const rows = r.incidents.slice(PAD);
				expect(rows.map((i) => [i.location_text, i.attributes[f.columns.note]])).toEqual([
					...HOSTILE_TEXT.map((text) => [stored(text), stored(text)]),
					[f.good.place, f.good.note]
				]);
				expect(rows.at(-1)).toMatchObject({
					external_id: "'; DROP TABLE incidents;--",
					original_type: '<script>x</script>'
				});
				const [{ tables }] = await t.db.query<{ tables: number }>(
					`SELECT count(*)::int AS tables FROM information_schema.tables
				 WHERE table_name IN ('incidents', 'import_rejects', 'import_batches', 'cell_counts')`
				);
				expect(Number(tables)).toBe(4);
			});

			// Random, so it does not compress: PostgreSQL refuses index entries over ~2.7 kB.
			const LONG_ID = garbage(1500).toString('hex');

			it('rejects an id too long for the unique index instead of failing the file', async () => {
				const file = write(
					`${f.format}-long-id.csv`,
					csvFile(f, [line('short-id'), csvLine(f, LONG_ID), line('after-long-id')])
				);
				const r = await imported(f.format, file, f.mapping);
				expect([r.total, r.imported, r.rejected]).toEqual([3, 2, 1]);
				expect(r.rejects.map((x) => [x.row, x.field, x.reason])).toEqual([
					[3, f.columns.id, 'id is 3000 characters long (at most 200)']
				]);
			});

			it('rejects out-of-range coordinates and dates, each with its row, field and reason', async () => {
				const { lon, lat, date } = f.columns;
				const cases: [Partial<Record<Field, string>>, string, RegExp][] = [
					[{ lat: '91' }, lat, /latitude 91 is outside −90..90/],
					[{ lat: '-90.0001' }, lat, /outside −90..90/],
					[{ lon: '181' }, lon, /longitude 181 is outside −180..180/],
					[{ lon: 'NaN' }, lon, /not a number: "NaN"/],
					[{ lon: 'Infinity' }, lon, /not a number/],
					[{ lon: '1e308' }, lon, /longitude 1e\+308 is outside/],
					[{ lat: '1e999' }, lat, /not a number/],
					[{ lat: '' }, lat, /latitude is blank but longitude is not/],
					...f.badDates.map(([text, reason]): [Partial<Record<Field, string>>, string, RegExp] => [
						{ date: text },
						date,
						reason
					])
				];
				const file = write(
					`${f.format}-ranges.csv`,
					csvFile(f, [line('in-range'), ...cases.map(([o], i) => line(`range-${i}`, o))])
				);
				const r = await imported(f.format, file, f.mapping);
				expect([r.total, r.imported, r.rejected]).toEqual([cases.length + 1, 1, cases.length]);
				expect(shape(r.rejects)).toEqual(cases.map(([, field], i) => [i + 3, field]));
				r.rejects.forEach((x, i) => expect(x.reason).toMatch(cases[i][2]));
				expect(r.incidents[0]).toMatchObject({ lon: Number(f.good.lon), lat: Number(f.good.lat) });
			});
		});

		it('chicago: rejects State Plane X/Y outside Illinois East, reprojects X/Y inside it', async () => {
			const f = FORMATS[1];
			const lines = [
				['inside', '1166811', '1853653'],
				['far', '99999999', '99999999'],
				['origin', '5', '5'],
				['huge', '1e308', '1e308'],
				['negative', '-1166811', '1853653']
			].map(([id, x, y]) =>
				csvLine(f, `xy-${id}`, { lon: '', lat: '' }, { 'X Coordinate': x, 'Y Coordinate': y })
			);
			const r = await imported('chicago', write('chicago-xy.csv', csvFile(f, lines)));
			expect([r.total, r.imported, r.rejected]).toEqual([5, 1, 4]);
			expect(shape(r.rejects)).toEqual(
				[3, 4, 5, 6].map((row) => [row, 'X Coordinate/Y Coordinate'])
			);
			for (const x of r.rejects)
				expect(x.reason).toMatch(/\(EPSG:3435\) lies outside Illinois East/);
			expect(r.incidents[0].lon).toBeCloseTo(-87.664263469, 4);
			expect(r.incidents[0].lat).toBeCloseTo(41.753985135, 4);
		});

		it('csv: a Latin-1 file through a mapping with encoding latin1 reads right', async () => {
			const f = FORMATS[2];
			const mapping = { ...CSV_MAPPING, csv: { encoding: 'latin1' } };
			const latin1 = Buffer.from(
				csvFile(f, [csvLine(f, 'latin1-right', { place: 'Café Müller, Straße', note: 'Ñandú' })]),
				'latin1'
			);
			const r = await imported('csv', write('latin1-mapped.csv', latin1), mapping);
			expect(r.imported).toBe(1);
			expect(r.incidents[0].location_text).toBe('Café Müller, Straße');
			expect(r.incidents[0].attributes.note).toBe('Ñandú');
		});

		it('csv: projected x/y far outside the CRS are stored without a location; unreadable ones rejected', async () => {
			// Issue 15: a point outside the CRS's area of use is imported without a location and counted
			// (it was rejected before); a coordinate that is not a number is still a reject.
			const mapping = {
				...CSV_MAPPING,
				source: 'hostile bng csv',
				time: { column: 'when', format: 'YYYY-MM-DD' },
				category: { fixed: 'burglary' },
				location: { x: 'easting', y: 'northing', crs: 'EPSG:27700' }
			};
			const file = write(
				'bng.csv',
				[
					'ref,when,easting,northing',
					'b1,2021-08-01,532100,181000',
					'b2,2021-08-01,1e308,1e308',
					'b3,2021-08-01,x,181000',
					'b4,2021-08-01,532100,'
				].join('\n')
			);
			const r = await imported('csv', file, mapping);
			expect([r.total, r.imported, r.rejected]).toEqual([4, 2, 2]);
			expect(r.rejects.map((x) => [x.row, x.field])).toEqual([
				[4, 'easting'],
				[5, 'northing']
			]);
			const byId = new Map(r.incidents.map((i) => [i.external_id, i]));
			expect(byId.get('b1')?.lon).not.toBeNull();
			expect(byId.get('b2')?.lon).toBeNull();
		});

		describe('geojson', () => {
			const MAPPING = {
				source: 'hostile geojson',
				timezone: 'UTC',
				id: 'id',
				time: { column: 'date', format: 'ISO' },
				category: { column: 'category' },
				location: { text: 'place' }
			};
			type Props = Record<string, unknown>;
			const feature = (id: string, props: Props = {}, coordinates: unknown = [-0.0977, 51.5186]) =>
				JSON.stringify({
					type: 'Feature',
					properties: {
						id: `geo-${id}`,
						date: '2021-08-01T10:00:00Z',
						category: 'Burglary',
						place: 'On or near Hostile Street',
						note: 'a note',
						...props
					},
					geometry: { type: 'Point', coordinates }
				});
			const collection = (features: string[]) =>
				`{"type":"FeatureCollection","features":[\n${features.join(',\n')}\n]}\n`;
			const load = (name: string, features: string[]) =>
				imported('geojson', write(name, collection(features)), MAPPING);

			it('rejects a feature that is not valid JSON or not a point, and reads on', async () => {
				const broken = feature('broken').replace('"note":"a note"', '"note":"a note",');
				const line = JSON.stringify({
					type: 'Feature',
					properties: { id: 'geo-line', date: '2021-08-01', category: 'Burglary' },
					geometry: {
						type: 'LineString',
						coordinates: [
							[0, 51],
							[1, 52]
						]
					}
				});
				const r = await load('malformed.geojson', [feature('ok'), broken, line, feature('after')]);
				expect([r.total, r.imported, r.rejected]).toEqual([4, 2, 2]);
				expect(r.rejects.map((x) => [x.row, x.field, x.reason.slice(0, 30)])).toEqual([
					[2, '', 'feature is not valid JSON (Exp'],
					[3, 'geometry', 'geometry type LineString is no']
				]);
			});

			it('refuses empty, truncated, binary, UTF-16 and non-collection files; an empty collection imports nothing', async () => {
				const before = await databaseCounts(t.db);
				await refused('geojson', write('empty.geojson', ''), 'E_FORMAT', /file is empty/, MAPPING);
				const text = collection([feature('t1'), feature('t2'), feature('t3')]);
				await refused(
					'geojson',
					write('truncated.geojson', text.slice(0, text.lastIndexOf('geo-t3'))),
					'E_FORMAT',
					/file ends inside a JSON value after 2 features \(truncated\?\)/,
					MAPPING
				);
				await refused(
					'geojson',
					write('binary.geojson', garbage(20_000)),
					'E_FORMAT',
					/not a GeoJSON FeatureCollection/,
					MAPPING
				);
				await refused(
					'geojson',
					write('utf16.geojson', utf16(text)),
					'E_FORMAT',
					/not a GeoJSON FeatureCollection/,
					MAPPING
				);
				await refused(
					'geojson',
					write('point.geojson', '{"type":"Point","coordinates":[0,51]}'),
					'E_FORMAT',
					/no "features" array found \(top-level type Point\)/,
					MAPPING
				);
				// Properties the mapping names but the features lack: the "wrong header".
				await refused(
					'geojson',
					write(
						'wrong-props.geojson',
						collection([JSON.stringify({ type: 'Feature', properties: { a: 1 }, geometry: null })])
					),
					'E_HEADER',
					/the mapping names columns "id", "date", "category", "place" that the file does not have/,
					MAPPING
				);
				const none = await load('no-features.geojson', []);
				expect([none.total, none.imported]).toEqual([0, 0]);
				const guessed = await imported(
					'geojson',
					write('no-features-no-mapping.geojson', collection([]))
				);
				expect(guessed.total).toBe(0);
				expect(await databaseCounts(t.db)).toEqual(before);
			});

			it('reads Latin-1 bytes as U+FFFD, and rejects a 10 MB feature naming its row', async () => {
				const latin1 = Buffer.from(
					collection([feature('latin1', { place: 'Café Müller' })]),
					'latin1'
				);
				const r = await imported('geojson', write('latin1.geojson', latin1), MAPPING);
				expect(r.incidents[0].location_text).toBe('Caf\uFFFD M\uFFFDller');
				const big = await load('10mb.geojson', [
					feature('big-before'),
					feature('huge', { note: 'x'.repeat(TEN_MB) }),
					feature('big-after')
				]);
				expect([big.total, big.imported, big.rejected]).toEqual([3, 2, 1]);
				expect(big.rejects[0]).toMatchObject({
					row: 2,
					field: '',
					reason: expect.stringMatching(/^row is \d{8} characters long/)
				});
				// A string that never closes: refused once the feature passes the reader's limit.
				const unclosed = `${collection([feature('a')]).slice(0, -4)},\n{"type":"Feature","properties":{"note":"${'x'.repeat(MAX_RECORD_CHARS + 1)}`;
				await refused(
					'geojson',
					write('17mb.geojson', unclosed),
					'E_FORMAT',
					/feature 2 is longer than 16 M characters/,
					MAPPING
				);
			});

			it('stores formulas, script tags and SQL verbatim (NUL dropped)', async () => {
				const r = await load(
					'hostile.geojson',
					HOSTILE_TEXT.map((text, i) => feature(`hostile-${i}`, { place: text, note: text }))
				);
				expect(r.rejected).toBe(0);
				expect(r.incidents.map((i) => [i.location_text, i.attributes.note])).toEqual(
					HOSTILE_TEXT.map((text) => [stored(text), stored(text)])
				);
			});

			it('rejects out-of-range coordinates and dates, each with its row, field and reason', async () => {
				const cases: [Props, unknown, string, RegExp][] = [
					[{}, [181, 51], '@lon', /longitude 181 is outside/],
					[{}, [0, 91], '@lat', /latitude 91 is outside/],
					[{}, [1e308, 51], '@lon', /longitude 1e\+308 is outside/],
					[{}, ['NaN', 51], '@lon', /not a number: "NaN"/],
					[{}, [0], 'geometry', /Point has no \[x, y\] coordinates/],
					[{ date: '2021-13-01' }, undefined, 'date', /does not match format ISO/],
					[{ date: '2021-02-30' }, undefined, 'date', /does not match format ISO/],
					[{ date: '1899-12-31T00:00:00Z' }, undefined, 'date', /before 1900/],
					[{ date: '3000-01-01' }, undefined, 'date', /in the future/],
					[{ date: `${NEXT_YEAR}-06-01` }, undefined, 'date', /in the future/]
				];
				const text = collection([
					feature('in-range'),
					...cases.map(([props, coords], i) => feature(`range-${i}`, props, coords ?? undefined))
				]);
				const r = await imported('geojson', write('ranges.geojson', text), MAPPING);
				expect([r.total, r.imported, r.rejected]).toEqual([cases.length + 1, 1, cases.length]);
				expect(shape(r.rejects)).toEqual(cases.map(([, , field], i) => [i + 2, field]));
				r.rejects.forEach((x, i) => expect(x.reason).toMatch(cases[i][3]));
			});
		});

		describe('boundary files (beatwise areas)', () => {
			const square = (
				code: string,
				props: Record<string, unknown> = {},
				[w, s] = [-0.1, 51.51]
			) => ({
				type: 'Feature',
				properties: { code, name: `Area ${code}`, ...props },
				geometry: {
					type: 'Polygon',
					coordinates: [
						[
							[w, s],
							[w + 0.01, s],
							[w + 0.01, s + 0.01],
							[w, s + 0.01],
							[w, s]
						]
					]
				}
			});
			const areasFile = (name: string, features: unknown[]) =>
				write(name, JSON.stringify({ type: 'FeatureCollection', features }));
			const areaCounts = async () => {
				const [r] = await t.db.query<{ areas: number; cells: number }>(
					`SELECT (SELECT count(*) FROM areas)::int AS areas, (SELECT count(*) FROM area_cells)::int AS cells`
				);
				return { areas: Number(r.areas), cells: Number(r.cells) };
			};
			/** A boundary file that must fail: ImportError naming the file, areas as they were. */
			async function refusedAreas(
				file: string,
				code: string,
				message: RegExp,
				o: AreaReadOptions = {}
			) {
				const before = await areaCounts();
				const err = await importAreaFile(t.db, file, { kind: 'hostile', ...o }).then(
					() => null,
					(e: unknown) => e
				);
				expect(err).toBeInstanceOf(ImportError);
				expect(err).toMatchObject({ code, message: expect.stringMatching(message), file });
				expect((err as Error).message.length).toBeLessThan(2000);
				expect(await areaCounts()).toEqual(before);
			}
			const namesOf = async (kind: string) =>
				(
					await t.db.query<{ code: string; name: string }>(
						`SELECT code, name FROM areas WHERE kind = $1 ORDER BY code`,
						[kind]
					)
				).map((a) => [a.code, a.name]);

			it('imports good squares; refuses malformed, truncated, empty, binary and UTF-16 files', async () => {
				const good = await importAreaFile(
					t.db,
					areasFile('good.geojson', [square('A'), square('B')]),
					{
						kind: 'hostile'
					}
				);
				expect(good.areas).toBe(2);
				const text = JSON.stringify({
					type: 'FeatureCollection',
					features: [square('C'), square('D')]
				});
				await refusedAreas(
					write('malformed-areas.geojson', text.replace('"name":"Area D"', '"name":"Area D",')),
					'E_FORMAT',
					/feature 2 is not valid JSON/
				);
				await refusedAreas(
					write('truncated-areas.geojson', text.slice(0, text.length - 40)),
					'E_FORMAT',
					/file ends inside a JSON value \(truncated\?\)/
				);
				await refusedAreas(write('empty-areas.geojson', ''), 'E_FORMAT', /no "features" array/);
				await refusedAreas(
					write('binary-areas.geojson', garbage(20_000)),
					'E_FORMAT',
					/no "features" array/
				);
				await refusedAreas(
					write('utf16-areas.geojson', utf16(text)),
					'E_FORMAT',
					/no "features" array/
				);
				await refusedAreas(write('binary.zip', garbage(5_000)), 'E_FORMAT', /not a readable zip/);
				const shp = write('garbage.shp', garbage(5_000));
				writeFileSync(shp.replace(/\.shp$/, '.dbf'), garbage(700));
				await refusedAreas(shp, 'E_FORMAT', /not a readable shapefile/, { crs: 4326 });
				const none = await importAreaFile(t.db, areasFile('no-areas.geojson', []), {
					kind: 'hostile'
				});
				expect(none.areas).toBe(0);
			});

			it('refuses a truncated shapefile', async () => {
				const src = resolve('tests/fixtures/ingest/areas/london-2021-lad22-gen20');
				const dst = join(work, 'cut-lad22');
				for (const ext of ['.dbf', '.prj']) copyFileSync(src + ext, dst + ext);
				const shp = readFileSync(src + '.shp');
				writeFileSync(dst + '.shp', shp.subarray(0, Math.floor(shp.length / 2)));
				await refusedAreas(dst + '.shp', 'E_FORMAT', /not a readable shapefile/);
			});

			it.skipIf(withoutShared('import-hostile: a truncated zip of Chicago beats'))(
				'refuses a truncated zip',
				async () => {
					const zip = readFileSync(join(SHARED, 'data/chicago-cpd/boundaries/police_beats.zip'));
					await refusedAreas(
						write('cut-beats.zip', zip.subarray(0, Math.floor(zip.length * 0.7))),
						'E_FORMAT',
						/not a readable zip/
					);
				}
			);

			it('refuses a file without a code property or with a 10 MB feature; names Latin-1 with U+FFFD', async () => {
				await refusedAreas(
					areasFile('no-code.geojson', [{ ...square('E'), properties: { foo: 'x' } }]),
					'E_HEADER',
					/cannot tell which property is the area code/
				);
				await refusedAreas(
					areasFile('10mb-areas.geojson', [square('F', { name: 'x'.repeat(TEN_MB) })]),
					'E_FORMAT',
					/feature 1: its properties are \d{8} characters long/
				);
				const unclosed = `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"code":"${'x'.repeat(MAX_RECORD_CHARS + 1)}`;
				await refusedAreas(write('17mb-areas.geojson', unclosed), 'E_FORMAT', /truncated/);
				const latin1 = Buffer.from(
					JSON.stringify({ type: 'FeatureCollection', features: [square('G', { name: 'Café' })] }),
					'latin1'
				);
				await importAreaFile(t.db, write('latin1-areas.geojson', latin1), { kind: 'latin1' });
				expect(await namesOf('latin1')).toEqual([['G', 'Caf\uFFFD']]);
			});

			it('stores formulas, script tags and SQL in names verbatim (NUL dropped)', async () => {
				const features = HOSTILE_TEXT.map((text, i) => square(`H${i}`, { name: text, note: text }));
				await importAreaFile(t.db, areasFile('hostile-areas.geojson', features), {
					kind: 'hostile-names'
				});
				expect(await namesOf('hostile-names')).toEqual(
					HOSTILE_TEXT.map((text, i) => [`H${i}`, stored(text)]).sort((a, b) =>
						a[0] < b[0] ? -1 : 1
					)
				);
				const [{ note }] = await t.db.query<{ note: string }>(
					`SELECT properties->>'note' AS note FROM areas WHERE kind = 'hostile-names' AND code = 'H9'`
				);
				expect(note).toBe(stored(HOSTILE_TEXT[9]));
			});

			it('refuses out-of-range coordinates and areas too large to cover, naming the area', async () => {
				await refusedAreas(
					areasFile('lat91.geojson', [square('I'), square('J', {}, [0, 90.5])]),
					'E_FORMAT',
					/area J: coordinates \[0, 90\.5\] are outside longitude\/latitude/
				);
				await refusedAreas(
					areasFile('first-lat91.geojson', [square('K', {}, [1e308, 0])]),
					'E_CRS',
					/coordinates such as \[1e\+308, 0\] are not longitude\/latitude/
				);
				const huge = square('L');
				huge.geometry.coordinates = [
					[
						[-10, 40],
						[10, 40],
						[10, 60],
						[-10, 60],
						[-10, 40]
					]
				];
				await refusedAreas(
					areasFile('huge.geojson', [huge]),
					'E_FORMAT',
					/area L is too large for an H3 cover at resolution 10/
				);
			});
		});
	}
);
