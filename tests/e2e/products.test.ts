/**
 * Products in Chromium against the demo server: an analyst drafts the public community-safety briefing
 * of an LSOA from the products page, fills in the contact field, reviews and publishes it (then the
 * page offers no edit), and opens its PDF: a PDF of 1–6 pages naming the neighbourhood and month, with
 * the map picture on page 1 and the contact text. The published briefing is listed on /products, and
 * the community team can read it. Screenshots: test-output/e2e/desktop-product.png, the PDF and its
 * pages as test-output/e2e/product-briefing.pdf / product-briefing-N.png.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { sessionCookie } from './auth';
import { launchBrowser, newContext, saveScreenshot } from './harness';
import { poppler, savePdf } from './pdf';

const BASE_URL = process.env.BEATWISE_E2E_URL;

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

		const pdf = await savePdf(context, `${base}/products/${id}/pdf`, 'product-briefing', 60);
		expect(pdf.pages).toBeGreaterThanOrEqual(1);
		expect(pdf.pages).toBeLessThanOrEqual(6);
		expect(pdf.page1).toContain('City of London 001A');
		expect(pdf.page1).toContain('June 2017');
		expect(poppler('pdfimages', ['-list', '-f', '1', '-l', '1', pdf.file])).toMatch(
			/^\s*1\s+\d+\s+image\s+1200\s+760/m
		);
		expect(pdf.text).toContain('PC Test, 0207 000 0000');
		expect(pdf.text).toContain('What police are doing');

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
