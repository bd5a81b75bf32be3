/** Shared by the import integration tests: what the database holds, and the audit trail. */
import type { Queryable } from '../../src/lib/server/db/client';

/** Incidents, the rollup's total and rejected rows: a failed file must leave all three unchanged. */
export async function databaseCounts(
	db: Queryable
): Promise<{ incidents: number; rolled: number; rejects: number }> {
	const [r] = await db.query<{ incidents: number; rolled: number; rejects: number }>(
		`SELECT (SELECT count(*) FROM incidents)::int AS incidents,
		        (SELECT coalesce(sum(n), 0) FROM cell_counts WHERE res = 10 AND grain = 'day')::int AS rolled,
		        (SELECT count(*) FROM import_rejects)::int AS rejects`
	);
	return { incidents: Number(r.incidents), rolled: Number(r.rolled), rejects: Number(r.rejects) };
}

export interface AuditRowForTest {
	user_id: number | null;
	username: string | null;
	action: string;
	object: string;
	detail: Record<string, unknown>;
	ip: string | null;
	user_agent: string | null;
	/** Written in the last five minutes (the "when"). */
	recent: boolean;
}

/** Id of the last audit entry so far (0 for none): pass it to `auditRows` to see what came after. */
export async function lastAuditId(db: Queryable): Promise<number> {
	const [r] = await db.query<{ id: number }>(
		`SELECT coalesce(max(id), 0)::int AS id FROM audit_log`
	);
	return Number(r.id);
}

/** Audit entries written after entry `afterId`, in order. */
export async function auditRows(db: Queryable, afterId: number): Promise<AuditRowForTest[]> {
	const rows = await db.query<AuditRowForTest>(
		`SELECT user_id, username, action, object, detail, ip, user_agent,
		        at > now() - interval '5 minutes' AS recent
		 FROM audit_log WHERE id > $1 ORDER BY id`,
		[afterId]
	);
	return rows.map((r) => ({ ...r, user_id: r.user_id === null ? null : Number(r.user_id) }));
}
