/**
 * The sign-in form in Chromium against the demo server: what a user typed before the page became
 * interactive is kept (hydration used to blank the username on slow machines, and the form then
 * refused to submit), a failed sign-in says so and keeps the username, with and without JavaScript.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext } from 'playwright-core';
import { demoCredentials } from './auth';
import { launchBrowser, loadedMachineTimeouts, newContext } from './harness';

const BASE_URL = process.env.BEATWISE_E2E_URL;

describe.skipIf(!BASE_URL)('sign-in form (e2e)', () => {
	const base = BASE_URL as string;
	let browser: Browser;
	const contexts: BrowserContext[] = [];

	beforeAll(async () => {
		browser = await launchBrowser();
	});
	afterAll(async () => {
		for (const c of contexts) await c.close().catch(() => undefined);
		await browser?.close();
	});

	it('keeps a username typed before the page is interactive, then signs in', async () => {
		const context = await newContext(browser);
		contexts.push(context);
		const page = await context.newPage();
		// Hold the app's code back until the fields are filled, as on a slow phone: the test, not a
		// timer, decides when the code arrives, so hydration cannot win a race against the typing.
		let releaseCode: () => void = () => undefined;
		const codeReleased = new Promise<void>((r) => (releaseCode = r));
		let held = 0;
		let noteHeld: () => void = () => undefined;
		const someHeld = new Promise<void>((r) => (noteHeld = r));
		await page.route(
			(url) => url.pathname.startsWith('/_app/immutable/') && url.pathname.endsWith('.js'),
			async (route) => {
				held++;
				noteHeld();
				await codeReleased;
				await route.continue().catch(() => undefined); // page gone meanwhile
			}
		);
		const analyst = demoCredentials().analyst;
		await page.goto(`${base}/login`, { waitUntil: 'domcontentloaded' });
		expect(await page.getAttribute('form', 'data-hydrated')).toBe('false');
		await page.fill('input[name="username"]', analyst.username);
		await page.fill('input[name="password"]', analyst.password);
		// Still not interactive: every script of the app is waiting for the release.
		await someHeld;
		expect(await page.getAttribute('form', 'data-hydrated')).toBe('false');
		expect(held).toBeGreaterThan(0);
		releaseCode();
		await page.waitForSelector('form[data-hydrated="true"]', { timeout: 60_000 });
		expect(await page.inputValue('input[name="username"]')).toBe(analyst.username);
		expect((await page.inputValue('input[name="password"]')).length).toBe(analyst.password.length);
		await page.unrouteAll({ behavior: 'wait' });
		await Promise.all([
			page.waitForURL((u) => u.pathname !== '/login', { timeout: 100_000, waitUntil: 'commit' }),
			page.click('button[type="submit"]')
		]);
		const cookies = await context.cookies(base);
		expect(cookies.some((c) => c.name === 'beatwise_session')).toBe(true);
	});

	for (const javaScriptEnabled of [true, false]) {
		it(`says a sign-in failed and keeps the username (${javaScriptEnabled ? 'with' : 'without'} JavaScript)`, async () => {
			const context = await browser.newContext({ javaScriptEnabled, locale: 'en-GB' });
			loadedMachineTimeouts(context);
			contexts.push(context);
			const page = await context.newPage();
			await page.goto(`${base}/login`, { waitUntil: 'domcontentloaded' });
			if (javaScriptEnabled)
				await page.waitForSelector('form[data-hydrated="true"]', { timeout: 60_000 });
			// An unknown user: counts against no real account's failure limit.
			await page.fill('input[name="username"]', 'nobody-e2e');
			await page.fill('input[name="password"]', 'wrong password');
			await page.click('button[type="submit"]');
			await expect
				.poll(() => page.locator('[data-testid="login-error"]').count(), { timeout: 60_000 })
				.toBe(1);
			expect(await page.locator('[data-testid="login-error"]').innerText()).toBe(
				'Invalid username or password'
			);
			expect(await page.inputValue('input[name="username"]')).toBe('nobody-e2e');
			expect(new URL(page.url()).pathname).toBe('/login');
			expect((await context.cookies(base)).some((c) => c.name === 'beatwise_session')).toBe(false);
		});
	}
});
