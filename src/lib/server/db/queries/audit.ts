/** The audit trail: insert and search only (the table refuses UPDATE, DELETE and TRUNCATE). */
import type { Queryable } from '../client';

export interface AuditEntry {
	userId: number | null;
	username: string | null;
	action: string;
	object: string | null;
	detail: Record<string, unknown>;
	ip: string | null;
	userAgent: string | null;
}

export interface AuditRow extends AuditEntry {
	id: number;
	at: Date;
}

/** PostgreSQL stores no NUL in text or jsonb: an entry keeps what was tried, with NUL as U+FFFD. */
const noNul = <T>(v: T): T => (typeof v === 'string' ? (v.replace(/\0/g, '\uFFFD') as T) : v);

export async function insertAudit(db: Queryable, e: AuditEntry): Promise<void> {
	await db.query(
		`INSERT INTO audit_log (user_id, username, action, object, detail, ip, user_agent)
		 VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7)`,
		[
			e.userId,
			noNul(e.username),
			noNul(e.action),
			noNul(e.object),
			JSON.stringify(e.detail, (_k, v: unknown) => noNul(v)),
			noNul(e.ip),
			noNul(e.userAgent)
		]
	);
}

export interface AuditSearch {
	/** Username, matched case-insensitively and exactly. */
	username?: string;
	/** Action, exactly or as a prefix ending in `.` (e.g. `login.`). */
	action?: string;
	from?: Date;
	/** Exclusive. */
	to?: Date;
	page: number;
	pageSize: number;
}

export async function searchAudit(
	db: Queryable,
	q: AuditSearch
): Promise<{ rows: AuditRow[]; total: number }> {
	const where: string[] = [];
	const params: unknown[] = [];
	if (q.username) {
		params.push(q.username);
		where.push(`lower(username) = lower($${params.length})`);
	}
	if (q.action) {
		if (q.action.endsWith('.')) {
			params.push(q.action.replace(/[\\%_]/g, (c) => '\\' + c) + '%');
			where.push(`action LIKE $${params.length}`);
		} else {
			params.push(q.action);
			where.push(`action = $${params.length}`);
		}
	}
	if (q.from) {
		params.push(q.from.toISOString());
		where.push(`at >= $${params.length}`);
	}
	if (q.to) {
		params.push(q.to.toISOString());
		where.push(`at < $${params.length}`);
	}
	const w = where.length ? `WHERE ${where.join(' AND ')}` : '';
	const total = await db.query<{ n: number }>(
		`SELECT count(*)::int AS n FROM audit_log ${w}`,
		params
	);
	const rows = await db.query<{
		id: string | number;
		at: string | Date;
		user_id: number | null;
		username: string | null;
		action: string;
		object: string | null;
		detail: unknown;
		ip: string | null;
		user_agent: string | null;
	}>(
		`SELECT id::text AS id, at, user_id, username, action, object, detail, ip, user_agent
		 FROM audit_log ${w} ORDER BY at DESC, id DESC LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
		[...params, q.pageSize, (q.page - 1) * q.pageSize]
	);
	return {
		total: Number(total[0].n),
		rows: rows.map((r) => ({
			id: Number(r.id),
			at: new Date(r.at),
			userId: r.user_id === null ? null : Number(r.user_id),
			username: r.username,
			action: r.action,
			object: r.object,
			detail: (typeof r.detail === 'string' ? JSON.parse(r.detail) : r.detail) as Record<
				string,
				unknown
			>,
			ip: r.ip,
			userAgent: r.user_agent
		}))
	};
}

/** Distinct actions recorded so far, for the search form. */
export async function auditActions(db: Queryable): Promise<string[]> {
	const rows = await db.query<{ action: string }>(
		`SELECT DISTINCT action FROM audit_log ORDER BY action`
	);
	return rows.map((r) => r.action);
}
