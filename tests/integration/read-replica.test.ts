/**
 * Issue 16 §6: read scale-out on a real streaming replica. Runs when BEATWISE_TEST_READ_URL names a
 * PostgreSQL 15 standby of the server in BEATWISE_TEST_DATABASE_URL (bench/replica/setup.sh makes one
 * on loopback; .ci/run passes it). The URL's database part is replaced by this test's own database.
 *
 * - Reader snapshots run on the replica (pg_is_in_recovery, the `beatwise-reader` pool in the
 *   replica's pg_stat_activity), in one REPEATABLE READ READ ONLY transaction; the writer is the
 *   primary; a write inside a reader snapshot fails.
 * - Replay paused (`pg_wal_replay_pause()`): another process's import is not visible on the replica;
 *   once replayed it is, and every snapshot read while replay runs is one whole version (the rollup
 *   version read in it decides its counts, and the rollup sums equal the incidents it sees).
 * - This process's own import: reads go to the primary until the replica has replayed its LSN.
 * - Audit entries of reads (an export through a reader snapshot) land on the primary.
 * On the embedded engine, a read URL is ignored with a log line.
 * Waits are on LSNs and pause states, never on time.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import postgres from 'postgres';
import { createTestDatabase, serverUrl, type TestDatabase } from '../helpers/db';
import { importPaths } from '../../src/lib/server/ingest/import';
import { cellCountsForAnalyst } from '../../src/lib/server/services/cells';
import { exportCellCounts } from '../../src/lib/server/services/exports';
import { scopeFor } from '../../src/lib/server/auth/read-scope';
import { recordAudit } from '../../src/lib/server/auth/audit';
import { rollupVersion } from '../../src/lib/server/db/queries/areas-study';
import { openDatabase, type Database } from '../../src/lib/server/db/client';
import { lsnAtLeast, openReadHandles, type ReadHandles } from '../../src/lib/server/db/reader';

const READ_URL = process.env.BEATWISE_TEST_READ_URL || undefined;
const DEMO = resolve('src/lib/server/demo/data/crime');
const month = (m: string) => resolve(DEMO, `${m}-city-of-london-street.csv.gz`);
const origin = { ip: '127.0.0.1', userAgent: 'read-replica test' };

/** What one snapshot sees: the rollup version, the res-9 total from the rollups, the incidents. */
interface State {
	version: string;
	rollupTotal: number;
	located: number;
}

async function stateOf(db: Database): Promise<State> {
	const version = await rollupVersion(db);
	const cells = await cellCountsForAnalyst(db, { res: 9, categories: [] });
	const [r] = await db.query<{ n: string }>(
		'SELECT count(*)::text AS n FROM incidents WHERE geom IS NOT NULL'
	);
	return {
		version,
		rollupTotal: cells.cells.reduce((a, c) => a + c.count, 0),
		located: Number(r.n)
	};
}

