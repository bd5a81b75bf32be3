/**
 * Issue 10, finding 9, the import part, on both engines and through the CLI:
 * - an import killed part-way left its batch `running` forever: the next run marks a batch without a
 *   sign of life for five minutes `interrupted` (with why) and reports it; a live one is left alone;
 * - a FIFO named `*-street.csv` blocked the CLI: non-regular files are refused with a clear message;
 * - bytes that are not UTF-8 (read as U+FFFD) were not reported: they are counted per file and in the
 *   summary, and a U+FFFD written in the file itself is not.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, engines, TEMPLATE_DIR, type TestDatabase } from '../helpers/db';
import { importPaths } from '../../src/lib/server/ingest/import';
import { importObservations } from '../../src/lib/server/ingest/observations';
import { CLI_ORIGIN } from '../../src/lib/server/auth/audit';

const HEADER =
	'Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Crime type,Last outcome category,Context';
const row = (id: string, location: string) =>
	`${id},2016-01,City of London Police,City of London Police,-0.0922,51.5155,${location},E01000001,City of London 001A,Burglary,,`;

const hasMkfifo = spawnSync('mkfifo', ['--version']).status === 0;
const importer = { importedBy: 'test', origin: CLI_ORIGIN };

describe.each(engines())('import bookkeeping on %s', (engine) => {
	let t: TestDatabase;
	let dir: string;

	beforeAll(async () => {
		t = await createTestDatabase(engine);
		dir = mkdtempSync(join(tmpdir(), 'beatwise-interrupted-'));
	});
	afterAll(async () => {
		await t?.drop();
		rmSync(dir, { recursive: true, force: true });
	});

	it('marks a killed import interrupted on the next run, and leaves a live one running', async () => {
		const [src] = await t.db.query<{ id: number }>(
			`INSERT INTO sources (name, kind, category) VALUES ('killed', 'internal', 'recorded-crime') RETURNING id`
		);
		const batch = async (file: string, heartbeat: string) =>
			Number(
				(
					await t.db.query<{ id: number }>(
						`INSERT INTO import_batches (source_id, format, file, imported, heartbeat_at)
						 VALUES ($1, 'police-uk', $2, 20000, now() - $3::interval) RETURNING id`,
						[src.id, file, heartbeat]
					)
				)[0].id
			);
		const killed = await batch('/data/killed-street.csv', '1 hour');
		const live = await batch('/data/live-street.csv', '30 seconds');
		const file = join(dir, 'ok-street.csv');
		writeFileSync(file, [HEADER, row('a1', 'On or near X')].join('\n') + '\n');
		const summary = await importPaths(t.db, { inputs: [file], format: 'police-uk', ...importer });
		expect(summary.interrupted).toEqual([
			{ batchId: killed, file: '/data/killed-street.csv', imported: 20000 }
		]);
		const rows = await t.db.query<{ id: number; status: string; error: string | null }>(
			`SELECT id, status, error FROM import_batches WHERE id = ANY($1::int[]) ORDER BY id`,
			[[killed, live]]
		);
		expect(rows.map((r) => r.status)).toEqual(['interrupted', 'running']);
		expect(rows[0].error).toMatch(/^interrupted: its import stopped without finishing/);
		// Found once: the next run has nothing more to report.
		const again = await importObservations(t.db, {
			files: [],
			source: { name: 'obs', kind: 'open', category: 'community' },
			timeZone: 'UTC',
			importedBy: 'test',
			audit: { actor: null, origin: CLI_ORIGIN }
		});
		expect(again.interrupted).toEqual([]);
	});

	it('counts bytes read as U+FFFD per file and in the summary, not a U+FFFD in the file', async () => {
		const file = join(dir, 'latin1-street.csv');
		const bytes = Buffer.concat([
			Buffer.from(HEADER + '\n'),
			// Two Latin-1 bytes (é, ü) in a UTF-8 file, then a real U+FFFD written as UTF-8.
			Buffer.from(row('b1', 'On or near Caf') + '\n'),
			Buffer.from([0xe9]),
			Buffer.from(row('b2', 'On or near M') + '\n'),
			Buffer.from([0xfc]),
			Buffer.from(row('b3', 'On or near \uFFFD genuine') + '\n')
		]);
		writeFileSync(file, bytes);
		const summary = await importPaths(t.db, { inputs: [file], format: 'police-uk', ...importer });
		expect(summary.files[0]).toMatchObject({ total: 3, imported: 3, replaced: 2 });
		expect(summary.replaced).toBe(2);
		const clean = join(dir, 'clean-street.csv');
		writeFileSync(clean, [HEADER, row('c1', 'On or near \uFFFD only genuine')].join('\n') + '\n');
		const s2 = await importPaths(t.db, { inputs: [clean], format: 'police-uk', ...importer });
		expect(s2.replaced).toBe(0);
	});

	it.skipIf(!hasMkfifo)(
		'refuses a FIFO named like a police.uk file, in a folder and by name',
		async () => {
			const folder = join(dir, 'with-fifo');
			mkdirSync(folder);
			writeFileSync(join(folder, 'a-street.csv'), [HEADER, row('f1', 'On or near Y')].join('\n'));
			const fifo = join(folder, 'b-street.csv');
			expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
			const summary = await importPaths(t.db, {
				inputs: [folder],
				format: 'police-uk',
				...importer
			});
			expect(summary.files.map((f) => f.imported)).toEqual([1]);
			expect(summary.failed).toEqual([
				{
					file: fifo,
					code: 'E_FILE_UNREADABLE',
					message: expect.stringMatching(
						/b-street\.csv: is a named pipe \(FIFO\), not a regular file/
					)
				}
			]);
		}
	);
});

describe.skipIf(!hasMkfifo)('beatwise import and a FIFO', () => {
	let dataDir: string;
	let dir: string;
	beforeAll(() => {
		dataDir = mkdtempSync(join(tmpdir(), 'beatwise-cli-fifo-'));
		dir = mkdtempSync(join(tmpdir(), 'beatwise-fifo-'));
		if (existsSync(join(TEMPLATE_DIR, 'pg')))
			cpSync(join(TEMPLATE_DIR, 'pg'), join(dataDir, 'pg'), { recursive: true });
	});
	afterAll(() => {
		rmSync(dataDir, { recursive: true, force: true });
		rmSync(dir, { recursive: true, force: true });
	});

	it('exits with a message naming the FIFO instead of waiting on it', async () => {
		const fifo = join(dir, '2020-01-x-street.csv');
		expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
		const child = spawn(
			process.execPath,
			['bin/beatwise.js', 'import', fifo, '--format', 'police-uk'],
			{ env: { ...process.env, DATABASE_URL: '', BEATWISE_DATA: dataDir } }
		);
		let out = '';
		child.stdout.on('data', (d) => (out += d));
		child.stderr.on('data', (d) => (out += d));
		// A CLI blocked on the FIFO never exits: the test's own timeout fails it then.
		const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
		expect(code, out).not.toBe(0);
		expect(out).toMatch(/2020-01-x-street\.csv: is a named pipe \(FIFO\), not a regular file/);
	});
});
