/**
 * The `beatwise` command as a user runs it: real processes on an embedded database folder copied
 * from the test template, exit codes and messages for mistakes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hasShared, SHARED, TEMPLATE_DIR } from '../helpers/db';

const FILE = join(
	SHARED,
	'data/uk-policeuk-city-of-london/crime/2016-01/2016-01-city-of-london-street.csv'
);
const LSOA = join(SHARED, 'data/uk-policeuk-city-of-london/boundaries/london-2021-lad22-gen20.shp');

describe.skipIf(!hasShared)('beatwise CLI', () => {
	let dataDir: string;
	const run = (...args: string[]) =>
		spawnSync(process.execPath, ['bin/beatwise.js', ...args], {
			encoding: 'utf8',
			env: { ...process.env, DATABASE_URL: '', BEATWISE_DATA: dataDir }
		});

	beforeAll(() => {
		dataDir = mkdtempSync(join(tmpdir(), 'beatwise-cli-'));
		if (existsSync(join(TEMPLATE_DIR, 'pg'))) {
			cpSync(join(TEMPLATE_DIR, 'pg'), join(dataDir, 'pg'), { recursive: true });
		}
	});
	afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

	it('imports a police.uk file, reports the accounting as JSON, and adds nothing the second time', () => {
		const first = run('import', FILE, '--format', 'police-uk', '--json');
		expect(first.status, first.stderr).toBe(0);
		const a = JSON.parse(first.stdout);
		expect(a.total).toBe(a.imported + a.rejected + a.duplicate);
		expect(a.total).toBeGreaterThan(400);
		expect(a.imported).toBe(a.total);
		const second = run('import', FILE, '--format', 'police-uk', '--json');
		const b = JSON.parse(second.stdout);
		expect(b.imported).toBe(0);
		expect(b.duplicate).toBe(a.total);
	});

	it('prints a readable summary without --json', () => {
		const r = run('import', FILE, '--format', 'police-uk');
		expect(r.status).toBe(0);
		expect(r.stdout).toMatch(/Rows: +\d+ = 0 imported \+ 0 rejected \+ \d+ duplicate/);
	});

	it('imports boundaries with their CRS read from the .prj', () => {
		const r = run('areas', LSOA, '--kind', 'borough');
		expect(r.status, r.stderr).toBe(0);
		expect(r.stdout).toMatch(/33 borough areas \(EPSG:27700 → WGS84\)/);
	});

	it('says what is wrong with a bad command line (exit 2)', () => {
		const noFormat = run('import', FILE);
		expect(noFormat.status).toBe(2);
		expect(noFormat.stderr).toMatch(
			/--format must be one of police-uk, chicago, stats19, csv, geojson/
		);
		const noMapping = run('import', FILE, '--format', 'csv');
		expect(noMapping.status).toBe(2);
		expect(noMapping.stderr).toMatch(/--mapping/);
		const unknown = run('frobnicate');
		expect(unknown.status).toBe(2);
		expect(unknown.stderr).toMatch(/unknown command "frobnicate"/);
	});

	it('fails a missing file with its name and the reason (exit 1)', () => {
		const r = run('import', join(dataDir, 'missing.csv'), '--format', 'police-uk');
		expect(r.status).toBe(1);
		expect(r.stderr).toMatch(/missing\.csv: no such file or folder/);
	});
});
