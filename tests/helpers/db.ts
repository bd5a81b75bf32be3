/**
 * Databases for integration tests, on both engines:
 * - embedded PGlite, copied from a template folder that global setup migrated once (a cold
 *   PGlite + PostGIS start takes ~20 s, a copy of a prepared folder ~3 s);
 * - PostgreSQL + PostGIS when BEATWISE_TEST_DATABASE_URL (or DATABASE_URL) names a server: each test
 *   file gets a fresh database of its own, created with the postgis extension and dropped after.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import postgres from 'postgres';
import { openDatabase, type Database } from '../../src/lib/server/db/client';
import { loadDemo } from '../../src/lib/server/demo/load';

export const TEMPLATE_DIR = resolve('.beatwise/test-template');
export const SHARED = resolve('../shared');
export const hasShared = existsSync(join(SHARED, 'data'));

/**
 * For tests of large data in ../shared (small oracles and inputs live in tests/fixtures): true when
 * the data is absent, after saying so in the run's output (vitest shows the file it comes from) — a
 * skip must not pass for a check. `describe.skipIf(withoutShared())(…)`.
 */
export function withoutShared(what = 'tests of this file'): boolean {
	if (!hasShared)
		console.warn(`[skipped] ${what}: needs the large data in ${join(SHARED, 'data')}, absent here`);
	return !hasShared;
}

export type Engine = 'pglite' | 'postgres';

export function serverUrl(): string | undefined {
	return process.env.BEATWISE_TEST_DATABASE_URL || process.env.DATABASE_URL || undefined;
}

/** The engines the suite runs on here: always the embedded one, PostgreSQL when a URL is given. */
export function engines(): Engine[] {
	return serverUrl() ? ['pglite', 'postgres'] : ['pglite'];
}

export interface TestDatabase {
	db: Database;
	engine: Engine;
	/** For PostgreSQL: the URL of this test's own database (CLI subprocesses use it). */
	url?: string;
	/** For PGlite: the data folder (CLI subprocesses use it once `db` is closed). */
	dataDir?: string;
	drop(): Promise<void>;
}

let counter = 0;

/** Names the run's migrated PostgreSQL template database (set by tests/global-setup.ts). */
export const PG_TEMPLATE_VARIABLE = 'BEATWISE_TEST_PG_TEMPLATE';

/** CREATE and DROP DATABASE through the server's maintenance connection. */
export async function onServer(base: string, sql: string): Promise<void> {
	const admin = postgres(base, { max: 1, onnotice: () => {} });
	try {
		await admin.unsafe(sql);
	} finally {
		await admin.end();
	}
}

/** Names this test run (tests/global-setup.ts): the demo templates below are made once per run. */
export const RUN_VARIABLE = 'BEATWISE_TEST_RUN';

function runName(): string {
	return process.env[RUN_VARIABLE] ?? `p${process.pid}`;
}

