/**
 * WCAG 2.2 AA in Chromium against the demo server:
 *
 * - axe-core (the npm package, injected into each page) finds no violation of the wcag2a, wcag2aa,
 *   wcag21a, wcag21aa and wcag22aa rules on every page each role can open (its header links), at
 *   1280 px, and on the pages meant for a phone (patrol, report, sign-in, the map's filter drawer) at
 *   390 px too; signed out (sign-in page, an error page); and in the states a page changes into
 *   (trends tabs, a cell's side panel, hot spots, a product, a problem with a response);
 * - every page is scanned at least once: the last test checks the scanned paths against the pages
 *   under src/routes (an alarm's page and a tasking's printed orders are scanned by the e2e files that
 *   make their data: alerts.test.ts, tasking.test.ts);
 * - phones: no page scrolls sideways at 390 px (each page once, in the first role that opens it), and
 *   at 390 and 320 px the main views keep the header's user name, Sign out and view labels whole;
 * - keyboard only: on the map the arrow keys move a highlighted cell, its tooltip shows, Enter opens its
 *   panel and Escape returns to the map; the time slider plays; each view (neighbourhood, trends,
 *   supervisor, admin, account) does its job without a mouse.
 *
 * One browser for the file; each role signs in once (sign-in is rate limited) and its pages are opened
 * one after another in one tab, as a user moves through them.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { sessionCookie, signIn, type DemoRole } from './auth';
import { overflow, pageProblems } from './axe';
import {
	apiJson,
	closePages,
	DESKTOP,
	newContext,
	type OpenedPage,
	PHONE,
	tabTo,
	useBrowser,
	waitForMapDrawn,
	waitForMapFrame,
	watchAndOpen
} from './harness';

const BASE_URL = process.env.BEATWISE_E2E_URL;
const ROLES: DemoRole[] = [
	'admin',
	'analyst',
	'supervisor',
	'officer',
	'community',
	'planner',
	'viewer'
];
/** Pages meant first for a phone (an officer's patrol, a report from the street): axe at 390 px too. */
const PHONE_PAGES = ['/patrol', '/report'];
/** Pages scanned (with `pageProblems`) by the e2e file that makes the data they show. */
const SCANNED_ELSEWHERE: Record<string, string> = {
	'/alerts/[id]': 'tests/e2e/alerts.test.ts',
	'/tasking/[id]/print': 'tests/e2e/tasking.test.ts'
};

/** The pages of the app: each `+page.svelte` under src/routes as a route pattern (`/problems/[id]`). */
function appPages(dir = 'src/routes', prefix = ''): string[] {
	const out: string[] = [];
	for (const name of readdirSync(dir).sort()) {
		const p = join(dir, name);
		if (statSync(p).isDirectory())
			out.push(...appPages(p, /^\(.*\)$/.test(name) ? prefix : `${prefix}/${name}`));
		else if (name === '+page.svelte') out.push(prefix || '/');
	}
	return out;
}

/** Whether a path (query dropped) is an instance of a route pattern. */
function isPageOf(route: string, path: string): boolean {
	const pattern = route
		.split('/')
		.map((seg) =>
			/^\[\.\.\..+\]$/.test(seg)
				? '.*'
				: /^\[.+\]$/.test(seg)
					? '[^/]+'
					: seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
		)
		.join('/');
	return new RegExp(`^${pattern}$`).test(path.split('?')[0]);
}

/** Open `path` in the tab `o` already has (same context, same sign-in). */
async function goTo(o: OpenedPage, base: string, path: string): Promise<void> {
	await o.page.goto(new URL(path, base).toString(), { waitUntil: 'domcontentloaded' });
}

function asJson(url: string): string {
	const u = new URL(url);
	u.searchParams.delete('format');
	return u.toString();
}

const focused = (page: Page, selector: string) =>
	page.evaluate((sel) => Boolean(document.activeElement?.matches(sel)), selector);

