/**
 * Observations end to end on both engines: `beatwise observations` as a user runs it (a real process)
 * on a generated file with good and bad rows — exact accounting, rejects with row, field and reason,
 * idempotent re-import, hostile text stored verbatim, H3 cells, audit entries, unreadable files that
 * leave nothing behind — then the map service's handling rules per role and the neighbourhood view's
 * observations for the community role.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { latLngToCell, polygonToCells } from 'h3-js';
import { insertIncidents } from '../helpers/incidents';
import { createTestDatabase, engines, type TestDatabase } from '../helpers/db';
import { openDatabase, type Database } from '../../src/lib/server/db/client';
import { searchAudit } from '../../src/lib/server/db/queries/audit';
import { observationsForMap } from '../../src/lib/server/services/observations';
import { neighbourhoodSummary } from '../../src/lib/server/services/neighbourhood';
import { ServiceError } from '../../src/lib/server/errors';
import type { AuthUser } from '../../src/lib/server/auth/permissions';
import { scopeFor, type ReadScope } from '../../src/lib/server/auth/read-scope';

const origin = { ip: '192.0.2.55', userAgent: 'vitest' };
const SOURCE = 'Test community reports';
const SCRIPT = '<script>alert(1)</script>';
const FORMULA = '=HYPERLINK("http://evil.example/","click me")';
const BOX: [number, number, number, number] = [-0.1, 51.5, -0.08, 51.53];
const NORTH = { lon: -0.095, lat: 51.52 };
const SOUTH = { lon: -0.085, lat: 51.51 };

const HEADER =
	'ID,Observed_At,Text,Latitude,Longitude,Source_Evaluation,Intelligence_Assessment,Handling_Code,Sanitised_Text';

/** CSV-quote a value. */
const q = (v: string) => `"${v.replaceAll('"', '""')}"`;
const row = (...v: (string | number)[]) => v.map((x) => q(String(x))).join(',');

/**
 * 16 data rows (rows 2–17): 7 good, 8 bad (the last one over 1 MiB), 1 repeated id. The NUL row comes after the long row, past
 * the reader's 4 KiB binary sniff, where a stray NUL is text to clean rather than a binary file.
 */
const BIG = row(
	'big',
	'2024-03-01T10:00:00Z',
	'y'.repeat(1_100_000),
	NORTH.lat,
	NORTH.lon,
	2,
	'B',
	'P',
	''
);

function observationsFile(): string {
	const n = (dLon: number, dLat: number) => [NORTH.lat + dLat, NORTH.lon + dLon];
	const rows = [
		row(
			'n1',
			'2024-03-10T09:00:00Z',
			'Raw n1: names the caller',
			...n(0, 0),
			2,
			'B',
			'P',
			'Sanitised n1'
		),
		row(
			'n2',
			'2024-03-11T09:00:00Z',
			'Restricted n2 raw',
			...n(0.0001, 0.0001),
			1,
			'A',
			'C',
			'Restricted n2 sanitised'
		),
		row('n3', '2024-03-12T09:00:00Z', SCRIPT, ...n(-0.0001, -0.0001), 3, 'E', 'P', ''),
		row('x4', '2024-03-13T09:00:00Z', FORMULA, '', '', 2, 'C', 'P', ''),
		row('s5', '2024-02-01 12:00', 'South s5', SOUTH.lat, SOUTH.lon, 2, 'D', 'P', ''),
		row('r6', '2024-03-14T09:00:00Z', 'Rejected in review', ...n(0, 0), 2, 'B', 'P', ''),
		row('b1', '2024-03-01T10:00:00Z', 'bad assessment', ...n(0, 0), 2, 'F', 'P', ''),
		row('b2', '2024-03-01T10:00:00Z', 'bad evaluation', ...n(0, 0), 9, 'B', 'P', ''),
		row('b3', '2024-03-01T10:00:00Z', 'bad latitude', 95, NORTH.lon, 2, 'B', 'P', ''),
		row('b4', '2024-13-01T10:00:00Z', 'bad date', ...n(0, 0), 2, 'B', 'P', ''),
		row('b5', '2024-03-01T10:00:00Z', '   ', ...n(0, 0), 2, 'B', 'P', ''),
		row('b6', '2024-03-01T10:00:00Z', 'x'.repeat(10_001), ...n(0, 0), 2, 'B', 'P', ''),
		row('n1', '2024-03-10T09:00:00Z', 'same id again', ...n(0, 0), 2, 'B', 'P', ''),
		'b7,2024-03-01T10:00:00Z',
		row('n8', '2024-03-15T09:00:00Z', 'nul\u0000byte', ...n(0.0002, 0), 2, 'B', 'P', ''),
		BIG
	];
	return '\ufeff' + [HEADER, ...rows].join('\r\n') + '\r\n';
}

