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
	await page.fill('input[name="username"]', c.username);
	await page.fill('input[name="password"]', c.password);
	await Promise.all([
		// 'commit': the redirect away from /login is the answer; the page it lands on (the map, heavy
		// in software WebGL on a loaded machine) need not finish loading here.
		page.waitForURL((u) => u.pathname !== '/login', { timeout: 30_000, waitUntil: 'commit' }),
		page.click('button[type="submit"]')
	]);
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
	if (!cookie) throw new Error(`sign-in as ${role} failed (${res.status})`);
	return cookie;
}
