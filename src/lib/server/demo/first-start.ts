/**
 * What the server does with its database at start-up, before it listens: load the demo when the
 * environment asks for it and the database is empty.
 */
import type { Database } from '../db/client';
import type { Env } from '../env';
import { nothingImported } from '../db/queries/ingest';
import { loadDemo, type DemoLoadResult } from './load';

/**
 * `BEATWISE_DEMO=1` loads the demo into an empty database of either engine, `auto` into an empty
 * embedded one. The demo credentials are saved in the data folder (created if missing, as it is on a
 * fresh checkout that uses PostgreSQL). Returns what was loaded, or null.
 */
export async function loadDemoOnStart(
	db: Database,
	e: Pick<Env, 'demo' | 'dataDir'>,
	log: (line: string) => void
): Promise<DemoLoadResult | null> {
	const wantDemo = e.demo === '1' || (e.demo === 'auto' && db.engine === 'pglite');
	if (!wantDemo || !(await nothingImported(db))) return null;
	return loadDemo(db, log, { dataDir: e.dataDir });
}
