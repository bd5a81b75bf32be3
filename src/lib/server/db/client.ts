/**
 * One database interface over two engines: PostgreSQL + PostGIS through postgres.js when a URL is
 * given, otherwise the embedded PGlite + PostGIS persisted in a data folder. Everything above this
 * file sees only `Database`, so the same queries, migrations and tests run on both.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Writable } from 'node:stream';
import postgres from 'postgres';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import type { PGlite, Transaction as PgliteTransaction } from '@electric-sql/pglite';
import * as schema from './schema';
import { backfillExactCells } from './exact-cells-backfill';

export type Orm = PgDatabase<PgQueryResultHKT, typeof schema>;
export type Row = Record<string, unknown>;

/** The operations queries need, identical on both engines. */
export interface Queryable {
	/** Run one statement with $1.. parameters and return its rows as plain objects. */
	query<T = Row>(text: string, params?: unknown[]): Promise<T[]>;
	/** Bulk-load rows in PostgreSQL text COPY format into `table (columns)`; only inside `transaction`. */
	copyIn(table: string, columns: string[], data: string): Promise<void>;
}

export interface Database extends Queryable {
	readonly engine: 'postgres' | 'pglite';
	readonly orm: Orm;
	/** Run `fn` in one transaction; everything it did is rolled back if it throws. */
	transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
	close(): Promise<void>;
}

export type DatabaseErrorCode =
	'E_DB_UNREACHABLE' | 'E_DB_POSTGIS_MISSING' | 'E_DB_MIGRATION' | 'E_DB_LOCKED' | 'E_DB_COPY';

export class DatabaseError extends Error {
	constructor(
		readonly code: DatabaseErrorCode,
		message: string
	) {
		super(message);
		this.name = 'DatabaseError';
	}
}

/** Where the committed drizzle migrations are, from the source tree or a built server. */
export function migrationsFolder(): string {
	const candidates = [
		process.env.BEATWISE_MIGRATIONS,
		resolve(dirname(fileURLToPath(import.meta.url)), '../../../../drizzle'),
		resolve(process.cwd(), 'drizzle')
	].filter((p): p is string => Boolean(p));
	const found = candidates.find((p) => existsSync(join(p, 'meta/_journal.json')));
	if (!found) {
		throw new DatabaseError(
			'E_DB_MIGRATION',
			`Cannot find the drizzle migrations folder (looked in ${candidates.join(', ')}). Set BEATWISE_MIGRATIONS.`
		);
	}
	return found;
}

// ---------------------------------------------------------------------------------------------
// PostgreSQL through postgres.js

type Sql = postgres.Sql<Record<string, never>>;

