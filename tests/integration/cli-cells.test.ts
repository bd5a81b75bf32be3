/**
 * `beatwise cells` as an analyst runs it, on both engines: a police.uk month of the demo data and its
 * LSOAs imported with the CLI, then counts per cell checked against h3-js `latLngToCell` applied to
 * the raw file's rows (first occurrence of a Crime ID wins, rows without one all count), with filters,
 * both formats, and a clear message and exit code 2 for every kind of bad argument.
 * One `cells` per engine runs as a real process (the binary end to end); the rest call the same
 * `main(argv, io)` in this process (tests/helpers/cli.ts). The real `import` and `areas` processes are
 * cli-import.test.ts's.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { resolve } from 'node:path';
import { parse } from 'csv-parse/sync';
import { cliEnv, inProcessCli, spawnCli } from '../helpers/cli';
import { createTestDatabase, engines, type TestDatabase } from '../helpers/db';
import { countsPerOwnCell } from '../helpers/incidents';
import { h3Cover } from '../../src/lib/server/ingest/import-areas';

const FILE = resolve('src/lib/server/demo/data/crime/2016-03-city-of-london-street.csv.gz');
const LSOA = resolve('src/lib/server/demo/data/lsoa-2011.geojson');

interface Row {
	lat: number;
	lon: number;
	type: string;
}

/** The file's located rows as the importer must keep them, read with csv-parse alone. */
function rawRows(): Row[] {
	const records = parse(gunzipSync(readFileSync(FILE)), { columns: true, bom: true }) as Record<
		string,
		string
	>[];
	const seen = new Set<string>();
	const out: Row[] = [];
	for (const r of records) {
		const id = r['Crime ID'];
		if (id) {
			if (seen.has(id)) continue;
			seen.add(id);
		}
		if (r.Latitude && r.Longitude) {
			out.push({ lat: Number(r.Latitude), lon: Number(r.Longitude), type: r['Crime type'] });
		}
	}
	return out;
}

const csvOf = (cells: { cell: string; count: number }[]) =>
	['cell,count', ...cells.map((c) => `${c.cell},${c.count}`)].join('\n') + '\n';

const rows = rawRows();

describe.each(engines())('beatwise cells on %s', (engine) => {
	let t: TestDatabase;
	const run = (...args: string[]) => inProcessCli(cliEnv(t), args);

	beforeAll(async () => {
		t = await createTestDatabase(engine);
		// The embedded engine admits one process: the CLI's.
		if (engine === 'pglite') await t.db.close();
		const imported = await run('import', FILE, '--format', 'police-uk', '--json');
		expect(imported.status, imported.stderr).toBe(0);
		expect(JSON.parse(imported.stdout).located).toBe(rows.length);
		const areas = await run('areas', LSOA, '--kind', 'lsoa');
		expect(areas.status, areas.stderr).toBe(0);
	}, 300_000);
	afterAll(async () => {
		await t?.drop();
	});

	it('writes cell,count per non-empty cell, each point in its own cell (res 9, CSV; the binary)', () => {
		expect(rows.length).toBeGreaterThan(400);
		const r = spawnCli(cliEnv(t), ['cells', '--res', '9']);
		expect(r.status, r.stderr).toBe(0);
		expect(r.stdout).toBe(csvOf(countsPerOwnCell(rows, 9)));
	});

	it('writes JSON at the finest and coarsest served resolutions', async () => {
		for (const res of [5, 11]) {
			const r = await run('cells', '--res', String(res), '--format', 'json');
			expect(r.status, r.stderr).toBe(0);
			expect(JSON.parse(r.stdout)).toEqual(countsPerOwnCell(rows, res));
		}
	});

	it('filters by categories, period, source and area', async () => {
		const asb = await run(
			'cells',
			'--res',
			'8',
			'--category',
			'anti-social-behaviour',
			'--category',
			'shoplifting',
			'--from',
			'2016-03-01',
			'--to',
			'2016-03-31',
			'--source',
			'data.police.uk street-level crime'
		);
		expect(asb.status, asb.stderr).toBe(0);
		const wanted = countsPerOwnCell(rows, 8, (r) =>
			['Anti-social behaviour', 'Shoplifting'].includes(r.type)
		);
		expect(wanted.length).toBeGreaterThan(3);
		expect(asb.stdout).toBe(csvOf(wanted));
		// A period without data: the header alone.
		const none = await run('cells', '--res', '8', '--from', '2016-04-01', '--to', '2016-04-30');
		expect(none.stdout).toBe('cell,count\n');
		// An LSOA: the cells of its resolution-10 cover, counting the points in each.
		const lsoa = (
			JSON.parse(readFileSync(LSOA, 'utf8')) as {
				features: { properties: { LSOA11CD: string }; geometry: never }[];
			}
		).features.find((f) => f.properties.LSOA11CD === 'E01000001')!;
		const cover = new Set(h3Cover(lsoa.geometry));
		const inArea = await run('cells', '--res', '10', '--area', 'lsoa:E01000001');
		expect(inArea.status, inArea.stderr).toBe(0);
		const want = countsPerOwnCell(rows, 10).filter((c) => cover.has(c.cell));
		expect(want.length).toBeGreaterThan(0);
		expect(inArea.stdout).toBe(csvOf(want));
	});

	it('says what is wrong with each bad argument (exit 2)', async () => {
		for (const [args, message] of [
			[[], /--res R is required/],
			[['--res', '4'], /--res must be a whole number from 5 to 11, got "4"/],
			[['--res', '9x'], /--res must be a whole number from 5 to 11/],
			[['--res', '9', '--format', 'xml'], /--format must be csv or json, got "xml"/],
			[['--res', '9', '--from', '2016-02-30'], /from: "2016-02-30" is not a date/],
			[
				['--res', '9', '--from', '2016-03-02', '--to', '2016-03-01'],
				/from: 2016-03-02 is after to/
			],
			[['--res', '9', '--category', 'burglry'], /category: "burglry" not in the taxonomy/],
			[['--res', '9', '--source', 'nowhere'], /source: no source named "nowhere"/],
			[['--res', '9', '--area', 'lsoa:X'], /area: "lsoa:X" matches no area/],
			[['--res', '9', '--bogus'], /Unknown option '--bogus'/]
		] as [string[], RegExp][]) {
			const r = await run('cells', ...args);
			expect(r.status, `${args.join(' ')}: ${r.stderr}`).toBe(2);
			expect(r.stderr).toMatch(message);
			expect(r.stdout).toBe('');
		}
	});
});
