/**
 * End-to-end harness: headless Chromium (playwright-core, the Debian build at /usr/bin/chromium) against
 * an already running Beatwise server. It starts no server and builds nothing: give it a base URL.
 *
 * What it checks is what a user sees: the map reports idle, deck.gl has drawn frames, and the deck.gl
 * canvas holds coloured pixels (read back from the canvas, not inferred from the DOM).
 */
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll } from 'vitest';

export const CHROMIUM_PATH = process.env.BEATWISE_CHROMIUM ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
	'--headless',
	'--no-sandbox',
	'--disable-gpu',
	'--disable-quic',
	'--no-first-run',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
	'--use-angle=swiftshader',
	'--enable-unsafe-swiftshader'
];

export const OUTPUT_DIR = resolve('test-output/e2e');

export const DESKTOP = { width: 1280, height: 800 } as const;
export const PHONE = { width: 390, height: 844 } as const;

/**
 * Close the pages a test opened and forget them. Run after each test: a map page left open keeps
 * drawing in software WebGL, and a handful of them starve a 2-core machine (sign-ins then time out).
 */
export async function closePages(opened: OpenedPage[]): Promise<void> {
	for (const o of opened.splice(0)) await o.context.close().catch(() => undefined);
}

export async function launchBrowser(): Promise<Browser> {
	return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
}

/**
 * One Chromium for the tests of the enclosing `describe` (launched before them, closed after them) and
 * the pages they open: a test pushes what it opens to `opened`, which is closed after each test
 * (closePages). Call it in the `describe` body; `browser()` is the running browser in tests and hooks.
 */
export function useBrowser(): { browser: () => Browser; opened: OpenedPage[] } {
	let running: Browser | undefined;
	const opened: OpenedPage[] = [];
	beforeAll(async () => {
		running = await launchBrowser();
	});
	afterEach(() => closePages(opened));
	afterAll(async () => {
		await closePages(opened);
		await running?.close();
	});
	return {
		browser: () => {
			if (!running) throw new Error('no browser: useBrowser() launches it before the tests');
			return running;
		},
		opened
	};
}

export interface OpenedPage {
	context: BrowserContext;
	page: Page;
	/** Errors the page logged or threw, for assertions and for debugging a failure. */
	errors: string[];
	/** Every `/api/cells` request the page made, in order (absolute URLs). */
	cellRequests: string[];
	/** Every `/api/…` request the page made, in order (absolute URLs). */
	apiRequests: string[];
}

/** A fresh context (no shared cache or storage) at a viewport size, opened at `path`. */
export async function openPage(
	browser: Browser,
	baseUrl: string,
	path: string,
	viewport: { width: number; height: number } = DESKTOP,
	options: { isMobile?: boolean } = {}
): Promise<OpenedPage> {
	const context = await newContext(browser, viewport, options);
	const page = await context.newPage();
	return watchAndOpen(context, page, baseUrl, path);
}

/** A fresh browser context (no shared cache or storage) at a viewport size. */
export async function newContext(
	browser: Browser,
	viewport: { width: number; height: number } = DESKTOP,
	options: { isMobile?: boolean; timezoneId?: string } = {}
): Promise<BrowserContext> {
	return browser.newContext({
		viewport,
		deviceScaleFactor: 1,
		locale: 'en-GB',
		timezoneId: options.timezoneId ?? 'Europe/London',
		isMobile: options.isMobile ?? false,
		hasTouch: options.isMobile ?? false
	});
}

/**
 * Record a page's errors and API requests, then open `path`: for a page of a context that is already
 * set up (e.g. signed in).
 */
export async function watchAndOpen(
	context: BrowserContext,
	page: Page,
	baseUrl: string,
	path: string
): Promise<OpenedPage> {
	const errors: string[] = [];
	const cellRequests: string[] = [];
	const apiRequests: string[] = [];
	page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
	page.on('console', (m) => {
		if (m.type() === 'error') errors.push(`console: ${m.text()}`);
	});
	page.on('request', (r) => {
		const path = new URL(r.url()).pathname;
		if (path === '/api/cells') cellRequests.push(r.url());
		if (path.startsWith('/api/')) apiRequests.push(r.url());
	});
	await page.goto(new URL(path, baseUrl).toString(), { waitUntil: 'domcontentloaded' });
	return { context, page, errors, cellRequests, apiRequests };
}

/**
 * Wait until the cells answer has arrived, MapLibre is idle and deck.gl has drawn at least one frame
 * since; then give the compositor two animation frames.
 */
export async function waitForMapDrawn(page: Page, timeout = 60_000): Promise<void> {
	await page.waitForSelector('[data-testid="workspace"][data-cells-state="ready"]', { timeout });
	await waitForMapFrame(page, timeout);
}

/**
 * Wait until MapLibre is idle and deck.gl has drawn at least one frame since; then give the compositor
 * two animation frames. For views whose layers do not come from the workspace's cells answer.
 */