describe.skipIf(!BASE_URL)('accessibility: WCAG 2.2 AA, phones, keyboard (e2e)', () => {
	const base = BASE_URL as string;
	const { browser, opened } = useBrowser();
	const sessions = new Map<DemoRole, Awaited<ReturnType<BrowserContext['cookies']>>>();
	/** Paths scanned with axe in this file (checked against the app's pages by the last test). */
	const scanned = new Set<string>();
	/** Paths already checked for sideways scrolling at 390 px. */
	const phoneChecked = new Set<string>();

	/** A fresh context signed in as `role` (each role signs in once: sign-in is rate limited). */
	async function open(
		role: DemoRole | null,
		path: string,
		viewport: { width: number; height: number } = DESKTOP
	): Promise<OpenedPage> {
		const isMobile = viewport.width < 700;
		const context = await newContext(browser(), viewport, { isMobile });
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

	/** Scan the page `o` shows now (axe unless `axe: false`, sideways scrolling) and note its path. */
	async function scan(
		o: OpenedPage,
		label: string,
		options: { axe?: boolean } = {}
	): Promise<string[]> {
		const problems = await pageProblems(o.page, label, options);
		if (options.axe !== false) scanned.add(new URL(o.page.url()).pathname);
		return problems;
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
		// The alerts inbox links the subscriptions.
		if (paths.has('/alerts')) paths.add('/alerts/subscriptions');
		return [...paths];
	}

	it.each(ROLES)(
		'%s: every page it can open has no axe violation at 1280 px (phone pages at 390 px too), and none scrolls sideways',
		async (role) => {
			const desk = await open(role, '/');
			const paths = await pagesOf(desk.page);
			// Every role has the map and its own account page at least.
			expect(paths).toEqual(expect.arrayContaining(['/', '/account']));
			// Analysts and admins reach the import page (upload, proposal, dry run) from the header.
			if (role === 'analyst' || role === 'admin') expect(paths).toContain('/import');
			const problems: string[] = [];
			for (const path of paths) {
				if (path !== '/') await goTo(desk, base, path);
				problems.push(...(await scan(desk, `1280px ${path} (${role})`)));
			}
			// The administration home is the users page.
			if (paths.includes('/admin/users')) {
				const home = await desk.context.request.get(`${base}/admin`, { maxRedirects: 0 });
				expect(home.status()).toBe(303);
				expect(home.headers()['location']).toBe('/admin/users');
				scanned.add('/admin');
			}
			await closePages(opened);
			// At 390 px: the phone pages with axe; every other page once, for sideways scrolling.
			const onPhone = paths.filter((p) => PHONE_PAGES.includes(p) || !phoneChecked.has(p));
			if (onPhone.length) {
				const phone = await open(role, onPhone[0], PHONE);
				for (const [i, path] of onPhone.entries()) {
					if (i > 0) await goTo(phone, base, path);
					const axe = PHONE_PAGES.includes(path);
					problems.push(...(await scan(phone, `390px ${path} (${role})`, { axe })));
					phoneChecked.add(path);
				}
			}
			expect(problems).toEqual([]);
		},
		600_000
	);

	it('page states beyond the first view: a product, trends tabs, hot spots, a cell panel, the filter drawer, sign-in, an error', async () => {
		const problems: string[] = [];
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
		const analyst = await open('analyst', productPath);
		await analyst.page.waitForSelector('article.product');
		problems.push(...(await scan(analyst, `1280px ${productPath}`)));
		for (const tab of ['emerging', 'multiples']) {
			await goTo(analyst, base, `/trends?tab=${tab}`);
			await analyst.page.waitForSelector(
				`[data-testid="trends-view"][data-state^="${tab}:ready"]`,
				{ timeout: 120_000 }
			);
			problems.push(...(await scan(analyst, `1280px /trends?tab=${tab}`)));
		}
		await goTo(analyst, base, '/?layers=cells,hotspots');
		await waitForMapDrawn(analyst.page, 120_000);
		problems.push(...(await scan(analyst, '1280px / with hot spots')));
		const cells = await apiJson<{ cells: string[] }>(
			analyst.page,
			asJson(analyst.cellRequests.at(-1)!)
		);
		await goTo(analyst, base, `/?cell=${cells.cells[0]}`);
		await analyst.page.waitForSelector('[data-testid="cell-panel-total"]', { timeout: 60_000 });
		problems.push(...(await scan(analyst, '1280px / with a cell panel')));
		// Tasking pages not in the header: the reports (the board and the phone view are, per role).
		const reports = await open('supervisor', '/tasking/reports');
		await reports.page.waitForSelector('[data-testid="tasking-reports"]');
		problems.push(...(await scan(reports, '1280px /tasking/reports')));
		const missing = await open('viewer', '/no-such-page');
		problems.push(...(await scan(missing, '1280px error page')));
		await closePages(opened);
		// On a phone: the map's filter drawer, and signing in (officers sign in on their phones).
		const ws = await open('analyst', '/?layers=cells,hotspots', PHONE);
		await waitForMapDrawn(ws.page, 120_000);
		await ws.page.click('button.open-filters');
		await ws.page.waitForSelector('.panel-open');
		problems.push(...(await scan(ws, '390px / filter drawer open')));
		for (const viewport of [DESKTOP, PHONE]) {
			const login = await open(null, '/login', viewport);
			problems.push(...(await scan(login, `${viewport.width}px /login`)));
		}
		expect(problems).toEqual([]);
	}, 600_000);

	it('beyond the header links: a problem’s page with a response', async () => {
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
		// As a user sees it next time (a fresh load, not the page after the form post).
		await goTo(made, base, problemPath);
		expect(await scan(made, `1280px ${problemPath}`)).toEqual([]);
	}, 600_000);

	it('phones: at 390 and 320 px no page scrolls sideways, and the header keeps the name, Sign out and every view label whole on screen', async () => {
		for (const width of [390, 320]) {
			for (const role of ['admin', 'analyst'] as DemoRole[]) {
				const paths = ['/', '/neighbourhood', '/trends', '/road-safety', '/supervisor', '/account'];
				if (role === 'admin') paths.push('/admin/users', '/admin/audit');
				const o = await open(role, paths[0], { width, height: 800 });
				for (const path of paths) {
					if (path !== paths[0]) await goTo(o, base, path);
					const page = o.page;
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
				}
				await closePages(opened);
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

	it('every page under src/routes was scanned with axe (run the whole file)', () => {
		const pages = appPages();
		expect(pages).toEqual(expect.arrayContaining(['/', '/login', '/patrol', '/report']));
		const missing = pages.filter(
			(route) => !(route in SCANNED_ELSEWHERE) && ![...scanned].some((p) => isPageOf(route, p))
		);
		expect(missing, `scanned: ${[...scanned].sort().join(' ')}`).toEqual([]);
		for (const [route, file] of Object.entries(SCANNED_ELSEWHERE)) {
			expect(pages, `${route} is no longer a page`).toContain(route);
			expect(readFileSync(file, 'utf8'), `${file} scans ${route}`).toMatch(/pageProblems\(/);
		}
	});
});
