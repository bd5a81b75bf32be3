/**
 * The observations layer in Chromium, on a server of its own: the demo is loaded into a fresh data
 * folder, observations (the synthetic sample plus hostile texts) are imported with the real
 * `beatwise observations` command, then the production build is started on that folder — the embedded
 * database admits one process, so the shared e2e server cannot be given observations while it runs.
 *
 * Checks: the layer draws (pixels of the deck.gl canvas with only this layer on), its legend and count
 * hold the API's numbers, the hover tooltip and the click detail show the text, the grading in words and
 * the source, a `<script>`/`onerror` text appears as literal characters and runs nothing, handling code
 * C is withheld from a viewer, the toggle writes the URL; a screenshot lands in test-output/e2e.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { cellToLatLng, getResolution, latLngToCell } from 'h3-js';
import { copyDemoInto } from '../helpers/db';
import { demoCredentials, sessionCookie, signIn } from './auth';
import {
	deckPixels,
	newContext,
	saveScreenshot,
	tabTo,
	unexpectedErrors,
	useBrowser,
	waitForMapDrawn,
	watchAndOpen
} from './harness';
import { hasChromium, startServer, type RunningServer } from './server';

const HOSTILE = '<script>alert(1)</script><img src=x onerror="window.__xss=1">';
const SAMPLE = resolve('examples/observations/sample.csv');
/** The sample's area at a zoom where its points stand apart (only the observations layer on). */
const VIEW = '/?c=-0.08800,51.51500&z=14.00&layers=observations';

interface ObservationsJson {
	total: number;
	withheld: number | null;
	items: {
		id: number;
		text: string;
		lat: number;
		lon: number;
		grading: { handlingCode: string };
	}[];
}

