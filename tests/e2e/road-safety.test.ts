/**
 * Issue 14, road safety, in Chromium against a server of its own: a database holding the STATS19
 * fixture slice (City of London 2023) and the demo's boroughs. The page shows the collisions on the
 * map by severity, the year table with KSI and the day × time table; the analyst places a site on the
 * map, runs a before/after evaluation, and the page shows the API's counts with the regression-to-the-
 * mean caveat; saved as a product, the evaluation opens with its map picture, two charts and tables,
 * and its PDF is converted to PNG pages to look at. Screenshots land in test-output/e2e.
 */
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signIn } from './auth';
import {
	apiJson,
	DESKTOP,
	newContext,
	saveScreenshot,
	unexpectedErrors,
	useBrowser,
	waitForMapFrame,
	watchAndOpen
} from './harness';
import { hasChromium, startServer, type RunningServer } from './server';
import { poppler, savePdf } from './pdf';
import { openDatabase } from '../../src/lib/server/db/client';
import { importPaths } from '../../src/lib/server/ingest/import';
import { importAreaFile } from '../../src/lib/server/ingest/import-areas';
import { createDemoUsers, formatDemoCredentials } from '../../src/lib/server/auth/demo-users';
import type { RoadEvaluation } from '../../src/lib/contracts/road-safety';

const STATS19 = resolve('tests/fixtures/ingest/stats19/dft-collisions-2023-city-sample.csv');
const BOROUGHS = resolve('src/lib/server/demo/data/boroughs-2022.geojson');

/** Collisions, boroughs and the demo accounts; no crime (the page needs none). */
async function prepare(dataDir: string): Promise<void> {
	const db = await openDatabase({ dataDir });
	try {
		const r = await importPaths(db, { inputs: [STATS19], format: 'stats19' });
		if (r.imported !== 23) throw new Error(`stats19 fixture: ${JSON.stringify(r)}`);
		await importAreaFile(db, BOROUGHS, {
			kind: 'borough',
			codeField: 'LAD22CD',
			nameField: 'LAD22NM'
		});
		const users = await createDemoUsers(db);
		writeFileSync(
			join(dataDir, 'demo-credentials.txt'),
			formatDemoCredentials(users).join('\n') + '\n',
			{ mode: 0o600 }
		);
	} finally {
		await db.close();
	}
}

describe.skipIf(!hasChromium || process.env.BEATWISE_E2E === '0')('road safety (e2e)', () => {
	let server: RunningServer;
	const { browser, opened } = useBrowser();

	beforeAll(async () => {
		server = await startServer({}, { privateBuild: 'road-safety', prepare });
	}, 600_000);
	afterAll(async () => {
		await server?.stop();
	});

	it('analyst: map, years, day × time, and a before/after evaluation equal to the API', async () => {
		const base = server.url;
		const context = await newContext(browser(), DESKTOP);
		const page = await context.newPage();
		await signIn(page, base, 'analyst', { dataDir: server.dataDir });
		const o = await watchAndOpen(context, page, base, '/road-safety');
		opened.push(o);
		await page.waitForSelector('[data-testid="road-safety"][data-state="ready"]', {
			timeout: 120_000
		});
		await waitForMapFrame(page);
		expect(
			(await page.locator('[data-testid="rs-year-2023"] td').allInnerTexts()).map((s) => s.trim())
		).toEqual(['1', '9', '13', '10', '23']);
		expect(await page.locator('[data-testid="rs-week-hour"] tbody tr').count()).toBe(7);
		expect(await page.locator('[data-testid="rs-severity-hour"] tbody th').allInnerTexts()).toEqual(
			['Fatal', 'Serious', 'Slight']
		);
		await saveScreenshot(page, 'road-safety-overview');

		// The site: a click at the first collision's place (the map opens centred on it).
		const box = (await page.locator('[data-testid="map"]').boundingBox())!;
		await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
		await page.waitForSelector('[data-testid="rs-site"]:has-text("Centre")');
		await page.fill('[data-testid="rs-radius"]', '650');
		await page.fill('[data-testid="rs-date"]', '2023-02-01');
		await page.selectOption('[data-testid="rs-period"]', '91');
		await page.click('[data-testid="rs-run"]');
		// 91 days before 1 February reach into 2022, which holds no data: refused, in words.
		await page.waitForSelector('[data-testid="rs-error"]');
		expect(await page.innerText('[data-testid="rs-error"]')).toMatch(
			/No road-collision data for 2022-11, 2022-12/
		);

		await page.selectOption('[data-testid="rs-period"]', '28');
		await page.click('[data-testid="rs-run"]');
		await page.waitForSelector('[data-testid="rs-evaluation"]');
		// Within 650 m of the first collision: 3 in 4–31 January, 2 in February; elsewhere 4 and 9
		// (tests/integration/road-safety.test.ts counts the same by hand).
		const row = async (n: number) =>
			(
				await page
					.locator('[data-testid="rs-eval-counts"] tbody tr')
					.nth(n)
					.locator('td')
					.allInnerTexts()
			).map((s) => s.trim());
		expect(await row(0)).toEqual(['3', '2', '4', '9']);
		const site = (await page.innerText('[data-testid="rs-site"]')).match(
			/Centre (-?[\d.]+), (-?[\d.]+)/
		)!;
		const api = await apiJson<RoadEvaluation>(
			page,
			`${base}/api/analysis/road-safety?lat=${site[1]}&lon=${site[2]}&radius=650&schemeDate=2023-02-01&periodDays=28`
		);
		expect(await row(1)).toEqual(
			[
				api.ksi.site.before,
				api.ksi.site.after,
				api.ksi.control!.before,
				api.ksi.control!.after
			].map(String)
		);
		expect(await page.innerText('[data-testid="rs-effect-all"]')).toMatch(
			/^All injury collisions: 70 % fewer than the control's trend predicts .*cannot tell an effect from chance/
		);
		expect(await page.innerText('[data-testid="rs-caveats"]')).toMatch(/Regression to the mean/);
		await page.locator('[data-testid="rs-evaluation"]').scrollIntoViewIfNeeded();
		await saveScreenshot(page, 'road-safety-evaluation');
		expect(unexpectedErrors(o.errors)).toEqual([]);

		// Saved as a product: frozen with its map picture, charts and tables, and printed to PDF.
		await page.click('[data-testid="rs-save-product"]');
		await page.waitForURL(/\/products\/\d+$/, { timeout: 300_000 });
		const productId = /\/products\/(\d+)$/.exec(page.url())![1];
		expect(await page.textContent('article.product h1')).toContain('Road-safety evaluation');
		expect(await page.textContent('article.product .meta')).toContain('City of London');
		await page.locator('article.product img.map').waitFor();
		expect(await page.locator('article.product .chart svg').count()).toBe(2);
		const mapRows = page.locator('article.product .map-block tbody tr');
		expect((await mapRows.allInnerTexts()).map((r) => r.replace(/\s+/g, ' ').trim())).toEqual([
			'Fatal 0 0',
			'Serious 1 0',
			'Slight 2 2'
		]);
		await saveScreenshot(page, 'road-safety-product');
		// Every page as a picture, to look at (test-output/e2e/road-evaluation-N.png).
		const pdf = await savePdf(context, `${base}/products/${productId}/pdf`, 'road-evaluation');
		expect(pdf.text).toContain('Road-safety evaluation');
		expect(pdf.text).toContain('Regression to the mean');
		expect(pdf.text).toMatch(/odds ratio \(site against control\) 0\.30/);
		expect(poppler('pdfimages', ['-list', pdf.file])).toMatch(/image\s+1200\s+760/);
	}, 300_000);
});
