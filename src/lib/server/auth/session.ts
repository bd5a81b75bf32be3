/**
 * Database-backed sessions. The cookie holds 32 random bytes (base64url); the database holds only their
 * SHA-256, so a leaked database copy cannot be replayed as cookies. A session ends at logout, at its
 * absolute expiry (12 h by default) or after an idle period (30 min by default), whichever is first.
 */
import { createHash, randomBytes } from 'node:crypto';
import { pruneSignInBlocks } from '../db/queries/sign-in-blocks';
import type { Queryable } from '../db/client';
import {
	deleteDeadSessions,
	deleteSession,
	findLiveSession,
	insertSession,
	touchSession
} from '../db/queries/sessions';
import { isRole, type AuthUser } from './permissions';

export const SESSION_COOKIE = 'beatwise_session';

export interface SessionPolicy {
	sessionMs: number;
	idleMs: number;
}

export function hashToken(token: string): string {
	return createHash('sha256').update(token).digest('hex');
}

export interface NewSession {
	token: string;
	expiresAt: Date;
}

export async function startSession(
	db: Queryable,
	userId: number,
	policy: SessionPolicy,
	now = new Date()
): Promise<NewSession> {
	const token = randomBytes(32).toString('base64url');
	const expiresAt = new Date(now.getTime() + policy.sessionMs);
	await insertSession(db, { id: hashToken(token), userId, now, expiresAt });
	return { token, expiresAt };
}

export interface LiveSession {
	id: string;
	user: AuthUser;
	expiresAt: Date;
	/** When the session ends if unused from now: the earlier of expiry and now + idle. */
	endsAt: Date;
}

/** A token's session and user if it is live; refreshes its last-seen time (at most once a minute). */
export async function resumeSession(
	db: Queryable,
	token: string,
	policy: SessionPolicy,
	now = new Date()
): Promise<LiveSession | null> {
	if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return null;
	const id = hashToken(token);
	const found = await findLiveSession(db, id, now, new Date(now.getTime() - policy.idleMs));
	if (!found || !isRole(found.user.role)) return null;
	// Write the last-seen time only when it moved on noticeably: a busy map makes many requests.
	const touchEvery = Math.min(60_000, policy.idleMs / 4);
	if (now.getTime() - found.lastSeenAt.getTime() >= touchEvery) await touchSession(db, id, now);
	const u = found.user;
	return {
		id,
		user: {
			id: u.id,
			username: u.username,
			displayName: u.displayName,
			role: u.role as AuthUser['role'],
			areaIds: u.areaIds
		},
		expiresAt: found.expiresAt,
		endsAt: new Date(Math.min(found.expiresAt.getTime(), now.getTime() + policy.idleMs))
	};
}

export async function endSession(db: Queryable, token: string): Promise<void> {
	await deleteSession(db, hashToken(token));
}

let lastSweep = 0;

/** How long counted blocked sign-ins are kept (they are counters; the audit trail keeps its entries). */
export const SIGN_IN_BLOCKS_KEPT_MS = 90 * 86_400_000;

/** Delete dead sessions and old blocked-sign-in counters now and then (at most hourly per process). */
export async function sweepSessions(
	db: Queryable,
	policy: SessionPolicy,
	now = new Date()
): Promise<void> {
	if (now.getTime() - lastSweep < 3_600_000) return;
	lastSweep = now.getTime();
	await deleteDeadSessions(db, now, new Date(now.getTime() - policy.idleMs));
	await pruneSignInBlocks(db, new Date(now.getTime() - SIGN_IN_BLOCKS_KEPT_MS));
}
