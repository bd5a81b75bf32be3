/**
 * Product PDFs in end-to-end tests: downloaded through the browser context (the user's session),
 * read with poppler-utils (pdfinfo, pdftotext, pdfimages) and converted to one PNG per page with
 * pdftoppm, so a person can look at every page (test-output/e2e/NAME-N.png).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { OUTPUT_DIR } from './harness';

/** Run a poppler tool; its standard output, or an error with its message. */
export function poppler(cmd: string, args: string[]): string {
	const r = spawnSync(cmd, args, { encoding: 'utf8' });
	if (r.status !== 0) throw new Error(`${cmd}: ${r.stderr}`);
	return r.stdout;
}

export interface SavedPdf {
	file: string;
	pages: number;
	/** All text, whitespace collapsed. */
	text: string;
	/** Text of page 1, whitespace collapsed. */
	page1: string;
}

/**
 * GET a product's PDF (`url`), expect a PDF, save it as test-output/e2e/NAME.pdf and its pages as
 * NAME-N.png at `dpi`.
 */
export async function savePdf(
	context: BrowserContext,
	url: string,
	name: string,
	dpi = 70
): Promise<SavedPdf> {
	const res = await context.request.get(url, { timeout: 300_000 });
	if (res.status() !== 200) throw new Error(`${url}: ${res.status()} ${await res.text()}`);
	if (res.headers()['content-type'] !== 'application/pdf')
		throw new Error(`${url}: ${res.headers()['content-type']}, not a PDF`);
	mkdirSync(OUTPUT_DIR, { recursive: true });
	const file = join(OUTPUT_DIR, `${name}.pdf`);
	writeFileSync(file, await res.body());
	const flat = (s: string) => s.replace(/\s+/g, ' ');
	const pages = Number(/Pages:\s+(\d+)/.exec(poppler('pdfinfo', [file]))?.[1]);
	const text = flat(poppler('pdftotext', ['-raw', file, '-']));
	const page1 = flat(poppler('pdftotext', ['-raw', '-f', '1', '-l', '1', file, '-']));
	poppler('pdftoppm', ['-r', String(dpi), '-png', file, join(OUTPUT_DIR, name)]);
	return { file, pages, text, page1 };
}