describe.skipIf(!READ_URL || !serverUrl())('read replica (streaming standby)', () => {
	let t: TestDatabase;
	let handles: ReadHandles;
	/** A second writer on the primary: another app server or the CLI, whose writes this process does not track. */
	let other: Database;
	/** The replica's own server, for pausing and resuming replay. */
	let standby: postgres.Sql;
	const log: string[] = [];

	const primaryLsn = async () =>
		(await t.db.query<{ lsn: string }>('SELECT pg_current_wal_lsn()::text AS lsn'))[0].lsn;

	/** Wait until the standby has replayed `lsn` (polls the replay position; no fixed sleeps). */
	async function replayed(lsn: string): Promise<void> {
		for (;;) {
			const [r] = await standby<{ lsn: string }[]>`SELECT pg_last_wal_replay_lsn()::text AS lsn`;
			if (lsnAtLeast(r.lsn, lsn)) return;
			await new Promise((ok) => setTimeout(ok, 20));
		}
	}

	async function pauseReplay(): Promise<void> {
		await standby`SELECT pg_wal_replay_pause()`;
		for (;;) {
			const [r] = await standby<{ s: string }[]>`SELECT pg_get_wal_replay_pause_state() AS s`;
			if (r.s === 'paused') return;
			await new Promise((ok) => setTimeout(ok, 20));
		}
	}

	const resumeReplay = async () => {
		await standby`SELECT pg_wal_replay_resume()`;
	};

	beforeAll(async () => {
		t = await createTestDatabase('postgres');
		const base = new URL(READ_URL!);
		base.pathname = '/postgres';
		standby = postgres(base.toString(), { max: 1, onnotice: () => {} });
		await resumeReplay(); // a paused replica left by an interrupted run
		await replayed(await primaryLsn()); // this test's database exists on the replica
		const replicaUrl = new URL(READ_URL!);
		replicaUrl.pathname = new URL(t.url!).pathname;
		other = await openDatabase({ databaseUrl: t.url!, migrate: false });
		await t.db.query(`INSERT INTO users (id, username, display_name, password_hash, role)
			VALUES (1, 'replica-analyst', 'Analyst', 'x', 'analyst')`);
		await importPaths(other, { inputs: [month('2016-01')], format: 'police-uk' });
		handles = await openReadHandles(
			t.db,
			{ primaryUrl: t.url, readUrl: replicaUrl.toString() },
			(l) => log.push(l)
		);
		await replayed(await primaryLsn());
	}, 120_000);

	afterAll(async () => {
		await resumeReplay().catch(() => {});
		await handles?.close();
		await other?.close();
		await standby?.end();
		await t?.drop();
	});

	it('reads on the replica in one read-only snapshot, writes on the primary', async () => {
		expect(log.join('\n')).toMatch(/streaming standby/);
		expect(await handles.nextTarget()).toBe('replica');
		const seen = await handles.read(async (db, target) => {
			const [r] = await db.query<Record<string, string | boolean>>(
				`SELECT pg_is_in_recovery() AS standby, current_setting('transaction_isolation') AS iso,
				        current_setting('transaction_read_only') AS ro,
				        (SELECT application_name FROM pg_stat_activity WHERE pid = pg_backend_pid()) AS app`
			);
			return { target, ...r };
		});
		expect(seen).toEqual({
			target: 'replica',
			standby: true,
			iso: 'repeatable read',
			ro: 'on',
			app: 'beatwise-reader'
		});
		const [w] = await handles.writer.query<{ standby: boolean }>(
			'SELECT pg_is_in_recovery() AS standby'
		);
		expect(w.standby).toBe(false);
		await expect(
			handles.read((db) => db.query(`UPDATE users SET display_name = 'x' WHERE id = 1`))
		).rejects.toThrow(/read-only transaction/);
	});

	it("shows another process's import only once the replica has replayed it, and never part of it", async () => {
		const before = await handles.read((db) => stateOf(db));
		expect(before.rollupTotal).toBe(before.located);
		await pauseReplay();
		try {
			await importPaths(other, {
				inputs: [month('2016-02'), month('2016-03')],
				format: 'police-uk'
			});
			const after = await stateOf(t.db);
			expect(after.located).toBeGreaterThan(before.located);
			// Still the old version on the replica: the import is not replayed.
			expect(await handles.nextTarget()).toBe('replica');
			expect(await handles.read((db) => stateOf(db))).toEqual(before);

			// One snapshot stays one version while replay goes on underneath it.
			const target = await primaryLsn();
			const inOne = await handles.read(async (db) => {
				const first = await stateOf(db);
				await resumeReplay();
				const second = await stateOf(db);
				return [first, second];
			});
			expect(inOne).toEqual([before, before]);

			// Every snapshot taken while the replica replays is one whole version.
			const byVersion = new Map<string, State>();
			for (;;) {
				const s = await handles.read((db) => stateOf(db));
				expect(s.rollupTotal).toBe(s.located);
				const known = byVersion.get(s.version);
				if (known) expect(s).toEqual(known);
				else byVersion.set(s.version, s);
				const [r] = await standby<{ lsn: string }[]>`SELECT pg_last_wal_replay_lsn()::text AS lsn`;
				if (lsnAtLeast(r.lsn, target)) break;
			}
			await replayed(target);
			expect(await handles.read((db) => stateOf(db))).toEqual(after);
		} finally {
			await resumeReplay();
		}
	});

	it("reads this process's own import on the primary until the replica has replayed it", async () => {
		await pauseReplay();
		try {
			await importPaths(handles.writer, { inputs: [month('2016-04')], format: 'police-uk' });
			const after = await stateOf(t.db);
			expect(await handles.nextTarget()).toBe('primary');
			const seen = await handles.read(async (db, target) => ({ target, state: await stateOf(db) }));
			expect(seen).toEqual({ target: 'primary', state: after });
			const target = await primaryLsn();
			await resumeReplay();
			await replayed(target);
			expect(await handles.nextTarget()).toBe('replica');
			expect(
				await handles.read(async (db, where) => ({ where, state: await stateOf(db) }))
			).toEqual({ where: 'replica', state: after });
		} finally {
			await resumeReplay();
		}
	});

	it('writes the audit entry of a read on the primary', async () => {
		const analyst = {
			id: 1,
			username: 'replica-analyst',
			displayName: 'Analyst',
			role: 'analyst' as const,
			areaIds: []
		};
		const count = async () =>
			Number(
				(
					await t.db.query<{ n: string }>(
						`SELECT count(*)::text AS n FROM audit_log WHERE username = 'replica-analyst' AND action = 'export'`
					)
				)[0].n
			);
		const n0 = await count();
		const file = await handles.read(async (db, target) => {
			expect(target).toBe('replica');
			return exportCellCounts(db, scopeFor(analyst, origin), {
				res: 9,
				categories: [],
				audience: 'internal',
				bbox: [-0.12, 51.5, -0.07, 51.53]
			});
		});
		expect(file.rows).toBeGreaterThan(0);
		expect(await count()).toBe(n0 + 1);
	});
});

