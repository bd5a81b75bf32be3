/**
 * The neighbourhood, trends and supervisor views in Chromium against the demo server: cells drawn in
 * pixels, numbers in the panels equal the API's answers to the same questions, the URL restores the
 * state, and screenshots of each view at desktop and phone widths land in test-output/e2e.
 */
import { describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { signIn } from './auth';
import {
	apiJson,
	deckPixels,
	DESKTOP,
	newContext,
	PHONE,
	saveScreenshot,
	useBrowser,
	waitForMapFrame,
	watchAndOpen
} from './harness';

const BASE_URL = process.env.BEATWISE_E2E_URL;

const mapDrawn = (page: Page, timeout = 90_000) => waitForMapFrame(page, timeout);

const num = (s: string) => Number(s.replace(/[^\d.-]/g, ''));

describe.skipIf(!BASE_URL)('views (e2e)', () => {
	const base = BASE_URL as string;
	const { browser, opened } = useBrowser();

	let cookies: Awaited<ReturnType<BrowserContext['cookies']>> = [];

	/** A fresh context carrying the analyst's session (signed in once: sign-in is rate limited). */
	async function open(
		path: string,
		viewport: { width: number; height: number } = DESKTOP,
		isMobile = false
	) {
		const context = await newContext(browser(), viewport, { isMobile });
		const page = await context.newPage();
		if (cookies.length) await context.addCookies(cookies);
		else {
			await signIn(page, base, 'analyst');
			cookies = await context.cookies();
		}
		const o = await watchAndOpen(context, page, base, path);
		opened.push(o);
		return o;
	}

	it('neighbourhood: hot spots of the chosen LSOA, numbers from the API, URL restores it', async () => {
		const { page, apiRequests } = await open('/neighbourhood');
		await page.waitForSelector('[data-testid="view-empty"]');
		const areas = await apiJson<{ features: { properties: { id: number; code: string } }[] }>(
			page,
			`${base}/api/areas?kind=lsoa`
		);
		const id = areas.features.find((f) => f.properties.code === 'E01000001')!.properties.id;

		// Choose it with the keyboard in the combobox.
		// Wait for hydration and the area list before typing.
		await page.waitForFunction(() => document.querySelector('#neighbourhood-area') !== null);
		await expect
			.poll(
				async () => {
					await page.fill('#neighbourhood-area', 'E01000001');
					return page
						.locator('#neighbourhood-area-list [role="option"]', { hasText: 'E01000001' })
						.count();
				},
				{ timeout: 60_000 }
			)
			.toBe(1);
		await page.keyboard.press('Enter');
		await page.waitForSelector(`[data-testid="neighbourhood-view"][data-state="ready:${id}"]`, {
			timeout: 60_000
		});
		expect(new URL(page.url()).searchParams.get('area')).toBe(String(id));

		// An earlier briefing month, so last year's months were imported.
		await page.fill('[data-testid="briefing-month"]', '2017-06');
		await page.waitForURL((u) => u.searchParams.get('to') === '2017-06-01');
		await page.waitForSelector('[data-testid="year-total"]', { timeout: 60_000 });
		await page.waitForSelector('[data-testid="hotspot-summary"]', { timeout: 60_000 });
		await page.waitForFunction(
			() => Number(document.querySelector('[data-testid="map"]')?.getAttribute('data-hotspots')) > 0
		);
		await mapDrawn(page);
		expect((await deckPixels(page)).coloured).toBeGreaterThan(500);

		const hotspotUrl = apiRequests.filter((u) => u.includes('/api/analysis/hotspots')).at(-1)!;
		const gi = await apiJson<{ bin: number[]; cells: string[] }>(page, hotspotUrl);
		const summary = await page.locator('[data-testid="hotspot-summary"]').innerText();
		expect(summary).toContain(`of ${gi.cells.length} in the area`);
		expect(num(await page.locator('[data-testid="hotspot-legend-0"]').innerText())).toBe(
			gi.bin.filter((b) => b === 0).length
		);
		// The headline count equals the cells API for the same area and month.
		const cells = await apiJson<{ total: number }>(
			page,
			`${base}/api/cells?res=10&area=${id}&from=2017-06-01&to=2017-06-30&format=json`
		);
		const headline = await page.locator('[data-testid="briefing-total"] strong').innerText();
		expect(num(headline)).toBe(cells.total);
		await expect.poll(() => page.locator('[data-testid="observations-empty"]').count()).toBe(1);
		await saveScreenshot(page, 'desktop-neighbourhood');

		// The URL alone restores the view, also on a phone.
		const phone = await open(page.url().replace(base, ''), PHONE, true);
		await phone.page.waitForSelector(
			`[data-testid="neighbourhood-view"][data-state="ready:${id}"]`
		);
		expect(await phone.page.locator('[data-testid="area-name"]').innerText()).toBe(
			await page.locator('[data-testid="area-name"]').innerText()
		);
		expect(num(await phone.page.locator('[data-testid="briefing-total"] strong').innerText())).toBe(
			cells.total
		);
		await mapDrawn(phone.page);
		await saveScreenshot(phone.page, 'phone-neighbourhood');
	});

	it('trends: change map classes, CompStat and emerging legend equal the API', async () => {
		const { page, apiRequests } = await open('/trends');
		await page.waitForSelector('[data-testid="trends-view"][data-state="change:ready:ready"]', {
			timeout: 90_000
		});
		await mapDrawn(page);
		expect((await deckPixels(page)).coloured).toBeGreaterThan(2_000);

		const changeUrl = apiRequests.filter((u) => u.includes('/api/analysis/change')).at(-1)!;
		const change = await apiJson<{
			now: number[];
			before: number[];
			direction: string[];
			pAdjusted: number[];
		}>(page, changeUrl);
		const drawn = change.direction
			.map((d, i) => ({ d, p: change.pAdjusted[i], n: change.now[i] + change.before[i] }))
			.filter((r) => r.n > 0);
		expect(num(await page.locator('[data-testid="change-count-rise-99"]').innerText())).toBe(
			drawn.filter((r) => r.d === 'up' && r.p < 0.01).length
		);
		expect(num(await page.locator('[data-testid="change-count-fall-99"]').innerText())).toBe(
			drawn.filter((r) => r.d === 'down' && r.p < 0.01).length
		);
		// No change between two small counts is called significant (the Poisson z flagged 1 against 0).
		for (const [i, d] of change.direction.entries())
			if (change.now[i] + change.before[i] <= 4) expect(d).toBe('no significant change');
		expect(await page.locator('[data-testid="change-statistic"]').innerText()).toMatch(
			/Binomial\(total, 0\.5\)/
		);

		const csUrl = apiRequests.filter((u) => u.includes('/api/analysis/trends')).at(-1)!;
		const cs = await apiJson<{ tables: { rows: { current: number; previous: number }[] }[] }>(
			page,
			csUrl
		);
		const current = await page.locator('[data-testid="cs-current"]').allInnerTexts();
		expect(current.map(num)).toEqual(cs.tables[0].rows.map((r) => r.current));
		await saveScreenshot(page, 'desktop-trends-change');

		// The largest changes say where the cells are (was the bare id, e.g. 89194ad3047ffff).
		await expect
			.poll(() => page.locator('[data-testid="change-place"]').first().innerText(), {
				timeout: 60_000
			})
			.toMatch(/^On or near .+\nH3 89[0-9a-f]{13}$/);
		const places = await page.locator('[data-testid="change-place"]').allInnerTexts();
		expect(places.length).toBeGreaterThan(0);
		for (const p of places)
			expect(p).toMatch(/^(On or near .+|in .+|89[0-9a-f]{13})\nH3 89[0-9a-f]{13}$/);
		await page.locator('[data-testid="change-place"]').first().scrollIntoViewIfNeeded();
		await saveScreenshot(page, 'desktop-trends-largest-changes');

		// Per area: the URL follows.
		await page.click('text=Per lsoa');
		await page.waitForURL((u) => u.searchParams.get('by') === 'area');
		await page.waitForSelector('[data-testid="trends-view"][data-state="change:ready:ready"]');

		await page.click('[data-testid="tab-emerging"]');
		await page.waitForSelector('[data-testid="trends-view"][data-state="emerging:ready:ready"]', {
			timeout: 120_000
		});
		await mapDrawn(page);
		const emUrl = apiRequests.filter((u) => u.includes('/api/analysis/emerging')).at(-1)!;
		const em = await apiJson<{ category: string[] }>(page, emUrl);
		expect(await page.locator('[data-testid="emerging-legend"] li').count()).toBe(17);
		const persistent = em.category.filter((c) => c === 'no-pattern').length;
		expect(num(await page.locator('[data-testid="emerging-count-no-pattern"]').innerText())).toBe(
			persistent
		);
		expect((await deckPixels(page)).coloured).toBeGreaterThan(2_000);
		await saveScreenshot(page, 'desktop-trends-emerging');

		await page.click('[data-testid="tab-multiples"]');
		await page.waitForSelector('[data-testid="multiple-panel"]', { timeout: 60_000 });
		const totals = await page
			.locator('[data-testid="multiple-panel"]')
			.evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-total'))));
		const y2016 = await apiJson<{ total: number }>(
			page,
			`${base}/api/cells?res=9&from=2016-01-01&to=2016-12-31&format=json`
		);
		expect(totals[0]).toBe(y2016.total);
		// 2017 holds data for January to June only: its panel says so (it read "2017 3,346").
		const panelLabels = await page.locator('[data-testid="multiple-panel"]').allInnerTexts();
		expect(panelLabels.some((t) => /2017 \(Jan–Jun\)/.test(t))).toBe(true);
		expect(panelLabels.some((t) => /^2017\s+[\d,]+$/.test(t.trim()))).toBe(false);
		await saveScreenshot(page, 'desktop-trends-multiples');

		const phone = await open('/trends', PHONE, true);
		await phone.page.waitForSelector(
			'[data-testid="trends-view"][data-state="change:ready:ready"]',
			{
				timeout: 90_000
			}
		);
		await mapDrawn(phone.page);
		await saveScreenshot(phone.page, 'phone-trends');
	});

	it('supervisor: ranked risk cells for the shift, data end stated, bias guard in the URL', async () => {
		const { page } = await open('/supervisor?kind=borough&area=borough:E09000001&shift=late');
		await page.waitForSelector('[data-testid="supervisor-view"][data-state^="ready:"]', {
			timeout: 90_000
		});
		await page.waitForSelector('[data-testid="data-ends"]');
		await page.waitForSelector('[data-testid="hotspot-legend"]', { timeout: 60_000 });
		await mapDrawn(page);
		expect((await deckPixels(page)).coloured).toBeGreaterThan(2_000);
		const risks = (await page.locator('[data-testid="risk-value"]').allInnerTexts()).map(num);
		expect(risks.length).toBeGreaterThan(3);
		// Each listed cell says where it is, with its id for analysts.
		const where = await page.locator('[data-testid="risk-place"]').allInnerTexts();
		expect(where.length).toBe(risks.length);
		expect(where.slice(0, 5).every((w) => w.startsWith('On or near '))).toBe(true);
		expect(await page.locator('[data-testid="risk-cell"]').first().innerText()).toMatch(
			/^H3 89[0-9a-f]{13}$/
		);
		for (let i = 1; i < risks.length; i++) expect(risks[i - 1]).toBeGreaterThanOrEqual(risks[i]);
		await expect
			.poll(() => page.locator('[data-testid="tasking-link"]').innerText())
			.toContain('Allocate this ranking to your units');
		await saveScreenshot(page, 'desktop-supervisor');

		await page.click('[data-testid="bias-guard"]');
		await page.waitForURL((u) => u.searchParams.get('guard') === '0');
		await page.waitForSelector('[data-testid="supervisor-view"][data-state^="ready:"]');
		await page.locator('[data-testid="parameters"] summary').click();
		await expect
			.poll(() => page.locator('[data-testid="parameters"]').innerText())
			.toContain('off: every category counts');

		const phone = await open(page.url().replace(base, ''), PHONE, true);
		await phone.page.waitForSelector('[data-testid="supervisor-view"][data-state^="ready:"]');
		expect(await phone.page.locator('[data-testid="bias-guard"]').isChecked()).toBe(false);
		await mapDrawn(phone.page);
		await saveScreenshot(phone.page, 'phone-supervisor');
	});

	it("demo supervisor: opens on their first area (Chicago district 11) for that area's last day", async () => {
		const context = await newContext(browser());
		const page = await context.newPage();
		opened.push({ context, page, errors: [], cellRequests: [], apiRequests: [] });
		await signIn(page, base, 'supervisor', { next: '/supervisor' });
		// Before: "Choose your area", a date field on today and a ranking for 2020-12-31.
		await page.waitForSelector('[data-testid="supervisor-view"][data-state^="ready:"]', {
			timeout: 90_000
		});
		// The demo supervisor's first area is Chicago district 11 (the timed source, 2018–2019): its own
		// data ends on 2019-12-31, not on the whole database's last day (2020-12-31, in London).
		expect(await page.locator('[data-testid="shift-title"]').innerText()).toContain(
			'31 December 2019 · Chicago district 11'
		);
		expect(await page.inputValue('[data-testid="shift-date"]')).toBe('2019-12-31');
		await mapDrawn(page);
		await saveScreenshot(page, 'desktop-supervisor-default');
		// The map states the same extent (was "Data from 2016-01-01 to 2020-12-01.").
		await page.goto(`${base}/`, { waitUntil: 'domcontentloaded' });
		await expect
			.poll(() => page.locator('p.hint', { hasText: 'Data from' }).innerText(), { timeout: 60_000 })
			.toContain('Data from 2016-01-01 to 2020-12-31.');
	});
});
