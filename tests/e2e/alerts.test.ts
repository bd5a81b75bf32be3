/**
 * Issue 14, early warning in the product, on the production build: a server whose data holds 20 weeks
 * of day-dated burglaries in the City of London, the last week a spike, imported after the demo (the
 * check after the import ran before the server started). The analyst finds the alarm in /alerts, opens
 * it (chart and table of the weekly counts with their thresholds), acknowledges it, drafts its
 * early-warning notice, fills in the assessment, reviews and publishes it and opens its PDF (every page
 * converted to PNG with pdftoppm, to look at), finds the alarm linked to the notice, and subscribes.
 * Screenshots: test-output/e2e/alerts-inbox.png, alerts-alarm.png, alerts-notice.png, notice-N.png.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { signIn } from './auth';
import { pageProblems } from './axe';
import { launchBrowser, newContext, saveScreenshot, watchAndOpen } from './harness';
import { savePdf } from './pdf';
import { hasChromium, startServer, type RunningServer } from './server';
import { copyDemoInto } from '../helpers/db';
import { openDatabase } from '../../src/lib/server/db/client';
import { dayToIso, isoToDay } from '../../src/lib/server/analysis/days';
import { importPaths } from '../../src/lib/server/ingest/import';
import { earlyWarningIdle, scheduleAfterImports } from '../../src/lib/server/jobs/early-warning';
import { computeInline } from '../../src/lib/server/jobs/tasks';

/** Near Bank junction, in the City of London. */
const POINT = { lat: 51.5134, lon: -0.0891 };

/** 20 weeks from Monday 2024-01-01: 3–5 a week, then 24 in the week of 13 May. */
function burglaryCsv(): string {
	const rows = ['id,date,category,lon,lat'];
	let id = 0;
	for (let w = 0; w < 20; w++) {
		const n = w === 19 ? 24 : 3 + (w % 3);
		for (let j = 0; j < n; j++) {
			const d = dayToIso(isoToDay('2024-01-01') + 7 * w + (j % 7));
			rows.push(`e2e-${++id},${d} 12:00,burglary,${POINT.lon},${POINT.lat}`);
		}
	}
	return rows.join('\n') + '\n';
}

