/**
 * The audit trail of statistics and record views, read as an administrator reads it: every
 * `/api/analysis/*` run (answered or refused) and the views that compute statistics in their page load
 * record who ran which statistic on which area and period; the neighbourhood page's observation list is
 * a view of records. `/admin/audit` shows them as a table (who, what, area, period, when) — before, only
 * exports and record lists were recorded, and the detail was raw JSON.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { sessionCookie } from './auth';
import { closePages, launchBrowser, newContext, saveScreenshot, type OpenedPage } from './harness';

const BASE_URL = process.env.BEATWISE_E2E_URL;

/** Each analysis endpoint on the City of London for June 2020. */
const AREA = 'borough:E09000001';
const PERIOD = 'from=2020-06-01&to=2020-06-30';
const RUNS: [statistic: string, label: string, query: string][] = [
	['hotspots', 'Ran hot spots (Gi*)', `area=${AREA}&res=9&${PERIOD}`],
	[
		'emerging',
		'Ran emerging hot spots',
		`area=${AREA}&res=9&from=2020-01-01&to=2020-12-31&step=month`
	],
	['trends', 'Ran trends (CompStat or trend map)', `area=${AREA}&date=2020-06-30`],
	// Against June 2017: the demo holds no 2019, so the default year-earlier period is refused.
	[
		'change',
		'Ran change map',
		`area=${AREA}&res=9&${PERIOD}&beforeFrom=2017-06-01&beforeTo=2017-06-30`
	],
	['near-repeat', 'Ran near-repeat test (Knox)', `area=${AREA}&${PERIOD}`],
	['profile', 'Ran time profile', `area=${AREA}&${PERIOD}`]
];

describe.skipIf(!BASE_URL)('audit trail of analysis runs and record views (e2e)', () => {
	const base = BASE_URL as string;
	let browser: Browser;
	const opened: OpenedPage[] = [];
	let analyst: string;
	let admin: string;
	const get = (path: string, cookie: string, accept = 'application/json') =>
		fetch(base + path, { headers: { accept, cookie }, redirect: 'manual' });

	beforeAll(async () => {
		browser = await launchBrowser();
		analyst = await sessionCookie(base, 'analyst');
		admin = await sessionCookie(base, 'admin');
	});
	afterAll(async () => {
		await closePages(opened);
		await browser?.close();
	});

	/** The admin's audit page for a search, as rows of cells (who, what, area, period). */
	async function auditRows(query: string) {
		const context = await newContext(browser);
		const [name, value] = admin.split('=');
		await context.addCookies([{ name, value, url: base }]);
		const page = await context.newPage();
		opened.push({ context, page, errors: [], cellRequests: [], apiRequests: [] });
		await page.goto(`${base}/admin/audit?${query}`, { waitUntil: 'domcontentloaded' });
		const rows = await page
			.locator('[data-testid="audit-table"] tbody tr')
			.evaluateAll((trs) =>
				trs.map((tr) => [...tr.querySelectorAll('td')].slice(1, 5).map((td) => td.innerText.trim()))
			);
		return { page, rows };
	}

	it('records every analysis endpoint run with the area and period it used', async () => {
		for (const [statistic, , query] of RUNS) {
			const res = await get(`/api/analysis/${statistic}?${query}`, analyst);
			expect(res.status, `${statistic}: ${await res.clone().text()}`).toBeLessThan(500);
		}
		// Refused by the service (an area that does not exist): recorded as refused.
		const refused = await get(
			`/api/analysis/hotspots?area=lsoa:E09999999&res=9&${PERIOD}`,
			analyst
		);
		expect(refused.status).toBeGreaterThanOrEqual(400);
		expect(refused.status).toBeLessThan(500);

		const { page, rows } = await auditRows('action=analysis.run&user=demo-analyst');
		await saveScreenshot(page, 'desktop-audit-analysis');
		for (const [statistic, label] of RUNS) {
			const row = rows.find((r) => r[1] === label);
			expect(row, `${statistic} in ${JSON.stringify(rows)}`).toBeDefined();
			expect(row![0]).toBe('demo-analyst');
			expect(row![2]).toBe('City of London');
			if (statistic !== 'trends') expect(row![3]).toMatch(/^2020-0[16]-01 – 2020-(06-30|12-31)$/);
		}
		const hot = rows.find((r) => r[1] === 'Ran hot spots (Gi*)')!;
		expect(hot[3]).toBe('2020-06-01 – 2020-06-30');
		expect(rows.some((r) => /^Ran hot spots \(Gi\*\) — refused: .*E09999999/.test(r[1]))).toBe(
			true
		);
	});

	it('records the supervisor ranking and the neighbourhood briefing', async () => {
		const supervisor = await sessionCookie(base, 'supervisor');
		expect((await get(`/supervisor?area=${AREA}&shift=late`, supervisor, 'text/html')).status).toBe(
			200
		);
		expect((await get(`/neighbourhood?area=${AREA}`, supervisor, 'text/html')).status).toBe(200);
		const { rows } = await auditRows('action=analysis.run&user=demo-supervisor');
		const risk = rows.find((r) => r[1] === 'Ran shift risk ranking');
		expect(risk?.[2]).toBe('City of London');
		expect(risk?.[3]).toMatch(/^20\d\d-\d\d-\d\d – 2020-12-31$/);
		const briefing = rows.find((r) => r[1] === 'Ran neighbourhood briefing');
		expect(briefing?.[2]).toBe('City of London');
		expect(briefing?.[3]).toMatch(/^20\d\d-\d\d-01 – 2020-12-31$/);
	});
});
