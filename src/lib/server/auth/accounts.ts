/**
 * Account jobs: sign-in, creating and changing accounts, passwords. Every change to a user or role and
 * every sign-in (success or failure) is written to the audit trail here, so routes and the CLI cannot
 * forget it.
 */
import type { Database, Queryable } from '../db/client';
import {
	areaChoices,
	existingAreaIds,
	findUserById,
	findUserForSignIn,
	insertUser,
	listUsers,
	otherActiveAdmins,
	passwordHashOf,
	setDisabled,
	setPasswordHash,
	updateUser,
	userCount,
	type UserRow
} from '../db/queries/users';
import { deleteSessionsOfUser } from '../db/queries/sessions';
import { recordAudit, type AuditActor, type AuditOrigin } from './audit';
import {
	generatePassword,
	hashPassword,
	passwordProblem,
	verifyAgainstDummy,
	verifyPassword
} from './password';
import { isRole, type AuthUser, type Role } from './permissions';
import { FailureLimiter } from './rate-limit';
import { countBlockedSignIn } from '../db/queries/sign-in-blocks';
import { controlCharacterProblem, escapeControlCharacters } from '../../control-characters';
import { startSession, type NewSession, type SessionPolicy } from './session';

export type AccountErrorCode =
	| 'E_USERNAME_INVALID'
	| 'E_USERNAME_TAKEN'
	| 'E_DISPLAY_NAME'
	| 'E_ROLE'
	| 'E_PASSWORD_WEAK'
	| 'E_PASSWORD_CURRENT'
	| 'E_AREA_UNKNOWN'
	| 'E_LAST_ADMIN'
	/** An administrator tried to disable their own account. */
	| 'E_SELF'
	| 'E_NOT_FOUND';

export class AccountError extends Error {
	constructor(
		readonly code: AccountErrorCode,
		message: string,
		readonly field?: string
	) {
		super(message);
		this.name = 'AccountError';
	}
}

export const USERNAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{1,63}$/;

/** The one message for every failed sign-in, so it never tells which part was wrong. */
export const SIGN_IN_FAILED = 'Invalid username or password';

export function toAuthUser(u: UserRow): AuthUser {
	if (!isRole(u.role)) throw new AccountError('E_ROLE', `unknown role "${u.role}"`);
	return {
		id: u.id,
		username: u.username,
		displayName: u.displayName,
		role: u.role,
		areaIds: u.areaIds
	};
}

export interface SignInLimits {
	/** Failures of one username from one client address: its own lockout, nobody else's. */
	byUserClient: FailureLimiter;
	/** Failures from one client address across usernames (guessing many usernames). */
	byClient: FailureLimiter;
	/** Windows of the blocked-attempt counters (`sign_in_blocks`). */
	windowMs: number;
}

export function signInLimits(o: {
	maxFailuresPerUser: number;
	maxFailuresPerIp: number;
	failureWindowMs: number;
	/** First wait after the limit is reached; doubles with each further failure (default window/30). */
	blockMs?: number;
}): SignInLimits {
	const common = { windowMs: o.failureWindowMs, blockMs: o.blockMs };
	return {
		byUserClient: new FailureLimiter({ max: o.maxFailuresPerUser, ...common }),
		byClient: new FailureLimiter({ max: o.maxFailuresPerIp, ...common }),
		windowMs: o.failureWindowMs
	};
}

export type SignInResult =
	| { ok: true; user: AuthUser; session: NewSession }
	| { ok: false; reason: 'invalid' }
	/** The username cannot be one (a control character): counted and audited like a failure. */
	| { ok: false; reason: 'malformed'; message: string }
	| { ok: false; reason: 'blocked'; retryAfterMs: number };

/** The limiter key of one username tried from one client. */
const userClientKey = (username: string, ip: string) => `user-client:${username} ${ip}`;

/**
 * Sign in. Failures are limited per (username, client address) and per client address, each with a
 * progressive delay (`FailureLimiter`), so a wrong password typed elsewhere never locks the account's
 * owner out. A blocked attempt is counted in `sign_in_blocks` (one row per key and window); only the
 * first of a window also writes `login.blocked` to the audit trail.
 */
