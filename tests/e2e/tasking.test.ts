/**
 * The tasking loop in Chromium against the demo server: a supervisor adds two units and allocates the
 * shift; an officer on a phone-sized screen opens the unit's spots, arrives while offline (the report
 * waits on the phone), leaves, comes back online (the queue is sent); the supervisor sees the visit on
 * the board; the unit's printed orders and their PDF. Screenshots land in test-output/e2e.
 */
import { toZonedInput } from '../../src/lib/zoned-time';
import { describe, expect, it } from 'vitest';
import { signIn } from './auth';
import { pageProblems } from './axe';
import { DESKTOP, newContext, PHONE, saveScreenshot, useBrowser } from './harness';

const BASE_URL = process.env.BEATWISE_E2E_URL;

describe.skipIf(!BASE_URL)('tasking board, phone visit log, completion (e2e)', () => {
	const base = BASE_URL as string;
	const { browser } = useBrowser();

	it('supervisor tasks two units, the officer logs a visit offline then online, the board shows it', async () => {
		const today = new Date().toISOString().slice(0, 10);
		// The supervisor's browser is in another zone than the force: times must not follow it.
		const sup = await newContext(browser(), DESKTOP, { timezoneId: 'Asia/Tokyo' });
		const page = await sup.newPage();
		await signIn(page, base, 'supervisor');
		await page.goto(`${base}/tasking?shift=late&date=${today}`);
		await page.waitForSelector('[data-testid="tasking-view"]');
		// The City of London (the demo supervisor opens on Chicago district 11, where the demo's own
		// board is: tasking-demo.test.ts).
		await page.selectOption('[data-testid="tasking-area"]', { label: 'City of London (borough)' });
		await page.waitForURL((u) => u.searchParams.has('area'));
		await page.waitForSelector('[data-testid="unit-form"]');
		for (const [callSign, type] of [
			['E2E1', 'foot'],
			['E2E2', 'pcso']
		]) {
			await page.fill('[data-testid="unit-form"] input[name="callSign"]', callSign);
			await page.selectOption('[data-testid="unit-form"] select[name="unitType"]', type);
			await page.click('[data-testid="unit-form"] button[type="submit"]');
			await page.waitForSelector(`[data-testid="unit-list"] li:has-text("${callSign}")`);
		}
		await page.click('[data-testid="allocate"]');
		await page.waitForSelector('[data-testid="tasking-board"]', { timeout: 120_000 });
		const units = page.locator('[data-testid="board-unit"]');
		expect(await units.count()).toBe(2);
		// Koper preset: 4 spots of 4 visits each per unit.
		expect(await page.locator('[data-testid="board-totals"]').innerText()).toMatch(
			/^0 of 32 visits done · 0 of 480 minutes$/
		);
		await saveScreenshot(page, 'desktop-tasking-board');

		const phone = await newContext(browser(), PHONE);
		const op = await phone.newPage();
		await signIn(op, base, 'officer');
		await op.goto(`${base}/patrol`);
		await op.click('a:has-text("E2E1")');
		await op.waitForSelector('[data-testid="patrol-spot"]');
		expect(await op.locator('[data-testid="patrol-spot"]').count()).toBe(4);
		expect(await op.locator('[data-testid="patrol-spot"]').first().innerText()).toMatch(
			/Why: \d+ incidents recently/
		);
		await phone.setOffline(true);
		const spot = op.locator('[data-testid="patrol-spot"]').first();
		const beforeArrival = Date.now();
		await spot.locator('[data-testid="arrived"]').click();
		await op.waitForSelector('[data-testid="visit-timer"]');
		const afterArrival = Date.now();
		await expect
			.poll(() => op.locator('[data-testid="sync-status"]').innerText())
			.toMatch(/^Offline: 1 report kept on this phone/);
		await spot.locator('input[value="engagement"]').check();
		await saveScreenshot(op, 'phone-patrol-offline');
		await spot.locator('[data-testid="left"]').click();
		// The visit's arrival and departure are one report: still one waiting.
		await expect
			.poll(() => op.locator('[data-testid="sync-status"]').innerText())
			.toMatch(/^Offline: 1 report kept/);
		await phone.setOffline(false);
		await expect
			.poll(() => op.locator('[data-testid="sync-status"]').innerText(), { timeout: 30_000 })
			.toBe('Online · all visits sent');
		await saveScreenshot(op, 'phone-patrol-sent');

		await page.reload();
		await page.waitForSelector('[data-testid="tasking-board"]');
		expect(await page.locator('[data-testid="board-totals"]').innerText()).toMatch(
			/^1 of 32 visits done/
		);
		expect(await page.locator('[data-testid="visit-log"]').innerText()).toContain('phone buttons');
		// The log shows the arrival as wall-clock time in the force's zone, whatever the browser's.
		const zone = /in (\S+)\.$/.exec(
			await page.locator('[data-testid="visit-zone"]').innerText()
		)![1];
		const arrived = await page.locator('[data-testid="visit-log"] tbody tr td').nth(2).innerText();
		const minutes = new Set<string>();
		for (let t = beforeArrival - 60_000; t <= afterArrival + 60_000; t += 30_000)
			minutes.add(toZonedInput(new Date(t).toISOString(), zone).slice(11));
		expect([...minutes]).toContain(arrived.trim());
		await saveScreenshot(page, 'desktop-tasking-completion');

		const orders = page.locator(
			'[data-testid="board-unit"][data-unit="E2E1"] a:has-text("Orders")'
		);
		const href = await orders.getAttribute('href');
		await page.goto(`${base}${href}`);
		await page.waitForSelector('[data-testid="orders"] svg');
		await saveScreenshot(page, 'desktop-tasking-orders');
		// WCAG 2.2 AA on the printed orders (the accessibility file has no tasking to print).
		expect(await pageProblems(page, '1280px /tasking/[id]/print')).toEqual([]);
		const pdf = await page.request.get(`${base}${href!.replace('/print', '/orders.pdf')}`);
		expect(pdf.status()).toBe(200);
		expect(pdf.headers()['content-type']).toBe('application/pdf');
		expect((await pdf.body()).subarray(0, 5).toString()).toBe('%PDF-');
	}, 300_000);
});
