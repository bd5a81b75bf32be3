/**
 * Read scale-out on PostgreSQL's own streaming replication (issue 16 §6).
 *
 * The process has two handles, and the caller names the one it wants — nothing here guesses from
 * the SQL:
 * - the **writer** (`getDatabase()`): the primary. Imports, sessions, sign-in, audit entries,
 *   anything that writes or must see its own write at once.
 * - the **reader** (`readSnapshot(fn)`): read-only analysis and map reads. `fn` gets a `Database`
 *   bound to ONE `REPEATABLE READ READ ONLY` transaction, so every query of the request (the rollup
 *   version the caches are keyed by, the periods, the counts) sees one snapshot: an import that the
 *   replica is replaying is either wholly visible or not at all, never a mix of versions. On the
 *   read replica (`DATABASE_READ_URL`) when one is configured, on the primary otherwise.
 *
 * Replica lag and a process's own writes: every write transaction of the writer notes the primary's
 * WAL position after its commit. Until the replica has replayed that position
 * (`pg_last_wal_replay_lsn()`), reader snapshots of this process are taken on the primary, so a user
 * who has just imported sees the new version at once; afterwards they go back to the replica. Another
 * process's writes (a second app server, the CLI) become visible on the replica when it has replayed
 * them. If the replica cannot be reached before a request starts, the request is read on the
 * primary and the log says so (once per outage).
 *
 * Audit entries of reads go to the primary: `writerOf(snapshot)` (auth/audit.ts uses it).
 *
 * The embedded engine has one connection and no replication: `DATABASE_READ_URL` is ignored there
 * with a log line, and `readSnapshot(fn)` runs `fn` on the database itself.
 */
import { DatabaseError, openPostgres, type Database, type Queryable } from './client';

const WRITER = Symbol('beatwise.writer');

/** A reader snapshot carries its writer, for the few writes a read causes (audit entries). */
type Snapshot = Database & { [WRITER]: Database };

/** The primary behind a reader snapshot; the handle itself when it is not one (audit writes). */
export function writerOf<Q extends Queryable>(db: Q): Q | Database {
	return (db as Partial<Snapshot>)[WRITER] ?? db;
}

export type ReadTarget = 'replica' | 'primary';

export interface ReadHandles {
	/** The primary; its transactions note their WAL position for read-your-writes. */
	readonly writer: Database;
	/** Whether a read replica is configured (PostgreSQL with a read URL). */
	readonly hasReplica: boolean;
	/** Run `fn` in one read-only snapshot on the replica (or the primary, see the file comment). */
	read<T>(fn: (db: Database, target: ReadTarget) => Promise<T>): Promise<T>;
	/** Where the next read would go now (tests, health). */
	nextTarget(): Promise<ReadTarget>;
	/** Close the replica's pool (the writer is closed by its owner). */
	close(): Promise<void>;
}

/** Errors postgres.js raises when a server cannot be reached (as opposed to a failed statement). */
const UNREACHABLE = new Set([
	'CONNECTION_REFUSED',
	'CONNECTION_CLOSED',
	'CONNECTION_ENDED',
	'CONNECTION_DESTROYED',
	'CONNECT_TIMEOUT',
	'ECONNREFUSED',
	'ECONNRESET',
	'ETIMEDOUT',
	'E_DB_UNREACHABLE'
]);

function unreachable(e: unknown): boolean {
	const code = (e as { code?: unknown } | null)?.code;
	return typeof code === 'string' && UNREACHABLE.has(code);
}

/** A `Database` over one open transaction: nested `transaction` calls run in it. */
function snapshotDatabase(base: Database, tx: Queryable, writer: Database): Snapshot {
	const db: Snapshot = {
		engine: base.engine,
		orm: base.orm,
		query: (text, params) => tx.query(text, params),
		copyIn: (table, columns, data) => tx.copyIn(table, columns, data),
		transaction: (fn) => fn(tx),
		close: async () => {},
		[WRITER]: writer
	};
	return db;
}

async function inSnapshot<T>(
	base: Database,
	writer: Database,
	target: ReadTarget,
	fn: (db: Database, target: ReadTarget) => Promise<T>,
	started: { yes: boolean }
): Promise<T> {
	return base.transaction(async (tx) => {
		// Must be the transaction's first statement: the snapshot is taken by the next one.
		await tx.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
		started.yes = true;
		return fn(snapshotDatabase(base, tx, writer), target);
	});
}

/** Compare two `pg_lsn` texts (`X/Y`, hexadecimal halves). */
export function lsnAtLeast(a: string, b: string): boolean {
	const parse = (s: string) => {
		const [hi, lo] = s.split('/');
		return BigInt('0x' + hi) * 0x1_0000_0000n + BigInt('0x' + lo);
	};
	return parse(a) >= parse(b);
}

/**
 * The reader and writer handles over an open primary.
 *
 * Reader snapshots never share a pool with the writer: `primaryUrl` opens a second pool on the primary
 * for the snapshots read there (no replica, or the replica behind this process's writes). Otherwise a
 * request holding a snapshot's connection while it writes its audit entry through the writer could
 * wait for a connection that only other such requests hold, and with a full pool none would go on.
 * With `readUrl` on PostgreSQL the replica gets its own pool too.
 */
