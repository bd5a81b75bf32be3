/** Accounts. Password hashes never leave this file except to the sign-in check. */
import type { Queryable } from '../client';

export interface UserRow {
	id: number;
	username: string;
	displayName: string;
	role: string;
	areaIds: number[];
	disabledAt: Date | null;
	createdAt: Date;
}

const COLUMNS = `id, username, display_name AS "displayName", role, area_ids AS "areaIds",
	disabled_at AS "disabledAt", created_at AS "createdAt"`;

function toUser(r: UserRow): UserRow {
	const areaIds = typeof r.areaIds === 'string' ? JSON.parse(r.areaIds) : r.areaIds;
	return {
		...r,
		id: Number(r.id),
		areaIds: Array.isArray(areaIds) ? areaIds.map(Number) : [],
		disabledAt: r.disabledAt ? new Date(r.disabledAt) : null,
		createdAt: new Date(r.createdAt)
	};
}

export async function userCount(db: Queryable): Promise<number> {
	const rows = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM users`);
	return Number(rows[0].n);
}

/** Whether an account named `username` (any case) exists. */
export async function usernameExists(db: Queryable, username: string): Promise<boolean> {
	const rows = await db.query(`SELECT 1 FROM users WHERE lower(username) = lower($1)`, [username]);
	return rows.length > 0;
}

export async function listUsers(db: Queryable): Promise<UserRow[]> {
	const rows = await db.query<UserRow>(`SELECT ${COLUMNS} FROM users ORDER BY lower(username)`);
	return rows.map(toUser);
}

export async function findUserById(db: Queryable, id: number): Promise<UserRow | null> {
	const rows = await db.query<UserRow>(`SELECT ${COLUMNS} FROM users WHERE id = $1`, [id]);
	return rows[0] ? toUser(rows[0]) : null;
}

/** The account and its hash for a sign-in attempt (usernames compare case-insensitively). */
export async function findUserForSignIn(
	db: Queryable,
	username: string
): Promise<(UserRow & { passwordHash: string }) | null> {
	const rows = await db.query<UserRow & { passwordHash: string }>(
		`SELECT ${COLUMNS}, password_hash AS "passwordHash" FROM users WHERE lower(username) = lower($1)`,
		[username]
	);
	return rows[0] ? { ...toUser(rows[0]), passwordHash: rows[0].passwordHash } : null;
}

export async function passwordHashOf(db: Queryable, id: number): Promise<string | null> {
	const rows = await db.query<{ h: string }>(`SELECT password_hash AS h FROM users WHERE id = $1`, [
		id
	]);
	return rows[0]?.h ?? null;
}

export interface NewUser {
	username: string;
	displayName: string;
	passwordHash: string;
	role: string;
	areaIds: number[];
}

/** Insert an account; null when the username (case-insensitively) is taken. */
export async function insertUser(db: Queryable, u: NewUser): Promise<UserRow | null> {
	const rows = await db.query<UserRow>(
		`INSERT INTO users (username, display_name, password_hash, role, area_ids)
		 SELECT $1, $2, $3, $4, $5::jsonb
		 WHERE NOT EXISTS (SELECT 1 FROM users WHERE lower(username) = lower($1))
		 ON CONFLICT (username) DO NOTHING
		 RETURNING ${COLUMNS}`,
		[u.username, u.displayName, u.passwordHash, u.role, JSON.stringify(u.areaIds)]
	);
	return rows[0] ? toUser(rows[0]) : null;
}

export async function updateUser(
	db: Queryable,
	id: number,
	change: { displayName: string; role: string; areaIds: number[] }
): Promise<UserRow | null> {
	const rows = await db.query<UserRow>(
		`UPDATE users SET display_name = $2, role = $3, area_ids = $4::jsonb WHERE id = $1
		 RETURNING ${COLUMNS}`,
		[id, change.displayName, change.role, JSON.stringify(change.areaIds)]
	);
	return rows[0] ? toUser(rows[0]) : null;
}

export async function setPasswordHash(db: Queryable, id: number, hash: string): Promise<void> {
	await db.query(`UPDATE users SET password_hash = $2 WHERE id = $1`, [id, hash]);
}

export async function setDisabled(db: Queryable, id: number, disabled: boolean): Promise<boolean> {
	const rows = await db.query(
		`UPDATE users SET disabled_at = CASE WHEN $2::boolean THEN coalesce(disabled_at, now()) END
		 WHERE id = $1 RETURNING id`,
		[id, disabled]
	);
	return rows.length > 0;
}

/** Active admins other than `exceptId`: the last admin cannot be demoted or disabled. */
export async function otherActiveAdmins(db: Queryable, exceptId: number): Promise<number> {
	const rows = await db.query<{ n: number }>(
		`SELECT count(*)::int AS n FROM users WHERE role = 'admin' AND disabled_at IS NULL AND id <> $1`,
		[exceptId]
	);
	return Number(rows[0].n);
}

/** Which of `ids` name existing areas. */
export async function existingAreaIds(db: Queryable, ids: number[]): Promise<number[]> {
	if (ids.length === 0) return [];
	const rows = await db.query<{ id: number }>(
		`SELECT id FROM areas WHERE id = ANY($1::int[]) ORDER BY id`,
		[ids]
	);
	return rows.map((r) => Number(r.id));
}

export async function areaChoices(
	db: Queryable
): Promise<{ id: number; kind: string; code: string; name: string }[]> {
	const rows = await db.query<{ id: number; kind: string; code: string; name: string }>(
		`SELECT id, kind, code, name FROM areas ORDER BY kind, name LIMIT 5000`
	);
	return rows.map((r) => ({ ...r, id: Number(r.id) }));
}
