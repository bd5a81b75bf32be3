/** A product's PDF: its document (`document.ts`) printed by Chromium, with a file name saying what it is. */
import { esc, productDocumentHtml, type DocumentProduct } from './document';
import { printPdf } from './chromium';

/** `briefing-lsoa-E01000001-2024-05-v1.pdf`: type, area, period end, version (safe characters only). */
export function productFilename(
	p: Pick<DocumentProduct, 'type' | 'areaKind' | 'areaCode' | 'version'> & { periodTo: string }
): string {
	const safe = (s: string) => s.replace(/[^A-Za-z0-9_-]+/g, '-');
	return `${safe(p.type)}-${safe(p.areaKind)}-${safe(p.areaCode)}-${p.periodTo.slice(0, 7)}-v${p.version}.pdf`;
}

export async function productPdf(
	p: DocumentProduct & { periodTo: string }
): Promise<{ pdf: Buffer; filename: string }> {
	const marking = p.audience === 'public' ? 'PUBLIC' : `INTERNAL · handling code ${p.handlingCode}`;
	const footer = `${esc(p.title)} · ${esc(marking)} · product ${p.id} v${p.version}${p.status === 'published' ? '' : ` · ${p.status.toUpperCase()}`}`;
	return { pdf: await printPdf(productDocumentHtml(p), footer), filename: productFilename(p) };
}