describe.skipIf(!hasChromium || process.env.BEATWISE_E2E === '0')(
	'early-warning alarms in the inbox (e2e)',
	() => {
		let server: RunningServer;
		let browser: Browser;
		const work = mkdtempSync(join(tmpdir(), 'beatwise-e2e-alerts-'));

		beforeAll(async () => {
			server = await startServer(
				{},
				{
					readyTimeoutMs: 300_000,
					prepare: async (dataDir) => {
						// The demo as loadDemo leaves it (the run's template, with its credentials).
						await copyDemoInto(dataDir);
						const db = await openDatabase({ dataDir });
						try {
							const stop = await scheduleAfterImports(db, () => computeInline);
							const file = join(work, 'burglary.csv');
							writeFileSync(file, burglaryCsv());
							await importPaths(db, {
								inputs: [file],
								format: 'csv',
								mapping: {
									timezone: 'Europe/London',
									id: 'id',
									time: { column: 'date' },
									category: { column: 'category' },
									location: { lon: 'lon', lat: 'lat' }
								}
							});
							const run = await earlyWarningIdle();
							stop();
							if (run?.status !== 'done' || run.alarms === 0)
								throw new Error(`the check found no alarm: ${JSON.stringify(run)}`);
						} finally {
							await db.close();
						}
					}
				}
			);
			browser = await launchBrowser();
		}, 600_000);

		afterAll(async () => {
			await browser?.close();
			await server?.stop();
			rmSync(work, { recursive: true, force: true });
		});

		it('an analyst sees the alarm, opens its series, subscribes and acknowledges it', async () => {
			const context = await newContext(browser);
			const page = await context.newPage();
			await signIn(page, server.url, 'analyst', { dataDir: server.dataDir });
			const o = await watchAndOpen(context, page, server.url, '/alerts');
			const row = page.locator('tbody tr', { hasText: 'City of London' }).filter({
				hasText: 'burglary'
			});
			await row.first().waitFor();
			expect(await row.first().textContent()).toContain('2024-05-13');
			expect(await row.first().locator('td.num').first().textContent()).toBe('24');
			await saveScreenshot(page, 'alerts-inbox');

			await row.first().getByRole('link', { name: '2024-05-13' }).click();
			await page.waitForURL(/\/alerts\/\d+$/);
			await page.locator('h1', { hasText: 'burglary in City of London' }).waitFor();
			// The chart is drawn, and the table gives the same weeks with the alarm week marked.
			await page.waitForFunction(() => {
				const c = document.querySelector('.chart canvas, .chart svg');
				return c !== null && c.getBoundingClientRect().height > 100;
			});
			const alarmRow = page.locator('#alarm-weeks tbody tr', { hasText: '2024-05-13' });
			expect(await alarmRow.locator('td').first().textContent()).toBe('24');
			expect(await alarmRow.textContent()).toContain('Alarm');
			await saveScreenshot(page, 'alerts-alarm');
			// WCAG 2.2 AA on the alarm's page (the accessibility file has no alarm to open).
			expect(await pageProblems(page, '1280px /alerts/[id]')).toEqual([]);

			await page.getByRole('button', { name: 'Acknowledge' }).click();
			await page.locator('.message', { hasText: 'acknowledged' }).waitFor();
			const alarmUrl = page.url();

			// The early-warning notice: drafted from the alarm, filled in, reviewed, published, printed.
			await page.getByRole('button', { name: 'Draft a notice' }).click();
			await page.waitForURL(/\/products\/\d+$/);
			const productId = /\/products\/(\d+)$/.exec(page.url())![1];
			expect(await page.textContent('article.product h1')).toContain('Burglary in City of London');
			await page.locator('article.product .chart svg').first().waitFor();
			const noticeWeek = page.locator('article.product table tr', { hasText: '2024-05-13' });
			expect(await noticeWeek.last().textContent()).toContain('alarm (this notice)');
			await page.fill('textarea[name="field-3.0"]', 'A run of burglaries at Bank junction (e2e).');
			await page.click('[data-testid="product-save"]');
			await page.waitForFunction(() =>
				document.querySelector('article.product')?.textContent?.includes('Bank junction (e2e)')
			);
			await page.click('[data-testid="product-review"]');
			await page.click('[data-testid="product-publish"]');
			await page.locator('article.product .meta', { hasText: /^Published/ }).waitFor();
			await saveScreenshot(page, 'alerts-notice');
			// Every page as a picture, to look at (test-output/e2e/notice-N.png).
			const pdf = await savePdf(context, `${server.url}/products/${productId}/pdf`, 'notice');
			expect(pdf.pages).toBeGreaterThanOrEqual(1);
			expect(pdf.pages).toBeLessThanOrEqual(4);
			for (const words of [
				'Early-warning notice',
				'City of London',
				'2024-05-13',
				'alarm (this notice)',
				'EARS C2',
				'Bank junction (e2e)'
			])
				// (the type line is upper-cased by CSS, and pdftotext reads it so)
				expect(pdf.text.toLowerCase()).toContain(words.toLowerCase());
			// The alarm links to its notice.
			await page.goto(alarmUrl);
			expect(await page.getByTestId('alarm-notice').getAttribute('href')).toMatch(
				new RegExp(`/products/${productId}$`)
			);

			await page.goto(`${server.url}/alerts/subscriptions`);
			await page.locator('form[aria-label="Subscribe"]').waitFor();
			await page.selectOption('select[name="category"]', 'burglary');
			await page.getByRole('button', { name: 'Subscribe' }).click();
			await page.locator('.message', { hasText: 'Subscribed' }).waitFor();
			await page.goto(`${server.url}/alerts?status=all&mine=1`);
			const mine = page.locator('tbody tr', { hasText: 'subscribed' });
			await mine.first().waitFor();
			expect(await mine.first().textContent()).toContain('acknowledged');
			expect(o.errors).toEqual([]);
			await context.close();
		}, 300_000);
	}
);
