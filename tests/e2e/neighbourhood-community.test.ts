/**
 * The neighbourhood view signed in as the demo community-team account (limited to the City of London
 * borough), in Chromium against the demo server: `/` sends them to the view, the hot spots are drawn
 * (pixels) from the page's own load, counts are perturbed by the cell-key method against the cells API
 * (asked as an analyst): 1–4 read 0 or 5, others move by at most 2, never below 5; the page never calls
 * the analysis or cells
 * endpoints, and a neighbourhood outside their area is refused with 403. Screenshot:
 * test-output/e2e/desktop-neighbourhood-community.png.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { sessionCookie, signIn } from './auth';
import {
	deckPixels,
	launchBrowser,
	newContext,
	saveScreenshot,
	waitForMapFrame,
	watchAndOpen
} from './harness';

const BASE_URL = process.env.BEATWISE_E2E_URL;

describe.skipIf(!BASE_URL)('neighbourhood view as the community team (e2e)', () => {
	const base = BASE_URL as string;
	let browser: Browser;
	let analyst: string;

	/** An API answer as the analyst sees it (exact counts), fetched outside the browser. */
	async function asAnalyst<T>(path: string): Promise<T> {
		const res = await fetch(base + path, { headers: { cookie: analyst } });
		if (!res.ok) throw new Error(`${path} answered ${res.status}`);
		return (await res.json()) as T;
	}

	beforeAll(async () => {
		browser = await launchBrowser();
		analyst = await sessionCookie(base, 'analyst');
	});

	afterAll(async () => {
		await browser?.close();
	});

	it('shows perturbed counts and bins-only hot spots, never calling the analysis API', async () => {
		const context = await newContext(browser);
		const page = await context.newPage();
		// Signing in lands on `/`, which sends a user without the map to the neighbourhood view.
		await signIn(page, base, 'community');
		await page.waitForURL((u) => u.pathname === '/neighbourhood', { timeout: 30_000 });
		expect(await page.locator('[data-testid="nav-neighbourhood"]').count()).toBe(1);
		expect(await page.locator('[data-testid="nav-map"]').count()).toBe(0);

		const lsoas = await asAnalyst<{ features: { properties: { id: number; code: string } }[] }>(
			'/api/areas?kind=lsoa'
		);
		const id = lsoas.features.find((f) => f.properties.code === 'E01000001')!.properties.id;
		const o = await watchAndOpen(
			context,
			page,
			base,
			`/neighbourhood?kind=lsoa&area=${id}&to=2017-06-01`
		);
		await page.waitForSelector(`[data-testid="neighbourhood-view"][data-state="ready:${id}"]`, {
			timeout: 60_000
		});
		await page.waitForSelector('[data-testid="hotspot-summary"]', { timeout: 60_000 });
		await page.waitForFunction(
			() => Number(document.querySelector('[data-testid="map"]')?.getAttribute('data-hotspots')) > 0
		);
		await waitForMapFrame(page, 90_000);
		expect((await deckPixels(page)).coloured).toBeGreaterThan(500);

		// Every "Now" and "Before" of the briefing table against the analyst's exact counts.
		const month = async (from: string, to: string, category: string) =>
			(
				await asAnalyst<{ total: number }>(
					`/api/cells?res=10&area=${id}&from=${from}&to=${to}&categories=${category}&format=json`
				)
			).total;
		/** Whether `text` on the page can be the published value of the exact count `n`. */
		const publishable = (text: string, n: number) => {
			const v = Number(text.replace(/,/g, ''));
			if (n === 0) return v === 0;
			if (n < 5) return v === 0 || v === 5;
			return v >= 5 && Math.abs(v - n) <= 2;
		};
		const rows = page.locator('[data-testid="briefing-table"] tbody tr');
		let small = 0;
		for (let i = 0; i < (await rows.count()); i++) {
			const row = rows.nth(i);
			const category = (await row.getAttribute('data-category'))!;
			const now = await row.locator('[data-testid="briefing-now"]').innerText();
			const before = await row.locator('[data-testid="briefing-before"]').innerText();
			const exactNow = await month('2017-06-01', '2017-06-30', category);
			const exactBefore = await month('2017-05-01', '2017-05-31', category);
			expect(publishable(now, exactNow), `${category} now ${now} for ${exactNow}`).toBe(true);
			expect(publishable(before, exactBefore), `${category} before`).toBe(true);
			if ((exactNow >= 1 && exactNow <= 4) || (exactBefore >= 1 && exactBefore <= 4)) small++;
			// No figure from 1 to 4 on the page.
			expect(
				[now, before].filter((v) => /^[1-4]$/.test(v)),
				category
			).toEqual([]);
		}
		expect(small).toBeGreaterThan(0);
		expect(await page.locator('[data-testid="suppression-note"]').innerText()).toMatch(
			/cell-key method/
		);
		expect(await page.locator('[data-testid="hotspot-summary"]').innerText()).toMatch(
			/hot-spot cells? and .* in the area/
		);

		// The page asked only for boundaries: no analysis or cells requests from the browser.
		expect(o.apiRequests.filter((u) => /\/api\/(analysis|cells|cell\/)/.test(u))).toEqual([]);
		expect(o.apiRequests.some((u) => u.includes('/api/areas'))).toBe(true);
		await saveScreenshot(page, 'desktop-neighbourhood-community');

		// Only neighbourhoods inside their borough are offered: the hint counts them, the list holds them.
		const hint = await page.locator('[data-testid="area-hint"]').innerText();
		const offered = Number(/([\d,]+) neighbourhoods/.exec(hint)?.[1].replace(/,/g, ''));
		expect(offered).toBeGreaterThan(0);
		expect(offered).toBeLessThan(lsoas.features.length);
		await page.locator('#neighbourhood-area').focus();
		await page.keyboard.press('ArrowDown');
		const options = page.locator('#neighbourhood-area-list [role="option"]');
		await expect.poll(() => options.count()).toBe(Math.min(offered, 50));
		await page.keyboard.press('Escape');

		// A neighbourhood outside their borough: 403 with a message.
		const boroughs = await asAnalyst<{
			features: { properties: { id: number; code: string } }[];
		}>('/api/areas?kind=borough');
		const other = boroughs.features.find((f) => f.properties.code !== 'E09000001')!.properties.id;
		const refused = await page.goto(`${base}/neighbourhood?kind=borough&area=${other}`);
		expect(refused?.status()).toBe(403);
		// The app's own error page: title, the server's reason, advice, a way back, the navigation.
		await page.waitForSelector('[data-testid="error-page"][data-status="403"]');
		expect(await page.locator('h1').innerText()).toBe('Not allowed');
		expect(await page.locator('[data-testid="error-message"]').innerText()).toMatch(
			/outside your account's areas \(City of London\)/
		);
		expect(await page.locator('[data-testid="nav-neighbourhood"]').count()).toBe(1);
		await saveScreenshot(page, 'desktop-neighbourhood-community-403');
		await context.close();
	});
});
