/**
 * First-run bootstrap as an operator runs it: `beatwise admin create` on both engines, with a
 * generated password (printed once) or one from standard input; no default password anywhere; the
 * account signs in; mistakes exit 2 with a message. The password piped into standard input goes to a
 * real process (the binary end to end); the other calls run the same `main(argv, io)` in this process
 * (tests/helpers/cli.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { cliEnv, inProcessCli, spawnCli } from '../helpers/cli';
import { engines, createTestDatabase, type TestDatabase } from '../helpers/db';
import { openDatabase } from '../../src/lib/server/db/client';
import { signIn, signInLimits } from '../../src/lib/server/auth/accounts';

// The real process opens the database cold (PGlite starts cold in each): allow for it.
describe.each(engines())('beatwise admin create on %s', { timeout: 400_000 }, (engine) => {
	let t: TestDatabase;
	const run = (args: string[], input?: string) => inProcessCli(cliEnv(t), args, input);

	beforeAll(async () => {
		t = await createTestDatabase(engine);
		// The CLI opens the database itself (one process per embedded data folder).
		await t.db.close();
	});
	afterAll(async () => t?.drop());

	it('creates an administrator with a generated password, or one read from stdin', async () => {
		const gen = await run(['admin', 'create', '--username', 'root', '--json']);
		expect(gen.status, gen.stderr).toBe(0);
		const created = JSON.parse(gen.stdout) as { username: string; role: string; password: string };
		expect(created).toMatchObject({ username: 'root', role: 'admin' });
		expect(created.password).toMatch(/^[A-Za-z0-9_-]{20}$/);

		const piped = spawnCli(
			cliEnv(t),
			['admin', 'create', '--username', 'second', '--password-stdin'],
			'a long piped password\n'
		);
		expect(piped.status, piped.stderr).toBe(0);
		expect(piped.stdout).toContain('Created administrator second.');
		expect(piped.stdout).not.toContain('a long piped password');

		const db =
			engine === 'pglite'
				? await openDatabase({ dataDir: t.dataDir as string })
				: await openDatabase({ databaseUrl: t.url as string });
		try {
			const ctx = {
				origin: { ip: 'test', userAgent: 'test' },
				policy: { sessionMs: 3_600_000, idleMs: 600_000 },
				limits: signInLimits({
					maxFailuresPerUser: 5,
					maxFailuresPerIp: 50,
					failureWindowMs: 60_000
				})
			};
			expect((await signIn(db, { username: 'root', password: created.password }, ctx)).ok).toBe(
				true
			);
			expect(
				(await signIn(db, { username: 'second', password: 'a long piped password' }, ctx)).ok
			).toBe(true);
			const audit = await db.query<{ ip: string; object: string }>(
				`SELECT ip, object FROM audit_log WHERE action = 'user.create' ORDER BY id`
			);
			expect(audit).toEqual([
				{ ip: 'cli', object: 'user:root' },
				{ ip: 'cli', object: 'user:second' }
			]);
		} finally {
			await db.close();
		}
	});

	it('exits 2 with a message for a taken name, a weak password, or no username', async () => {
		const taken = await run(['admin', 'create', '--username', 'ROOT']);
		expect(taken.status).toBe(2);
		expect(taken.stderr).toMatch(/username "ROOT" is taken/);
		const weak = await run(['admin', 'create', '--username', 'third', '--password-stdin'], 'short');
		expect(weak.status).toBe(2);
		expect(weak.stderr).toMatch(/at least 12 characters/);
		const none = await run(['admin', 'create']);
		expect(none.status).toBe(2);
		expect(none.stderr).toMatch(/--username is required/);
	});
});

describe('no default password in the code', () => {
	it('has no password literal next to account creation in src/', () => {
		const files: string[] = [];
		const walk = (d: string) => {
			for (const n of readdirSync(d)) {
				const p = join(d, n);
				if (statSync(p).isDirectory()) walk(p);
				else if (/\.(ts|svelte)$/.test(n) && !/\.spec\.ts$/.test(n)) files.push(p);
			}
		};
		walk('src');
		// `password: 'account:self'` in the permission table names a form action, not a secret.
		const suspicious = files.filter((f) =>
			/password\s*[:=]\s*['"`](?!account:)[^'"`\s]{4,}['"`]/i.test(readFileSync(f, 'utf8'))
		);
		expect(suspicious).toEqual([]);
	});
});