export async function openReadHandles(
	primary: Database,
	urls: { primaryUrl?: string; readUrl?: string },
	log: (line: string) => void = (l) => console.log(`[beatwise] ${l}`)
): Promise<ReadHandles> {
	const { readUrl } = urls;
	if (primary.engine !== 'postgres') {
		if (readUrl)
			log(
				'DATABASE_READ_URL is ignored: the embedded database has no read replicas (set DATABASE_URL to a PostgreSQL primary to use one).'
			);
		return {
			writer: primary,
			hasReplica: false,
			read: (fn) => fn(primary, 'primary'),
			nextTarget: async () => 'primary',
			close: async () => {}
		};
	}
	const primaryReads = urls.primaryUrl
		? await openPostgres(urls.primaryUrl, 'beatwise-reader')
		: primary;
	const closePrimaryReads = async () => {
		if (primaryReads !== primary) await primaryReads.close();
	};
	if (!readUrl) {
		return {
			writer: primary,
			hasReplica: false,
			read: (fn) => inSnapshot(primaryReads, primary, 'primary', fn, { yes: false }),
			nextTarget: async () => 'primary',
			close: closePrimaryReads
		};
	}

	// Not migrated nor checked: a standby cannot be written, and it has the primary's schema once it has
	// replayed the migrations just run. Until then (`pending`), reads stay on the primary.
	let replica: Database;
	try {
		replica = await openPostgres(readUrl, 'beatwise-reader');
	} catch (e) {
		await closePrimaryReads();
		// A wrong read URL stops the start like a wrong DATABASE_URL (an outage later falls back).
		if (e instanceof DatabaseError)
			throw new DatabaseError(
				e.code,
				e.message.replace(
					/Check DATABASE_URL.*$/,
					'Check DATABASE_READ_URL (a streaming standby of DATABASE_URL), or unset it to read from the primary.'
				)
			);
		throw e;
	}
	/** The primary's WAL position after this process's latest write not yet seen replayed. */
	let pending: string | null = (
		await primary.query<{ lsn: string }>('SELECT pg_current_wal_lsn()::text AS lsn')
	)[0].lsn;
	const [state] = await replica.query<{ standby: boolean }>(
		'SELECT pg_is_in_recovery() AS standby'
	);
	log(
		state.standby
			? 'read replica: analysis and map reads go to DATABASE_READ_URL (a streaming standby)'
			: 'read replica: DATABASE_READ_URL is not a standby (pg_is_in_recovery() is false); reads go there all the same'
	);

	let outage = false;

	const noteWrite = async () => {
		const [row] = await primary.query<{ lsn: string }>('SELECT pg_current_wal_lsn()::text AS lsn');
		if (pending === null || lsnAtLeast(row.lsn, pending)) pending = row.lsn;
	};

	const writer: Database = {
		...primary,
		async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
			const result = await primary.transaction(fn);
			await noteWrite();
			return result;
		}
	};

	/** Whether the replica has replayed this process's writes (it answers the question itself). */
	const caughtUp = async (): Promise<boolean> => {
		const wanted = pending;
		if (wanted === null) return true;
		const [row] = await replica.query<{ lsn: string | null }>(
			'SELECT pg_last_wal_replay_lsn()::text AS lsn'
		);
		// Not a standby (null): it is the primary's own data.
		if (row.lsn !== null && !lsnAtLeast(row.lsn, wanted)) return false;
		if (pending === wanted) pending = null;
		return true;
	};

	const choose = async (): Promise<ReadTarget> => {
		try {
			const target = (await caughtUp()) ? 'replica' : 'primary';
			if (outage) {
				outage = false;
				log('read replica: reachable again');
			}
			return target;
		} catch (e) {
			if (!unreachable(e)) throw e;
			if (!outage) {
				outage = true;
				log(`read replica unreachable (${(e as Error).message}): reading on the primary`);
			}
			return 'primary';
		}
	};

	return {
		writer,
		hasReplica: true,
		nextTarget: choose,
		async read(fn) {
			// The replay position is read before the snapshot is taken, so a snapshot taken on the
			// replica after `caughtUp` includes everything replayed up to it.
			const target = await choose();
			if (target === 'primary')
				return inSnapshot(primaryReads, writer, 'primary', fn, { yes: false });
			const started = { yes: false };
			try {
				return await inSnapshot(replica, writer, 'replica', fn, started);
			} catch (e) {
				// Only a failure to reach the replica before the request ran is retried on the primary.
				if (started.yes || !unreachable(e)) throw e;
				if (!outage) {
					outage = true;
					log(`read replica unreachable (${(e as Error).message}): reading on the primary`);
				}
				return inSnapshot(primaryReads, writer, 'primary', fn, { yes: false });
			}
		},
		async close() {
			await replica.close();
			await closePrimaryReads();
		}
	};
}