/** JS arrays as PostgreSQL array literals: the queries cast them (`$2::bigint[]`) explicitly. */
function arrayLiteral(values: unknown[]): string {
	const items = values.map((v) => {
		if (v === null || v === undefined) return 'NULL';
		const s = typeof v === 'string' ? v : String(v);
		return '"' + s.replace(/[\\"]/g, (c) => '\\' + c) + '"';
	});
	return '{' + items.join(',') + '}';
}

function serialiseParams(params: unknown[]): unknown[] {
	return params.map((p) => (Array.isArray(p) ? arrayLiteral(p) : p));
}

function postgresQueryable(sql: Sql | postgres.TransactionSql): Queryable {
	return {
		async query<T>(text: string, params: unknown[] = []) {
			const rows = await sql.unsafe(
				text,
				serialiseParams(params) as postgres.ParameterOrJSON<never>[]
			);
			return rows as unknown as T[];
		},
		async copyIn(table: string, columns: string[], data: string) {
			// postgres.js reports an error the server raises during COPY nowhere once the stream has
			// ended (its 'finish' just never comes), so a query queued behind the COPY on the same
			// connection tells: it fails when the COPY failed, as the transaction is then aborted.
			const stream = (await sql
				.unsafe(`COPY ${table} (${columns.join(', ')}) FROM STDIN`)
				.writable()) as Writable;
			await new Promise<void>((ok, fail) => stream.write(data, (e) => (e ? fail(e) : ok())));
			stream.end();
			// Let the stream hand over its end (postgres.js refuses queries until then).
			for (let i = 0; i < 100 && !stream.writableFinished; i++) {
				await new Promise((r) => setImmediate(r));
				try {
					await sql.unsafe('SELECT 1');
					return;
				} catch (e) {
					if ((e as { code?: string }).code === 'COPY_IN_PROGRESS') continue;
					stream.destroy();
					throw new DatabaseError(
						'E_DB_COPY',
						`the server refused the rows copied into ${table} (${(e as Error).message}); the batch was rolled back and the server log has the row it rejected`
					);
				}
			}
			if (!stream.writableFinished) {
				throw new DatabaseError('E_DB_COPY', `COPY into ${table} did not complete`);
			}
		}
	};
}

/** A pool on `url` without migrating or checking the schema (`openDatabase` does both). */
export async function openPostgres(url: string, applicationName?: string): Promise<Database> {
	const sql = postgres(url, {
		max: Number(process.env.BEATWISE_DB_POOL ?? 10),
		onnotice: () => {},
		// Names the pool in pg_stat_activity (the read replica's is `beatwise-reader`).
		...(applicationName ? { connection: { application_name: applicationName } } : {}),
		connect_timeout: 10,
		// int8 as text: H3 indexes and counts are cast explicitly in the queries that read them.
		types: {}
	}) as unknown as Sql;
	try {
		await sql`select 1`;
	} catch (e) {
		await sql.end({ timeout: 1 }).catch(() => {});
		const safeUrl = url.replace(/\/\/([^:/@]+)(:[^@]*)?@/, '//$1:***@');
		throw new DatabaseError(
			'E_DB_UNREACHABLE',
			`Cannot connect to PostgreSQL at ${safeUrl}: ${(e as Error).message}. Check DATABASE_URL, or unset it to use the embedded database.`
		);
	}
	const base = postgresQueryable(sql);
	return {
		engine: 'postgres',
		orm: drizzlePostgres(sql, { schema }) as unknown as Orm,
		...base,
		async transaction<T>(fn: (tx: Queryable) => Promise<T>) {
			return (await sql.begin((tx) => fn(postgresQueryable(tx)))) as T;
		},
		async close() {
			await sql.end({ timeout: 5 });
		}
	};
}

// ---------------------------------------------------------------------------------------------
// Embedded PGlite + PostGIS

function pgliteQueryable(pg: PGlite | PgliteTransaction): Queryable {
	return {
		async query<T>(text: string, params: unknown[] = []) {
			const res = await pg.query<T>(text, params);
			return res.rows;
		},
		async copyIn(table: string, columns: string[], data: string) {
			await pg.query(`COPY ${table} (${columns.join(', ')}) FROM '/dev/blob'`, [], {
				blob: new Blob([data])
			});
		}
	};
}

function processAlive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch (e) {
		return (e as NodeJS.ErrnoException).code === 'EPERM';
	}
}

/** PGlite allows one process per data folder; a pid file makes a second one fail clearly. */
function takeFolderLock(dataDir: string): () => void {
	const lock = join(dataDir, 'beatwise.lock');
	if (existsSync(lock)) {
		const pid = Number(readFileSync(lock, 'utf8'));
		if (pid && pid !== process.pid && processAlive(pid)) {
			throw new DatabaseError(
				'E_DB_LOCKED',
				`The embedded database in ${dataDir} is in use by process ${pid}. Stop it first (the embedded engine allows one process at a time), or use PostgreSQL through DATABASE_URL.`
			);
		}
	}
	writeFileSync(lock, String(process.pid));
	return () => {
		try {
			if (readFileSync(lock, 'utf8') === String(process.pid)) rmSync(lock);
		} catch {
			/* already gone */
		}
	};
}

async function openPglite(dataDir: string): Promise<Database> {
	const { PGlite } = await import('@electric-sql/pglite');
	const { postgis } = await import('@electric-sql/pglite-postgis');
	const inMemory = dataDir.startsWith('memory://');
	let release = () => {};
	if (!inMemory) {
		mkdirSync(dataDir, { recursive: true });
		release = takeFolderLock(dataDir);
	}
	let pg: PGlite;
	try {
		pg = await PGlite.create(inMemory ? dataDir : join(dataDir, 'pg'), {
			extensions: { postgis }
		});
	} catch (e) {
		release();
		throw e;
	}
	const base = pgliteQueryable(pg);
	return {
		engine: 'pglite',
		orm: drizzlePglite(pg, { schema }) as unknown as Orm,
		...base,
		async transaction<T>(fn: (tx: Queryable) => Promise<T>) {
			return pg.transaction((tx) => fn(pgliteQueryable(tx)));
		},
		async close() {
			await pg.close();
			release();
		}
	};
}

// ---------------------------------------------------------------------------------------------

async function ensurePostgis(db: Database): Promise<void> {
	try {
		await db.query('CREATE EXTENSION IF NOT EXISTS postgis');
	} catch (e) {
		throw new DatabaseError(
			'E_DB_POSTGIS_MISSING',
			`PostGIS is not available in this database (${(e as Error).message}). Install PostGIS on the server (Debian: apt-get install postgresql-15-postgis-3) and run CREATE EXTENSION postgis as a superuser.`
		);
	}
}

/**
 * Apply the SQL migrations, then the application's own steps (which need h3-js), under the same
 * advisory lock on PostgreSQL.
 */
async function runMigrations(db: Database, databaseUrl: string | undefined): Promise<void> {
	const folder = migrationsFolder();
	const appSteps = async () => {
		await backfillExactCells(db);
	};
	try {
		if (databaseUrl) {
			// Several processes may start together (tests, a server and the CLI): one connection holds
			// an advisory lock while it migrates, the others wait and then find nothing to do.
			const one = postgres(databaseUrl, { max: 1, onnotice: () => {} });
			try {
				await one`SELECT pg_advisory_lock(727274)`;
				await migratePostgres(drizzlePostgres(one), { migrationsFolder: folder });
				await appSteps();
				await one`SELECT pg_advisory_unlock(727274)`;
			} finally {
				await one.end({ timeout: 5 });
			}
		} else {
			await migratePglite(db.orm as never, { migrationsFolder: folder });
			await appSteps();
		}
	} catch (e) {
		throw new DatabaseError('E_DB_MIGRATION', `Migrations failed: ${(e as Error).message}`);
	}
}

/**
 * For a server or command that does not migrate (`BEATWISE_MIGRATE=0`): PostGIS must be installed and
 * every migration of this version applied, or it stops with what to run.
 */
export async function checkSchemaCurrent(db: Queryable): Promise<void> {
	const [postgis] = await db.query<{ n: number }>(
		`SELECT count(*)::int AS n FROM pg_extension WHERE extname = 'postgis'`
	);
	if (Number(postgis.n) === 0)
		throw new DatabaseError(
			'E_DB_POSTGIS_MISSING',
			'PostGIS is not installed in this database and BEATWISE_MIGRATE=0 keeps the server from creating it: run `beatwise migrate` as the owner (CREATE EXTENSION postgis needs a superuser once).'
		);
	const files = readMigrationFiles({ migrationsFolder: migrationsFolder() });
	const latest = Math.max(...files.map((f) => f.folderMillis));
	let applied: number | null;
	try {
		const [row] = await db.query<{ last: string | null }>(
			'SELECT max(created_at)::text AS last FROM drizzle.__drizzle_migrations'
		);
		applied = row?.last == null ? null : Number(row.last);
	} catch (e) {
		throw new DatabaseError(
			'E_DB_MIGRATION',
			`Cannot read which migrations this database has (${(e as Error).message}): run \`beatwise migrate\` as the owner, then \`beatwise db grant-runtime --role <this role>\`.`
		);
	}
	if (applied === null || applied < latest) {
		const missing = files.filter((f) => applied === null || f.folderMillis > applied).length;
		throw new DatabaseError(
			'E_DB_MIGRATION',
			`The database schema is behind this version of Beatwise (${missing} of ${files.length} migrations not applied) and BEATWISE_MIGRATE=0 keeps the server from migrating: run \`beatwise migrate\` as the owner, then \`beatwise db grant-runtime --role <runtime role>\`.`
		);
	}
}

export interface OpenOptions {
	/** PostgreSQL URL; when absent the embedded engine is used. */
	databaseUrl?: string;
	/** Data folder of the embedded engine (or `memory://`). */
	dataDir?: string;
	/**
	 * Apply migrations and create PostGIS (default true). False (`BEATWISE_MIGRATE=0`, the runtime
	 * role): only check that PostGIS is there and every migration applied (`checkSchemaCurrent`).
	 */
	migrate?: boolean;
}

/** Open the database, create PostGIS if needed and bring the schema up to date (or check it is). */
export async function openDatabase(options: OpenOptions): Promise<Database> {
	const db = options.databaseUrl
		? await openPostgres(options.databaseUrl)
		: await openPglite(options.dataDir ?? '.beatwise/data');
	try {
		if (options.migrate === false) await checkSchemaCurrent(db);
		else {
			await ensurePostgis(db);
			await runMigrations(db, options.databaseUrl);
		}
	} catch (e) {
		await db.close().catch(() => {});
		throw e;
	}
	return db;
}
