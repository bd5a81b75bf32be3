/** The process-wide database, opened once from the environment. */
import { env } from '../env';
import { openDatabase, type Database } from './client';
import { pingDatabase } from './queries/health';

let opening: Promise<Database> | null = null;

export function getDatabase(): Promise<Database> {
	opening ??= (async () => {
		const e = env();
		return openDatabase({ databaseUrl: e.databaseUrl, dataDir: e.dataDir, migrate: e.migrate });
	})();
	opening.catch(() => {
		opening = null;
	});
	return opening;
}

/** Whether the process-wide database answers a query (health checks). */
export async function databaseAnswers(): Promise<boolean> {
	const db = await getDatabase();
	return pingDatabase(db);
}

/** Close the process-wide database (CLI commands and tests). */
export async function closeDatabase(): Promise<void> {
	if (!opening) return;
	const p = opening;
	opening = null;
	await (await p).close();
}

export type { Database } from './client';
