/** Blocked sign-in attempts, counted per limiter key and window (not one row per attempt). */
import type { Queryable } from '../client';

/**
 * Count one blocked attempt under `key` in the window starting at `windowStart`; returns the window's
 * count so far (1: the first blocked attempt of this key in this window).
 */
export async function countBlockedSignIn(
	db: Queryable,
	b: { key: string; windowStart: Date; at: Date; username: string | null; ip: string | null }
): Promise<number> {
	const rows = await db.query<{ attempts: number }>(
		`INSERT INTO sign_in_blocks (key, window_start, attempts, username, ip, first_at, last_at)
		 VALUES ($1, $2, 1, $3, $4, $5, $5)
		 ON CONFLICT (key, window_start) DO UPDATE
		   SET attempts = sign_in_blocks.attempts + 1, username = excluded.username,
		       last_at = greatest(sign_in_blocks.last_at, excluded.last_at)
		 RETURNING attempts`,
		[b.key, b.windowStart.toISOString(), b.username, b.ip, b.at.toISOString()]
	);
	return Number(rows[0].attempts);
}

export interface SignInBlockRow {
	key: string;
	windowStart: Date;
	attempts: number;
	username: string | null;
	ip: string | null;
	firstAt: Date;
	lastAt: Date;
}

/** Windows with blocked attempts, newest first. */
export async function recentSignInBlocks(
	db: Queryable,
	q: { since?: Date; limit: number }
): Promise<SignInBlockRow[]> {
	const rows = await db.query<{
		key: string;
		window_start: string | Date;
		attempts: number;
		username: string | null;
		ip: string | null;
		first_at: string | Date;
		last_at: string | Date;
	}>(
		`SELECT key, window_start, attempts, username, ip, first_at, last_at FROM sign_in_blocks
		 WHERE ($1::timestamptz IS NULL OR last_at >= $1::timestamptz)
		 ORDER BY last_at DESC, key LIMIT $2::int`,
		[q.since?.toISOString() ?? null, q.limit]
	);
	return rows.map((r) => ({
		key: r.key,
		windowStart: new Date(r.window_start),
		attempts: Number(r.attempts),
		username: r.username,
		ip: r.ip,
		firstAt: new Date(r.first_at),
		lastAt: new Date(r.last_at)
	}));
}

/** Forget counted windows that ended before `before` (these are counters, not the audit trail). */
export async function pruneSignInBlocks(db: Queryable, before: Date): Promise<number> {
	const rows = await db.query<{ n: number }>(
		`WITH d AS (DELETE FROM sign_in_blocks WHERE last_at < $1 RETURNING 1) SELECT count(*)::int AS n FROM d`,
		[before.toISOString()]
	);
	return Number(rows[0].n);
}
