/**
 * The map workspace in Chromium against a running server with data (BEATWISE_E2E_URL, e.g. the one the
 * global setup starts with the demo data): hexagons drawn in pixels, the tooltip's number equals the
 * API's, filters change the request and the picture, the URL restores the view, and screenshots at
 * desktop and phone widths land in test-output/e2e.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
	cellsAnswerAsJson,
	deckPixels,
	DESKTOP,
	openPage,
	PHONE,
	saveScreenshot,
	useBrowser,
	waitForMapDrawn
} from './harness';
import { sessionCookie, signIn } from './auth';

const BASE_URL = process.env.BEATWISE_E2E_URL;

if (!BASE_URL) {
	console.warn(
		'[e2e] BEATWISE_E2E_URL is not set: skipping the map end-to-end test. Start a server with data ' +
			'(e.g. `node build`) and run `BEATWISE_E2E_URL=http://localhost:3000 npx vitest run tests/e2e`.'
	);
}

/** A City of London view at resolution 9 holds a few hundred hexagons: far more pixels than this. */
const MIN_DRAWN_PIXELS = 2_000;

describe.skipIf(!BASE_URL)('map workspace (e2e)', () => {
	const base = BASE_URL as string;
	const { browser, opened } = useBrowser();

	async function open(
		path: string,
		viewport: { width: number; height: number } = DESKTOP,
		isMobile = false
	) {
		// Pages need a session: open the sign-in form, sign in as the demo analyst, land on `path`.
		const o = await openPage(browser(), base, '/login', viewport, { isMobile });
		await signIn(o.page, base, 'analyst', { next: path });
		opened.push(o);
		return o;
	}

	// The API answers signed-in requests only: the harness's plain fetch calls carry the analyst's cookie.
	const plainFetch = globalThis.fetch;

	beforeAll(async () => {
		const cookie = await sessionCookie(base, 'analyst');
		globalThis.fetch = (input, init) => {
			const url = input instanceof Request ? input.url : String(input);
			if (!url.startsWith(base)) return plainFetch(input, init);
			const headers = new Headers(init?.headers);
			headers.set('cookie', cookie);
			return plainFetch(input, { ...init, headers });
		};
	});

	afterAll(async () => {
		globalThis.fetch = plainFetch;
	});

	let sharedUrl = '';
	let sharedPixels = 0;
	let sharedRequest = '';
	let chosenCategory = '';

	it('draws hexagons, shows the API count in the tooltip, and follows the category filter', async () => {
		const { page, errors, cellRequests } = await open('/');
		await waitForMapDrawn(page);

		const first = await deckPixels(page);
		expect(first.coloured).toBeGreaterThan(MIN_DRAWN_PIXELS);
		expect(first.inside.length).toBeGreaterThan(0);
		await expect
			.poll(async () =>
				(await page.locator('[data-testid="legend-total"]').innerText()).replace(/\s+/g, ' ')
			)
			.toMatch(/[1-9][\d,]* incidents? in [\d,]+ cells?/);
		await saveScreenshot(page, 'desktop-map');

		// Hover inside a hexagon: the tooltip's cell and count are the API's.
		const answer = await cellsAnswerAsJson(cellRequests.at(-1) as string);
		const countOf = new Map(answer.cells.map((c, i) => [c, answer.counts[i]]));
		const spot = first.inside[Math.floor(first.inside.length / 2)];
		await page.mouse.move(spot.x, spot.y);
		const tooltip = page.locator('[data-testid="cell-tooltip"]');
		await tooltip.waitFor({ state: 'visible', timeout: 10_000 });
		const cell = (await tooltip.getAttribute('data-cell')) as string;
		const shown = Number(await tooltip.getAttribute('data-count'));
		expect(countOf.has(cell)).toBe(true);
		expect(shown).toBe(countOf.get(cell));
		const text = (await page.locator('[data-testid="cell-tooltip-count"]').textContent()) ?? '';
		expect(Number(text.replace(/[^\d]/g, ''))).toBe(countOf.get(cell));
		await saveScreenshot(page, 'desktop-tooltip');
		await page.mouse.move(5, 5);

		// "None": no request, nothing drawn, a message says why.
		const before = cellRequests.length;
		await page.getByRole('button', { name: 'None', exact: true }).click();
		await page.locator('[data-testid="map-no-categories"]').waitFor();
		await expect.poll(async () => (await deckPixels(page)).coloured).toBe(0);
		expect(cellRequests.length).toBe(before);

		// One mid-sized category: a new request naming it, fewer pixels than every category.
		const boxes = page.locator('[data-testid="category-list"] input[type="checkbox"]');
		const codes = await boxes.evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value));
		chosenCategory = codes.includes('burglary') ? 'burglary' : codes[Math.floor(codes.length / 2)];
		const [response] = await Promise.all([
			page.waitForResponse((r) => new URL(r.url()).pathname === '/api/cells'),
			page.locator(`[data-testid="category-list"] input[value="${chosenCategory}"]`).check()
		]);
		expect(new URL(response.url()).searchParams.get('categories')).toBe(chosenCategory);
		await waitForMapDrawn(page);
		const filtered = await deckPixels(page);
		expect(filtered.coloured).toBeGreaterThan(0);
		expect(filtered.coloured).toBeLessThan(first.coloured);

		sharedUrl = page.url();
		sharedPixels = filtered.coloured;
		sharedRequest = cellRequests.at(-1) as string;
		const params = new URL(sharedUrl).searchParams;
		expect(params.get('categories')).toBe(chosenCategory);
		expect(params.get('c')).toMatch(/^-?\d+\.\d+,-?\d+\.\d+$/);
		expect(params.get('z')).toMatch(/^\d+(\.\d+)?$/);
		await saveScreenshot(page, 'desktop-filtered');
		expect(errors.filter((e) => !/basemap/i.test(e))).toEqual([]);
	});

	it('restores the same view, filters and request from the URL', async () => {
		expect(sharedUrl).not.toBe('');
		const { page, cellRequests, errors } = await open(sharedUrl);
		await waitForMapDrawn(page);
		const restored = new URL(page.url()).searchParams;
		const saved = new URL(sharedUrl).searchParams;
		for (const key of ['c', 'z', 'categories']) expect(restored.get(key)).toBe(saved.get(key));
		expect(new URL(cellRequests.at(-1) as string).search).toBe(new URL(sharedRequest).search);
		const checked = await page
			.locator('[data-testid="category-list"] input[type="checkbox"]:checked')
			.evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value));
		expect(checked).toEqual([chosenCategory]);
		const pixels = await deckPixels(page);
		expect(Math.abs(pixels.coloured - sharedPixels) / sharedPixels).toBeLessThan(0.02);
		expect(errors.filter((e) => !/basemap/i.test(e))).toEqual([]);

		// A fixed resolution overrides the zoom, reaches the API and the URL.
		const [fixed] = await Promise.all([
			page.waitForResponse((r) => new URL(r.url()).pathname === '/api/cells'),
			page.locator('[data-testid="filter-res"]').selectOption('7')
		]);
		expect(new URL(fixed.url()).searchParams.get('res')).toBe('7');
		await waitForMapDrawn(page);
		await expect
			.poll(() => page.locator('[data-testid="legend-resolution"]').textContent())
			.toBe('7');
		await expect.poll(() => new URL(page.url()).searchParams.get('res')).toBe('7');
		expect((await deckPixels(page)).coloured).toBeGreaterThan(0);
	});

	it('shows area boundaries when the layer is switched on', async () => {
		const { page } = await open('/');
		await waitForMapDrawn(page);
		const areas = page.locator('[data-testid="layer-areas"]');
		if (await areas.isDisabled()) {
			console.warn(
				'[e2e] no area boundaries imported: the areas layer is disabled, as it should be'
			);
			expect(await areas.isChecked()).toBe(false);
			return;
		}
		const cellsOnly = (await deckPixels(page)).coloured;
		// Boundaries load with the page (the area filter lists them); the layer only shows them.
		await areas.check();
		await expect.poll(() => new URL(page.url()).searchParams.get('layers')).toBe('cells,areas');
		await expect.poll(async () => (await deckPixels(page)).coloured).toBeGreaterThan(cellsOnly);
		await saveScreenshot(page, 'desktop-areas');
	});

	it('works at phone width: hexagons drawn, filters in a drawer', async () => {
		const { page } = await open('/', PHONE, true);
		await waitForMapDrawn(page);
		expect((await deckPixels(page)).coloured).toBeGreaterThan(MIN_DRAWN_PIXELS / 4);
		const panel = page.locator('#filters');
		await expect.poll(() => panel.isVisible()).toBe(false);
		await saveScreenshot(page, 'phone-map');
		const open_ = page.getByRole('button', { name: 'Filters', exact: true });
		await open_.click();
		await expect.poll(() => panel.isVisible()).toBe(true);
		expect(await open_.getAttribute('aria-expanded')).toBe('true');
		await page.waitForTimeout(300);
		await saveScreenshot(page, 'phone-filters');
	});
});