describe.skipIf(!hasChromium || process.env.BEATWISE_E2E === '0')(
	'observations layer (e2e, own server)',
	() => {
		let dataDir: string;
		let server: RunningServer;
		const { browser, opened } = useBrowser();

		beforeAll(async () => {
			dataDir = mkdtempSync(join(tmpdir(), 'beatwise-e2e-observations-'));
			// The demo as loadDemo leaves it (the run's template, with its credentials).
			await copyDemoInto(dataDir);
			const hostile = join(dataDir, 'hostile.csv');
			writeFileSync(
				hostile,
				'id,observed_at,text,latitude,longitude,source_evaluation,intelligence_assessment,handling_code\n' +
					`E2E-1,2020-11-20T10:00:00Z,"${HOSTILE.replaceAll('"', '""')}",51.51750,-0.08700,2,B,P\n`
			);
			const imported = spawnSync(
				process.execPath,
				[
					'bin/beatwise.js',
					'observations',
					SAMPLE,
					hostile,
					'--source',
					'Synthetic community reports',
					'--json'
				],
				{ encoding: 'utf8', env: { ...process.env, DATABASE_URL: '', BEATWISE_DATA: dataDir } }
			);
			expect(imported.status, imported.stderr).toBe(0);
			expect(JSON.parse(imported.stdout)).toMatchObject({ total: 11, imported: 11 });
			server = await startServer({ BEATWISE_DATA: dataDir, BEATWISE_DEMO: '0' });
		}, 900_000);

		afterAll(async () => {
			await server?.stop();
			if (dataDir) rmSync(dataDir, { recursive: true, force: true });
		});

		async function open(path: string) {
			const context = await newContext(browser());
			const page = await context.newPage();
			await signIn(page, server.url, 'analyst', { dataDir });
			const o = await watchAndOpen(context, page, server.url, path);
			opened.push(o);
			return o;
		}

		async function waitForObservations(page: Page) {
			await page.waitForSelector('[data-testid="observations-status"][data-state="ready"]', {
				timeout: 60_000
			});
			await page.waitForFunction(
				() =>
					Number(document.querySelector('[data-testid="map"]')?.getAttribute('data-observations')) >
					0
			);
			await waitForMapDrawn(page);
		}

		/**
		 * Centres (page coordinates) of the separate shapes on the deck.gl canvas: with only this layer
		 * on, its points (several when they overlap). Flood fill over opaque pixels.
		 */
		async function pointCentres(page: Page): Promise<{ x: number; y: number; area: number }[]> {
			return page.evaluate(() => {
				const canvas = [
					...document.querySelectorAll<HTMLCanvasElement>('[data-testid="map"] canvas')
				].find((c) => !c.classList.contains('maplibregl-canvas'))!;
				const { width, height } = canvas;
				const copy = document.createElement('canvas');
				copy.width = width;
				copy.height = height;
				const ctx = copy.getContext('2d', { willReadFrequently: true })!;
				ctx.drawImage(canvas, 0, 0);
				const px = ctx.getImageData(0, 0, width, height).data;
				const seen = new Uint8Array(width * height);
				const rect = canvas.getBoundingClientRect();
				const out: { x: number; y: number; area: number }[] = [];
				for (let start = 0; start < width * height; start++) {
					if (seen[start] || px[start * 4 + 3] <= 150) continue;
					const stack = [start];
					seen[start] = 1;
					let sx = 0;
					let sy = 0;
					let n = 0;
					while (stack.length) {
						const i = stack.pop()!;
						const x = i % width;
						const y = (i - x) / width;
						sx += x;
						sy += y;
						n++;
						for (const j of [i - 1, i + 1, i - width, i + width]) {
							if (j < 0 || j >= width * height || seen[j] || px[j * 4 + 3] <= 150) continue;
							if (Math.abs((j % width) - x) > 1) continue;
							seen[j] = 1;
							stack.push(j);
						}
					}
					if (n >= 50)
						out.push({
							x: rect.left + ((sx / n) * rect.width) / width,
							y: rect.top + ((sy / n) * rect.height) / height,
							area: n
						});
				}
				return out;
			});
		}

		/** Hover the drawn points one by one until the tooltip shows `text`; returns where. */
		async function hoverUntil(page: Page, text: string) {
			const tip = page.locator('[data-testid="observation-tooltip"]');
			for (const p of await pointCentres(page)) {
				await page.mouse.move(p.x, p.y);
				try {
					await tip.waitFor({ timeout: 1_000 });
				} catch {
					continue;
				}
				if ((await tip.locator('[data-testid="observation-text"]').textContent()) === text)
					return p;
			}
			throw new Error(`no drawn point shows "${text}"`);
		}

		it('draws the observations, counts them as the API does, and shows the hostile text as text', async () => {
			const o = await open(VIEW);
			const { page } = o;
			const dialogs: string[] = [];
			page.on('dialog', (d) => {
				dialogs.push(d.message());
				void d.dismiss();
			});
			await waitForObservations(page);

			// Only the observations layer is on: every deck.gl pixel is one of its points.
			const drawn = await deckPixels(page);
			expect(drawn.coloured).toBeGreaterThan(9 * 150);
			const points = await pointCentres(page);
			await saveScreenshot(page, 'desktop-observations-layer');
			// Ten points; two may touch at this zoom and count as one shape.
			expect(points.length).toBeGreaterThanOrEqual(9);
			// About π·9.5² pixels a point (radius 8 plus its outline).
			expect(points.every((p) => p.area >= 150)).toBe(true);

			const request = [...o.apiRequests]
				.reverse()
				.find((u) => new URL(u).pathname === '/api/observations') as string;
			const api = (await (await page.context().request.get(request)).json()) as ObservationsJson;
			// The sample's nine located reports and the hostile one; the analyst sees handling code C.
			expect(api).toMatchObject({ total: 10, withheld: 0 });
			expect(await page.locator('[data-testid="map"]').getAttribute('data-observations')).toBe(
				'10'
			);
			expect(await page.locator('[data-testid="observations-count"]').innerText()).toBe('10 shown');
			const legend = await page.locator('[data-testid="observations-legend"] li').allTextContents();
			expect(legend.map((t) => t.replace(/\s+/g, ' ').trim())).toEqual([
				'A A: known directly',
				'B B: known indirectly but corroborated',
				'C C: known indirectly',
				'D D: not known',
				'E E: suspected to be false',
				'Thin outline: handling P, lawful sharing permitted',
				'Thick black ring: handling C, sharing only with conditions'
			]);

			const at = await hoverUntil(page, HOSTILE);
			const tip = page.locator('[data-testid="observation-tooltip"]');
			expect(await tip.locator('[data-testid="observation-grading"]').innerText()).toBe(
				'2/B/P — untested source, known indirectly but corroborated, lawful sharing permitted'
			);
			expect(await tip.locator('[data-testid="observation-source"]').innerText()).toBe(
				'Synthetic community reports'
			);
			// Literal characters, not markup: no element was made from the text and nothing ran.
			expect(await tip.locator('script, img').count()).toBe(0);
			expect(await page.evaluate(() => (window as { __xss?: number }).__xss)).toBeUndefined();

			// A click keeps it open as a detail with a close button; Escape closes it.
			await page.mouse.click(at.x, at.y);
			await page.waitForSelector('[data-testid="observation-tooltip"][data-pinned="true"]');
			await page.mouse.move(at.x + 300, at.y + 200);
			expect(await tip.getAttribute('data-pinned')).toBe('true');
			expect(await tip.locator('[data-testid="observation-text"]').textContent()).toBe(HOSTILE);
			await saveScreenshot(page, 'desktop-observations');
			await page.keyboard.press('Escape');
			await expect.poll(() => tip.count()).toBe(0);
			expect(dialogs).toEqual([]);
			expect(unexpectedErrors(o.errors)).toEqual([]);
		});

		it('keyboard only: the highlighted cell leads to its observations (O), Escape back to the map', async () => {
			const o = await open(VIEW);
			const { page } = o;
			await waitForObservations(page);
			const request = [...o.apiRequests]
				.reverse()
				.find((u) => new URL(u).pathname === '/api/observations') as string;
			const api = (await (await page.context().request.get(request)).json()) as ObservationsJson;
			const target = api.items.find((i) => i.text === HOSTILE)!;

			await tabTo(page, '[data-testid="map"] canvas.maplibregl-canvas');
			const map = page.locator('[data-testid="map"]');
			await expect.poll(() => map.getAttribute('data-cursor')).not.toBe('');
			// Walk the highlighted cell to the one holding the report, as a keyboard user would.
			let cell = (await map.getAttribute('data-cursor'))!;
			const goal = latLngToCell(target.lat, target.lon, getResolution(cell));
			for (let i = 0; i < 60 && cell !== goal; i++) {
				const [lat, lng] = cellToLatLng(cell);
				const dx = (target.lon - lng) * Math.cos((lat * Math.PI) / 180);
				const dy = target.lat - lat;
				const key =
					Math.abs(dx) > Math.abs(dy)
						? dx > 0
							? 'ArrowRight'
							: 'ArrowLeft'
						: dy > 0
							? 'ArrowUp'
							: 'ArrowDown';
				await page.keyboard.press(key);
				cell = (await map.getAttribute('data-cursor'))!;
			}
			expect(cell).toBe(goal);
			await expect
				.poll(() => page.locator('[data-testid="map-cursor-status"]').innerText())
				.toMatch(/observations? here: press O/);

			// O opens the reports in the cell one after another, each a dialog the keyboard enters.
			const tip = page.locator('[data-testid="observation-tooltip"][data-pinned="true"]');
			const seen: string[] = [];
			for (let i = 0; i < 10 && !seen.includes(HOSTILE); i++) {
				await page.keyboard.press('o');
				await tip.waitFor();
				seen.push((await tip.locator('[data-testid="observation-text"]').textContent()) ?? '');
				expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe(
					'Close observation'
				);
				if (!seen.includes(HOSTILE)) {
					await page.keyboard.press('Escape');
					await expect.poll(() => tip.count()).toBe(0);
				}
			}
			expect(seen).toContain(HOSTILE);
			expect(await tip.locator('[data-testid="observation-source"]').innerText()).toBe(
				'Synthetic community reports'
			);
			await page.keyboard.press('Escape');
			await expect.poll(() => tip.count()).toBe(0);
			expect(
				await page.evaluate(() =>
					document.activeElement?.matches('[data-testid="map"] canvas.maplibregl-canvas')
				)
			).toBe(true);
		});

		it('turns off from the layer panel and the URL follows', async () => {
			const { page } = await open(VIEW);
			await waitForObservations(page);
			await page.locator('[data-testid="layer-observations"]').uncheck();
			await expect
				.poll(() => page.locator('[data-testid="map"]').getAttribute('data-observations'))
				.toBe('0');
			await expect.poll(() => new URL(page.url()).searchParams.get('layers')).toBe('-');
			await page.locator('[data-testid="layer-observations"]').check();
			await expect.poll(() => new URL(page.url()).searchParams.get('layers')).toBe('observations');
		});

		it('withholds handling code C from a viewer and gives the sanitised text', async () => {
			const cookie = await sessionCookie(server.url, 'viewer', dataDir);
			const res = await fetch(
				`${server.url}/api/observations?bbox=-0.2,51.45,0.0,51.55&from=2020-11-01&to=2020-12-31`,
				{ headers: { cookie } }
			);
			expect(res.status).toBe(200);
			const body = (await res.json()) as ObservationsJson;
			// Not told how many are withheld (issue 10 finding 3): that would place them.
			expect(body).toMatchObject({ total: 8, withheld: null });
			expect(body.items.every((i) => i.grading.handlingCode === 'P')).toBe(true);
			expect(body.items.map((i) => i.text)).toContain(
				'Shop worker reports repeat thefts of razors from a store near Cheapside.'
			);
			// The access log has the request: method, path and query, status, time, user; no cookie.
			const viewer = demoCredentials(dataDir).viewer.username;
			expect(server.log()).toMatch(
				new RegExp(`\\[beatwise\\] GET /api/observations\\?bbox=[^ ]+ 200 \\d+ ms ${viewer}\\n`)
			);
			expect(server.log()).not.toContain(cookie.split('=')[1]);
		});

		it('records the observations a neighbourhood page shows in the audit trail', async () => {
			const cookie = await sessionCookie(server.url, 'analyst', dataDir);
			const page = await fetch(`${server.url}/neighbourhood?area=borough:E09000001`, {
				headers: { cookie, accept: 'text/html' }
			});
			expect(page.status).toBe(200);
			expect(await page.text()).toContain('data-testid="observations"');
			const admin = await sessionCookie(server.url, 'admin', dataDir);
			const audit = await fetch(
				`${server.url}/admin/audit?action=observations.view&user=${demoCredentials(dataDir).analyst.username}`,
				{ headers: { cookie: admin, accept: 'text/html' } }
			);
			const html = await audit.text();
			expect(html).toMatch(/Viewed \d+ observations? \(neighbourhood page\)/);
			expect(html).toContain('City of London');
		});
	}
);
