/**
 * Chromium for products: the PDF of a product is Chromium's print of the product document (the same
 * HTML the product page shows), and a product's map picture is drawn by MapLibre in Chromium when the
 * product is drafted (`map-image.ts`). Chromium is a runtime dependency of these two features only:
 * `BEATWISE_CHROMIUM` names its executable (default /usr/bin/chromium), driven by playwright-core.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM_PATH = process.env.BEATWISE_CHROMIUM || '/usr/bin/chromium';

const ARGS = [
	'--headless',
	'--no-sandbox',
	'--disable-gpu',
	'--no-first-run',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
	'--use-angle=swiftshader',
	'--enable-unsafe-swiftshader'
];

export class ChromiumMissingError extends Error {
	constructor() {
		super(
			`Chromium is needed for product PDFs and map pictures but was not found at ${CHROMIUM_PATH}: install it (apt-get install chromium) or set BEATWISE_CHROMIUM to its path`
		);
		this.name = 'ChromiumMissingError';
	}
}

export function chromiumAvailable(): boolean {
	return existsSync(CHROMIUM_PATH);
}

/** Run `fn` with a fresh headless Chromium, closed afterwards whatever happens. */
export async function withChromium<T>(fn: (browser: Browser) => Promise<T>): Promise<T> {
	if (!chromiumAvailable()) throw new ChromiumMissingError();
	const browser = await chromium.launch({
		executablePath: CHROMIUM_PATH,
		args: ARGS,
		headless: true
	});
	try {
		return await fn(browser);
	} finally {
		await browser.close().catch(() => undefined);
	}
}

/**
 * The PDF of a complete HTML document as Chromium prints it (A4, the document's print CSS, page
 * numbers in the footer). The document must be self-contained: nothing is fetched from the network.
 */
export async function printPdf(html: string, footer: string): Promise<Buffer> {
	return withChromium(async (browser) => {
		const context = await browser.newContext({ javaScriptEnabled: false, offline: true });
		const page = await context.newPage();
		await page.setContent(html, { waitUntil: 'load' });
		await page.emulateMedia({ media: 'print' });
		const pdf = await page.pdf({
			format: 'A4',
			printBackground: true,
			margin: { top: '12mm', right: '12mm', bottom: '16mm', left: '12mm' },
			displayHeaderFooter: true,
			headerTemplate: '<span></span>',
			footerTemplate: `<div style="font-size:8px;width:100%;padding:0 12mm;display:flex;justify-content:space-between;color:#444"><span>${footer}</span><span>page <span class="pageNumber"></span> of <span class="totalPages"></span></span></div>`
		});
		return Buffer.from(pdf);
	});
}