export async function waitForMapFrame(page: Page, timeout = 60_000): Promise<void> {
	await page.waitForSelector('[data-testid="map"][data-map-idle="true"]', { timeout });
	await page.waitForFunction(
		() =>
			Number(document.querySelector('[data-testid="map"]')?.getAttribute('data-deck-frames')) > 0,
		undefined,
		{ timeout }
	);
	await page.evaluate(
		() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))
	);
}

export interface DeckPixels {
	/** Pixels of the deck.gl canvas that are not transparent (something drawn there). */
	coloured: number;
	total: number;
	/**
	 * Page coordinates (CSS px) of points well inside drawn shapes (a 9×9 block of clearly drawn pixels
	 * around each), spread over the canvas, where nothing (legend, slider, panel) covers the map: places
	 * to hover and click.
	 */
	inside: { x: number; y: number }[];
}

/**
 * Read the deck.gl canvas back (deck.gl keeps its drawing buffer) and count drawn pixels.
 * The basemap is a separate canvas (`interleaved: false`), so this counts only deck.gl's layers.
 */
export async function deckPixels(page: Page): Promise<DeckPixels> {
	return page.evaluate(() => {
		const canvases = [
			...document.querySelectorAll<HTMLCanvasElement>('[data-testid="map"] canvas')
		];
		const deck = canvases.find((c) => !c.classList.contains('maplibregl-canvas'));
		if (!deck) throw new Error('no deck.gl canvas in the map');
		const { width, height } = deck;
		const copy = document.createElement('canvas');
		copy.width = width;
		copy.height = height;
		const ctx = copy.getContext('2d', { willReadFrequently: true });
		if (!ctx) throw new Error('no 2d context');
		ctx.drawImage(deck, 0, 0);
		const px = ctx.getImageData(0, 0, width, height).data;
		// Cells thin out at street level (fill alpha 200 × opacity 0.55 ≈ 110 at zoom 16): "drawn"
		// is any clearly visible fill, not only an opaque one.
		const opaque = (x: number, y: number) => px[(y * width + x) * 4 + 3] > 90;
		let coloured = 0;
		for (let i = 3; i < px.length; i += 4) if (px[i] > 0) coloured++;
		const rect = deck.getBoundingClientRect();
		const sx = rect.width / width;
		const sy = rect.height / height;
		const inside: { x: number; y: number }[] = [];
		const step = Math.max(6, Math.floor(Math.min(width, height) / 40));
		for (let y = 12; y < height - 12 && inside.length < 200; y += step) {
			for (let x = 12; x < width - 12 && inside.length < 200; x += step) {
				let ok = true;
				for (let dy = -4; dy <= 4 && ok; dy += 2)
					for (let dx = -4; dx <= 4 && ok; dx += 2) ok = opaque(x + dx, y + dy);
				if (!ok) continue;
				const at = { x: rect.left + x * sx, y: rect.top + y * sy };
				const top = document.elementFromPoint(at.x, at.y);
				if (top?.tagName === 'CANVAS' && top.closest('[data-testid="map"]')) inside.push(at);
			}
		}
		return { coloured, total: width * height, inside };
	});
}

/** Save a full-page screenshot under test-output/e2e and return its path. */
export async function saveScreenshot(page: Page, name: string): Promise<string> {
	await mkdir(OUTPUT_DIR, { recursive: true });
	const path = join(OUTPUT_DIR, `${name}.png`);
	await page.screenshot({ path, fullPage: false });
	return path;
}

/** The same question as a cells request of the page, answered as JSON (for comparing numbers). */
export async function cellsAnswerAsJson(
	requestUrl: string
): Promise<{ cells: string[]; counts: number[]; total: number; max: number; resolution: number }> {
	const url = new URL(requestUrl);
	url.searchParams.delete('format');
	const res = await fetch(url);
	if (!res.ok) throw new Error(`${url} answered ${res.status}`);
	return res.json();
}

/** GET an API URL as JSON through the page's context (its cookies: signed in as the page is). */
export async function apiJson<T = unknown>(page: Page, url: string): Promise<T> {
	const res = await page.context().request.get(url);
	if (!res.ok()) throw new Error(`${url} answered ${res.status()}: ${await res.text()}`);
	return (await res.json()) as T;
}

/** Console noise a test may ignore: basemap tiles, and API refusals the page explains itself. */
export function unexpectedErrors(errors: string[]): string[] {
	return errors.filter((e) => !/basemap|Failed to load resource/i.test(e));
}

/** Press Tab until the focused element matches `selector`; fail naming what Tab went through. */
export async function tabTo(page: Page, selector: string, max = 80): Promise<void> {
	const seen: string[] = [];
	for (let i = 0; i < max; i++) {
		await page.keyboard.press('Tab');
		const here = await page.evaluate((sel) => {
			const a = document.activeElement as HTMLElement | null;
			return {
				match: Boolean(a?.matches(sel)),
				what: a
					? `${a.tagName.toLowerCase()}${a.id ? '#' + a.id : ''}[${(a.getAttribute('aria-label') ?? a.textContent ?? '').trim().slice(0, 30)}]`
					: 'nothing'
			};
		}, selector);
		if (here.match) return;
		seen.push(here.what);
	}
	throw new Error(`Tab never reached ${selector}; it went through: ${seen.join(' → ')}`);
}
