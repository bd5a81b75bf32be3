/**
 * The supervisor's "How good is this ranking?" panel in Chromium against the demo server: it loads after
 * the ranking, shows the model's and the baseline's hit rate, PAI and PEI equal to the API's answer, a
 * sentence in plain words, and follows the shift; screenshots land in test-output/e2e.
 */
import { describe, expect, it } from 'vitest';
import { signIn } from './auth';
import { apiJson, DESKTOP, newContext, saveScreenshot, useBrowser, watchAndOpen } from './harness';
import type { ForecastAccuracy } from '../../src/lib/contracts/forecast-accuracy';

const BASE_URL = process.env.BEATWISE_E2E_URL;

describe.skipIf(!BASE_URL)('forecast accuracy beside the ranking (e2e)', () => {
	const base = BASE_URL as string;
	const { browser, opened } = useBrowser();

	it('supervisor: model and baseline measures equal the API, a plain sentence, per shift', async () => {
		const context = await newContext(browser(), DESKTOP);
		const page = await context.newPage();
		await signIn(page, base, 'supervisor');
		const o = await watchAndOpen(
			context,
			page,
			base,
			'/supervisor?kind=borough&area=borough:E09000001&shift=late'
		);
		opened.push(o);
		const panel = '[data-testid="forecast-accuracy"]';
		await page.waitForSelector(`${panel}[data-state="ready"]`, { timeout: 120_000 });
		const area = await page.getAttribute('[data-testid="supervisor-view"]', 'data-state');
		const id = Number(area!.split(':')[1]);
		const api = await apiJson<ForecastAccuracy>(
			page,
			`${base}/api/analysis/forecast-accuracy?area=${id}&shift=late&res=9&guard=true`
		);
		const cells = async (row: string) =>
			(await page.locator(`[data-testid="${row}"] td`).allInnerTexts()).map((s) => s.trim());
		const pct = (v: number) => `${Math.round(v * 100)} %`;
		expect(await cells('accuracy-model')).toEqual([
			pct(api.model.mean!.hitRate),
			api.model.mean!.pai.toFixed(1),
			pct(api.model.mean!.pei)
		]);
		expect(await cells('accuracy-baseline')).toEqual([
			pct(api.baseline.mean!.hitRate),
			api.baseline.mean!.pai.toFixed(1),
			pct(api.baseline.mean!.pei)
		]);
		const summary = await page.locator('[data-testid="accuracy-summary"]').innerText();
		expect(summary).toBe(api.summary);
		expect(summary).toMatch(/^Tested on the last year: each month, the \d+ top cells/);
		await page.locator(`${panel} details summary`).click();
		await saveScreenshot(page, 'desktop-supervisor-accuracy');

		// Another shift asks again (monthly demo data: the same numbers, said so in a note).
		await page.click('input[name="shift"][value="night"]');
		await page.waitForURL((u) => u.searchParams.get('shift') === 'night');
		await page.waitForSelector(`${panel}[data-state="ready"]`, { timeout: 120_000 });
		await expect
			.poll(() => page.locator(panel).innerText())
			.toContain('every shift gets the same test');
	});
});
