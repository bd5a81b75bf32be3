/**
 * WCAG 2.2 AA in Chromium against the demo server:
 *
 * - axe-core (the npm package, injected into each page) finds no violation of the wcag2a, wcag2aa,
 *   wcag21a, wcag21aa and wcag22aa rules on every page each role can open (its header links), signed
 *   out (sign-in page, an error page), and in the states a page changes into (trends tabs, a cell's
 *   side panel, the filter drawer on a phone), at 1280 px and at 390 px;
 * - phones: no page scrolls sideways at 390 or 320 px, and the header keeps the user's name, Sign out
 *   and every view's label whole and on screen;
 * - keyboard only: on the map the arrow keys move a highlighted cell, its tooltip shows, Enter opens its
 *   panel and Escape returns to the map; the time slider plays; each view (neighbourhood, trends,
 *   supervisor, admin, account) does its job without a mouse.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { sessionCookie, signIn, type DemoRole } from './auth';
import {
	apiJson,
	closePages,
	DESKTOP,
	launchBrowser,
	newContext,
	PHONE,
	tabTo,
	waitForMapDrawn,
	waitForMapFrame,
	watchAndOpen,
	type OpenedPage
} from './harness';

const BASE_URL = process.env.BEATWISE_E2E_URL;
const AXE_SOURCE = readFileSync(
	createRequire(import.meta.url).resolve('axe-core/axe.min.js'),
	'utf8'
);
const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
const ROLES: DemoRole[] = [
	'admin',
	'analyst',
	'supervisor',
	'officer',
	'community',
	'planner',
	'viewer'
];

interface AxeFinding {
	id: string;
	impact: string | null;
	help: string;
	targets: string[];
}

/** Run axe-core over the page as it is now; the findings, each with the elements it named. */
async function axeFindings(page: Page): Promise<AxeFinding[]> {
	// Evaluated through the DevTools protocol: the page's CSP (no inline scripts) does not apply.
	if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE);
	return page.evaluate(async (tags) => {
		const axe = (
			window as unknown as {
				axe: {
					run: (
						ctx: Document,
						o: object
					) => Promise<{
						violations: {
							id: string;
							impact: string | null;
							help: string;
							nodes: { target: string[]; failureSummary?: string }[];
						}[];
					}>;
				};
			}
		).axe;
		const r = await axe.run(document, { runOnly: { type: 'tag', values: tags } });
		return r.violations.map((v) => ({
			id: v.id,
			impact: v.impact,
			help: v.help,
			targets: v.nodes.map((n) => `${n.target.join(' ')} — ${n.failureSummary ?? ''}`)
		}));
	}, WCAG_TAGS);
}

/** Wait until what the page shows has settled: views not loading, the map idle and drawn. */
async function settled(page: Page): Promise<void> {
	await page.waitForLoadState('load');
	await page.waitForFunction(
		() => {
			const view = document.querySelector('[data-testid$="-view"]');
			const ws = document.querySelector('[data-testid="workspace"]');
			return (
				!/loading/.test(view?.getAttribute('data-state') ?? '') &&
				!/loading|idle/.test(ws?.getAttribute('data-cells-state') ?? '') &&
				!document.querySelector('[role="status"] .spinner')
			);
		},
		undefined,
		{ timeout: 120_000 }
	);
	if (await page.locator('[data-testid="map"]').count()) await waitForMapFrame(page, 120_000);
}

/** How far the page reaches past the right edge of the screen (0: no sideways scrolling). */
async function overflow(page: Page): Promise<number> {
	return page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
}

/** The JSON form of a cells request the page made (the page asks for the binary one). */
function asJson(url: string): string {
	const u = new URL(url);
	u.searchParams.delete('format');
	return u.toString();
}

const focused = (page: Page, selector: string) =>
	page.evaluate((sel) => Boolean(document.activeElement?.matches(sel)), selector);

