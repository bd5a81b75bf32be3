/**
 * WCAG 2.2 AA checks shared by the end-to-end files: axe-core (the npm package, injected into the page
 * through the DevTools protocol) and the phone layout check (no sideways scrolling). Pages that only one
 * e2e file can reach (an alarm of its own data, a tasking's printed orders) are scanned there with these.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { waitForMapFrame } from './harness';

const AXE_SOURCE = readFileSync(
	createRequire(import.meta.url).resolve('axe-core/axe.min.js'),
	'utf8'
);
export const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

export interface AxeFinding {
	id: string;
	impact: string | null;
	help: string;
	targets: string[];
}

/** Run axe-core over the page as it is now; the findings, each with the elements it named. */
export async function axeFindings(page: Page): Promise<AxeFinding[]> {
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
export async function settled(page: Page): Promise<void> {
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
export async function overflow(page: Page): Promise<number> {
	return page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
}

/**
 * Wait for the page to settle, then list what is wrong with it as lines naming `label`: every axe
 * violation (with the elements it named) and any sideways scrolling. `axe: false` checks the layout only.
 */
export async function pageProblems(
	page: Page,
	label: string,
	options: { axe?: boolean } = {}
): Promise<string[]> {
	await settled(page);
	const problems: string[] = [];
	if (options.axe !== false)
		for (const f of await axeFindings(page))
			problems.push(`${label}: ${f.id} (${f.impact}) ${f.help}\n    ${f.targets.join('\n    ')}`);
	const wider = await overflow(page);
	if (wider > 0) problems.push(`${label}: ${wider} px wider than the screen`);
	return problems;
}