describe.skipIf(!serverUrl())('reader snapshots on the primary (no replica)', () => {
	it('run read-only in their own pool, so reads that audit cannot starve the writer', async () => {
		const t = await createTestDatabase('postgres');
		const h = await openReadHandles(t.db, { primaryUrl: t.url }, () => {});
		try {
			await t.db.query(`INSERT INTO users (id, username, display_name, password_hash, role)
				VALUES (1, 'pool-analyst', 'Analyst', 'x', 'analyst')`);
			const seen = await h.read(async (db, target) => {
				const [r] = await db.query<{ ro: string; standby: boolean }>(
					`SELECT current_setting('transaction_read_only') AS ro, pg_is_in_recovery() AS standby`
				);
				return { target, ...r };
			});
			expect(seen).toEqual({ target: 'primary', ro: 'on', standby: false });
			// More requests at once than either pool has connections (10), each writing its audit entry
			// while it holds its snapshot.
			const n = 25;
			await Promise.all(
				Array.from({ length: n }, (_, i) =>
					h.read(async (db) => {
						await db.query('SELECT count(*) FROM incidents');
						await recordAudit(db, {
							actor: { id: 1, username: 'pool-analyst' },
							action: 'export',
							object: `pool:${i}`,
							origin
						});
					})
				)
			);
			const [c] = await t.db.query<{ n: string }>(
				`SELECT count(*)::text AS n FROM audit_log WHERE username = 'pool-analyst'`
			);
			expect(Number(c.n)).toBe(n);
		} finally {
			await h.close();
			await t.drop();
		}
	});
});

describe.skipIf(!serverUrl())('a read replica URL that does not answer', () => {
	it('stops the start with a message naming DATABASE_READ_URL', async () => {
		const t = await createTestDatabase('postgres');
		try {
			await expect(
				openReadHandles(
					t.db,
					{ primaryUrl: t.url, readUrl: 'postgres://postgres@127.0.0.1:1/nowhere' },
					() => {}
				)
			).rejects.toMatchObject({
				code: 'E_DB_UNREACHABLE',
				message: expect.stringMatching(/127\.0\.0\.1:1\/nowhere.*Check DATABASE_READ_URL/s)
			});
		} finally {
			await t.drop();
		}
	});
});

describe('read replica URL on the embedded engine', () => {
	it('is ignored with a log line; reads run on the database itself', async () => {
		const t = await createTestDatabase('pglite');
		try {
			const log: string[] = [];
			const h = await openReadHandles(t.db, { readUrl: 'postgres://replica.invalid/x' }, (l) =>
				log.push(l)
			);
			expect(log).toEqual([expect.stringMatching(/DATABASE_READ_URL is ignored/)]);
			expect(h.hasReplica).toBe(false);
			expect(h.writer).toBe(t.db);
			expect(await h.read(async (db, target) => ({ same: db === t.db, target }))).toEqual({
				same: true,
				target: 'primary'
			});
		} finally {
			await t.drop();
		}
	});
});
