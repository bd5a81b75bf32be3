/**
 * The process-wide database handles, opened once from the environment: `getDatabase()` is the
 * writer (the primary), `readSnapshot(fn)` the reader (one read-only snapshot, on the read replica
 * when `DATABASE_READ_URL` is set). Routes name the one they need (db/reader.ts).
 */
import { env } from '../env';
import { openDatabase, type Database } from './client';
import { openReadHandles, type ReadHandles, type ReadTarget } from './reader';
import { pingDatabase } from './queries/health';

let opening: Promise<ReadHandles> | null = null;

function handles(): Promise<ReadHandles> {
	opening ??= (async () => {
		const e = env();
		const primary = await openDatabase({
			databaseUrl: e.databaseUrl,
			dataDir: e.dataDir,
			migrate: e.migrate
		});
		try {
			return await openReadHandles(primary, {
				primaryUrl: e.databaseUrl,
				readUrl: e.databaseReadUrl
			});
		} catch (err) {
			await primary.close().catch(() => {});
			throw err;
		}
	})();
	opening.catch(() => {
		opening = null;
	});
	return opening;
}

/** The writer: the primary (imports, sessions, sign-in, audit, anything in a write transaction). */
export async function getDatabase(): Promise<Database> {
	return (await handles()).writer;
}

/**
 * The reader: run `fn` in one REPEATABLE READ READ ONLY snapshot, on the read replica when one is
 * configured and has replayed this process's writes, else on the primary. For read-only analysis
 * and map requests; a write inside fails (audit entries go to the primary through `recordAudit`).
 *
 * @example
 * const cells = await readSnapshot((db) => cellCountsForMap(db, q));
 */
export async function readSnapshot<T>(
	fn: (db: Database, target: ReadTarget) => Promise<T>
): Promise<T> {
	return (await handles()).read(fn);
}

/** Whether the process-wide database answers a query (health checks). */
export async function databaseAnswers(): Promise<boolean> {
	const db = await getDatabase();
	return pingDatabase(db);
}

/** Close the process-wide database and the read replica's pool (CLI commands and tests). */
export async function closeDatabase(): Promise<void> {
	if (!opening) return;
	const p = opening;
	opening = null;
	const h = await p;
	await h.close().catch(() => {});
	await h.writer.close();
}

export type { Database } from './client';
