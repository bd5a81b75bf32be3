/**
 * HTML → PDF by Chromium's own print (playwright-core driving the system Chromium, no bundled browser).
 * The page is loaded with the caller's cookies, so it renders what the caller may see.
 * Chromium: BEATWISE_CHROMIUM, else /usr/bin/chromium.
 */
import { existsSync } from 'node:fs';

export class PdfError extends Error {}

export async function printToPdf(url: string, cookieHeader: string): Promise<Buffer> {
	const executablePath = process.env.BEATWISE_CHROMIUM || '/usr/bin/chromium';
	if (!existsSync(executablePath))
		throw new PdfError(
			`PDF needs Chromium: none at ${executablePath} (set BEATWISE_CHROMIUM); print the orders page instead`
		);
	const { chromium } = await import('playwright-core');
	const browser = await chromium.launch({ executablePath, args: ['--no-sandbox'] });
	try {
		const u = new URL(url);
		const context = await browser.newContext();
		const cookies = cookieHeader
			.split(/;\s*/)
			.filter((c) => c.includes('='))
			.map((c) => {
				const i = c.indexOf('=');
				return { name: c.slice(0, i), value: c.slice(i + 1), url: u.origin };
			});
		if (cookies.length) await context.addCookies(cookies);
		const page = await context.newPage();
		await page.goto(url, { waitUntil: 'networkidle', timeout: 30_000 });
		await page.emulateMedia({ media: 'print' });
		return await page.pdf({
			format: 'A4',
			printBackground: true,
			margin: { top: '12mm', bottom: '12mm', left: '12mm', right: '12mm' }
		});
	} finally {
		await browser.close();
	}
}