export async function signIn(
	db: Queryable,
	input: { username: string; password: string },
	ctx: { origin: AuditOrigin; policy: SessionPolicy; limits: SignInLimits; now?: Date }
): Promise<SignInResult> {
	const now = ctx.now ?? new Date();
	const t = now.getTime();
	const tried = input.username.trim().slice(0, 200);
	const username = escapeControlCharacters(tried);
	const ipKey = ctx.origin.ip ?? 'unknown';
	const keys = [
		{ limiter: ctx.limits.byUserClient, key: userClientKey(username.toLowerCase(), ipKey) },
		{ limiter: ctx.limits.byClient, key: `client:${ipKey}` }
	];
	const blocking = keys
		.map((k) => ({ ...k, wait: k.limiter.blockedFor(k.key, t) }))
		.sort((a, b) => b.wait - a.wait)[0];
	if (blocking.wait > 0) {
		const windowStart = new Date(Math.floor(t / ctx.limits.windowMs) * ctx.limits.windowMs);
		const attempts = await countBlockedSignIn(db, {
			key: blocking.key,
			windowStart,
			at: now,
			username,
			ip: ctx.origin.ip
		});
		if (attempts === 1) {
			await recordAudit(db, {
				actor: null,
				username,
				action: 'login.blocked',
				detail: {
					key: blocking.key,
					retryAfterSeconds: Math.ceil(blocking.wait / 1000),
					window: windowStart.toISOString(),
					note: 'further blocked attempts in this window are counted in sign_in_blocks, not logged one by one'
				},
				origin: ctx.origin
			});
		}
		return { ok: false, reason: 'blocked', retryAfterMs: blocking.wait };
	}
	const malformed = controlCharacterProblem(tried);
	const found = tried && !malformed ? await findUserForSignIn(db, tried) : null;
	const ok = found
		? await verifyPassword(found.passwordHash, input.password)
		: await verifyAgainstDummy(input.password);
	if (!found || !ok || found.disabledAt || !isRole(found.role)) {
		for (const k of keys) k.limiter.fail(k.key, t);
		await recordAudit(db, {
			actor: null,
			username,
			action: 'login.failure',
			// For the log reader only; the user always sees the same message.
			detail: {
				reason: malformed
					? 'malformed-username'
					: !found
						? 'unknown-user'
						: !ok
							? 'wrong-password'
							: 'disabled'
			},
			origin: ctx.origin
		});
		if (malformed) return { ok: false, reason: 'malformed', message: `username: ${malformed}` };
		return { ok: false, reason: 'invalid' };
	}
	keys[0].limiter.clear(keys[0].key);
	const user = toAuthUser(found);
	const session = await startSession(db, user.id, ctx.policy, now);
	await recordAudit(db, {
		actor: user,
		action: 'login.success',
		detail: { role: user.role },
		origin: ctx.origin
	});
	return { ok: true, user, session };
}

function checkUsername(username: string): string {
	const u = username.trim();
	if (!USERNAME_PATTERN.test(u)) {
		throw new AccountError(
			'E_USERNAME_INVALID',
			'Usernames are 2–64 characters: letters, digits, dot, dash and underscore, starting with a letter or digit.',
			'username'
		);
	}
	return u;
}

function checkDisplayName(name: string): string {
	const n = name.trim().replace(/\s+/g, ' ');
	if (n.length < 1 || n.length > 120 || /[\p{Cc}]/u.test(n)) {
		throw new AccountError(
			'E_DISPLAY_NAME',
			'The display name must be 1–120 printable characters.',
			'displayName'
		);
	}
	return n;
}

function checkRole(role: string): Role {
	if (!isRole(role)) throw new AccountError('E_ROLE', `Unknown role "${role}".`, 'role');
	return role;
}

async function checkAreas(db: Queryable, ids: number[]): Promise<number[]> {
	const unique = [...new Set(ids)].sort((a, b) => a - b);
	const found = await existingAreaIds(db, unique);
	const missing = unique.filter((id) => !found.includes(id));
	if (missing.length) {
		throw new AccountError('E_AREA_UNKNOWN', `No area with id ${missing.join(', ')}.`, 'areaIds');
	}
	return unique;
}

export interface NewAccount {
	username: string;
	displayName?: string;
	role: string;
	areaIds?: number[];
	/** When absent, a random password is generated and returned once. */
	password?: string;
}

export async function createAccount(
	db: Queryable,
	input: NewAccount,
	ctx: { actor: AuditActor | null; origin: AuditOrigin }
): Promise<{ user: AuthUser; password: string; generated: boolean }> {
	const username = checkUsername(input.username);
	const displayName = checkDisplayName(input.displayName?.trim() || username);
	const role = checkRole(input.role);
	const areaIds = await checkAreas(db, input.areaIds ?? []);
	const generated = input.password === undefined || input.password === '';
	const password = generated ? generatePassword() : (input.password as string);
	const problem = passwordProblem(password, username);
	if (problem) throw new AccountError('E_PASSWORD_WEAK', problem, 'password');
	const row = await insertUser(db, {
		username,
		displayName,
		role,
		areaIds,
		passwordHash: await hashPassword(password)
	});
	if (!row) {
		throw new AccountError('E_USERNAME_TAKEN', `The username "${username}" is taken.`, 'username');
	}
	await recordAudit(db, {
		actor: ctx.actor,
		action: 'user.create',
		object: `user:${row.username}`,
		detail: { role, areaIds, displayName },
		origin: ctx.origin
	});
	return { user: toAuthUser(row), password, generated };
}

async function mustFind(db: Queryable, id: number): Promise<UserRow> {
	const u = await findUserById(db, id);
	if (!u) throw new AccountError('E_NOT_FOUND', `No user with id ${id}.`);
	return u;
}

