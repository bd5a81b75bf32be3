/** Shared by the import integration tests: what the database holds, and the audit trail. */
import type { Queryable } from '../../src/lib/server/db/client';
import { createAdapter, type ImportFormat } from '../../src/lib/server/ingest/adapters';
import { openCsv } from '../../src/lib/server/ingest/csv';

/** Incidents, the rollup's total and rejected rows: a failed file must leave all three unchanged. */
export async function databaseCounts(
	db: Queryable
): Promise<{ incidents: number; rolled: number; rejects: number }> {
	const [r] = await db.query<{ incidents: number; rolled: number; rejects: number }>(
		`SELECT (SELECT count(*) FROM incidents)::int AS incidents,
		        (SELECT coalesce(sum(n), 0) FROM cell_counts WHERE res = 10 AND grain IN ('day', 'month-only'))::int AS rolled,
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

export interface AdapterPass {
	total: number;
	/** Rows the format adapter turned into an incident, first occurrence of each id. */
	incidents: number;
	/** Later rows with an id seen before (in any of the files). */
	duplicate: number;
	/** Incidents with a point (WGS84 or projected). */
	located: number;
	/** The adapter's rejections and filtered rows, with file and row number. */
	refused: string[];
}

/**
 * Every row of the files read the way an import reads them (`openCsv`, then the format's adapter,
 * one per file), without a database: for checking that a large published file is accepted whole,
 * while the database tests store a subset of it.
 */
export async function readThroughAdapter(
	files: string[],
	format: ImportFormat,
	mapping?: unknown
): Promise<AdapterPass> {
	const r: AdapterPass = { total: 0, incidents: 0, duplicate: 0, located: 0, refused: [] };
	const seen = new Set<string>();
	for (const file of files) {
		const csv = await openCsv(file);
		try {
			const adapter = createAdapter(format, { file, mapping });
			adapter.begin(csv.header, file);
			for await (const row of csv.rows) {
				r.total++;
				const x = adapter.parse(row);
				if (!x.ok) {
					r.refused.push(
						`${file}:${row.rowNumber}: ${x.reject ? `${x.reject.field}: ${x.reject.reason}` : x.filtered}`
					);
					continue;
				}
				if (seen.has(x.incident.externalId)) {
					r.duplicate++;
					continue;
				}
				seen.add(x.incident.externalId);
				r.incidents++;
				if (x.incident.lon !== null || x.incident.projected) r.located++;
			}
		} finally {
			csv.close();
		}
	}
	return r;
}
