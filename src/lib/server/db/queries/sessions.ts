/** Sessions: rows keyed by the SHA-256 of the cookie token. */
import type { Queryable } from '../client';
import type { UserRow } from './users';

export async function insertSession(
	db: Queryable,
	s: { id: string; userId: number; now: Date; expiresAt: Date }
): Promise<void> {
	await db.query(
		`INSERT INTO sessions (id, user_id, created_at, last_seen_at, expires_at) VALUES ($1, $2, $3, $3, $4)`,
		[s.id, s.userId, s.now.toISOString(), s.expiresAt.toISOString()]
	);
}

export interface SessionWithUser {
	sessionId: string;
	createdAt: Date;
	lastSeenAt: Date;
	expiresAt: Date;
	user: UserRow;
}

/**
 * The session and its user when the session is neither expired nor idle past `idleSince` and the
 * account is enabled; null otherwise.
 */
export async function findLiveSession(
	db: Queryable,
	id: string,
	now: Date,
	idleSince: Date
): Promise<SessionWithUser | null> {
	const rows = await db.query<{
		sid: string;
		created_at: string | Date;
		last_seen_at: string | Date;
		expires_at: string | Date;
		id: number;
		username: string;
		display_name: string;
		role: string;
		area_ids: unknown;
		created: string | Date;
	}>(
		`SELECT s.id AS sid, s.created_at, s.last_seen_at, s.expires_at,
		        u.id, u.username, u.display_name, u.role, u.area_ids, u.created_at AS created
		 FROM sessions s JOIN users u ON u.id = s.user_id
		 WHERE s.id = $1 AND s.expires_at > $2 AND s.last_seen_at > $3 AND u.disabled_at IS NULL`,
		[id, now.toISOString(), idleSince.toISOString()]
	);
	const r = rows[0];
	if (!r) return null;
	const areaIds = typeof r.area_ids === 'string' ? JSON.parse(r.area_ids) : r.area_ids;
	return {
		sessionId: r.sid,
		createdAt: new Date(r.created_at),
		lastSeenAt: new Date(r.last_seen_at),
		expiresAt: new Date(r.expires_at),
		user: {
			id: Number(r.id),
			username: r.username,
			displayName: r.display_name,
			role: r.role,
			areaIds: Array.isArray(areaIds) ? areaIds.map(Number) : [],
			disabledAt: null,
			createdAt: new Date(r.created)
		}
	};
}

export async function touchSession(db: Queryable, id: string, now: Date): Promise<void> {
	await db.query(`UPDATE sessions SET last_seen_at = $2 WHERE id = $1 AND last_seen_at < $2`, [
		id,
		now.toISOString()
	]);
}

export async function deleteSession(db: Queryable, id: string): Promise<void> {
	await db.query(`DELETE FROM sessions WHERE id = $1`, [id]);
}

/** End every session of a user, except `keepId` when given (a password change keeps the current one). */
export async function deleteSessionsOfUser(
	db: Queryable,
	userId: number,
	keepId?: string
): Promise<number> {
	const rows = await db.query(
		`DELETE FROM sessions WHERE user_id = $1 AND ($2::text IS NULL OR id <> $2) RETURNING id`,
		[userId, keepId ?? null]
	);
	return rows.length;
}

/** Drop sessions past their expiry or idle limit (housekeeping; they are refused anyway). */
export async function deleteDeadSessions(db: Queryable, now: Date, idleSince: Date): Promise<void> {
	await db.query(`DELETE FROM sessions WHERE expires_at <= $1 OR last_seen_at <= $2`, [
		now.toISOString(),
		idleSince.toISOString()
	]);
}