describe.skipIf(!BASE_URL)('accessibility: WCAG 2.2 AA, phones, keyboard (e2e)', () => {
	const base = BASE_URL as string;
	let browser: Browser;
	const opened: OpenedPage[] = [];
	const sessions = new Map<DemoRole, Awaited<ReturnType<BrowserContext['cookies']>>>();

	/** A fresh context signed in as `role` (each role signs in once: sign-in is rate limited). */
	async function open(
		role: DemoRole | null,
		path: string,
		viewport: { width: number; height: number } = DESKTOP
	): Promise<OpenedPage> {
		const isMobile = viewport.width < 700;
		const context = await newContext(browser, viewport, { isMobile });
		const page = await context.newPage();
		if (role) {
			const cookies = sessions.get(role);
			if (cookies) await context.addCookies(cookies);
			else {
				await signIn(page, base, role);
				sessions.set(role, await context.cookies());
			}
		}
		const o = await watchAndOpen(context, page, base, path);
		opened.push(o);
		return o;
	}

	/** The pages a role reaches from the header (views and account links), the map first. */
	async function pagesOf(page: Page): Promise<string[]> {
		await page.waitForSelector('[data-testid="user-menu"] a[href="/account"]');
		const hrefs = await page.evaluate(() =>
			[...document.querySelectorAll<HTMLAnchorElement>('header nav a')].map(
				(a) => new URL(a.href).pathname
			)
		);
		const paths = new Set(['/', ...hrefs]);
		// The admin page links the audit log beside the user list.
		if (paths.has('/admin/users')) paths.add('/admin/audit');
		// The review queue links cross-checking.
		if (paths.has('/review')) paths.add('/cross-check');
		return [...paths];
	}

	beforeAll(async () => {
		browser = await launchBrowser();
	});

	afterEach(() => closePages(opened));

	afterAll(async () => {
		await closePages(opened);
		await browser?.close();
	});

	it.each(ROLES)(
		'%s: every page it can open has no axe violation and no sideways scrolling, at 1280 and 390 px',
		async (role) => {
			const first = await open(role, '/');
			const paths = await pagesOf(first.page);
			// Every role has the map and its own account page at least.
			expect(paths).toEqual(expect.arrayContaining(['/', '/account']));
			// Analysts and admins reach the import page (upload, proposal, dry run) from the header.
			if (role === 'analyst' || role === 'admin') expect(paths).toContain('/import');
			const problems: string[] = [];
			for (const viewport of [DESKTOP, PHONE]) {
				for (const path of paths) {
					const { page } = await open(role, path, viewport);
					await settled(page);
					for (const f of await axeFindings(page))
						problems.push(
							`${viewport.width}px ${path}: ${f.id} (${f.impact}) ${f.help}\n    ${f.targets.join('\n    ')}`
						);
					const wider = await overflow(page);
					if (wider > 0)
						problems.push(`${viewport.width}px ${path}: ${wider} px wider than the screen`);
					await closePages(opened);
				}
			}
			expect(problems).toEqual([]);
		},
		600_000
	);

	it('page states beyond the first view: a product, trends tabs, a cell panel, the filter drawer, sign-in, an error', async () => {
		const problems: string[] = [];
		const check = async (label: string, page: Page) => {
			await settled(page);
			for (const f of await axeFindings(page))
				problems.push(`${label}: ${f.id} (${f.impact}) ${f.help}\n    ${f.targets.join('\n    ')}`);
			const wider = await overflow(page);
			if (wider > 0) problems.push(`${label}: ${wider} px wider than the screen`);
		};
		// A product page: an analyst's intelligence memo of the City (drafted here: the map picture is
		// drawn by Chromium on the server, which takes a while).
		const draft = await fetch(`${base}/products?/assessment`, {
			method: 'POST',
			redirect: 'manual',
			headers: {
				cookie: await sessionCookie(base, 'analyst'),
				origin: base,
				// A browser's form post: without it SvelteKit answers the action as JSON (200).
				accept: 'text/html',
				'content-type': 'application/x-www-form-urlencoded'
			},
			body: new URLSearchParams({
				type: 'intelligence-memo',
				area: 'borough:E09000001',
				from: '2017-01-01',
				to: '2017-06-30',
				handlingCode: 'P'
			})
		});
		const productPath = draft.headers.get('location') ?? '';
		expect(productPath, `drafting answered ${draft.status}`).toMatch(/^\/products\/\d+$/);
		for (const viewport of [DESKTOP, PHONE]) {
			const w = `${viewport.width}px`;
			const product = await open('analyst', productPath, viewport);
			await product.page.waitForSelector('article.product');
			await check(`${w} ${productPath}`, product.page);
			for (const tab of ['emerging', 'multiples']) {
				const { page } = await open('analyst', `/trends?tab=${tab}`, viewport);
				await page.waitForSelector(`[data-testid="trends-view"][data-state^="${tab}:ready"]`, {
					timeout: 120_000
				});
				await check(`${w} /trends?tab=${tab}`, page);
			}
			const ws = await open('analyst', '/?layers=cells,hotspots', viewport);
			await waitForMapDrawn(ws.page, 120_000);
			const cells = await apiJson<{ cells: string[] }>(ws.page, asJson(ws.cellRequests.at(-1)!));
			const cellView = await open('analyst', `/?cell=${cells.cells[0]}`, viewport);
			await cellView.page.waitForSelector('[data-testid="cell-panel-total"]', { timeout: 60_000 });
			await check(`${w} / with a cell panel`, cellView.page);
			await check(`${w} / with hot spots`, ws.page);
			if (viewport === PHONE) {
				await ws.page.click('button.open-filters');
				await ws.page.waitForSelector('.panel-open');
				await check(`${w} / filter drawer open`, ws.page);
			}
			// Tasking pages not in the header: the reports (the board and the phone view are, per role).
			const reports = await open('supervisor', '/tasking/reports', viewport);
			await reports.page.waitForSelector('[data-testid="tasking-reports"]');
			await check(`${w} /tasking/reports`, reports.page);
			const login = await open(null, '/login', viewport);
			await check(`${w} /login`, login.page);
			const missing = await open('viewer', '/no-such-page', viewport);
			await check(`${w} error page`, missing.page);
			await closePages(opened);
		}
		expect(problems).toEqual([]);
	}, 600_000);

	it('alerts and problems beyond the header links: subscriptions, a problem’s page with a response', async () => {
		const problems: string[] = [];
		const check = async (label: string, page: Page) => {
			await settled(page);
			for (const f of await axeFindings(page))
				problems.push(`${label}: ${f.id} (${f.impact}) ${f.help}\n    ${f.targets.join('\n    ')}`);
			const wider = await overflow(page);
			if (wider > 0) problems.push(`${label}: ${wider} px wider than the screen`);
		};
		// A problem with a response, made through the pages (the demo holds none).
		const made = await open('analyst', '/problems');
		await made.page.waitForSelector('form[aria-label="New problem"]');
		await made.page.fill('input[name="title"]', 'Accessibility check: shop theft at Bank');
		await made.page.click('form[aria-label="New problem"] button[type="submit"]');
		await made.page.waitForURL(/\/problems\/\d+$/);
		const problemPath = new URL(made.page.url()).pathname;
		await made.page.fill('input[name="description"]', 'Patrols at closing time');
		await made.page.fill('input[name="started"]', '2020-01-06');
		await made.page.click('form[aria-label="Add a response"] button[type="submit"]');
		await made.page.waitForSelector(
			'#responses ~ table, section[aria-labelledby="responses"] table'
		);
		for (const viewport of [DESKTOP, PHONE]) {
			const w = `${viewport.width}px`;
			for (const path of ['/alerts/subscriptions', problemPath]) {
				const { page } = await open('analyst', path, viewport);
				await check(`${w} ${path}`, page);
			}
			await closePages(opened);
		}
		expect(problems).toEqual([]);
	}, 600_000);

	it('phones: at 390 and 320 px no page scrolls sideways, and the header keeps the name, Sign out and every view label whole on screen', async () => {
		for (const width of [390, 320]) {
			for (const role of ['admin', 'analyst'] as DemoRole[]) {
				const paths = ['/', '/neighbourhood', '/trends', '/road-safety', '/supervisor', '/account'];
				if (role === 'admin') paths.push('/admin/users', '/admin/audit');
				for (const path of paths) {
					const { page } = await open(role, path, { width, height: 800 });
					await page.waitForSelector('[data-testid="user-menu"]');
					expect(await overflow(page), `${role} ${path} at ${width}px`).toBe(0);
					const boxes = await page.evaluate(() =>
						[...document.querySelectorAll<HTMLElement>('header a, header button')].map((el) => {
							const r = el.getBoundingClientRect();
							return {
								text: el.textContent?.trim() ?? '',
								left: r.left,
								right: r.right,
								cut: el.scrollWidth > el.clientWidth + 1
							};
						})
					);
					for (const b of boxes) {
						expect(b.left, `${b.text} at ${width}px`).toBeGreaterThanOrEqual(0);
						expect(b.right, `${b.text} at ${width}px`).toBeLessThanOrEqual(width);
						expect(b.cut, `${b.text} cut at ${width}px`).toBe(false);
					}
					const texts = boxes.map((b) => b.text);
					expect(texts).toContain('Sign out');
					expect(texts.some((t) => /^Demo /.test(t))).toBe(true);
					if (role === 'analyst')
						expect(texts).toEqual(
							expect.arrayContaining(['Map', 'Neighbourhood', 'Trends', 'Supervisor'])
						);
					await closePages(opened);
				}
			}
		}
	}, 600_000);

	it('keyboard: the map reaches a cell’s tooltip and panel, and back', async () => {
		const { page, cellRequests } = await open('analyst', '/');
		await waitForMapDrawn(page, 120_000);
		const answer = await apiJson<{ cells: string[]; counts: number[] }>(
			page,
			asJson(cellRequests.at(-1)!)
		);
		const countOf = new Map(answer.cells.map((c, i) => [c, answer.counts[i]]));

		// One tab stop for the map: MapLibre's canvas (deck.gl's is out of the tab order).
		await tabTo(page, '[data-testid="map"] canvas.maplibregl-canvas');
		expect(
			await page
				.locator('[data-testid="map"] canvas:not(.maplibregl-canvas)')
				.getAttribute('tabindex')
		).toBe('-1');
		const map = page.locator('[data-testid="map"]');
		await expect.poll(() => map.getAttribute('data-cursor')).not.toBe('');
		const start = (await map.getAttribute('data-cursor'))!;
		const tooltip = page.locator('[data-testid="cell-tooltip"]');
		expect(await tooltip.getAttribute('data-cell')).toBe(start);

		await page.keyboard.press('ArrowRight');
		await expect.poll(() => map.getAttribute('data-cursor')).not.toBe(start);
		await page.keyboard.press('ArrowDown');
		await page.keyboard.press('ArrowDown');
		const cell = (await map.getAttribute('data-cursor'))!;
		expect(cell).not.toBe(start);
		// The tooltip is the pointer's, for the highlighted cell, with the API's count.
		await expect.poll(() => tooltip.getAttribute('data-cell')).toBe(cell);
		expect(await tooltip.getAttribute('data-count')).toBe(String(countOf.get(cell) ?? ''));
		await expect
			.poll(() => page.locator('[data-testid="map-cursor-status"]').innerText())
			.toContain(cell);

		// Enter opens the panel and moves into it; Escape closes it and returns to the map.
		await page.keyboard.press('Enter');
		await page.waitForSelector(`[data-testid="cell-panel"][data-cell="${cell}"]`);
		await page.waitForSelector('[data-testid="cell-panel-total"]', { timeout: 60_000 });
		expect(await focused(page, '[data-testid="cell-panel"] button')).toBe(true);
		expect(new URL(page.url()).searchParams.get('cell')).toBe(cell);
		await page.keyboard.press('Escape');
		await expect.poll(() => page.locator('[data-testid="cell-panel"]').count()).toBe(0);
		expect(await focused(page, '[data-testid="map"] canvas.maplibregl-canvas')).toBe(true);
		// Space opens it too.
		await page.keyboard.press(' ');
		await page.waitForSelector(`[data-testid="cell-panel"][data-cell="${cell}"]`);
	});

	it('keyboard: the time slider switches to steps and plays', async () => {
		const { page } = await open('analyst', '/');
		await waitForMapDrawn(page, 120_000);
		await tabTo(page, '[data-testid="time-mode-off"]');
		await page.keyboard.press('ArrowRight');
		await page.waitForSelector('[data-testid="time-play"]');
		expect(await page.locator('[data-testid="time-mode-window"]').isChecked()).toBe(true);
		const first = await page.locator('[data-testid="time-label"] strong').innerText();
		await tabTo(page, '[data-testid="time-play"]');
		await page.keyboard.press('Enter');
		expect(await page.locator('[data-testid="time-play"]').getAttribute('aria-pressed')).toBe(
			'true'
		);
		await expect
			.poll(() => page.locator('[data-testid="time-label"] strong').innerText(), {
				timeout: 60_000
			})
			.not.toBe(first);
		await page.keyboard.press('Enter');
		expect(await page.locator('[data-testid="time-play"]').getAttribute('aria-pressed')).toBe(
			'false'
		);
		// The step range answers the arrow keys.
		const paused = await page.locator('[data-testid="time-label"] strong').innerText();
		await tabTo(page, '[data-testid="time-range"]');
		await page.keyboard.press('ArrowRight');
		await expect
			.poll(() => page.locator('[data-testid="time-label"] strong').innerText())
			.not.toBe(paused);
	});

	it('keyboard: the neighbourhood view chooses an area and reaches its findings', async () => {
		const { page } = await open('analyst', '/neighbourhood');
		await page.waitForSelector('[data-testid="view-empty"]');
		await tabTo(page, '#neighbourhood-area');
		await expect
			.poll(
				async () => {
					await page.keyboard.press('Control+A');
					await page.keyboard.type('E01000001');
					return page
						.locator('#neighbourhood-area-list [role="option"]', { hasText: 'E01000001' })
						.count();
				},
				{ timeout: 60_000 }
			)
			.toBe(1);
		await page.keyboard.press('Enter');
		await page.waitForSelector('[data-testid="neighbourhood-view"][data-state^="ready:"]', {
			timeout: 90_000
		});
		await tabTo(page, '[data-testid="briefing-month"]');
	});

	it('keyboard: the trends tabs switch maps and the small multiples scroll', async () => {
		const { page } = await open('analyst', '/trends');
		await page.waitForSelector('[data-testid="trends-view"][data-state^="change:ready"]', {
			timeout: 120_000
		});
		await tabTo(page, '[data-testid="tab-multiples"]');
		await page.keyboard.press('Enter');
		await page.waitForSelector('[data-testid="multiple-panel"]', { timeout: 90_000 });
		await tabTo(page, '.multiples-overlay');
		const scroller = page.locator('.multiples-overlay');
		const before = await scroller.evaluate((el) => el.scrollTop);
		await page.keyboard.press('PageDown');
		const canScroll = await scroller.evaluate((el) => el.scrollHeight > el.clientHeight);
		if (canScroll)
			await expect.poll(() => scroller.evaluate((el) => el.scrollTop)).toBeGreaterThan(before);
		expect(await page.locator('[data-testid="tab-multiples"]').getAttribute('aria-selected')).toBe(
			'true'
		);
		expect(new URL(page.url()).searchParams.get('tab')).toBe('multiples');
		await page.keyboard.press('Shift+Tab');
		await tabTo(page, '[data-testid="tab-emerging"]');
		await page.keyboard.press('Enter');
		await page.waitForSelector('[data-testid="trends-view"][data-state^="emerging:ready"]', {
			timeout: 120_000
		});
		expect(new URL(page.url()).searchParams.get('tab')).toBe('emerging');
	});

	it('keyboard: the supervisor ranks cells for an area and selects one from the list and the map', async () => {
		const { page } = await open('analyst', '/supervisor?kind=borough&area=borough:E09000001');
		await page.waitForSelector('[data-testid="supervisor-view"][data-state^="ready:"]', {
			timeout: 120_000
		});
		await tabTo(page, '[data-testid="risk-list"] button');
		await page.keyboard.press('Enter');
		await expect
			.poll(() => page.locator('[data-testid="risk-list"] button[aria-pressed="true"]').count())
			.toBe(1);
		// On the map: Enter on a highlighted risk cell selects it in the list.
		await waitForMapFrame(page, 120_000);
		const first = (await page
			.locator('[data-testid="risk-list"] li')
			.first()
			.getAttribute('data-cell'))!;
		await tabTo(page, '[data-testid="map"] canvas.maplibregl-canvas');
		const map = page.locator('[data-testid="map"]');
		await expect.poll(() => map.getAttribute('data-cursor')).not.toBe('');
		expect(await map.getAttribute('data-cursor')).toMatch(/^[0-9a-f]{15}$/);
		// The cursor moves among cells of the risk map's resolution.
		expect((await map.getAttribute('data-cursor'))!.slice(0, 2)).toBe(first.slice(0, 2));
	});

	it('keyboard: an admin creates an account, and a user reaches the password form', async () => {
		const { page } = await open('admin', '/admin/users');
		await page.waitForSelector('form.create');
		const name = `kbd${Date.now().toString(36)}`;
		await tabTo(page, 'form.create input[name="username"]');
		await page.keyboard.type(name);
		await page.keyboard.press('Tab');
		await page.keyboard.type('Keyboard Only');
		await page.keyboard.press('Enter');
		await page.waitForSelector('[data-testid="admin-message"]', { timeout: 60_000 });
		await expect.poll(() => page.locator('body').innerText()).toContain(name);

		const account = await open('viewer', '/account');
		await tabTo(account.page, 'input[name="current"]');
		await account.page.keyboard.type('not the password');
		await account.page.keyboard.press('Tab');
		await account.page.keyboard.type('a new password 1234');
		await account.page.keyboard.press('Tab');
		await account.page.keyboard.type('a new password 1234');
		await account.page.keyboard.press('Enter');
		const message = account.page.locator('form p[role="status"]');
		await message.waitFor({ timeout: 60_000 });
		expect(await message.evaluate((el) => el.classList.contains('error'))).toBe(true);
		expect(await message.innerText()).not.toBe('');
	});
});
