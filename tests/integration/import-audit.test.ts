/**
 * Issue 5 on both engines: every import writes one audit entry per file — who (a signed-in user, or
 * the importer's name: the OS user from the CLI, `demo`), what (`import` on `batch:<id>`, or on the
 * file when it failed before a batch existed; `import.areas` for boundaries), when, and from where —
 * imported or failed, and a failed file leaves no incidents behind.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { createTestDatabase, engines, type TestDatabase } from '../helpers/db';
import { auditRows, databaseCounts, lastAuditId } from '../helpers/import';
import { openDatabase } from '../../src/lib/server/db/client';
import { CLI_ORIGIN } from '../../src/lib/server/auth/audit';
import { importPaths } from '../../src/lib/server/ingest/import';
import { importAreaFile } from '../../src/lib/server/ingest/import-areas';
import { loadDemo } from '../../src/lib/server/demo/load';

const FIXTURES = resolve('tests/fixtures/ingest');
const POLICE_UK = join(FIXTURES, 'police-uk/2016-01-city-of-london-street.csv');
const CHICAGO = join(FIXTURES, 'chicago/crimes-sample.csv');
const DISTRICTS = join(FIXTURES, 'areas/police_districts_simple.geojson');

describe.each(engines())('import audit trail on %s', { timeout: 300_000 }, (engine) => {
	let t: TestDatabase;
	const work = mkdtempSync(join(tmpdir(), 'beatwise-import-audit-'));
	beforeAll(async () => {
		t = await createTestDatabase(engine);
	});
	afterAll(async () => {
		await t?.drop();
		rmSync(work, { recursive: true, force: true });
	});

	it('records a file imported from the CLI: OS user, batch, counts, from the command line', async () => {
		const mark = await lastAuditId(t.db);
		const r = await importPaths(t.db, {
			inputs: [POLICE_UK],
			format: 'police-uk',
			importedBy: 'ops-alice',
			origin: CLI_ORIGIN
		});
		expect(r.failed).toEqual([]);
		const [batch] = await t.db.query<{ id: number; imported_by: string }>(
			`SELECT id, imported_by FROM import_batches WHERE file = $1`,
			[POLICE_UK]
		);
		expect(batch.imported_by).toBe('ops-alice');
		const entries = await auditRows(t.db, mark);
		expect(entries).toEqual([
			{
				user_id: null,
				username: 'ops-alice',
				action: 'import',
				object: `batch:${batch.id}`,
				ip: 'cli',
				user_agent: 'beatwise-cli',
				detail: {
					file: POLICE_UK,
					format: 'police-uk',
					source: 'data.police.uk street-level crime',
					total: r.total,
					imported: r.imported,
					rejected: r.rejected,
					duplicate: r.duplicate,
					replaced: 0
				},
				recent: true
			}
		]);
		expect(r.total).toBeGreaterThan(0);
		expect(r.imported).toBe(r.total);
	});

	it('records a signed-in user by id, and a re-import as its own entry', async () => {
		const mark = await lastAuditId(t.db);
		const origin = { ip: '203.0.113.9', userAgent: 'Mozilla/5.0 test' };
		const r = await importPaths(t.db, {
			inputs: [POLICE_UK],
			format: 'police-uk',
			actor: { id: 42, username: 'analyst-bob' },
			origin
		});
		expect(r.imported).toBe(0);
		const entries = await auditRows(t.db, mark);
		expect(entries).toHaveLength(1);
		expect(entries[0]).toMatchObject({
			user_id: 42,
			username: 'analyst-bob',
			action: 'import',
			ip: origin.ip,
			user_agent: origin.userAgent,
			detail: { imported: 0, duplicate: r.total, total: r.total }
		});
		const [batch] = await t.db.query<{ imported_by: string }>(
			`SELECT imported_by FROM import_batches WHERE id = $1`,
			[Number(entries[0].object.replace('batch:', ''))]
		);
		expect(batch.imported_by).toBe('analyst-bob');
	});

	it('records one entry per file, failed ones with the error, and a failed file stores nothing', async () => {
		const wrongHeader = join(work, 'chicago-as-police-street.csv');
		writeFileSync(wrongHeader, readFileSync(CHICAGO));
		// A gzip cut short fails after its batch row exists: the entry names that batch.
		const gz = gzipSync(readFileSync(POLICE_UK, 'utf8').replace(/2016-01/g, '2016-02'));
		const cut = join(work, 'cut-street.csv.gz');
		writeFileSync(cut, gz.subarray(0, Math.floor(gz.length * 0.8)));
		const before = await databaseCounts(t.db);
		const mark = await lastAuditId(t.db);
		const r = await importPaths(t.db, {
			inputs: [wrongHeader, cut, POLICE_UK],
			format: 'police-uk',
			importedBy: 'ops-alice',
			origin: CLI_ORIGIN
		});
		expect(r.failed.map((f) => [f.file, f.code])).toEqual([
			[wrongHeader, 'E_HEADER'],
			[cut, 'E_FORMAT']
		]);
		const entries = await auditRows(t.db, mark);
		expect(entries.map((e) => e.action)).toEqual(['import', 'import', 'import']);
		expect(entries.every((e) => e.username === 'ops-alice' && e.ip === 'cli')).toBe(true);
		// Failed before a batch existed: the object is the file.
		expect(entries[0].object).toBe(wrongHeader);
		expect(entries[0].detail).toEqual({
			file: wrongHeader,
			format: 'police-uk',
			source: 'data.police.uk street-level crime',
			error: { code: 'E_HEADER', message: r.failed[0].message }
		});
		expect(r.failed[0].message).toMatch(/chicago-as-police-street\.csv: missing required column/);
		// Failed part-way: the batch row exists (status failed) and holds nothing.
		const [cutBatch] = await t.db.query<{ id: number; status: string; total_rows: number }>(
			`SELECT id, status, total_rows FROM import_batches WHERE file = $1`,
			[cut]
		);
		expect(cutBatch.status).toBe('failed');
		expect(Number(cutBatch.total_rows)).toBe(0);
		expect(entries[1].object).toBe(`batch:${cutBatch.id}`);
		expect(entries[1].detail).toMatchObject({
			file: cut,
			error: { code: 'E_FORMAT', message: expect.stringMatching(/truncated gzip/) }
		});
		const [{ n }] = await t.db.query<{ n: number }>(
			`SELECT count(*)::int AS n FROM incidents WHERE batch_id = $1`,
			[cutBatch.id]
		);
		expect(Number(n)).toBe(0);
		// The third file was imported already: its entry counts it as duplicates.
		expect(entries[2].detail).toMatchObject({ file: POLICE_UK, imported: 0 });
		expect(await databaseCounts(t.db)).toEqual(before);
	});

	it('records an input that does not exist', async () => {
		const mark = await lastAuditId(t.db);
		const missing = join(work, 'missing-street.csv');
		await expect(
			importPaths(t.db, { inputs: [missing], format: 'police-uk', importedBy: 'ops-alice' })
		).rejects.toMatchObject({ code: 'E_FILE_UNREADABLE' });
		const entries = await auditRows(t.db, mark);
		expect(entries).toEqual([
			expect.objectContaining({
				username: 'ops-alice',
				action: 'import',
				object: missing,
				ip: null,
				detail: {
					inputs: [missing],
					format: 'police-uk',
					error: { code: 'E_FILE_UNREADABLE', message: `${missing}: no such file or folder` }
				}
			})
		]);
	});

	it('records boundary imports as import.areas, failed ones too', async () => {
		const mark = await lastAuditId(t.db);
		const r = await importAreaFile(t.db, DISTRICTS, {
			kind: 'district',
			importedBy: 'ops-alice',
			origin: CLI_ORIGIN
		});
		const notJson = join(work, 'not-boundaries.geojson');
		writeFileSync(notJson, 'hello');
		await expect(
			importAreaFile(t.db, notJson, { importedBy: 'ops-alice', origin: CLI_ORIGIN })
		).rejects.toMatchObject({ code: 'E_FORMAT' });
		const entries = await auditRows(t.db, mark);
		expect(entries).toEqual([
			expect.objectContaining({
				username: 'ops-alice',
				action: 'import.areas',
				object: DISTRICTS,
				ip: 'cli',
				detail: { ...r }
			}),
			expect.objectContaining({
				action: 'import.areas',
				object: notJson,
				detail: {
					file: notJson,
					kind: null,
					error: { code: 'E_FORMAT', message: expect.stringContaining(notJson) }
				}
			})
		]);
		expect(r.areas).toBeGreaterThan(0);
	});

	it('records the demo loader as demo', async () => {
		// A demo folder of one month and one square area of each kind (the real demo takes minutes).
		const dir = join(work, 'demo');
		mkdirSync(join(dir, 'crime'), { recursive: true });
		writeFileSync(join(dir, 'ATTRIBUTION.md'), 'test\n');
		writeFileSync(
			join(dir, 'crime/2016-04-city-of-london-street.csv'),
			readFileSync(POLICE_UK, 'utf8').replace(/2016-01/g, '2016-04')
		);
		const square = (props: Record<string, string>) =>
			JSON.stringify({
				type: 'FeatureCollection',
				features: [
					{
						type: 'Feature',
						properties: props,
						geometry: {
							type: 'Polygon',
							coordinates: [
								[
									[-0.113, 51.51],
									[-0.07, 51.51],
									[-0.07, 51.522],
									[-0.113, 51.522],
									[-0.113, 51.51]
								]
							]
						}
					}
				]
			});
		writeFileSync(
			join(dir, 'lsoa-2011.geojson'),
			square({ LSOA11CD: 'E01000001', LSOA11NM: 'City of London 001A' })
		);
		writeFileSync(
			join(dir, 'boroughs-2022.geojson'),
			square({ LAD22CD: 'E09000001', LAD22NM: 'City of London' })
		);
		const mark = await lastAuditId(t.db);
		const saved = process.env.BEATWISE_DEMO_DATA;
		process.env.BEATWISE_DEMO_DATA = dir;
		try {
			await loadDemo(t.db);
		} finally {
			if (saved === undefined) delete process.env.BEATWISE_DEMO_DATA;
			else process.env.BEATWISE_DEMO_DATA = saved;
		}
		const entries = (await auditRows(t.db, mark)).filter((e) => e.action.startsWith('import'));
		expect(entries.map((e) => [e.action, e.username, e.ip, e.user_agent])).toEqual([
			['import', 'demo', 'cli', 'beatwise-demo'],
			['import.areas', 'demo', 'cli', 'beatwise-demo'],
			['import.areas', 'demo', 'cli', 'beatwise-demo']
		]);
		expect(entries[0].detail).toMatchObject({ format: 'police-uk', rejected: 0 });
	});

	it('beatwise import and beatwise areas record the OS user from the command line', async () => {
		const csv = join(work, 'cli-street.csv');
		writeFileSync(csv, readFileSync(POLICE_UK, 'utf8').replace(/2016-01/g, '2016-03'));
		const mark = await lastAuditId(t.db);
		// The CLI opens the database itself (one process per embedded data folder).
		await t.db.close();
		const env = {
			...process.env,
			USER: 'ops-carol',
			DATABASE_URL: engine === 'postgres' ? (t.url as string) : '',
			BEATWISE_DATA: t.dataDir ?? ''
		};
		const run = (...args: string[]) =>
			spawnSync(process.execPath, ['bin/beatwise.js', ...args], { encoding: 'utf8', env });
		const imported = run('import', csv, '--format', 'police-uk', '--json');
		expect(imported.status, imported.stderr).toBe(0);
		const areas = run('areas', DISTRICTS, '--kind', 'district', '--json');
		expect(areas.status, areas.stderr).toBe(0);
		const db = await openDatabase({ databaseUrl: t.url, dataDir: t.dataDir });
		try {
			const entries = await auditRows(db, mark);
			expect(entries.map((e) => [e.action, e.username, e.ip, e.user_agent])).toEqual([
				['import', 'ops-carol', 'cli', 'beatwise-cli'],
				['import.areas', 'ops-carol', 'cli', 'beatwise-cli']
			]);
			const summary = JSON.parse(imported.stdout) as { imported: number };
			expect(summary.imported).toBeGreaterThan(0);
			expect(entries[0].detail).toMatchObject({ file: csv, imported: summary.imported });
			expect(entries[1].object).toBe(DISTRICTS);
		} finally {
			await db.close();
		}
	});
});
