/**
 * Signing in for end-to-end tests, with the demo accounts the server printed on first start and saved to
 * `<BEATWISE_DATA>/demo-credentials.txt` (lines `role username password`).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';

export type DemoRole =
	'admin' | 'analyst' | 'supervisor' | 'officer' | 'community' | 'planner' | 'viewer';

export interface DemoCredential {
	role: DemoRole;
	username: string;
	password: string;
}

/** The demo accounts of a server started on `dataDir` (default: BEATWISE_E2E_DATA from global setup). */
export function demoCredentials(
	dataDir = process.env.BEATWISE_E2E_DATA
): Record<DemoRole, DemoCredential> {
	if (!dataDir) {
		throw new Error(
			'No data folder: set BEATWISE_E2E_DATA to the BEATWISE_DATA of the server under test (it holds demo-credentials.txt).'
		);
	}
	const text = readFileSync(join(dataDir, 'demo-credentials.txt'), 'utf8');
	const out = {} as Record<DemoRole, DemoCredential>;
	for (const line of text.split('\n')) {
		const [role, username, password] = line.trim().split(/\s+/);
		if (role && username && password)
			out[role as DemoRole] = { role: role as DemoRole, username, password };
	}
	return out;
}

/**
 * Sign in through the login form as the demo user of `role`; resolves once the browser has landed on
 * `next` (default `/`) signed in.
 */
export async function signIn(
	page: Page,
	baseUrl: string,
	role: DemoRole,
	options: { next?: string; dataDir?: string } = {}
): Promise<void> {
	const c = demoCredentials(options.dataDir)[role];
	if (!c) throw new Error(`no demo account for role ${role}`);
	const login = new URL('/login', baseUrl);
	if (options.next) {
		// The server redirects to a path on its own site after sign-in: strip an absolute URL to that.
		const target = new URL(options.next, baseUrl);
		login.searchParams.set('next', target.pathname + target.search);
	}
	await page.goto(login.toString(), { waitUntil: 'domcontentloaded' });
	// Type once the form is interactive, and check what the fields hold before submitting: on a loaded
	// machine a username typed early was once found blank at submit time (the form then refuses to
	// submit, as the field is required), with the password still there.
	await page.waitForSelector('form[data-hydrated="true"]', { timeout: 100_000 });
	for (let attempt = 0; ; attempt++) {
		await page.fill('input[name="username"]', c.username);
		await page.fill('input[name="password"]', c.password);
		const typed = [
			await page.inputValue('input[name="username"]'),
			await page.inputValue('input[name="password"]')
		];
		if (typed[0] === c.username && typed[1] === c.password) break;
		if (attempt === 2)
			throw new Error(`the sign-in form did not keep what was typed: ${JSON.stringify(typed)}`);
	}
	const [answer] = await Promise.all([
		page
			.waitForResponse(
				(r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/login',
				{ timeout: 60_000 }
			)
			.catch(async (e) => {
				const state = await page
					.evaluate(() => ({
						username: (document.querySelector('input[name="username"]') as HTMLInputElement)?.value,
						password: (document.querySelector('input[name="password"]') as HTMLInputElement)?.value
							.length,
						button: (document.querySelector('button[type="submit"]') as HTMLButtonElement)
							?.outerHTML,
						url: location.href,
						ready: document.readyState
					}))
					.catch((x) => String(x));
				throw new Error(`${e}\nlogin form: ${JSON.stringify(state)}`);
			}),
		page.click('button[type="submit"]')
	]);
	const hasSession = async () =>
		(await page.context().cookies(baseUrl)).some((k) => k.name === 'beatwise_session');
	for (let i = 0; i < 50 && !(await hasSession()); i++) await page.waitForTimeout(100);
	if (!(await hasSession())) {
		const shown = await page
			.locator('[data-testid="login-error"]')
			.innerText({ timeout: 5_000 })
			.catch(() => '');
		throw new Error(
			`sign-in as ${role} failed (${answer.status()}): ${shown || 'no session cookie'}`
		);
	}
	// Signed in. Then the browser moves on to `next`; on a loaded 2-core machine the map page (its
	// code and /api/meta come before the URL changes) can take well over 30 s in software WebGL, so the
	// wait is long; 'commit': the page need not finish loading here.
	await page.waitForURL((u) => u.pathname !== '/login', { timeout: 100_000, waitUntil: 'commit' });
}

/**
 * A session cookie for plain `fetch` calls (API checks beside the browser): signs in with the form
 * action and returns the `Cookie` header value.
 */
export async function sessionCookie(
	baseUrl: string,
	role: DemoRole,
	dataDir?: string
): Promise<string> {
	const c = demoCredentials(dataDir)[role];
	return signInCookie(baseUrl, c).catch((e: Error) => {
		throw new Error(e.message.replace(c.username, role));
	});
}

/** The `Cookie` header value of a session for any account, signed in with the form action. */
export async function signInCookie(
	baseUrl: string,
	c: { username: string; password: string }
): Promise<string> {
	const res = await fetch(new URL('/login', baseUrl), {
		method: 'POST',
		redirect: 'manual',
		headers: {
			origin: new URL(baseUrl).origin,
			'content-type': 'application/x-www-form-urlencoded'
		},
		body: new URLSearchParams({ username: c.username, password: c.password })
	});
	const cookie = res.headers
		.getSetCookie()
		.find((h) => h.startsWith('beatwise_session='))
		?.split(';')[0];
	if (!cookie) throw new Error(`sign-in as ${c.username} failed (${res.status})`);
	return cookie;
}
