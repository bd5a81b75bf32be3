/**
 * The `beatwise` command as a user runs it, on an embedded database folder copied from the test
 * template: exit codes and messages for mistakes. One `import` and one `areas` run as real processes
 * (the binary end to end); the other calls run the same `main(argv, io)` in this process
 * (tests/helpers/cli.ts). The files are the repository's: the demo's police.uk month of the City and
 * London's boroughs as a shapefile (tests/fixtures/ingest/areas/SOURCE.txt).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { inProcessCli, spawnCli } from '../helpers/cli';
import { TEMPLATE_DIR } from '../helpers/db';

const FILE = resolve('src/lib/server/demo/data/crime/2016-03-city-of-london-street.csv.gz');
const BOROUGHS = resolve('tests/fixtures/ingest/areas/london-2021-lad22-gen20.shp');

describe('beatwise CLI', () => {
	let dataDir: string;
	const env = () => ({ DATABASE_URL: '', BEATWISE_DATA: dataDir });
	const run = (...args: string[]) => inProcessCli(env(), args);

	beforeAll(() => {
		dataDir = mkdtempSync(join(tmpdir(), 'beatwise-cli-'));
		if (existsSync(join(TEMPLATE_DIR, 'pg'))) {
			cpSync(join(TEMPLATE_DIR, 'pg'), join(dataDir, 'pg'), { recursive: true });
		}
	});
	afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

	it('imports a police.uk file, reports the accounting as JSON, and adds nothing the second time (the binary)', async () => {
		const first = spawnCli(env(), ['import', FILE, '--format', 'police-uk', '--json']);
		expect(first.status, first.stderr).toBe(0);
		const a = JSON.parse(first.stdout);
		expect(a.total).toBe(a.imported + a.rejected + a.duplicate);
		expect(a.total).toBeGreaterThan(400);
		expect(a.imported).toBe(a.total);
		const second = await run('import', FILE, '--format', 'police-uk', '--json');
		const b = JSON.parse(second.stdout);
		expect(b.imported).toBe(0);
		expect(b.duplicate).toBe(a.total);
	});

	it('prints a readable summary without --json', async () => {
		const r = await run('import', FILE, '--format', 'police-uk');
		expect(r.status).toBe(0);
		expect(r.stdout).toMatch(/Rows: +\d+ = 0 imported \+ 0 rejected \+ \d+ duplicate/);
	});

	it('imports boundaries with their CRS read from the .prj (the binary)', () => {
		const r = spawnCli(env(), ['areas', BOROUGHS, '--kind', 'borough']);
		expect(r.status, r.stderr).toBe(0);
		expect(r.stdout).toMatch(/33 borough areas \(EPSG:27700 → WGS84\)/);
	});

	it('says what is wrong with a bad command line (exit 2)', async () => {
		const noFormat = await run('import', FILE);
		expect(noFormat.status).toBe(2);
		expect(noFormat.stderr).toMatch(
			/--format must be one of police-uk, chicago, stats19, csv, geojson/
		);
		const noMapping = await run('import', FILE, '--format', 'csv');
		expect(noMapping.status).toBe(2);
		expect(noMapping.stderr).toMatch(/--mapping/);
		const unknown = await run('frobnicate');
		expect(unknown.status).toBe(2);
		expect(unknown.stderr).toMatch(/unknown command "frobnicate"/);
	});

	it('fails a missing file with its name and the reason (exit 1)', async () => {
		const r = await run('import', join(dataDir, 'missing.csv'), '--format', 'police-uk');
		expect(r.status).toBe(1);
		expect(r.stderr).toMatch(/missing\.csv: no such file or folder/);
	});
});
