/**
 * The README's run command, exactly as written: `npm start` (with PORT and BEATWISE_DATA given in the
 * environment, as the README's Configuration allows, and no ORIGIN), then sign in through the form at
 * http://localhost:PORT and at http://127.0.0.1:PORT and reach the map with cells. adapter-node
 * assumes https when ORIGIN is unset, and every form post from those addresses was refused as
 * cross-site (403) — the e2e servers set ORIGIN, so no test saw it.
 *
 * `npm start` builds into build/ as a newcomer's would; the run's other servers are not disturbed: they
 * run from a copy of the build made by the e2e global set-up (server.ts, BUILD_COPY_VARIABLE).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { TEMPLATE_DIR } from '../helpers/db';
import { freePort, hasChromium } from './server';
import { demoCredentials, signIn } from './auth';
import {
	closePages,
	deckPixels,
	launchBrowser,
	loadedMachineTimeouts,
	newContext,
	OUTPUT_DIR,
	saveScreenshot,
	waitForMapDrawn,
	watchAndOpen,
	type OpenedPage
} from './harness';

/** Variables that change how adapter-node sees a request's origin: a newcomer sets none of them. */
const ORIGIN_VARIABLES = ['ORIGIN', 'PROTOCOL_HEADER', 'HOST_HEADER', 'PORT_HEADER'];

describe.skipIf(!hasChromium || process.env.BEATWISE_E2E === '0')('npm start (e2e)', () => {
	let child: ChildProcess;
	let output = '';
	let port: number;
	let dataDir: string;
	let browser: Browser;
	const opened: OpenedPage[] = [];

	beforeAll(async () => {
		port = await freePort();
		dataDir = mkdtempSync(join(tmpdir(), 'beatwise-npm-start-'));
		// The migrated empty database the other e2e servers start from (a cold start takes ~20 s more);
		// the demo loads into it on first start as it would into a new folder.
		if (existsSync(join(TEMPLATE_DIR, 'pg')))
			cpSync(join(TEMPLATE_DIR, 'pg'), join(dataDir, 'pg'), { recursive: true });
		const env: Record<string, string | undefined> = { ...process.env };
		for (const name of [...ORIGIN_VARIABLES, 'DATABASE_URL', 'BEATWISE_DEMO', 'HOST'])
			delete env[name];
		// Nor the test runner's own variables: vitest sets NODE_ENV=test, VITEST*, and import.meta.env's
		// MODE, DEV, PROD, SSR and BASE_URL in process.env, which change how vite builds the client.
		for (const name of Object.keys(env))
			if (
				['NODE_ENV', 'MODE', 'DEV', 'PROD', 'SSR', 'BASE_URL'].includes(name) ||
				name === 'TEST' ||
				name.startsWith('VITEST') ||
				name.startsWith('BEATWISE_E2E')
			)
				delete env[name];
		child = spawn('npm', ['start'], {
			env: { ...env, PORT: String(port), BEATWISE_DATA: dataDir },
			stdio: ['ignore', 'pipe', 'pipe'],
			// Its own process group: npm runs the build and the server as children, stopped together.
			detached: true
		});
		child.stdout?.on('data', (d) => (output += d));
		child.stderr?.on('data', (d) => (output += d));
		const deadline = Date.now() + 280_000;
		for (;;) {
			if (child.exitCode !== null)
				throw new Error(`npm start exited (${child.exitCode}):\n${output}`);
			const ok = await fetch(`http://127.0.0.1:${port}/api/health`).then(
				(r) => r.ok,
				() => false
			);
			if (ok) break;
			if (Date.now() > deadline) throw new Error(`npm start did not answer in time:\n${output}`);
			await new Promise((r) => setTimeout(r, 500));
		}
		browser = await launchBrowser();
	}, 300_000);

	afterAll(async () => {
		await closePages(opened);
		await browser?.close();
		if (child?.pid && child.exitCode === null) {
			const exited = new Promise((r) => child.once('exit', r));
			process.kill(-child.pid, 'SIGTERM');
			await exited;
		}
		mkdirSync(OUTPUT_DIR, { recursive: true });
		writeFileSync(join(OUTPUT_DIR, `npm-start-${port}.log`), output);
		if (dataDir) rmSync(dataDir, { recursive: true, force: true });
	});

	for (const host of ['localhost', '127.0.0.1']) {
		it(`signs in through the form at http://${host}:PORT, shows the map with cells, signs out`, async () => {
			const base = `http://${host}:${port}`;
			const context = await newContext(browser);
			const page = await context.newPage();
			const o = await watchAndOpen(context, page, base, '/login');
			opened.push(o);
			const failed: string[] = [];
			page.on('response', (r) => {
				if (r.status() >= 400) failed.push(`${r.status()} ${r.url()}`);
			});
			page.on('requestfailed', (r) => failed.push(`failed ${r.url()} ${r.failure()?.errorText}`));
			await signIn(page, base, 'analyst', { dataDir }).catch((e: Error) => {
				throw new Error(
					`${e.message}\npage errors: ${JSON.stringify(o.errors)}\nfailed requests: ${JSON.stringify(failed)}`
				);
			});
			expect(new URL(page.url()).origin).toBe(base);
			expect(new URL(page.url()).pathname).toBe('/');
			await waitForMapDrawn(page);
			expect((await deckPixels(page)).coloured).toBeGreaterThan(1_000);
			await saveScreenshot(page, `npm-start-${host}`);

			// Signing out is a form post too.
			const [answer] = await Promise.all([
				page.waitForResponse((r) => new URL(r.url()).pathname === '/logout'),
				page.click('[data-testid="user-menu"] button[type="submit"]')
			]);
			expect(answer.status()).toBe(303);
			await page.waitForURL((u) => u.pathname === '/login');
			expect((await context.cookies(base)).some((c) => c.name === 'beatwise_session')).toBe(false);
		});
	}

	it('accepts the sign-in form posted without JavaScript at http://localhost:PORT', async () => {
		const base = `http://localhost:${port}`;
		const context = await browser.newContext({ javaScriptEnabled: false, locale: 'en-GB' });
		loadedMachineTimeouts(context);
		const page = await context.newPage();
		opened.push({ context, page, errors: [], cellRequests: [], apiRequests: [] });
		const viewer = demoCredentials(dataDir).viewer;
		await page.goto(`${base}/login`, { waitUntil: 'domcontentloaded' });
		await page.fill('input[name="username"]', viewer.username);
		await page.fill('input[name="password"]', viewer.password);
		const [answer] = await Promise.all([
			page.waitForResponse(
				(r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/login'
			),
			page.click('button[type="submit"]')
		]);
		expect(answer.status()).toBe(303);
		await page.waitForURL((u) => u.pathname === '/', { waitUntil: 'commit' });
		expect((await context.cookies(base)).some((c) => c.name === 'beatwise_session')).toBe(true);
	});

	it('says in its log where the origin comes from', () => {
		expect(output).toContain('ORIGIN is not set: each request is answered for the address');
	});
});
