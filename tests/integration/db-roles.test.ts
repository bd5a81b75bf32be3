/**
 * Issue 10, finding 6: the append-only audit log is only as strong as the role the app connects as.
 * Set up as docs/security.md says, on PostgreSQL (when BEATWISE_TEST_DATABASE_URL names a server): an
 * owner role (not a superuser) owns the database and runs `beatwise migrate`; `beatwise db
 * grant-runtime` creates the runtime role; the app connects as that with BEATWISE_MIGRATE=0. The
 * runtime role cannot UPDATE, DELETE or TRUNCATE audit_log, cannot disable its triggers, cannot SET
 * session_replication_role — all of which the owner (the app's old role) can — and the app works with
 * it: accounts, sign-in writing audit entries, an import.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import postgres from 'postgres';
import { createTestDatabase, serverUrl } from '../helpers/db';
import { openDatabase, type Database } from '../../src/lib/server/db/client';
import { createAccount, signIn, signInLimits } from '../../src/lib/server/auth/accounts';
import { recordAudit } from '../../src/lib/server/auth/audit';
import { importPaths } from '../../src/lib/server/ingest/import';
import { FIXTURES } from '../../src/lib/server/ingest/test-helpers';

const base = serverUrl();
const tag = `${process.pid}_${Date.now().toString(36)}`;
const OWNER = `bw_owner_${tag}`;
const RUNTIME = `bw_rt_${tag}`;
const DB = `bw_roles_${tag}`;
const EMPTY_DB = `bw_roles_empty_${tag}`;

function urlAs(user: string, database: string, password?: string): string {
	const u = new URL(base!);
	u.username = user;
	u.password = password ?? '';
	u.pathname = `/${database}`;
	return u.toString();
}

const cli = (args: string[], env: Record<string, string>, input?: string) =>
	spawnSync(process.execPath, ['bin/beatwise.js', ...args], {
		encoding: 'utf8',
		input,
		env: { ...process.env, BEATWISE_DEMO: '0', ...env }
	});

describe.skipIf(!base)('database roles on PostgreSQL', { timeout: 300_000 }, () => {
	let admin: postgres.Sql;
	let owner: postgres.Sql;
	let runtime: postgres.Sql;
	let app: Database;

	beforeAll(async () => {
		admin = postgres(base!, { max: 1, onnotice: () => {} });
		await admin.unsafe(`CREATE ROLE ${OWNER} LOGIN CREATEROLE`);
		for (const name of [DB, EMPTY_DB]) {
			await admin.unsafe(`CREATE DATABASE ${name} OWNER ${OWNER}`);
			// A superuser installs PostGIS once; everything else is the owner's.
			const one = postgres(urlAs(new URL(base!).username, name), { max: 1, onnotice: () => {} });
			await one.unsafe('CREATE EXTENSION postgis');
			await one.end();
		}
		owner = postgres(urlAs(OWNER, DB), { max: 1, onnotice: () => {} });
	});

	afterAll(async () => {
		await app?.close().catch(() => {});
		await runtime?.end().catch(() => {});
		await owner?.end().catch(() => {});
		if (!admin) return;
		for (const name of [DB, EMPTY_DB])
			await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => {});
		await admin.unsafe(`DROP ROLE IF EXISTS ${RUNTIME}`).catch(() => {});
		await admin.unsafe(`DROP ROLE IF EXISTS ${OWNER}`).catch(() => {});
		await admin.end();
	});

	it('the owner migrates with `beatwise migrate`, then creates the runtime role', async () => {
		const migrated = cli(['migrate'], { DATABASE_URL: urlAs(OWNER, DB) });
		expect(migrated.status, migrated.stderr).toBe(0);
		expect(migrated.stdout).toMatch(
			new RegExp(`^Database schema up to date: \\d+ migrations \\(PostgreSQL, as ${OWNER}\\)\\.`)
		);
		const [{ tableowner }] =
			await owner`SELECT tableowner FROM pg_tables WHERE tablename = 'audit_log'`;
		expect(tableowner).toBe(OWNER);

		const granted = cli(
			['db', 'grant-runtime', '--role', RUNTIME, '--password-stdin', '--json'],
			{ DATABASE_URL: urlAs(OWNER, DB) },
			'runtime secret\n'
		);
		expect(granted.status, granted.stderr).toBe(0);
		const g = JSON.parse(granted.stdout);
		expect(g).toMatchObject({ role: RUNTIME, created: true });
		// The audit log and its monthly partitions (migration 0009): append-only, every one.
		expect(g.appendOnly).toContain('audit_log');
		for (const t of g.appendOnly) expect(t).toMatch(/^audit_log(_default|_y\d{4}m\d{2})?$/);
		expect(g.readWrite).toEqual(expect.arrayContaining(['incidents', 'users', 'sessions']));
		expect(g.readWrite).not.toContain('audit_log');
		// Again: the same rights, the role updated rather than created.
		const again = cli(['db', 'grant-runtime', '--role', RUNTIME], {
			DATABASE_URL: urlAs(OWNER, DB)
		});
		expect(again.status, again.stderr).toBe(0);
		expect(again.stdout).toMatch(
			new RegExp(`^Updated runtime role ${RUNTIME}: .*SELECT and INSERT only on audit_log`)
		);
		const [r] =
			await admin`SELECT rolsuper, rolcreaterole, rolcreatedb, rolcanlogin FROM pg_roles WHERE rolname = ${RUNTIME}`;
		expect(r).toEqual({
			rolsuper: false,
			rolcreaterole: false,
			rolcreatedb: false,
			rolcanlogin: true
		});
	});

	it('refuses to make the owner, a superuser or a bad name the runtime role', () => {
		const env = { DATABASE_URL: urlAs(OWNER, DB) };
		const self = cli(['db', 'grant-runtime', '--role', OWNER], env);
		expect(self.status).toBe(2);
		expect(self.stderr).toMatch(/is the role running this command \(the owner\)/);
		const superuser = cli(['db', 'grant-runtime', '--role', new URL(base!).username], env);
		expect(superuser.status).toBe(2);
		expect(superuser.stderr).toMatch(/is a superuser or bypasses row security/);
		const bad = cli(['db', 'grant-runtime', '--role', 'x; DROP TABLE users'], env);
		expect(bad.status).toBe(2);
		expect(bad.stderr).toMatch(/--role: "x; DROP TABLE users" is not a plain role name/);
		const none = cli(['db', 'grant-runtime'], env);
		expect(none.status).toBe(2);
		expect(none.stderr).toMatch(/--role is required/);
	});

	it('the app opens as the runtime role without migrating, and refuses a schema that is behind', async () => {
		app = await openDatabase({ databaseUrl: urlAs(RUNTIME, DB, 'runtime secret'), migrate: false });
		const [me] = await app.query<{ user: string }>('SELECT current_user AS user');
		expect(me.user).toBe(RUNTIME);
		runtime = postgres(urlAs(RUNTIME, DB, 'runtime secret'), { max: 1, onnotice: () => {} });
		// A database the owner has not migrated: the server says what to run instead of migrating.
		await expect(
			openDatabase({ databaseUrl: urlAs(OWNER, EMPTY_DB), migrate: false })
		).rejects.toMatchObject({
			code: 'E_DB_MIGRATION',
			message: expect.stringMatching(/beatwise migrate/)
		});
	});

	it('the runtime role cannot change, empty or unprotect the audit log; the owner could', async () => {
		await recordAudit(app, {
			actor: null,
			action: 'test.entry',
			object: 'roles',
			origin: { ip: '192.0.2.1', userAgent: 'vitest' }
		});
		const [{ n }] =
			await runtime`SELECT count(*)::int AS n FROM audit_log WHERE action = 'test.entry'`;
		expect(n).toBe(1);
		const refused = async (statement: string, message: RegExp) => {
			const e = await runtime.unsafe(statement).then(
				() => null,
				(err: { code?: string; message: string }) => err
			);
			expect(e, statement).not.toBeNull();
			expect(e!.code, statement).toBe('42501');
			expect(e!.message, statement).toMatch(message);
		};
		await refused(
			`UPDATE audit_log SET action = 'forged'`,
			/permission denied for table audit_log/
		);
		await refused(`DELETE FROM audit_log`, /permission denied for table audit_log/);
		await refused(`TRUNCATE audit_log`, /permission denied for table audit_log/);
		await refused(
			`ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update`,
			/must be owner of table audit_log/
		);
		await refused(`ALTER TABLE audit_log DISABLE TRIGGER ALL`, /must be owner of table audit_log/);
		await refused(
			`SET session_replication_role = replica`,
			/permission denied to set parameter "session_replication_role"/
		);
		await refused(`DROP TABLE audit_log`, /must be owner of table audit_log/);
		await refused(`CREATE TABLE scratch (id int)`, /permission denied for schema public/);
		await refused(`CREATE EXTENSION IF NOT EXISTS pgcrypto`, /permission denied/);
		// The finding: a role that owns the table (as the app's role did) switches the guard off.
		const undone = await owner
			.begin(async (tx) => {
				await tx.unsafe('ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update');
				const gone = await tx.unsafe(
					`DELETE FROM audit_log WHERE action = 'test.entry' RETURNING id`
				);
				expect(gone).toHaveLength(1);
				throw new Error('rolled back');
			})
			.catch((e: Error) => e.message);
		expect(undone).toBe('rolled back');
		const [{ kept }] =
			await runtime`SELECT count(*)::int AS kept FROM audit_log WHERE action = 'test.entry'`;
		expect(kept).toBe(1);
	});

	it('the app works as the runtime role: accounts, sign-in with its audit entry, an import', async () => {
		const origin = { ip: '192.0.2.7', userAgent: 'vitest-roles' };
		const made = await createAccount(
			app,
			{ username: 'roles-admin', role: 'admin', password: 'a long enough password' },
			{ actor: null, origin }
		);
		expect(made.user.username).toBe('roles-admin');
		const ctx = {
			origin,
			policy: { sessionMs: 3_600_000, idleMs: 600_000 },
			limits: signInLimits({ maxFailuresPerUser: 5, maxFailuresPerIp: 50, failureWindowMs: 60_000 })
		};
		const ok = await signIn(
			app,
			{ username: 'roles-admin', password: 'a long enough password' },
			ctx
		);
		expect(ok.ok).toBe(true);
		const entries = await app.query<{ action: string; username: string }>(
			`SELECT action, username FROM audit_log WHERE username = 'roles-admin' ORDER BY id`
		);
		expect(entries.map((e) => e.action)).toContain('login.success');

		const r = await importPaths(app, {
			inputs: [join(FIXTURES, 'police-uk', '2016-01-city-of-london-street.csv')],
			format: 'police-uk'
		});
		expect(r.failed).toEqual([]);
		expect(r.imported).toBeGreaterThan(0);
		const [{ keys }] = await runtime`SELECT count(DISTINCT record_key)::int AS keys FROM incidents`;
		expect(keys).toBeGreaterThan(1);

		// A command as the runtime role with BEATWISE_MIGRATE=0 starts without migrating.
		const created = cli(['admin', 'create', '--username', 'roles-second', '--json'], {
			DATABASE_URL: urlAs(RUNTIME, DB, 'runtime secret'),
			BEATWISE_MIGRATE: '0'
		});
		expect(created.status, created.stderr).toBe(0);
	});
});

describe('BEATWISE_MIGRATE=0 on the embedded engine', { timeout: 120_000 }, () => {
	it('opens a migrated database without migrating', async () => {
		const t = await createTestDatabase('pglite');
		await t.db.close();
		const db = await openDatabase({ dataDir: t.dataDir, migrate: false });
		try {
			const [{ n }] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM audit_log');
			expect(Number(n)).toBeGreaterThanOrEqual(0);
		} finally {
			await db.close();
			await t.drop();
		}
	});
});