export async function updateAccount(
	db: Database,
	id: number,
	change: { displayName: string; role: string; areaIds: number[] },
	ctx: { actor: AuditActor; origin: AuditOrigin }
): Promise<AuthUser> {
	const displayName = checkDisplayName(change.displayName);
	const role = checkRole(change.role);
	const areaIds = await checkAreas(db, change.areaIds);
	return db.transaction(async (tx) => {
		const before = await mustFind(tx, id);
		if (before.role === 'admin' && role !== 'admin' && (await otherActiveAdmins(tx, id)) === 0) {
			throw new AccountError(
				'E_LAST_ADMIN',
				'This is the last active administrator: make another one first.',
				'role'
			);
		}
		const after = await updateUser(tx, id, { displayName, role, areaIds });
		if (!after) throw new AccountError('E_NOT_FOUND', `No user with id ${id}.`);
		// A role or area change takes effect at once: end the user's sessions so they sign in again.
		const rightsChanged =
			before.role !== role || JSON.stringify(before.areaIds) !== JSON.stringify(areaIds);
		if (rightsChanged) await deleteSessionsOfUser(tx, id);
		await recordAudit(tx, {
			actor: ctx.actor,
			action: 'user.update',
			object: `user:${after.username}`,
			detail: {
				before: { role: before.role, areaIds: before.areaIds, displayName: before.displayName },
				after: { role, areaIds, displayName }
			},
			origin: ctx.origin
		});
		return toAuthUser(after);
	});
}

export async function setAccountDisabled(
	db: Database,
	id: number,
	disabled: boolean,
	ctx: { actor: AuditActor; origin: AuditOrigin }
): Promise<void> {
	// Nobody locks themselves out: another administrator (or the database owner) must do it.
	if (disabled && ctx.actor.id === id)
		throw new AccountError('E_SELF', 'You cannot disable your own account.');
	await db.transaction(async (tx) => {
		const u = await mustFind(tx, id);
		if (disabled && u.role === 'admin' && (await otherActiveAdmins(tx, id)) === 0) {
			throw new AccountError(
				'E_LAST_ADMIN',
				'This is the last active administrator: it cannot be disabled.'
			);
		}
		await setDisabled(tx, id, disabled);
		if (disabled) await deleteSessionsOfUser(tx, id);
		await recordAudit(tx, {
			actor: ctx.actor,
			action: disabled ? 'user.disable' : 'user.enable',
			object: `user:${u.username}`,
			origin: ctx.origin
		});
	});
}

/** An account as the administrators' page lists it. */
export interface AccountListing {
	id: number;
	username: string;
	displayName: string;
	role: string;
	areaIds: number[];
	disabled: boolean;
	createdAt: string;
}

/** Every account (by username) and the areas an account may be limited to, for the admin page. */
export async function accountsForAdmin(db: Queryable): Promise<{
	users: AccountListing[];
	areas: { id: number; kind: string; code: string; name: string }[];
}> {
	const [users, areas] = await Promise.all([listUsers(db), areaChoices(db)]);
	return {
		users: users.map((u) => ({
			id: u.id,
			username: u.username,
			displayName: u.displayName,
			role: u.role,
			areaIds: u.areaIds,
			disabled: u.disabledAt !== null,
			createdAt: u.createdAt.toISOString()
		})),
		areas
	};
}

/** Whether any account exists (none on a fresh install: the first administrator comes from the CLI). */
export async function anyAccount(db: Queryable): Promise<boolean> {
	return (await userCount(db)) > 0;
}

/** An administrator sets a new random password for a user; returned once, sessions ended. */
export async function resetPassword(
	db: Database,
	id: number,
	ctx: { actor: AuditActor; origin: AuditOrigin }
): Promise<{ username: string; password: string }> {
	const password = generatePassword();
	const hash = await hashPassword(password);
	return db.transaction(async (tx) => {
		const u = await mustFind(tx, id);
		await setPasswordHash(tx, id, hash);
		await deleteSessionsOfUser(tx, id);
		await recordAudit(tx, {
			actor: ctx.actor,
			action: 'user.password-reset',
			object: `user:${u.username}`,
			origin: ctx.origin
		});
		return { username: u.username, password };
	});
}

/** A user changes their own password; their other sessions end. */
export async function changeOwnPassword(
	db: Database,
	user: AuthUser,
	input: { current: string; next: string },
	ctx: { sessionId: string; origin: AuditOrigin }
): Promise<void> {
	const stored = await passwordHashOf(db, user.id);
	if (!stored || !(await verifyPassword(stored, input.current))) {
		throw new AccountError('E_PASSWORD_CURRENT', 'The current password is not right.', 'current');
	}
	const problem = passwordProblem(input.next, user.username);
	if (problem) throw new AccountError('E_PASSWORD_WEAK', problem, 'next');
	if (input.next === input.current) {
		throw new AccountError(
			'E_PASSWORD_WEAK',
			'The new password must differ from the current one.',
			'next'
		);
	}
	const hash = await hashPassword(input.next);
	await db.transaction(async (tx) => {
		await setPasswordHash(tx, user.id, hash);
		await deleteSessionsOfUser(tx, user.id, ctx.sessionId);
		await recordAudit(tx, {
			actor: user,
			action: 'password.change',
			object: `user:${user.username}`,
			origin: ctx.origin
		});
	});
}