function user(role: AuthUser['role'], areaIds: number[] = []): AuthUser {
	return { id: 1, username: `t-${role}`, displayName: role, role, areaIds };
}

/** The read scope of a test user (what the routes get from `readScope`). */
function scope(role: AuthUser['role'], areaIds: number[] = []): ReadScope {
	return scopeFor(user(role, areaIds), origin);
}

describe.each(engines())('observations on %s', (engine) => {
	let t: TestDatabase;
	let db: Database;
	let dir: string;
	let file: string;
	let north = 0;
	let south = 0;

	/** `beatwise observations …` in a real process; the embedded database is closed meanwhile. */
	async function cli(...args: string[]) {
		if (engine === 'pglite') await db.close();
		const r = spawnSync(process.execPath, ['bin/beatwise.js', 'observations', ...args], {
			encoding: 'utf8',
			env: { ...process.env, DATABASE_URL: t.url ?? '', BEATWISE_DATA: t.dataDir ?? '' }
		});
		if (engine === 'pglite') db = await openDatabase({ dataDir: t.dataDir! });
		return r;
	}

	const count = async (sql: string) =>
		Number((await db.query<{ n: number }>(`SELECT (${sql})::int AS n`))[0].n);

	async function square(code: string, c: { lon: number; lat: number }): Promise<number> {
		const d = 0.003;
		const ring = [
			[c.lon - d, c.lat - d],
			[c.lon + d, c.lat - d],
			[c.lon + d, c.lat + d],
			[c.lon - d, c.lat + d],
			[c.lon - d, c.lat - d]
		];
		const [a] = await db.query<{ id: number }>(
			`INSERT INTO areas (kind, code, name, geom) VALUES ('beat', $1, $1,
			   ST_Multi(ST_MakeEnvelope($2, $3, $4, $5, 4326))) RETURNING id`,
			[code, c.lon - d, c.lat - d, c.lon + d, c.lat + d]
		);
		const cells = polygonToCells([ring], 10, true).map((h) => BigInt(`0x${h}`).toString());
		await db.query(`INSERT INTO area_cells (area_id, h3) SELECT $1, unnest($2::bigint[])`, [
			a.id,
			cells
		]);
		return Number(a.id);
	}

	beforeAll(async () => {
		t = await createTestDatabase(engine);
		db = t.db;
		dir = mkdtempSync(join(tmpdir(), 'beatwise-observations-'));
		file = join(dir, 'community-reports.csv');
		writeFileSync(file, observationsFile());
		await db.query(`INSERT INTO users (id, username, display_name, password_hash, role)
			VALUES (1, 'seed', 'seed', 'x', 'admin')`);
		north = await square('NORTH', NORTH);
		south = await square('SOUTH', SOUTH);
		// The neighbourhood view needs some incident data (its periods come from the rollup).
		const [src] = await db.query<{ id: number }>(
			`INSERT INTO sources (name, kind, category) VALUES ('crime', 'internal', 'crime') RETURNING id`
		);
		await insertIncidents(
			db,
			Number(src.id),
			['a', 'b', 'c'].map((ext) => ({ ext, ...NORTH, day: '2024-03-01', category: 'burglary' }))
		);
	});
	afterAll(async () => {
		await db?.close().catch(() => {});
		await t?.drop();
		rmSync(dir, { recursive: true, force: true });
	});

	it('imports good rows, rejects bad ones with row, field and reason, and accounts for every row', async () => {
		const r = await cli(file, '--source', SOURCE, '--source-category', 'community', '--json');
		expect(r.status, r.stderr).toBe(0);
		const a = JSON.parse(r.stdout);
		expect(a).toMatchObject({
			total: 16,
			imported: 7,
			rejected: 8,
			duplicate: 1,
			located: 6,
			failed: []
		});
		expect(a.total).toBe(a.imported + a.rejected + a.duplicate);
		const rejects = await db.query<{
			row_number: number;
			field: string;
			reason: string;
			raw: string;
		}>(
			`SELECT r.row_number, r.field, r.reason, r.raw, r.file FROM import_rejects r
			 JOIN import_batches b ON b.id = r.batch_id WHERE b.format = 'observations' ORDER BY r.row_number`
		);
		expect(rejects.map((x) => [x.row_number, x.field])).toEqual([
			[8, 'Intelligence_Assessment'],
			[9, 'Source_Evaluation'],
			[10, 'Latitude'],
			[11, 'Observed_At'],
			[12, 'Text'],
			[13, 'Text'],
			[15, ''],
			[17, '']
		]);
		expect(rejects.map((x) => x.reason)).toEqual([
			'must be one of A, B, C, D, E: got "F"',
			'must be one of 1, 2, 3: got "9"',
			'latitude 95 is outside −90..90',
			'not an ISO 8601 date and time such as 2024-03-01T14:30:00+00:00: "2024-13-01T10:00:00Z"',
			'is empty: an observation needs its text',
			'is longer than 10000 characters',
			'wrong number of columns: expected 9, found 2',
			`row is ${BIG.length} characters long; rows of more than 1048576 are not imported`
		]);
		expect(rejects[0].raw).toMatch(/^"b1",/);
		// Only the start of the oversized row is kept.
		expect(rejects[7].raw).toBe(`${BIG.slice(0, 10_000)}… (${BIG.length} characters)`);
		const [batch] = await db.query<Record<string, unknown>>(
			`SELECT b.status, b.total_rows, b.imported, b.rejected, b.duplicate, b.imported_by, s.name, s.kind, s.category, s.timezone
			 FROM import_batches b JOIN sources s ON s.id = b.source_id WHERE b.format = 'observations'`
		);
		expect(batch).toMatchObject({
			status: 'complete',
			total_rows: 16,
			imported: 7,
			rejected: 8,
			duplicate: 1,
			imported_by: userInfo().username,
			name: SOURCE,
			kind: 'open',
			category: 'community',
			timezone: 'Europe/London'
		});
		// Every stored observation names the batch that stored it.
		const [link] = await db.query<{ batches: number; rows: number }>(
			`SELECT count(DISTINCT o.batch_id)::int AS batches, count(*)::int AS rows
			 FROM observations o JOIN import_batches b ON b.id = o.batch_id
			 WHERE b.format = 'observations'`
		);
		expect({ batches: Number(link.batches), rows: Number(link.rows) }).toEqual({
			batches: 1,
			rows: 7
		});
	});

	it('stores text verbatim (markup, formulas), NULs removed, grading, time, point and H3 cell', async () => {
		const rows = await db.query<Record<string, unknown>>(
			`SELECT external_id, text, sanitised_text, source_evaluation, intelligence_assessment,
			        handling_code, observed_at, ST_X(geom) AS lon, ST_Y(geom) AS lat, h3::text AS h3,
			        review_status, created_by
			 FROM observations ORDER BY external_id`
		);
		const by = new Map(rows.map((r) => [r.external_id, r]));
		expect([...by.keys()]).toEqual(['n1', 'n2', 'n3', 'n8', 'r6', 's5', 'x4']);
		expect(by.get('n3')!.text).toBe(SCRIPT);
		expect(by.get('x4')!.text).toBe(FORMULA);
		expect(by.get('n8')!.text).toBe('nulbyte');
		expect(by.get('n1')).toMatchObject({
			text: 'Raw n1: names the caller',
			sanitised_text: 'Sanitised n1',
			source_evaluation: 2,
			intelligence_assessment: 'B',
			handling_code: 'P',
			lon: NORTH.lon,
			lat: NORTH.lat,
			h3: BigInt(`0x${latLngToCell(NORTH.lat, NORTH.lon, 11)}`).toString(),
			review_status: 'new',
			created_by: userInfo().username
		});
		expect(new Date(by.get('n1')!.observed_at as string).toISOString()).toBe(
			'2024-03-10T09:00:00.000Z'
		);
		// A local time without an offset is read in Europe/London (GMT in February).
		expect(new Date(by.get('s5')!.observed_at as string).toISOString()).toBe(
			'2024-02-01T12:00:00.000Z'
		);
		expect(by.get('n3')!.sanitised_text).toBeNull();
		expect([by.get('x4')!.lon, by.get('x4')!.h3]).toEqual([null, null]);
		// Review: one observation is rejected by an analyst; it leaves every output.
		await db.query(`UPDATE observations SET review_status = 'rejected' WHERE external_id = 'r6'`);
	});

	it('adds nothing when the same file is imported again (every id a duplicate)', async () => {
		const r = await cli(file, '--source', SOURCE);
		expect(r.status, r.stderr).toBe(0);
		expect(r.stdout).toMatch(
			/community-reports\.csv: 16 rows = 0 imported \+ 8 rejected \+ 8 duplicate/
		);
		expect(r.stdout).toMatch(/Rows: +16 = 0 imported \+ 8 rejected \+ 8 duplicate/);
		expect(await count('SELECT count(*) FROM observations')).toBe(7);
		expect(await count(`SELECT count(*) FROM import_batches WHERE format = 'observations'`)).toBe(
			2
		);
	});

	it('fails unreadable files and bad headers with a clear message and writes nothing', async () => {
		const binary = join(dir, 'binary.csv');
		writeFileSync(binary, Buffer.from([0x69, 0x64, 0x00, 0x01, 0x02, 0x0a]));
		const header = join(dir, 'header.csv');
		writeFileSync(header, 'id,when,text\nz1,2024-01-01T00:00:00Z,hello\n');
		const batches = await count('SELECT count(*) FROM import_batches');
		const r = await cli(join(dir, 'missing.csv'), binary, header, '--source', 'Never created');
		expect(r.status).toBe(1);
		expect(r.stderr).toMatch(/FAILED .*missing\.csv: cannot read file \(no such file\)/);
		expect(r.stderr).toMatch(/FAILED .*binary\.csv: not a CSV file: looks like binary data/);
		expect(r.stderr).toMatch(
			/FAILED .*header\.csv: missing columns observed_at, latitude, longitude, source_evaluation, intelligence_assessment, handling_code/
		);
		expect(await count('SELECT count(*) FROM import_batches')).toBe(batches);
		expect(await count(`SELECT count(*) FROM sources WHERE name = 'Never created'`)).toBe(0);
		expect(await count('SELECT count(*) FROM observations')).toBe(7);
	});

	it('refuses bad options before touching the database (exit 2)', async () => {
		const kind = await cli(file, '--source-kind', 'secret');
		expect(kind.status).toBe(2);
		expect(kind.stderr).toMatch(/--source-kind must be one of internal, open/);
	});

	it('audits every file with its accounting: CLI origin, the OS user, no account', async () => {
		const { rows } = await searchAudit(db, {
			action: 'import.observations',
			page: 1,
			pageSize: 50
		});
		expect(rows).toHaveLength(5);
		for (const r of rows)
			expect(r).toMatchObject({
				userId: null,
				username: userInfo().username,
				ip: 'cli',
				userAgent: 'beatwise-cli'
			});
		const done = rows.filter((r) => r.detail.status === 'complete').reverse();
		expect(done.map((r) => r.detail)).toMatchObject([
			{ source: SOURCE, total: 16, imported: 7, rejected: 8, duplicate: 1, located: 6 },
			{ source: SOURCE, total: 16, imported: 0, rejected: 8, duplicate: 8, located: 0 }
		]);
		expect(done[0].object).toMatch(/^import_batch:\d+$/);
		const failed = rows.filter((r) => r.detail.status === 'failed');
		expect(failed.map((r) => r.detail.code).sort()).toEqual([
			'E_FILE_UNREADABLE',
			'E_FORMAT',
			'E_HEADER'
		]);
		expect(failed.every((r) => r.detail.source === 'Never created')).toBe(true);
	});

	const map = (role: AuthUser['role'], extra: object = {}, areaIds: number[] = []) =>
		observationsForMap(db, scope(role, areaIds), { bbox: BOX, ...extra });

	it('serves an analyst every located observation newest first, handling C and text as recorded', async () => {
		const a = await map('analyst');
		expect(a).toMatchObject({ total: 5, withheld: 0, limit: 2000 });
		expect(a.items.map((i) => i.text)).toEqual([
			'nulbyte',
			SCRIPT,
			'Restricted n2 raw',
			'Raw n1: names the caller',
			'South s5'
		]);
		expect(a.items[3]).toMatchObject({
			lon: NORTH.lon,
			lat: NORTH.lat,
			observedAt: '2024-03-10T09:00:00.000Z',
			source: SOURCE,
			sourceCategory: 'community',
			grading: { sourceEvaluation: 2, intelligenceAssessment: 'B', handlingCode: 'P' },
			reviewStatus: 'new'
		});
	});

	it('withholds handling code C from roles without the right and gives them the sanitised text', async () => {
		for (const role of ['viewer', 'planner', 'officer'] as const) {
			const v = await map(role);
			// Issue 10 finding 3: not told how many are withheld (a small box and one day would place them).
			expect(v, role).toMatchObject({ total: 4, withheld: null });
			expect(v.items.map((i) => i.text)).toEqual(['nulbyte', SCRIPT, 'Sanitised n1', 'South s5']);
			expect(v.items.every((i) => i.grading.handlingCode === 'P')).toBe(true);
		}
	});

	it('limits by area, area limits of the user, and local days', async () => {
		const inNorth = await map('analyst', { area: north });
		expect(inNorth.items.map((i) => i.text)).toEqual([
			'nulbyte',
			SCRIPT,
			'Restricted n2 raw',
			'Raw n1: names the caller'
		]);
		const limited = await map('officer', {}, [south]);
		expect(limited).toMatchObject({ total: 1, withheld: null });
		expect(limited.items[0].text).toBe('South s5');
		const days = await map('analyst', { from: '2024-03-11', to: '2024-03-12' });
		expect(days.items.map((i) => i.text)).toEqual([SCRIPT, 'Restricted n2 raw']);
		const outside = await observationsForMap(db, scope('analyst'), {
			bbox: [-0.2, 51.4, -0.15, 51.45]
		});
		expect(outside).toMatchObject({ total: 0, withheld: 0, items: [] });
	});

	it('refuses the community role (no exact points in public outputs) and unknown areas', async () => {
		await expect(map('community')).rejects.toBeInstanceOf(ServiceError);
		await expect(map('community')).rejects.toMatchObject({ code: 'E_FORBIDDEN', status: 403 });
		await expect(map('analyst', { area: 999_999 })).rejects.toMatchObject({
			code: 'E_UNKNOWN_AREA'
		});
	});

	it('audits every observation query, also one that found nothing: who, which records, restricted shown, withheld', async () => {
		const before = await searchAudit(db, { action: 'observations.view', page: 1, pageSize: 100 });
		await map('supervisor');
		await map('viewer');
		await observationsForMap(db, scope('viewer'), { bbox: [-0.2, 51.4, -0.15, 51.45] });
		const after = await searchAudit(db, { action: 'observations.view', page: 1, pageSize: 100 });
		expect(after.total).toBe(before.total + 3);
		const [empty, viewer, supervisor] = after.rows;
		expect(empty).toMatchObject({ username: 't-viewer', detail: { returned: 0, records: [] } });
		expect(supervisor).toMatchObject({
			username: 't-supervisor',
			ip: '192.0.2.55',
			userAgent: 'vitest',
			detail: { returned: 5, restrictedShown: 1, withheld: 0 }
		});
		expect(viewer).toMatchObject({
			username: 't-viewer',
			detail: { returned: 4, restrictedShown: 0, withheld: 1 }
		});
		expect((viewer.detail.records as number[]).length).toBe(4);
	});

	it('lists P observations with the sanitised text and no point for the community role', async () => {
		// An officer's report in the same area: on the map layer, not in the community list.
		const [officer] = await db.query<{ id: number }>(
			`INSERT INTO sources (name, kind, category) VALUES ('Patrol notes', 'internal', 'officer') RETURNING id`
		);
		await db.query(
			`INSERT INTO observations (source_id, text, source_evaluation, intelligence_assessment,
			   handling_code, observed_at, geom, h3)
			 VALUES ($1, 'Officer note in north', 1, 'A', 'P', now(), ST_SetSRID(ST_MakePoint($2, $3), 4326), $4)`,
			[
				officer.id,
				NORTH.lon,
				NORTH.lat,
				BigInt(`0x${latLngToCell(NORTH.lat, NORTH.lon, 11)}`).toString()
			]
		);
		const onMap = await observationsForMap(db, scope('analyst'), { bbox: BOX, area: north });
		expect(onMap.items.map((i) => i.text)).toContain('Officer note in north');
		const community = await neighbourhoodSummary(db, {
			area: String(north),
			scope: scope('community')
		});
		expect(community.observations.total).toBe(3);
		expect(community.observations.recent.map((o) => o.text)).toEqual([
			'nulbyte',
			SCRIPT,
			'Sanitised n1'
		]);
		for (const o of community.observations.recent) {
			expect(o.handlingCode).toBe('P');
			expect(Object.keys(o)).not.toEqual(expect.arrayContaining(['lon']));
			expect(Object.keys(o).some((k) => /lon|lat|geom|h3|point/i.test(k))).toBe(false);
		}
		// No viewer named: the public rules.
		const nobody = await neighbourhoodSummary(db, { area: String(north) });
		expect(nobody.observations).toEqual(community.observations);
		// An analyst sees handling C and the text as recorded; the south area has only its own.
		const analyst = await neighbourhoodSummary(db, {
			area: String(north),
			scope: scope('analyst')
		});
		expect(analyst.observations.recent.map((o) => o.text)).toEqual([
			'nulbyte',
			SCRIPT,
			'Restricted n2 raw',
			'Raw n1: names the caller'
		]);
		const inSouth = await neighbourhoodSummary(db, {
			area: String(south),
			scope: scope('analyst')
		});
		expect(inSouth.observations.recent.map((o) => o.text)).toEqual(['South s5']);
	});
});
