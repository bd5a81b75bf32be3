/**
 * Intelligence entry and review in Chromium against the shared demo server (issue 13):
 * an analyst adds a source in the register; an officer on a phone taps the map, writes a report,
 * loses the connection (`context.setOffline`), saves — the report waits in the outbox — and gets the
 * connection back, when the report is sent by itself; the analyst finds it in the review queue and
 * accepts it with a reason, and the decision shows in its history. Screenshots of the form at phone and
 * desktop width land in test-output/e2e.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { signIn } from './auth';
import {
	DESKTOP,
	launchBrowser,
	newContext,
	PHONE,
	saveScreenshot,
	unexpectedErrors,
	watchAndOpen
} from './harness';

const BASE_URL = process.env.BEATWISE_E2E_URL;
const SOURCE = `E2E patrol observations ${process.pid}`;
const TEXT = `Grey van, two men handing over small packages (${process.pid})`;

/** Wait until the entry form runs in the browser and its map can take a tap. */
async function formReady(page: Page): Promise<void> {
	await page.waitForSelector('[data-testid="report-form"][data-ready="yes"]', { timeout: 60_000 });
	await page.waitForSelector('[data-testid="location-map"] canvas', { timeout: 60_000 });
}

describe.skipIf(!BASE_URL)('intelligence entry and review (e2e)', () => {
	const base = BASE_URL as string;
	let browser: Browser;

	beforeAll(async () => {
		browser = await launchBrowser();
	});
	afterAll(async () => {
		await browser?.close();
	});

	it('adds a source, enters a report offline on a phone, sends it when back online, reviews it', async () => {
		// The analyst adds the officers' source in the register.
		const analystContext = await newContext(browser, DESKTOP);
		const analyst = await analystContext.newPage();
		await signIn(analyst, base, 'analyst');
		const reg = await watchAndOpen(analystContext, analyst, base, '/sources');
		const create = analyst.locator('[data-testid="source-form-new"]');
		await create.locator('input[name="name"]').fill(SOURCE);
		await create.locator('select[name="kind"]').selectOption('internal');
		await create.locator('select[name="category"]').selectOption('officer');
		await create.locator('input[name="owner"]').fill('Neighbourhood team 3');
		await create.locator('select[name="defaultReliability"]').selectOption('1');
		await create.locator('button[type="submit"]').click();
		const row = analyst.locator('[data-testid="source-row"]', { hasText: SOURCE });
		await row.waitFor({ timeout: 30_000 });
		expect(await row.textContent()).toContain('Neighbourhood team 3');
		expect(unexpectedErrors(reg.errors)).toEqual([]);

		// The officer, on a phone.
		const phone = await newContext(browser, PHONE, { isMobile: true });
		const officer = await phone.newPage();
		await signIn(officer, base, 'officer');
		const entry = await watchAndOpen(phone, officer, base, '/report');
		await formReady(officer);
		const sourceValue = await officer
			.locator('[data-testid="source"] option', { hasText: SOURCE })
			.getAttribute('value');
		await officer.selectOption('[data-testid="source"]', sourceValue!);
		// The source's default reliability (1) is now the chosen source evaluation.
		expect(await officer.locator('input[name="se"][value="1"]').isChecked()).toBe(true);
		const map = officer.locator('[data-testid="location-map"]');
		const box = (await map.boundingBox())!;
		await officer.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
		await officer.waitForSelector('[data-testid="location-map"][data-picked="yes"]');
		const lat = Number(await officer.inputValue('[data-testid="lat"]'));
		const lon = Number(await officer.inputValue('[data-testid="lon"]'));
		expect(lat).toBeGreaterThan(51.4);
		expect(lat).toBeLessThan(51.6);
		expect(lon).toBeGreaterThan(-0.2);
		expect(lon).toBeLessThan(0);
		await officer.fill('[data-testid="location-text"]', 'Cheapside');
		await officer.fill('[data-testid="text"]', TEXT);
		await officer.check('input[name="hc"][value="C"]');
		// Code C without a sanitised text: the form says it cannot feed a shared product.
		await officer.waitForSelector('[data-testid="sanitised-warning"]');
		await officer.fill(
			'[data-testid="sanitised"]',
			'Suspected drug dealing from a van on Cheapside.'
		);
		await saveScreenshot(officer, 'intel-report-phone');

		// The connection goes; the report waits in the outbox.
		await phone.setOffline(true);
		await officer.waitForSelector('[data-testid="connection"][data-online="no"]');
		await officer.click('[data-testid="submit-report"]');
		await officer.waitForFunction(
			() =>
				document.querySelector('[data-testid="outbox-status"]')?.textContent?.trim() ===
				'1 waiting to send (offline)'
		);
		expect(await officer.locator('[data-testid="sent"] li').count()).toBe(0);
		expect(await officer.inputValue('[data-testid="text"]')).toBe('');

		// The connection returns: it is sent by itself.
		await phone.setOffline(false);
		const sent = officer.locator('[data-testid="sent"] li');
		await sent.first().waitFor({ timeout: 30_000 });
		const id = Number(/report (\d+)/.exec((await sent.first().textContent()) ?? '')?.[1]);
		expect(id).toBeGreaterThan(0);
		expect((await officer.textContent('[data-testid="outbox-status"]'))?.trim()).toBe(
			'Nothing waiting to send.'
		);
		expect(
			unexpectedErrors(entry.errors).filter(
				(e) => !/ERR_INTERNET_DISCONNECTED|Failed to fetch|basemap/.test(e)
			)
		).toEqual([]);

		// The analyst reviews it.
		await watchAndOpen(analystContext, analyst, base, `/review?report=${id}`);
		await analyst.waitForSelector('[data-testid="review-detail"]');
		expect(await analyst.textContent('[data-testid="report-text"]')).toBe(TEXT);
		expect(await analyst.textContent('[data-testid="report-grading"]')).toContain(
			'1/C/C — reliable source, known indirectly, sharing only with conditions'
		);
		await analyst.fill('[data-testid="reason"]', 'Consistent with recent arrests on Cheapside');
		await analyst.click('[data-testid="accept"]');
		await analyst.waitForSelector('[data-testid="review-done"]');
		await watchAndOpen(analystContext, analyst, base, `/review?report=${id}`);
		const decisions = (await analyst.textContent('[data-testid="decisions"]'))?.replace(
			/\s+/g,
			' '
		);
		expect(decisions).toContain('accept 1/C/C → 1/C/C');
		expect(decisions).toContain('Consistent with recent arrests on Cheapside');

		// The form at desktop width, for the record.
		await watchAndOpen(analystContext, analyst, base, '/report');
		await formReady(analyst);
		await analyst.waitForSelector('[data-testid="location-map"][data-idle="yes"]', {
			timeout: 60_000
		});
		await saveScreenshot(analyst, 'intel-report-desktop');
		await phone.close();
		await analystContext.close();
	}, 300_000);
});