/** Where this run's embedded demo template is (removed by global set-up's teardown). */
export function demoFolderPath(run = runName()): string {
	return join(tmpdir(), `beatwise-demo-${run}`);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A PGlite data folder with the demo loaded (and its demo-credentials.txt), made once per run by the
 * first test worker that asks (the others wait for it) and copied by every test that starts with the
 * demo, instead of each loading it again.
 */
export async function demoFolder(): Promise<string> {
	const dir = demoFolderPath();
	const lock = `${dir}.lock`;
	const deadline = Date.now() + 900_000;
	for (;;) {
		if (existsSync(dir)) return dir;
		try {
			mkdirSync(lock);
		} catch {
			// Another worker is loading it: wait for the folder (or for its lock to go, then try again).
			if (Date.now() > deadline) throw new Error(`the demo template ${dir} was not made in time`);
			await sleep(250);
			continue;
		}
		try {
			const work = `${dir}.tmp`;
			rmSync(work, { recursive: true, force: true });
			mkdirSync(work);
			if (existsSync(join(TEMPLATE_DIR, 'pg')))
				cpSync(join(TEMPLATE_DIR, 'pg'), join(work, 'pg'), { recursive: true });
			const db = await openDatabase({ dataDir: work });
			try {
				await loadDemo(db, () => {}, { dataDir: work });
			} finally {
				await db.close();
			}
			rmSync(join(work, 'beatwise.lock'), { force: true });
			renameSync(work, dir);
			return dir;
		} finally {
			rmSync(lock, { recursive: true, force: true });
		}
	}
}

/**
 * Fill a data folder (an e2e server's, before it starts: ServerOptions.prepare) with a copy of the
 * run's demo template, credentials included, in place of what it held.
 */
export async function copyDemoInto(dataDir: string): Promise<void> {
	const demo = await demoFolder();
	rmSync(join(dataDir, 'pg'), { recursive: true, force: true });
	cpSync(demo, dataDir, { recursive: true });
}

/** The name of this run's PostgreSQL demo template (dropped by global set-up's teardown). */
export function demoTemplateName(template: string): string {
	return `${template}_demo`;
}

/**
 * A PostgreSQL database with the demo loaded, cloned from the run's migrated template once per run
 * (the first worker that asks makes it under an advisory lock, the others wait on the lock); null
 * without a run template.
 */
async function demoTemplate(base: string): Promise<string | null> {
	const template = process.env[PG_TEMPLATE_VARIABLE];
	if (!template) return null;
	const name = demoTemplateName(template);
	const admin = postgres(base, { max: 1, onnotice: () => {} });
	try {
		await admin`SELECT pg_advisory_lock(727301)`;
		const [found] = await admin`SELECT 1 FROM pg_database WHERE datname = ${name}`;
		if (!found) {
			const work = `${name}_tmp`;
			await admin.unsafe(`DROP DATABASE IF EXISTS ${work} WITH (FORCE)`);
			await admin.unsafe(`CREATE DATABASE ${work} TEMPLATE ${template}`);
			const u = new URL(base);
			u.pathname = `/${work}`;
			const db = await openDatabase({ databaseUrl: u.toString() });
			try {
				await loadDemo(db);
			} finally {
				await db.close();
			}
			await admin.unsafe(`ALTER DATABASE ${work} RENAME TO ${name}`);
		}
		return name;
	} finally {
		await admin`SELECT pg_advisory_unlock(727301)`.catch(() => {});
		await admin.end();
	}
}

export interface TestDatabaseOptions {
	/** Start with the demo loaded (a copy of the run's demo template, loadDemo without a data folder). */
	demo?: boolean;
}

export async function createTestDatabase(
	engine: Engine,
	options: TestDatabaseOptions = {}
): Promise<TestDatabase> {
	if (engine === 'pglite') {
		const dataDir = mkdtempSync(join(tmpdir(), 'beatwise-test-'));
		if (options.demo) cpSync(await demoFolder(), dataDir, { recursive: true });
		else if (existsSync(join(TEMPLATE_DIR, 'pg')))
			cpSync(join(TEMPLATE_DIR, 'pg'), join(dataDir, 'pg'), { recursive: true });
		const db = await openDatabase({ dataDir });
		return {
			db,
			engine,
			dataDir,
			async drop() {
				await db.close().catch(() => {});
				rmSync(dataDir, { recursive: true, force: true });
			}
		};
	}
	const base = serverUrl();
	if (!base) throw new Error('no PostgreSQL URL: set BEATWISE_TEST_DATABASE_URL');
	const name = `beatwise_t_${process.pid}_${Date.now().toString(36)}_${counter++}`;
	// A clone of the run's migrated template (global set-up) when there is one: a copy of its files
	// instead of creating PostGIS and running every migration again for each database; of its demo
	// template when the test starts with the demo.
	const demo = options.demo ? await demoTemplate(base) : null;
	const template = demo ?? process.env[PG_TEMPLATE_VARIABLE];
	await onServer(base, `CREATE DATABASE ${name}${template ? ` TEMPLATE ${template}` : ''}`);
	const u = new URL(base);
	u.pathname = `/${name}`;
	const url = u.toString();
	const own = postgres(url, { max: 1, onnotice: () => {} });
	try {
		await own.unsafe('CREATE EXTENSION IF NOT EXISTS postgis');
	} finally {
		await own.end();
	}
	const db = await openDatabase({ databaseUrl: url });
	if (options.demo && !demo) await loadDemo(db);
	return {
		db,
		engine,
		url,
		async drop() {
			await db.close().catch(() => {});
			await onServer(base, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
		}
	};
}
