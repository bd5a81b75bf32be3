/**
 * Issue 15: import in the browser, on the production build. An analyst uploads a file, checks the
 * proposed mapping, replaces it with the source's own, dry-runs it (nothing is stored: the
 * accounting, the rows without a location by reason, sample points on the map), imports it with a
 * progress bar, and gets the kept mapping proposed for the next file of the same shape.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { signIn } from './auth';
import {
	closePages,
	DESKTOP,
	launchBrowser,
	newContext,
	OUTPUT_DIR,
	type OpenedPage
} from './harness';
import { hasChromium, startServer, type RunningServer } from './server';

const FIXTURES = resolve('tests/fixtures/imports');

describe.skipIf(!hasChromium || process.env.BEATWISE_E2E === '0')(
	'import in the browser (e2e)',
	() => {
		let server: RunningServer;
		let browser: Browser;
		const opened: OpenedPage[] = [];

		beforeAll(async () => {
			server = await startServer({}, { readyTimeoutMs: 600_000 });
			browser = await launchBrowser();
		}, 300_000);
		afterAll(async () => {
			await closePages(opened);
			await browser?.close();
			await server?.stop();
		});

		it('uploads, proposes, dry-runs without storing, imports with progress, keeps the mapping', async () => {
			const context = await newContext(browser, DESKTOP);
			opened.push({
				context,
				page: await context.newPage(),
				errors: [],
				cellRequests: [],
				apiRequests: []
			});
			const page = opened[0].page;
			await signIn(page, server.url, 'analyst', { dataDir: server.dataDir });
			await page.goto(`${server.url}/import`);
			await page.waitForSelector('form[aria-label="Upload a file"]');
			await page.locator('input[type=file]').setInputFiles(join(FIXTURES, 'placeholders.csv'));
			await page.getByRole('button', { name: 'Upload and propose a mapping' }).click();
			await page.waitForSelector('[data-testid="proposal"]');
			const columns = await page
				.locator('[data-testid="detected-columns"] tbody tr td:first-child')
				.allTextContents();
			expect(columns).toEqual(['id', 'when', 'type', 'lon', 'lat']);
			const proposed = JSON.parse(await page.locator('[data-testid="mapping"]').inputValue());
			expect(proposed).toMatchObject({
				id: 'id',
				// ISO reads `2024-01-05 10:00` (date, space, time) as well as the T form.
				time: { column: 'when', format: 'ISO' },
				category: { column: 'type' },
				location: { lon: 'lon', lat: 'lat' }
			});
			await expect(page.getByTestId('import').isDisabled()).resolves.toBe(true);

			// The source's own mapping (with its declared extent), then the dry run.
			const mapping = readFileSync(join(FIXTURES, 'placeholders.json'), 'utf8');
			await page.locator('[data-testid="mapping"]').fill(mapping);
			await page.getByTestId('dry-run').click();
			await page.waitForSelector('[data-testid="dry-run-report"]');
			expect(await page.getByTestId('dry-run-report-accounting').textContent()).toMatch(
				/4 rows = 4 imported \+ 0 rejected \+ 0 duplicate \+ 0 filtered \+ 0 retracted/
			);
			const unlocated = await page
				.locator('[data-testid="dry-run-report-unlocated"] tbody tr')
				.allTextContents();
			expect(unlocated).toEqual([
				expect.stringMatching(/^1\s*placeholder coordinates 0, 0$/),
				expect.stringMatching(/^1\s*outside the declared extent/)
			]);
			await page.waitForSelector('[data-testid="sample-map"] canvas');
			await page.screenshot({ path: join(OUTPUT_DIR, 'import-dry-run.png'), fullPage: true });
			// Nothing stored by the dry run: a second one still finds every row new.
			await page.getByTestId('dry-run').click();
			await page.waitForSelector('[data-testid="dry-run-report"]');
			expect(await page.getByTestId('dry-run-report-accounting').textContent()).toMatch(
				/4 rows = 4 imported \+ 0 rejected \+ 0 duplicate/
			);

			await page.getByTestId('import').click();
			await page.waitForSelector('[data-testid="import-report"]', { timeout: 120_000 });
			expect(await page.getByTestId('import-report-accounting').textContent()).toMatch(
				/4 rows = 4 imported/
			);
			await expect(page.getByTestId('import-progress').getAttribute('value')).resolves.toBe('1');
			await page.screenshot({ path: join(OUTPUT_DIR, 'import-done.png'), fullPage: true });

			// Next month's file of the same shape: the kept mapping is proposed.
			await page.goto(`${server.url}/import`);
			await page.waitForSelector('[data-testid="kept-mappings"]');
			await page.locator('input[type=file]').setInputFiles(join(FIXTURES, 'placeholders.csv'));
			await page.getByRole('button', { name: 'Upload and propose a mapping' }).click();
			await page.waitForSelector('[data-testid="saved-mapping"]');
			expect(JSON.parse(await page.locator('[data-testid="mapping"]').inputValue())).toEqual(
				JSON.parse(mapping)
			);
			await page.getByTestId('dry-run').click();
			await page.waitForSelector('[data-testid="dry-run-report"]');
			expect(await page.getByTestId('dry-run-report-accounting').textContent()).toMatch(
				/4 rows = 0 imported \+ 0 rejected \+ 4 duplicate/
			);
		}, 300_000);
	}
);
