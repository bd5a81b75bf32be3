/**
 * Issue 10, findings 5, 7 and 8, on both engines (the clock is passed in, nothing waits):
 * - 8: five wrong passwords from one address lock that (username, address) pair only, with a delay that
 *   doubles with each further failure; the owner signs in from their own address meanwhile;
 * - 5: blocked attempts are counted in `sign_in_blocks`, one row per key and window, with a single
 *   `login.blocked` audit entry per key and window however many attempts are blocked;
 * - 7: a NUL or another control character in the username is a malformed sign-in (counted and
 *   audited, with the characters escaped), never a database error.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines, createTestDatabase, type TestDatabase } from '../helpers/db';
import {
	createAccount,
	signIn,
	signInLimits,
	type SignInLimits
} from '../../src/lib/server/auth/accounts';
import { searchAudit } from '../../src/lib/server/db/queries/audit';
import { recentSignInBlocks } from '../../src/lib/server/db/queries/sign-in-blocks';

const policy = { sessionMs: 12 * 3_600_000, idleMs: 30 * 60_000 };
const PASSWORD = 'a long and careful passphrase';
const WINDOW = 15 * 60_000;
const BLOCK = 30_000;
const owner = { ip: '198.51.100.10', userAgent: 'owner' };
const attacker = { ip: '203.0.113.66', userAgent: 'attacker' };

describe.each(engines())('sign-in limits on %s', (engine) => {
	let t: TestDatabase;
	let limits: SignInLimits;
	const fresh = () =>
		(limits = signInLimits({
			maxFailuresPerUser: 5,
			maxFailuresPerIp: 50,
			failureWindowMs: WINDOW,
			blockMs: BLOCK
		}));
	const attempt = (username: string, password: string, origin: typeof owner, now: Date) =>
		signIn(t.db, { username, password }, { origin, policy, limits, now });

	beforeAll(async () => {
		t = await createTestDatabase(engine);
		await createAccount(
			t.db,
			{ username: 'chief', role: 'admin', password: PASSWORD },
			{ actor: null, origin: owner }
		);
	});
	afterAll(async () => t?.drop());

	it('finding 8: wrong passwords from one address never lock the account out from another', async () => {
		fresh();
		const t0 = new Date('2031-03-01T10:00:00Z');
		for (let i = 0; i < 5; i++) await attempt('chief', 'guess', attacker, t0);
		expect(await attempt('chief', PASSWORD, attacker, t0)).toMatchObject({
			ok: false,
			reason: 'blocked',
			retryAfterMs: BLOCK
		});
		const mine = await attempt('chief', PASSWORD, owner, t0);
		expect(mine.ok).toBe(true);
	});

	it('finding 8: the delay doubles with each failure after the limit, up to the window', async () => {
		fresh();
		const t0 = new Date('2031-03-02T10:00:00Z');
		const at = (ms: number) => new Date(t0.getTime() + ms);
		for (let i = 0; i < 5; i++) await attempt('chief', 'guess', attacker, t0);
		let clock = 0;
		const waits: number[] = [];
		for (let k = 0; k < 7; k++) {
			const blocked = await attempt('chief', 'guess', attacker, at(clock));
			if (blocked.ok || blocked.reason !== 'blocked') throw new Error('expected a block');
			waits.push(blocked.retryAfterMs);
			clock += blocked.retryAfterMs;
			// The wait is over: one more try, which fails.
			expect(await attempt('chief', 'guess', attacker, at(clock))).toEqual({
				ok: false,
				reason: 'invalid'
			});
		}
		expect(waits).toEqual([30_000, 60_000, 120_000, 240_000, 480_000, WINDOW, WINDOW]);
	});

	it('finding 5: a flood of blocked attempts is one counter row and one audit entry per key and window', async () => {
		fresh();
		// 10 s before a window boundary: the flood runs into the next window.
		const t0 = new Date('2031-03-03T10:14:50Z');
		const before = (await searchAudit(t.db, { action: 'login.', page: 1, pageSize: 1 })).total;
		for (let i = 0; i < 5; i++) await attempt('chief', 'guess', attacker, t0);
		for (let i = 0; i < 200; i++) {
			const r = await attempt('chief', 'guess', attacker, new Date(t0.getTime() + i * 10));
			expect(r).toMatchObject({ ok: false, reason: 'blocked' });
		}
		const after = await searchAudit(t.db, { action: 'login.', page: 1, pageSize: 10 });
		// 5 failures and one login.blocked, not 200 rows.
		expect(after.total - before).toBe(6);
		expect(after.rows[0]).toMatchObject({ action: 'login.blocked', username: 'chief' });
		const counted = await recentSignInBlocks(t.db, { since: t0, limit: 10 });
		expect(counted).toHaveLength(1);
		expect(counted[0]).toMatchObject({
			key: `user-client:chief ${attacker.ip}`,
			attempts: 200,
			ip: attacker.ip
		});
		// The next window of the same key is a new row (and a new audit entry).
		const next = new Date(Math.ceil(t0.getTime() / WINDOW) * WINDOW + 5000);
		for (let i = 0; i < 3; i++) await attempt('chief', 'guess', attacker, next);
		expect(
			(await recentSignInBlocks(t.db, { since: t0, limit: 10 })).map((r) => r.attempts)
		).toEqual([3, 200]);
	});

	it('finding 7: a NUL in the username is a malformed sign-in, counted and audited, not a database error', async () => {
		fresh();
		const t0 = new Date('2031-03-04T10:00:00Z');
		const r = await attempt('chi\u0000ef', PASSWORD, attacker, t0);
		expect(r).toEqual({
			ok: false,
			reason: 'malformed',
			message: 'username: has a control character (U+0000) at character 4'
		});
		const audit = await searchAudit(t.db, { action: 'login.failure', page: 1, pageSize: 1 });
		expect(audit.rows[0]).toMatchObject({
			username: 'chi\\u{0}ef',
			detail: { reason: 'malformed-username' }
		});
		for (let i = 0; i < 4; i++) await attempt('chi\u0000ef', PASSWORD, attacker, t0);
		expect(await attempt('chi\u0000ef', PASSWORD, attacker, t0)).toMatchObject({
			reason: 'blocked'
		});
	});
});
