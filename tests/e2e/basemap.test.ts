/**
 * The map at street level, in Chromium:
 *
 * - on the shared demo server (the shipped offline basemap): cells are translucent at zoom 16 and
 *   whole at zoom 12 (alpha read back from the deck.gl canvas), with screenshots of the City at zoom 16
 *   on a desktop and a phone in test-output/e2e;
 * - on a server of its own started with `BEATWISE_BASEMAP_STYLE` naming a local style file (as the
 *   README tells an operator to plug in a full basemap): `/api/meta` hands the file's style to the
 *   browser, MapLibre loads it, and the page's CSP allows the remote origins the file names.
 */
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { signIn } from './auth';
import {
	apiJson,
	DESKTOP,
	newContext,
	PHONE,
	saveScreenshot,
	unexpectedErrors,
	useBrowser,
	waitForMapDrawn,
	watchAndOpen
} from './harness';
import { hasChromium, startServer, type RunningServer } from './server';

const BASE_URL = process.env.BEATWISE_E2E_URL;
const STYLE_FILE = resolve('tests/fixtures/basemap/local-style.json');
const CITY = 'c=-0.09150,51.51550';

/** The alpha most pixels of the deck.gl canvas have (the cells' fill), ignoring empty pixels. */
async function commonAlpha(page: Page): Promise<number> {
	return page.evaluate(() => {
		const deck = [
			...document.querySelectorAll<HTMLCanvasElement>('[data-testid="map"] canvas')
		].find((c) => !c.classList.contains('maplibregl-canvas'));
		if (!deck) throw new Error('no deck.gl canvas');
		const copy = document.createElement('canvas');
		copy.width = deck.width;
		copy.height = deck.height;
		const ctx = copy.getContext('2d', { willReadFrequently: true })!;
		ctx.drawImage(deck, 0, 0);
		const px = ctx.getImageData(0, 0, copy.width, copy.height).data;
		const counts = new Array<number>(256).fill(0);
		for (let i = 3; i < px.length; i += 4) if (px[i] > 0) counts[px[i]]++;
		return counts.indexOf(Math.max(...counts));
	});
}

describe.skipIf(!BASE_URL)('basemap at street level (e2e)', () => {
	const base = BASE_URL as string;
	const { browser, opened } = useBrowser();

	async function open(
		url: string,
		path: string,
		viewport: { width: number; height: number } = DESKTOP,
		dataDir?: string
	) {
		const context = await newContext(browser(), viewport, { isMobile: viewport.width < 700 });
		const page = await context.newPage();
		await signIn(page, url, 'analyst', { dataDir });
		const o = await watchAndOpen(context, page, url, path);
		opened.push(o);
		return o;
	}

	it('cells are whole at zoom 12 and translucent at zoom 16, so the streets show', async () => {
		const city = await open(base, `/?${CITY}&z=12.00`);
		await waitForMapDrawn(city.page, 120_000);
		expect(await city.page.locator('[data-testid="map"]').getAttribute('data-basemap-style')).toBe(
			'Beatwise muted (offline, central London)'
		);
		// Fill colours carry alpha 200; at zoom 12 nothing thins them.
		expect(await commonAlpha(city.page)).toBeGreaterThanOrEqual(195);

		const street = await open(base, `/?${CITY}&z=16.00`);
		await waitForMapDrawn(street.page, 120_000);
		// 200 × 0.55 = 110: under half the cell's colour over the streets.
		const alpha = await commonAlpha(street.page);
		expect(alpha).toBeGreaterThan(95);
		expect(alpha).toBeLessThanOrEqual(120);
		await saveScreenshot(street.page, 'desktop-street-level-z16');
		expect(unexpectedErrors(street.errors)).toEqual([]);

		const phone = await open(base, `/?${CITY}&z=16.00`, PHONE);
		await waitForMapDrawn(phone.page, 120_000);
		await saveScreenshot(phone.page, 'phone-street-level-z16');
	});

	describe.skipIf(!hasChromium)('an operator’s style file (BEATWISE_BASEMAP_STYLE)', () => {
		let server: RunningServer;

		beforeAll(async () => {
			server = await startServer({ BEATWISE_BASEMAP_STYLE: STYLE_FILE });
		});

		afterAll(async () => {
			await server?.stop();
		});

		it('is read at start-up, handed to the browser, drawn by MapLibre and allowed by the CSP', async () => {
			const { page } = await open(server.url, `/?${CITY}&z=15.00`, DESKTOP, server.dataDir);
			await waitForMapDrawn(page, 120_000);
			await expect
				.poll(() => page.locator('[data-testid="map"]').getAttribute('data-basemap-style'))
				.toBe('Beatwise test style (local file)');
			const meta = await apiJson<{ basemapStyle: { name: string; layers: { id: string }[] } }>(
				page,
				`${server.url}/api/meta`
			);
			expect(meta.basemapStyle.name).toBe('Beatwise test style (local file)');
			expect(meta.basemapStyle.layers.map((l) => l.id)).toEqual(['background', 'water', 'roads']);

			const res = await page.context().request.get(`${server.url}/`);
			const csp = res.headers()['content-security-policy'] ?? '';
			const connect = csp.split(';').find((d) => d.trim().startsWith('connect-src')) ?? '';
			expect(connect).toContain('https://tiles.example.org');
			await saveScreenshot(page, 'desktop-basemap-style-file');
		});
	});
});
