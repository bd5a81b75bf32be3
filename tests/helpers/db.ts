/**
 * Databases for integration tests, on both engines:
 * - embedded PGlite, copied from a template folder that global setup migrated once (a cold
 *   PGlite + PostGIS start takes ~20 s, a copy of a prepared folder ~3 s);
 * - PostgreSQL + PostGIS when BEATWISE_TEST_DATABASE_URL (or DATABASE_URL) names a server: each test
 *   file gets a fresh database of its own, created with the postgis extension and dropped after.
 */
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import postgres from 'postgres';
import { openDatabase, type Database } from '../../src/lib/server/db/client';

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

export async function createTestDatabase(engine: Engine): Promise<TestDatabase> {
	if (engine === 'pglite') {
		const dataDir = mkdtempSync(join(tmpdir(), 'beatwise-test-'));
		if (existsSync(join(TEMPLATE_DIR, 'pg')))
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
	// instead of creating PostGIS and running every migration again for each database.
	const template = process.env[PG_TEMPLATE_VARIABLE];
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
