/**
 * Accounts, sign-in, sessions and the audit trail against real databases (both engines): Argon2id
 * hashes, one generic failure message, failure limits per username and per address, absolute expiry and
 * idle timeout, logout, role changes ending sessions, and every sign-in audited.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines, createTestDatabase, type TestDatabase } from '../helpers/db';
import {
	AccountError,
	changeOwnPassword,
	createAccount,
	resetPassword,
	setAccountDisabled,
	signIn,
	signInLimits,
	updateAccount,
	type SignInLimits
} from '../../src/lib/server/auth/accounts';
import { endSession, hashToken, resumeSession } from '../../src/lib/server/auth/session';
import { searchAudit } from '../../src/lib/server/db/queries/audit';
import { verifyPassword } from '../../src/lib/server/auth/password';

const origin = { ip: '203.0.113.7', userAgent: 'vitest' };
const policy = { sessionMs: 12 * 3_600_000, idleMs: 30 * 60_000 };
const PASSWORD = 'correct horse battery staple';

describe.each(engines())('accounts and sessions on %s', (engine) => {
	let t: TestDatabase;
	let limits: SignInLimits;
	const fresh = () =>
		(limits = signInLimits({
			maxFailuresPerUser: 3,
			maxFailuresPerIp: 6,
			failureWindowMs: 60_000
		}));

	beforeAll(async () => {
		t = await createTestDatabase(engine);
		fresh();
		await createAccount(
			t.db,
			{ username: 'Alice', role: 'analyst', password: PASSWORD },
			{ actor: null, origin }
		);
	});
	afterAll(async () => t?.drop());

	it('stores an Argon2id hash (m=19456, t=2, p=1), never the password', async () => {
		const rows = await t.db.query<{ h: string }>(
			`SELECT password_hash AS h FROM users WHERE username = 'Alice'`
		);
		expect(rows[0].h).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
		expect(rows[0].h).not.toContain(PASSWORD);
		expect(await verifyPassword(rows[0].h, PASSWORD)).toBe(true);
		expect(await verifyPassword(rows[0].h, PASSWORD + '!')).toBe(false);
	});

	it('signs in case-insensitively by username, stores only the token hash, audits the success', async () => {
		const r = await signIn(
			t.db,
			{ username: 'alice', password: PASSWORD },
			{ origin, policy, limits }
		);
		expect(r.ok).toBe(true);
		if (!r.ok) return;
		expect(r.user).toMatchObject({ username: 'Alice', role: 'analyst', areaIds: [] });
		expect(r.session.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
		const stored = await t.db.query<{ id: string }>(`SELECT id FROM sessions`);
		expect(stored.map((s) => s.id)).toContain(hashToken(r.session.token));
		expect(stored.map((s) => s.id)).not.toContain(r.session.token);
		const audit = await searchAudit(t.db, { action: 'login.success', page: 1, pageSize: 10 });
		expect(audit.rows[0]).toMatchObject({
			username: 'Alice',
			ip: '203.0.113.7',
			userAgent: 'vitest'
		});
	});

	it('fails the same way for a wrong password and an unknown user, and audits both', async () => {
		const wrong = await signIn(
			t.db,
			{ username: 'alice', password: 'nope' },
			{ origin, policy, limits }
		);
		const unknown = await signIn(
			t.db,
			{ username: 'mallory', password: 'nope' },
			{ origin, policy, limits }
		);
		expect(wrong).toEqual({ ok: false, reason: 'invalid' });
		expect(unknown).toEqual({ ok: false, reason: 'invalid' });
		const audit = await searchAudit(t.db, { action: 'login.failure', page: 1, pageSize: 10 });
		expect(audit.rows.map((r) => [r.username, r.detail.reason])).toEqual([
			['mallory', 'unknown-user'],
			['alice', 'wrong-password']
		]);
		fresh();
	});

	it('blocks a username after 3 failures from one address, even with the right password, until its wait ends', async () => {
		const now = new Date('2030-01-01T00:00:00Z');
		for (let i = 0; i < 3; i++) {
			await signIn(t.db, { username: 'alice', password: 'x' }, { origin, policy, limits, now });
		}
		const blocked = await signIn(
			t.db,
			{ username: 'ALICE', password: PASSWORD },
			{ origin, policy, limits, now }
		);
		expect(blocked).toMatchObject({ ok: false, reason: 'blocked' });
		const later = new Date(now.getTime() + 61_000);
		const ok = await signIn(
			t.db,
			{ username: 'alice', password: PASSWORD },
			{ origin, policy, limits, now: later }
		);
		expect(ok.ok).toBe(true);
		const audit = await searchAudit(t.db, { action: 'login.blocked', page: 1, pageSize: 10 });
		expect(audit.total).toBe(1);
		fresh();
	});

	it('blocks an address after 6 failures across usernames', async () => {
		const now = new Date('2030-01-02T00:00:00Z');
		for (let i = 0; i < 6; i++) {
			await signIn(t.db, { username: `u${i}`, password: 'x' }, { origin, policy, limits, now });
		}
		const r = await signIn(
			t.db,
			{ username: 'alice', password: PASSWORD },
			{ origin, policy, limits, now }
		);
		expect(r).toMatchObject({ ok: false, reason: 'blocked' });
		const other = await signIn(
			t.db,
			{ username: 'alice', password: PASSWORD },
			{ origin: { ...origin, ip: '192.0.2.9' }, policy, limits, now }
		);
		expect(other.ok).toBe(true);
		fresh();
	});

	it('ends a session after the idle timeout and at the absolute expiry, and at logout', async () => {
		const t0 = new Date('2030-02-01T08:00:00Z');
		const at = (min: number) => new Date(t0.getTime() + min * 60_000);
		const r = await signIn(
			t.db,
			{ username: 'alice', password: PASSWORD },
			{ origin, policy, limits, now: t0 }
		);
		if (!r.ok) throw new Error('sign-in failed');
		const token = r.session.token;
		// Used every 20 minutes: alive for the whole 12 hours, then over.
		for (let m = 20; m < 12 * 60; m += 20) {
			expect(await resumeSession(t.db, token, policy, at(m)), `at +${m} min`).not.toBeNull();
		}
		expect(await resumeSession(t.db, token, policy, at(12 * 60 + 1))).toBeNull();

		const r2 = await signIn(
			t.db,
			{ username: 'alice', password: PASSWORD },
			{ origin, policy, limits, now: t0 }
		);
		if (!r2.ok) throw new Error('sign-in failed');
		expect(await resumeSession(t.db, r2.session.token, policy, at(29))).not.toBeNull();
		// 31 idle minutes after the last use at +29.
		expect(await resumeSession(t.db, r2.session.token, policy, at(29 + 31))).toBeNull();

		const r3 = await signIn(
			t.db,
			{ username: 'alice', password: PASSWORD },
			{ origin, policy, limits, now: t0 }
		);
		if (!r3.ok) throw new Error('sign-in failed');
		await endSession(t.db, r3.session.token);
		expect(await resumeSession(t.db, r3.session.token, policy, at(1))).toBeNull();
		expect(await resumeSession(t.db, 'not-a-token', policy, at(1))).toBeNull();
	});

	it('ends sessions when the role changes or the account is disabled, and audits both', async () => {
		const admin = await createAccount(
			t.db,
			{ username: 'root', role: 'admin' },
			{ actor: null, origin }
		);
		expect(admin.generated).toBe(true);
		expect(admin.password).toHaveLength(20);
		const b = await createAccount(
			t.db,
			{ username: 'bob', role: 'viewer', password: PASSWORD },
			{ actor: admin.user, origin }
		);
		const s = await signIn(
			t.db,
			{ username: 'bob', password: PASSWORD },
			{ origin, policy, limits }
		);
		if (!s.ok) throw new Error('sign-in failed');
		await updateAccount(
			t.db,
			b.user.id,
			{ displayName: 'Bob', role: 'officer', areaIds: [] },
			{ actor: admin.user, origin }
		);
		expect(await resumeSession(t.db, s.session.token, policy)).toBeNull();

		const s2 = await signIn(
			t.db,
			{ username: 'bob', password: PASSWORD },
			{ origin, policy, limits }
		);
		if (!s2.ok) throw new Error('sign-in failed');
		expect(s2.user.role).toBe('officer');
		await setAccountDisabled(t.db, b.user.id, true, { actor: admin.user, origin });
		expect(await resumeSession(t.db, s2.session.token, policy)).toBeNull();
		const s3 = await signIn(
			t.db,
			{ username: 'bob', password: PASSWORD },
			{ origin, policy, limits }
		);
		expect(s3).toEqual({ ok: false, reason: 'invalid' });

		const audit = await searchAudit(t.db, { action: 'user.', page: 1, pageSize: 20 });
		expect(audit.rows.map((r) => [r.action, r.object, r.username])).toEqual([
			['user.disable', 'user:bob', 'root'],
			['user.update', 'user:bob', 'root'],
			['user.create', 'user:bob', 'root'],
			['user.create', 'user:root', null],
			['user.create', 'user:Alice', null]
		]);
		expect(audit.rows[1].detail).toMatchObject({
			before: { role: 'viewer' },
			after: { role: 'officer' }
		});
		fresh();
	});

	it('refuses bad accounts with typed errors, and keeps the last administrator', async () => {
		const ctx = { actor: null, origin };
		const code = async (p: Promise<unknown>) =>
			p.then(
				() => 'ok',
				(e) => (e instanceof AccountError ? e.code : String(e))
			);
		expect(await code(createAccount(t.db, { username: 'a', role: 'viewer' }, ctx))).toBe(
			'E_USERNAME_INVALID'
		);
		expect(
			await code(createAccount(t.db, { username: "x'; DROP TABLE users;--", role: 'viewer' }, ctx))
		).toBe('E_USERNAME_INVALID');
		expect(await code(createAccount(t.db, { username: 'carol', role: 'root' }, ctx))).toBe(
			'E_ROLE'
		);
		expect(
			await code(createAccount(t.db, { username: 'carol', role: 'viewer', password: 'short' }, ctx))
		).toBe('E_PASSWORD_WEAK');
		expect(await code(createAccount(t.db, { username: 'ALICE', role: 'viewer' }, ctx))).toBe(
			'E_USERNAME_TAKEN'
		);
		expect(
			await code(createAccount(t.db, { username: 'carol', role: 'viewer', areaIds: [999999] }, ctx))
		).toBe('E_AREA_UNKNOWN');
		const root = (
			await t.db.query<{ id: number }>(`SELECT id FROM users WHERE username='root'`)
		)[0];
		const actor = { id: Number(root.id), username: 'root' };
		expect(
			await code(
				updateAccount(
					t.db,
					Number(root.id),
					{ displayName: 'root', role: 'viewer', areaIds: [] },
					{ actor, origin }
				)
			)
		).toBe('E_LAST_ADMIN');
		// The rule against disabling oneself is the service's, so every caller (page, CLI) obeys it.
		expect(await code(setAccountDisabled(t.db, Number(root.id), true, { actor, origin }))).toBe(
			'E_SELF'
		);
		const alice = (
			await t.db.query<{ id: number }>(`SELECT id FROM users WHERE username='Alice'`)
		)[0];
		const other = { id: Number(alice.id), username: 'Alice' };
		expect(
			await code(setAccountDisabled(t.db, Number(root.id), true, { actor: other, origin }))
		).toBe('E_LAST_ADMIN');
	});

	it('changes an own password (other sessions end) and resets one as an administrator', async () => {
		const s1 = await signIn(
			t.db,
			{ username: 'alice', password: PASSWORD },
			{ origin, policy, limits }
		);
		const s2 = await signIn(
			t.db,
			{ username: 'alice', password: PASSWORD },
			{ origin, policy, limits }
		);
		if (!s1.ok || !s2.ok) throw new Error('sign-in failed');
		await expect(
			changeOwnPassword(
				t.db,
				s1.user,
				{ current: 'wrong', next: 'a new long password' },
				{ sessionId: hashToken(s1.session.token), origin }
			)
		).rejects.toMatchObject({ code: 'E_PASSWORD_CURRENT' });
		await changeOwnPassword(
			t.db,
			s1.user,
			{ current: PASSWORD, next: 'a new long password' },
			{ sessionId: hashToken(s1.session.token), origin }
		);
		expect(await resumeSession(t.db, s1.session.token, policy)).not.toBeNull();
		expect(await resumeSession(t.db, s2.session.token, policy)).toBeNull();
		const root = (
			await t.db.query<{ id: number }>(`SELECT id FROM users WHERE username='root'`)
		)[0];
		const reset = await resetPassword(t.db, s1.user.id, {
			actor: { id: Number(root.id), username: 'root' },
			origin
		});
		expect(await resumeSession(t.db, s1.session.token, policy)).toBeNull();
		const again = await signIn(
			t.db,
			{ username: 'alice', password: reset.password },
			{ origin, policy, limits }
		);
		expect(again.ok).toBe(true);
	});
});
