/**
 * The map workspace beyond the counts (BEATWISE_E2E_URL with the demo data): the Gi* layer draws and
 * its legend holds the API's numbers, the time slider steps the map (requests, pixels, URL, prefetch,
 * playback), the URL restores layers, slider, area and Gi* parameters, the side panel's numbers are
 * the API's, and desktop and phone screenshots land in test-output/e2e.
 */
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { booleanPointInPolygon } from '@turf/turf';
import { parse } from 'csv-parse/sync';
import {
	apiJson,
	deckPixels,
	DESKTOP,
	newContext,
	type OpenedPage,
	PHONE,
	saveScreenshot,
	unexpectedErrors,
	useBrowser,
	waitForMapDrawn,
	watchAndOpen
} from './harness';
import { signIn } from './auth';

const BASE_URL = process.env.BEATWISE_E2E_URL;

interface HotspotsJson {
	cells: string[];
	z: number[];
	bin: number[];
	summary?: { hot: number[]; cold: number[] };
	parameters: Record<string, unknown>;
}

interface CellDetailJson {
	cell: string;
	total: number;
	from: string;
	to: string;
	byCategory: { code: string; label: string; n: number }[];
	months: { month: string; n: number | null }[];
}

describe.skipIf(!BASE_URL)('map workspace: layers, slider, side panel (e2e)', () => {
	const base = BASE_URL as string;
	const { browser, opened } = useBrowser();

	async function open(
		path: string,
		viewport: { width: number; height: number } = DESKTOP,
		isMobile = false
	) {
		// Pages need a session: sign in as the demo analyst, then open `path` watching the page.
		const context = await newContext(browser(), viewport, { isMobile });
		const page = await context.newPage();
		await signIn(page, base, 'analyst');
		const o = await watchAndOpen(context, page, base, path);
		opened.push(o);
		return o;
	}

	const lastRequest = (o: OpenedPage, path: string) =>
		[...o.apiRequests].reverse().find((u) => new URL(u).pathname === path);

	async function waitForHotspots(page: Page) {
		// Attached, not visible: on phones the layer panel sits in the closed drawer.
		await page.waitForSelector('[data-testid="hotspots-status"][data-state="ready"]', {
			timeout: 60_000,
			state: 'attached'
		});
		await page.waitForFunction(
			() => Number(document.querySelector('[data-testid="map"]')?.getAttribute('data-hotspots')) > 0
		);
		await waitForMapDrawn(page);
	}

	it('draws the Gi* layer and its legend holds the API numbers per bin', async () => {
		const o = await open('/?layers=hotspots,areas');
		const { page } = o;
		await waitForHotspots(page);
		const drawn = await deckPixels(page);
		expect(drawn.coloured).toBeGreaterThan(2_000);

		const url = lastRequest(o, '/api/analysis/hotspots') as string;
		const q = new URL(url).searchParams;
		expect(q.get('bbox')).toMatch(/^-?[\d.]+,-?[\d.]+,-?[\d.]+,-?[\d.]+$/);
		expect(q.get('k')).toBe('1');
		expect(q.get('fdr')).toBe('true');
		const api = await apiJson<HotspotsJson>(page, url);
		expect(api.cells.length).toBeGreaterThan(0);
		for (const bin of [3, 2, 1, 0, -1, -2, -3]) {
			const expected = api.bin.filter((b) => b === bin).length;
			const shown = await page.locator(`[data-testid="hotspot-legend-${bin}"]`).innerText();
			expect(Number(shown.replace(/[^\d]/g, '')), `bin ${bin}`).toBe(expected);
		}
		// The server's own summary agrees (hot[0] is 90 %, hot[2] is 99 %).
		if (api.summary) {
			expect(api.summary.hot).toEqual([1, 2, 3].map((b) => api.bin.filter((x) => x === b).length));
		}
		// The parameters the server ran with are written out.
		const params = await page.locator('[data-testid="hotspots-parameters"]').innerText();
		expect(params).toContain(`k = ${api.parameters.k}`);
		expect(params).toContain('FDR on');
		expect(params).toContain(`resolution ${api.parameters.res}`);
		await saveScreenshot(page, 'desktop-hotspots');

		// FDR off and k = 2 reach the request and the URL.
		await Promise.all([
			page.waitForResponse((r) => new URL(r.url()).pathname === '/api/analysis/hotspots'),
			page.locator('[data-testid="hotspots-fdr"]').uncheck()
		]);
		await Promise.all([
			page.waitForResponse(
				(r) =>
					new URL(r.url()).pathname === '/api/analysis/hotspots' &&
					new URL(r.url()).searchParams.get('k') === '2'
			),
			page.locator('[data-testid="hotspots-k"]').selectOption('2')
		]);
		expect(
			new URL(lastRequest(o, '/api/analysis/hotspots') as string).searchParams.get('fdr')
		).toBe('false');
		await expect.poll(() => new URL(page.url()).searchParams.get('k')).toBe('2');
		expect(new URL(page.url()).searchParams.get('fdr')).toBe('0');
		expect(unexpectedErrors(o.errors)).toEqual([]);
	});

	it('shows the server refusal of a too-large study area in the panel', async () => {
		// Resolution 10 over a zoomed-out view is far beyond the analysis limit.
		const o = await open('/?c=-0.09,51.51&z=9&res=10&layers=hotspots');
		const { page } = o;
		await waitForMapDrawn(page);
		const status = page.locator('[data-testid="hotspots-status"]');
		await expect.poll(() => status.getAttribute('data-state'), { timeout: 60_000 }).toBe('error');
		const message = await page.locator('[data-testid="hotspots-error"]').innerText();
		expect(message).toMatch(/too large/i);
		expect(message).not.toMatch(/failed \(400\)/);
		await saveScreenshot(page, 'desktop-hotspots-too-large');
	});

	let stepUrl = '';

	it('steps the map with the time slider: requests, pixels, URL, prefetch, playback', async () => {
		const o = await open('/?res=9&time=window&step=month&t=2016-03-01');
		const { page } = o;
		await waitForMapDrawn(page);
		await page.waitForSelector('[data-testid="workspace"][data-step="2016-03-01"]');
		const periods = o.cellRequests.map((u) => {
			const p = new URL(u).searchParams;
			return `${p.get('from')}..${p.get('to')}`;
		});
		expect(periods[0]).toBe('2016-03-01..2016-03-31');
		await expect
			.poll(() => page.locator('[data-testid="time-label"]').innerText())
			.toContain('Mar 2016');
		const marchTotal = await page.locator('[data-testid="legend-total"]').innerText();
		const marchPixels = (await deckPixels(page)).coloured;
		// The next step was fetched ahead.
		await expect
			.poll(() => o.cellRequests.some((u) => new URL(u).searchParams.get('from') === '2016-04-01'))
			.toBe(true);

		// Two steps forward: the map shows April, then May; the URL follows.
		await page.locator('[data-testid="time-next"]').click();
		await page.waitForSelector('[data-testid="workspace"][data-step="2016-04-01"]');
		await waitForMapDrawn(page);
		await expect
			.poll(() => page.locator('[data-testid="legend-total"]').innerText())
			.not.toBe(marchTotal);
		await expect.poll(() => new URL(page.url()).searchParams.get('t')).toBe('2016-04-01');
		const aprilPixels = (await deckPixels(page)).coloured;
		expect(aprilPixels).toBeGreaterThan(0);
		expect(aprilPixels).not.toBe(marchPixels);
		await saveScreenshot(page, 'desktop-slider-window');

		// Cumulative: everything from the period's start to the end of the step.
		await Promise.all([
			page.waitForResponse(
				(r) =>
					new URL(r.url()).pathname === '/api/cells' &&
					new URL(r.url()).searchParams.get('from') === '2016-01-01' &&
					new URL(r.url()).searchParams.get('to') === '2016-04-30'
			),
			page.locator('[data-testid="time-mode-cumulative"]').check({ force: true })
		]);
		await waitForMapDrawn(page);
		expect((await deckPixels(page)).coloured).toBeGreaterThan(aprilPixels);
		await expect.poll(() => new URL(page.url()).searchParams.get('time')).toBe('cumulative');

		// Playback moves on by itself, one step at a time, and pauses.
		await page.locator('[data-testid="time-speed"]').selectOption({ label: '4×' });
		await page.locator('[data-testid="time-play"]').click();
		// At 4× a step lasts 250 ms, shorter than a software-rendered frame: wait for playback to have
		// passed June rather than for the moment it shows June.
		await page.waitForFunction(
			() =>
				(document.querySelector('[data-testid="workspace"]')?.getAttribute('data-step') ?? '') >=
				'2016-06-01',
			undefined,
			{ timeout: 30_000 }
		);
		await page.locator('[data-testid="time-play"]').click();
		expect(await page.locator('[data-testid="time-play"]').getAttribute('aria-pressed')).toBe(
			'false'
		);
		await waitForMapDrawn(page);
		const stepped = o.cellRequests
			.map((u) => new URL(u).searchParams)
			.filter((p) => p.get('from') === '2016-01-01')
			.map((p) => p.get('to'));
		expect(stepped).toContain('2016-05-31');
		stepUrl = page.url();
		expect(unexpectedErrors(o.errors)).toEqual([]);
	});

	it('restores layers, slider, area and Gi* parameters from the URL', async () => {
		expect(stepUrl).not.toBe('');
		const areas = await apiJson<{ features: { properties: { id: number; kind: string } }[] }>(
			(await open('/?layers=-')).page,
			`${base}/api/areas?kind=lsoa`
		);
		const area = areas.features[0].properties.id;
		const saved = new URL(stepUrl);
		saved.searchParams.set('layers', 'hotspots,areas');
		saved.searchParams.set('areas', 'lsoa');
		saved.searchParams.set('area', String(area));
		saved.searchParams.set('k', '2');
		saved.searchParams.set('fdr', '0');
		const o = await open(`${saved.pathname}${saved.search}`);
		const { page } = o;
		await waitForMapDrawn(page);
		await page.waitForSelector('[data-testid="hotspots-status"]:not([data-state="loading"])', {
			state: 'attached'
		});
		expect(await page.locator('[data-testid="layer-hotspots"]').isChecked()).toBe(true);
		expect(await page.locator('[data-testid="layer-areas"]').isChecked()).toBe(true);
		expect(await page.locator('[data-testid="hotspots-fdr"]').isChecked()).toBe(false);
		expect(await page.locator('[data-testid="hotspots-k"]').inputValue()).toBe('2');
		expect(await page.locator('[data-testid="filter-area"]').inputValue()).toBe(String(area));
		expect(await page.locator('[data-testid="time-mode-cumulative"]').isChecked()).toBe(true);
		const t = saved.searchParams.get('t') as string;
		await page.waitForSelector(`[data-testid="workspace"][data-step="${t}"]`);
		const cellsQ = new URL(o.cellRequests.at(-1) as string).searchParams;
		expect(cellsQ.get('area')).toBe(String(area));
		expect(cellsQ.get('from')).toBe('2016-01-01');
		const hot = new URL(lastRequest(o, '/api/analysis/hotspots') as string).searchParams;
		expect([hot.get('area'), hot.get('k'), hot.get('fdr'), hot.get('bbox')]).toEqual([
			String(area),
			'2',
			'false',
			null
		]);
		for (const key of ['layers', 'time', 'step', 't', 'area', 'k', 'fdr']) {
			expect(new URL(page.url()).searchParams.get(key), key).toBe(saved.searchParams.get(key));
		}
		await saveScreenshot(page, 'desktop-restored-area');
	});

	it('opens a side panel on click whose numbers are the API answers', async () => {
		const o = await open('/?res=9&layers=hotspots');
		const { page } = o;
		await waitForHotspots(page);
		// Click the hottest visible cell: find where it is drawn by hovering the drawn spots.
		const spots = (await deckPixels(page)).inside;
		expect(spots.length).toBeGreaterThan(0);
		const tooltip = page.locator('[data-testid="cell-tooltip"]');
		let spot = spots[0];
		for (const s of spots.slice(0, 60)) {
			await page.mouse.move(s.x, s.y);
			if ((await tooltip.count()) && (await tooltip.getAttribute('data-count')) !== '') {
				spot = s;
				break;
			}
		}
		await page.mouse.click(spot.x, spot.y);
		const panel = page.locator('[data-testid="cell-panel"]');
		await panel.waitFor();
		const cell = (await panel.getAttribute('data-cell')) as string;
		await expect.poll(() => new URL(page.url()).searchParams.get('cell')).toBe(cell);
		await page.locator('[data-testid="cell-panel-total"]').waitFor();

		const detailUrl = lastRequest(o, `/api/cell/${cell}`) as string;
		const detail = await apiJson<CellDetailJson>(page, detailUrl);
		const total = await page.locator('[data-testid="cell-panel-total"]').innerText();
		expect(Number(total.replace(/[^\d]/g, ''))).toBe(detail.total);
		const rows = await page
			.locator('[data-testid="cell-panel-categories"] tr')
			.evaluateAll((trs) =>
				trs.map((tr) => [
					tr.getAttribute('data-code'),
					Number((tr.querySelector('.n')?.textContent ?? '').replace(/[^\d]/g, ''))
				])
			);
		expect(rows).toEqual(detail.byCategory.map((c) => [c.code, c.n]));
		// The panel agrees with the map's own count for the cell.
		const cellsAnswer = await apiJson<{ cells: string[]; counts: number[] }>(
			page,
			(() => {
				const u = new URL(o.cellRequests.at(-1) as string);
				u.searchParams.delete('format');
				return u.toString();
			})()
		);
		expect(detail.total).toBe(cellsAnswer.counts[cellsAnswer.cells.indexOf(cell)]);
		// Gi* z and bin as the hot-spot answer has them.
		const hot = await apiJson<HotspotsJson>(
			page,
			lastRequest(o, '/api/analysis/hotspots') as string
		);
		const i = hot.cells.indexOf(cell);
		if (i >= 0) {
			const z = await page.locator('[data-testid="cell-panel-z"]').innerText();
			expect(Number(z)).toBeCloseTo(hot.z[i], 2);
		}
		// The sparkline has a text alternative.
		const label = await page.locator('[data-testid="sparkline"] svg').getAttribute('aria-label');
		expect(label).toMatch(/highest \d+ in/);
		// The incident list says why it is not shown, or shows records; it never shows an error.
		const incidents = page.locator('[data-testid="cell-panel-incidents"]');
		await expect.poll(() => incidents.getAttribute('data-state')).not.toBe('loading');
		expect(await incidents.getAttribute('data-state')).not.toBe('error');
		await page.mouse.move(5, 300);
		await saveScreenshot(page, 'desktop-cell-panel');

		// Escape closes it and the URL forgets the cell.
		await page.keyboard.press('Escape');
		await expect.poll(() => panel.count()).toBe(0);
		expect(new URL(page.url()).searchParams.get('cell')).toBeNull();
		expect(unexpectedErrors(o.errors)).toEqual([]);
	});

	it('offers CSV downloads of a clicked area that match the map and follow its filters', async () => {
		const o = await open('/?layers=areas&areas=lsoa&res=9&categories=burglary');
		const { page } = o;
		await page.waitForSelector('[data-testid="map"][data-map-idle="true"]', { timeout: 60_000 });
		await expect
			.poll(() => o.apiRequests.some((u) => u.includes('/api/areas?kind=lsoa')), {
				timeout: 60_000
			})
			.toBe(true);
		const box = (await page.locator('[data-testid="map"]').boundingBox())!;
		await page.waitForTimeout(500);
		await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
		const panel = page.locator('[data-testid="area-panel"]');
		await panel.waitFor({ timeout: 30_000 });
		await page.locator('[data-testid="area-panel-total"]').waitFor({ timeout: 60_000 });
		const shownTotal = Number(
			(await page.locator('[data-testid="area-panel-total"]').innerText()).replace(/[^\d]/g, '')
		);

		const href = async (id: string) =>
			new URL((await page.locator(`[data-testid="${id}"]`).getAttribute('href'))!, base);
		const incidents = await href('area-export-incidents');
		const cells = await href('area-export-cells');
		const publicCells = await href('area-export-cells-public');
		const area = incidents.searchParams.get('area');
		expect(area).toMatch(/^\d+$/);
		for (const u of [incidents, cells, publicCells]) {
			expect(u.searchParams.get('categories')).toBe('burglary');
			expect(u.searchParams.get('area')).toBe(area);
		}
		expect([cells.searchParams.get('res'), cells.searchParams.get('audience')]).toEqual([
			'9',
			'internal'
		]);
		expect(publicCells.searchParams.get('audience')).toBe('public');

		const withheld: number[] = [];
		const download = async (u: URL) => {
			const res = await page.context().request.get(u.toString());
			expect(res.status(), u.toString()).toBe(200);
			expect(res.headers()['content-type']).toMatch(/^text\/csv/);
			withheld.push(Number(res.headers()['x-beatwise-withheld'] ?? 'NaN'));
			return res.text();
		};
		const rows = (csv: string) =>
			csv
				.replace(/^\uFEFF/, '')
				.trim()
				.split(/\r?\n/);
		// Exact cell counts sum to the panel's total; the incident file has one line per incident.
		const exact = rows(await download(cells));
		const nIndex = exact[0].split(',').indexOf('incidents');
		expect(nIndex).toBeGreaterThanOrEqual(0);
		const sum = exact.slice(1).reduce((a, line) => a + Number(line.split(',')[nIndex]), 0);
		expect(sum).toBe(shownTotal);
		// Incident records are those located inside the boundary (the map and the cell counts take
		// edge cells whole), so no more than the panel's total, and every one inside the polygon.
		const records = parse(await download(incidents), { columns: true, bom: true }) as Record<
			string,
			string
		>[];
		expect(records.length + withheld[1]).toBeLessThanOrEqual(shownTotal);
		expect(records.length).toBeGreaterThan(0);
		const areas = await apiJson<{
			features: {
				properties: { id: number };
				geometry: Parameters<typeof booleanPointInPolygon>[1];
			}[];
		}>(page, `${base}/api/areas?kind=lsoa`);
		const polygon = areas.features.find((f) => String(f.properties.id) === area)!.geometry;
		for (const r of records)
			expect(
				booleanPointInPolygon([Number(r.longitude), Number(r.latitude)], polygon),
				JSON.stringify(r)
			).toBe(true);
		// For publication, no count from 1 to 4 is printed.
		const pub = rows(await download(publicCells));
		const pIndex = pub[0].split(',').indexOf('incidents');
		const printed = pub.slice(1).map((line) => line.split(',')[pIndex]);
		expect(printed.length).toBeLessThanOrEqual(exact.length - 1);
		expect(printed.filter((v) => /^[1-4]$/.test(v))).toEqual([]);
		await saveScreenshot(page, 'desktop-area-panel');
		expect(unexpectedErrors(o.errors)).toEqual([]);
	});

	it('works at phone width: slider, legend, side panel', async () => {
		const o = await open('/?layers=hotspots&time=window&step=month&t=2016-03-01', PHONE, true);
		const { page } = o;
		await waitForHotspots(page);
		expect((await deckPixels(page)).coloured).toBeGreaterThan(500);
		await expect.poll(() => page.locator('[data-testid="time-slider"]').isVisible()).toBe(true);
		await saveScreenshot(page, 'phone-hotspots-slider');
		const spots = (await deckPixels(page)).inside;
		const spot = spots[Math.floor(spots.length / 3)];
		await page.mouse.click(spot.x, spot.y);
		await page.locator('[data-testid="cell-panel-total"]').waitFor();
		await page.waitForTimeout(200);
		await saveScreenshot(page, 'phone-cell-panel');
	});

	it('keeps every control reachable by keyboard with a visible focus ring', async () => {
		const o = await open('/?time=window&step=month&t=2016-03-01');
		const { page } = o;
		await waitForMapDrawn(page);
		await page.locator('[data-testid="time-next"]').focus();
		await page.keyboard.press('Enter');
		await page.waitForSelector('[data-testid="workspace"][data-step="2016-04-01"]');
		await page.keyboard.press('Tab');
		const outline = await page.evaluate(() => {
			const el = document.activeElement as HTMLElement;
			return { testid: el.dataset.testid, style: getComputedStyle(el).outlineStyle };
		});
		expect(outline.testid).toBe('time-range');
		expect(outline.style).not.toBe('none');
		await page.keyboard.press('ArrowRight');
		await page.waitForSelector('[data-testid="workspace"][data-step="2016-05-01"]');
		await saveScreenshot(page, 'desktop-slider-focus');
	});
});
