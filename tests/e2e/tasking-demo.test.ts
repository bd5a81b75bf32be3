/**
 * The demo shows the supervisor's loop (issue 12 §4) in Chromium: the demo supervisor opens on Chicago
 * district 11 (timed data), where the early and night shifts rank different cells and the accuracy
 * panel tests the shift's hours; the seeded tasking board has three units and yesterday's logged
 * visits; an analyst-drawn spot (corners clicked on the map) joins the next tasking's board and the
 * officer's list on a phone. Screenshots land in test-output/e2e.
 */
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { signIn } from './auth';
import { DESKTOP, newContext, PHONE, saveScreenshot, useBrowser } from './harness';

const BASE_URL = process.env.BEATWISE_E2E_URL;

describe.skipIf(!BASE_URL)('the demo shows shift rankings, accuracy and a board (e2e)', () => {
	const base = BASE_URL as string;
	const { browser } = useBrowser();

	async function ranking(page: Page, shift: string): Promise<string[]> {
		await page.goto(`${base}/supervisor?shift=${shift}`);
		await page.waitForSelector('[data-testid="risk-list"]');
		return (await page.locator('[data-testid="risk-cell"]').allInnerTexts()).slice(0, 10);
	}

	it('supervisor: district 11 ranks differently per shift, with the accuracy of the shift beside it', async () => {
		const context = await newContext(browser(), DESKTOP);
		const page = await context.newPage();
		await signIn(page, base, 'supervisor');
		const early = await ranking(page, 'early');
		expect(await page.locator('h1, [data-testid="shift-title"]').allInnerTexts()).toEqual(
			expect.arrayContaining([expect.stringMatching(/district 11/i)])
		);
		// Timed data: no flat profile note.
		expect(await page.locator('[data-testid="flat-profile"]').count()).toBe(0);
		const night = await ranking(page, 'night');
		expect(early).toHaveLength(10);
		expect(night).toHaveLength(10);
		expect(night).not.toEqual(early);
		const panel = '[data-testid="forecast-accuracy"]';
		await page.waitForSelector(`${panel}[data-state="ready"]`, { timeout: 180_000 });
		const row = async (id: string) =>
			(await page.locator(`[data-testid="${id}"] td`).allInnerTexts()).map((s) => s.trim());
		// Hit rate, PAI, PEI of the forecast and of the baseline, for this shift's hours.
		for (const id of ['accuracy-model', 'accuracy-baseline'])
			expect(await row(id)).toEqual([
				expect.stringMatching(/^\d+ %$/),
				expect.stringMatching(/^\d+\.\d$/),
				expect.stringMatching(/^\d+ %$/)
			]);
		const text = await page.locator(panel).innerText();
		expect(text).not.toContain('every shift gets the same test');
		expect(await page.locator('[data-testid="accuracy-summary"]').innerText()).toMatch(
			/^Tested on the last year: each week/
		);
		await saveScreenshot(page, 'desktop-demo-supervisor-night');
	}, 300_000);

	it('board: three units today, yesterday’s visits logged; a drawn spot reaches the board and the phone', async () => {
		const context = await newContext(browser(), DESKTOP);
		const page = await context.newPage();
		await signIn(page, base, 'supervisor');
		await page.goto(`${base}/tasking`);
		// The demo seeds the late shifts of the day it was loaded and the day before: that day need not
		// be the clock's today (a run that crosses midnight), so the boards are found by their links.
		await page.waitForSelector('[data-testid="recent-taskings"]');
		const seeded = (await page.locator('[data-testid="recent-taskings"] li').allInnerTexts())
			.map((t) => /^(\d{4}-\d{2}-\d{2}) · Late shift/.exec(t)?.[1])
			.filter((d): d is string => d !== undefined)
			.sort();
		const [yesterday, today] = seeded.slice(-2);
		await page.goto(`${base}/tasking?shift=late&date=${today}`);
		await page.waitForSelector('[data-testid="tasking-board"]');
		expect(await page.locator('[data-testid="board-unit"]').count()).toBe(3);
		// The board's map: each unit's spots in its colour, numbered as in its list.
		await page.waitForSelector('[data-testid="board-map"] canvas');
		await expect.poll(() => page.locator('.board-map-number').count()).toBe(12);
		await saveScreenshot(page, 'desktop-demo-board-today');
		await page.click(`[data-testid="recent-taskings"] a:has-text("${yesterday} · Late shift")`);
		await page.waitForURL((u) => u.searchParams.has('tasking'));
		await page.waitForSelector('[data-testid="tasking-board"]');
		const totals = await page.locator('[data-testid="board-totals"]').innerText();
		const [, done, planned] = /^(\d+) of (\d+) visits done/.exec(totals) ?? [];
		expect(Number(done)).toBeGreaterThan(0);
		expect(Number(done)).toBeLessThan(Number(planned));
		await saveScreenshot(page, 'desktop-demo-board-yesterday');

		// Draw a spot on the map: four corners around the middle of the district.
		await page.goto(`${base}/tasking?shift=early&date=${today}`);
		await page.click('summary:has-text("Add, suppress or draw a spot")');
		await page.selectOption('select[name="editAction"]', 'draw');
		const map = page.locator('[data-testid="draw-map"]');
		await page.waitForSelector('[data-testid="draw-map"][data-idle="yes"]', { timeout: 60_000 });
		await map.scrollIntoViewIfNeeded();
		const box = (await map.boundingBox())!;
		const [cx, cy] = [box.x + box.width / 2, box.y + box.height / 2];
		for (const [dx, dy] of [
			[-12, -12],
			[12, -12],
			[12, 12],
			[-12, 12]
		])
			await page.mouse.click(cx + dx, cy + dy);
		await expect.poll(() => map.getAttribute('data-corners')).toBe('4');
		const polygon = JSON.parse(await page.inputValue('[data-testid="draw-polygon"]'));
		expect(polygon.type).toBe('Polygon');
		expect(polygon.coordinates[0]).toHaveLength(5);
		await page.fill(
			'form[action="?/spotEdit"] input[name="reason"]',
			'Bus stop fights after school'
		);
		await saveScreenshot(page, 'desktop-demo-draw-spot');
		await page.click('form[action="?/spotEdit"] button[type="submit"]');
		await expect
			.poll(() => page.locator('[data-testid="spot-edits"]').innerText())
			.toContain('Bus stop fights after school');

		// The next tasking: a unit on the early shift, allocated; the drawn spot is on its board.
		await page.fill('[data-testid="unit-form"] input[name="callSign"]', 'DRAW1');
		await page.selectOption('[data-testid="unit-form"] select[name="unitType"]', 'foot');
		await page.click('[data-testid="unit-form"] button[type="submit"]');
		await page.waitForSelector('[data-testid="unit-list"] li:has-text("DRAW1")');
		await page.click('[data-testid="allocate"]');
		await page.waitForSelector('[data-testid="tasking-board"]', { timeout: 120_000 });
		const unit = page.locator('[data-testid="board-unit"][data-unit="DRAW1"]');
		await expect.poll(() => unit.innerText()).toContain('drawn');

		const phone = await newContext(browser(), PHONE);
		const op = await phone.newPage();
		await signIn(op, base, 'officer');
		await op.goto(`${base}/patrol`);
		await op.click('a:has-text("DRAW1")');
		await op.waitForSelector('[data-testid="patrol-spot"]');
		// Spots are listed in the unit's visiting order (randomised): the drawn one is among them.
		expect((await op.locator('[data-testid="patrol-spot"]').allInnerTexts()).join('\n')).toContain(
			'Analyst: Bus stop fights after school'
		);
		await saveScreenshot(op, 'phone-demo-drawn-spot');
	}, 300_000);
});
