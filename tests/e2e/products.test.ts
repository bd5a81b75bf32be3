/**
 * Products in Chromium against the demo server: an analyst drafts the public community-safety briefing
 * of an LSOA from the products page, fills in the contact field, reviews and publishes it (then the
 * page offers no edit), and opens its PDF: a PDF of 1–6 pages naming the neighbourhood and month, with
 * the map picture on page 1 and the contact text. The published briefing is listed on /products, and
 * the community team can read it. Screenshots: test-output/e2e/desktop-product.png, the PDF and its
 * pages as test-output/e2e/product-briefing.pdf / product-briefing-N.png.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { sessionCookie } from './auth';
import { launchBrowser, newContext, OUTPUT_DIR, saveScreenshot } from './harness';

const BASE_URL = process.env.BEATWISE_E2E_URL;

const tool = (cmd: string, args: string[]) => {
	const r = spawnSync(cmd, args, { encoding: 'utf8' });
	if (r.status !== 0) throw new Error(`${cmd}: ${r.stderr}`);
	return r.stdout;
};

describe.skipIf(!BASE_URL)('products (e2e)', () => {
	const base = BASE_URL as string;
	let browser: Browser;

	beforeAll(async () => {
		browser = await launchBrowser();
	});
	afterAll(async () => {
		await browser?.close();
	});

	it('drafts, fills in, reviews and publishes a briefing, and opens its PDF', async () => {
		const context = await newContext(browser);
		// Signed in by cookie: the forms used here post without client-side code.
		const [name, value] = (await sessionCookie(base, 'analyst')).split('=');
		await context.addCookies([{ name, value, url: base }]);
		const page = await context.newPage();
		await page.goto(`${base}/products?briefing=lsoa:E01000001&period=2017-06`);
		await page.waitForSelector('form[action="?/briefing"]');
		await page.selectOption('form[action="?/briefing"] select[name="audience"]', 'public');
		await page.click('[data-testid="draft-briefing"]');
		await page.waitForURL(/\/products\/\d+$/, { timeout: 400_000 });
		const id = /\/products\/(\d+)$/.exec(page.url())![1];
		await page.waitForSelector('article.product img.map');
		expect(await page.textContent('article.product h1')).toContain('City of London 001A');

		await page.getByLabel('Contact', { exact: true }).fill('PC Test, 0207 000 0000');
		await page.click('[data-testid="product-save"]');
		await page.waitForFunction(() => document.body.textContent?.includes('PC Test, 0207 000 0000'));
		await page.click('[data-testid="product-review"]');
		await page.waitForSelector('[data-testid="product-publish"]');
		await page.click('[data-testid="product-publish"]');
		await page.waitForFunction(() => document.body.textContent?.includes('Published'));
		expect(await page.locator('[data-testid="product-save"]').count()).toBe(0);
		await saveScreenshot(page, 'desktop-product');

		const res = await context.request.get(`${base}/products/${id}/pdf`, { timeout: 300_000 });
		expect(res.status()).toBe(200);
		expect(res.headers()['content-type']).toBe('application/pdf');
		mkdirSync(OUTPUT_DIR, { recursive: true });
		const pdf = join(OUTPUT_DIR, 'product-briefing.pdf');
		writeFileSync(pdf, await res.body());
		const pages = Number(/Pages:\s+(\d+)/.exec(tool('pdfinfo', [pdf]))?.[1]);
		expect(pages).toBeGreaterThanOrEqual(1);
		expect(pages).toBeLessThanOrEqual(6);
		const page1 = tool('pdftotext', ['-raw', '-f', '1', '-l', '1', pdf, '-']).replace(/\s+/g, ' ');
		expect(page1).toContain('City of London 001A');
		expect(page1).toContain('June 2017');
		expect(tool('pdfimages', ['-list', '-f', '1', '-l', '1', pdf])).toMatch(
			/^\s*1\s+\d+\s+image\s+1200\s+760/m
		);
		expect(tool('pdftotext', ['-raw', pdf, '-'])).toContain('PC Test, 0207 000 0000');
		// The public briefing says what police are doing, without call signs or times of day.
		expect(tool('pdftotext', ['-raw', pdf, '-'])).toContain('What police are doing');
		// Every page as a picture, to look at (test-output/e2e/product-briefing-N.png).
		tool('pdftoppm', ['-r', '60', '-png', pdf, join(OUTPUT_DIR, 'product-briefing')]);

		await page.goto(`${base}/products?type=briefing`);
		expect(await page.locator(`a[href$="products/${id}"]`).count()).toBe(1);
		await context.close();

		// The community team reads the published public briefing.
		const community = await sessionCookie(base, 'community');
		const asCommunity = await fetch(`${base}/products/${id}`, {
			headers: { cookie: community, accept: 'text/html' }
		});
		expect(asCommunity.status).toBe(200);
		expect(await asCommunity.text()).toContain('PC Test, 0207 000 0000');
	}, 900_000);
});
