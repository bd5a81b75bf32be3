/**
 * The product document: ONE layout of a product's frozen content, used by the product page (inside the
 * app's chrome) and by its PDF (Chromium prints this same document; `printProductPdf`). It renders
 * the stored blocks as they are — nothing is recomputed — with print CSS (A4, no navigation, no form
 * controls, tables that do not split rows). Every text is escaped; chart SVG was drawn by the chart
 * library from numbers when the product was drafted.
 */
import {
	PRODUCT_TYPE_LABELS,
	type ProductBlock,
	type ProductContent,
	type ProductTable,
	type ProductType
} from '../../contracts/products';
import {
	HANDLING_CODE_WORDS,
	INTELLIGENCE_ASSESSMENT_WORDS,
	SOURCE_EVALUATION_WORDS,
	type IntelligenceAssessment,
	type SourceEvaluation
} from '../../grading';

/** What the document shows of a product's record. */
export interface DocumentProduct {
	id: number;
	type: ProductType;
	title: string;
	areaName: string;
	areaKind: string;
	areaCode: string;
	periodLabel: string;
	audience: 'internal' | 'public';
	handlingCode: 'P' | 'C';
	status: 'draft' | 'reviewed' | 'published';
	version: number;
	authorName: string;
	publishedAt: string | null;
	dissemination: string[];
	content: ProductContent;
}

const ESC: Record<string, string> = {
	'&': '&amp;',
	'<': '&lt;',
	'>': '&gt;',
	'"': '&quot;',
	"'": '&#39;'
};
/** Text as HTML text or attribute value. */
export const esc = (v: unknown): string => String(v).replace(/[&<>"']/g, (c) => ESC[c]);

const fmtCell = (v: string | number | null) =>
	v === null ? '–' : typeof v === 'number' ? v.toLocaleString('en-GB') : v;

const dateLabel = (iso: string) =>
	new Date(iso).toLocaleDateString('en-GB', {
		day: 'numeric',
		month: 'long',
		year: 'numeric',
		timeZone: 'UTC'
	});

function table(t: ProductTable, id: string): string {
	const head = t.columns.map((c) => `<th scope="col">${esc(c)}</th>`).join('');
	const rows = t.rows.length
		? t.rows
				.map(
					(r) =>
						`<tr>${r.map((v, i) => (i === 0 ? `<th scope="row">${esc(fmtCell(v))}</th>` : `<td>${esc(fmtCell(v))}</td>`)).join('')}</tr>`
				)
				.join('')
		: `<tr><td colspan="${t.columns.length}">No rows.</td></tr>`;
	const notes = t.notes?.length
		? `<ul class="notes">${t.notes.map((n) => `<li>${esc(n)}</li>`).join('')}</ul>`
		: '';
	return `<table id="${id}"><caption>${esc(t.caption)}</caption><thead><tr>${head}</tr></thead><tbody>${rows}</tbody></table>${notes}`;
}

function block(b: ProductBlock, i: number): string {
	const h = b.heading ? `<h2>${esc(b.heading)}</h2>` : '';
	const id = `block-${i}`;
	switch (b.kind) {
		case 'text':
			return `<section class="block text">${h}${b.paragraphs.map((p) => `<p>${esc(p)}</p>`).join('')}</section>`;
		case 'table':
			return `<section class="block">${h}${table(b.table, `${id}-table`)}</section>`;
		case 'map': {
			const legend = b.legend
				.map(
					(l) =>
						`<li><span class="swatch" style="background:${esc(l.colour)}"></span>${esc(l.label)}</li>`
				)
				.join('');
			const picture = b.image
				? `<img class="map" src="${b.image}" alt="${esc(b.caption)}. The table below gives the same information." />`
				: `<p class="map-missing">${esc(b.imageNote ?? 'No map picture was drawn for this product.')}</p>`;
			return `<section class="block map-block">${h}<figure>${picture}<figcaption>${esc(b.caption)}</figcaption></figure><ul class="legend" aria-label="Map legend">${legend}</ul>${table(b.table, `${id}-table`)}</section>`;
		}
		case 'chart':
			return `<section class="block chart-block">${h}<figure role="group" aria-labelledby="${id}-cap"><div class="chart" aria-hidden="true">${b.svg}</div><figcaption id="${id}-cap">${esc(b.caption)} (the table gives the same numbers)</figcaption></figure>${table(b.table, `${id}-table`)}</section>`;
		case 'fields':
			return `<section class="block fields">${h}<dl>${b.items.map((f) => `<dt>${esc(f.label)}</dt><dd>${f.value.trim() ? esc(f.value) : '<span class="empty">not filled in</span>'}</dd>`).join('')}</dl></section>`;
		case 'sources': {
			const rows = b.items
				.map(
					(s) =>
						`<tr><th scope="row">${esc(s.source)}</th><td>${esc(s.evaluation)} (${esc(SOURCE_EVALUATION_WORDS[Number(s.evaluation) as SourceEvaluation])})</td><td>${esc(s.assessment)} (${esc(INTELLIGENCE_ASSESSMENT_WORDS[s.assessment as IntelligenceAssessment])})</td><td>${esc(s.handling)} (${esc(HANDLING_CODE_WORDS[s.handling])})</td><td>${esc(s.note ?? '')}</td></tr>`
				)
				.join('');
			return `<section class="block">${h}<table><caption>Sources used and their 3x5x2 grading</caption><thead><tr><th scope="col">source</th><th scope="col">source evaluation</th><th scope="col">intelligence assessment</th><th scope="col">handling</th><th scope="col">note</th></tr></thead><tbody>${rows || '<tr><td colspan="5">No sources listed.</td></tr>'}</tbody></table></section>`;
		}
	}
}

/** The document's body: header, summary and blocks (an `<article>`). */
export function productArticle(p: DocumentProduct): string {
	const marking =
		p.audience === 'public'
			? 'Public — may be shared with the community'
			: `Internal — handling code ${p.handlingCode}: ${HANDLING_CODE_WORDS[p.handlingCode]}`;
	const state =
		p.status === 'published' && p.publishedAt
			? `Published ${dateLabel(p.publishedAt)}`
			: p.status === 'reviewed'
				? 'Reviewed, not yet published'
				: 'Draft — not published';
	const summary = p.content.summary.length
		? `<section class="summary"><h2>Summary</h2><ul>${p.content.summary.map((s) => `<li>${esc(s)}</li>`).join('')}</ul></section>`
		: '';
	const dissemination = p.dissemination.length
		? `<p class="meta">Dissemination: ${esc(p.dissemination.join('; '))}</p>`
		: '';
	return `<article class="product" data-product="${p.id}">
<p class="marking marking-${p.audience}">${esc(marking)}</p>
<header><p class="kind">${esc(PRODUCT_TYPE_LABELS[p.type])}</p><h1>${esc(p.title)}</h1>
<p class="meta"><strong>${esc(p.areaName)}</strong> (${esc(p.areaKind)} ${esc(p.areaCode)}) · ${esc(p.periodLabel)}</p>
<p class="meta">${esc(state)} · version ${p.version} · by ${esc(p.authorName)} · product ${p.id}</p>${dissemination}</header>
${summary}
${p.content.blocks.map(block).join('\n')}
<footer><p class="marking marking-${p.audience}">${esc(marking)}</p></footer>
</article>`;
}

/** Screen and print CSS of the document (scoped to `.product`). */
export const PRODUCT_CSS = `
.product, .product * { box-sizing: border-box; }
.product { max-width: 60rem; margin: 0 auto; font: 15px/1.45 system-ui, sans-serif; color: #1f2328; }
.product h1 { font-size: 1.6rem; margin: 0.2rem 0; }
.product h2 { font-size: 1.15rem; margin: 1.2rem 0 0.4rem; border-bottom: 1px solid #d0d7de; }
.product .kind { text-transform: uppercase; letter-spacing: 0.05em; font-size: 0.8rem; color: #57606a; margin: 0; }
.product .meta { margin: 0.15rem 0; color: #3d444d; }
.product .marking { font-weight: 700; text-align: center; padding: 0.2rem; margin: 0.3rem 0; border: 2px solid; }
.product .marking-public { color: #1a5e20; border-color: #1a5e20; }
.product .marking-internal { color: #8c1c13; border-color: #8c1c13; }
.product table { border-collapse: collapse; margin: 0.4rem 0; width: 100%; font-size: 0.9rem; }
.product caption { text-align: left; font-weight: 600; padding: 0.2rem 0; }
.product th, .product td { border: 1px solid #d0d7de; padding: 0.2rem 0.4rem; text-align: left; vertical-align: top; }
.product td { font-variant-numeric: tabular-nums; }
.product thead th { background: #f3f4f6; }
.product tr { break-inside: avoid; }
.product figure { margin: 0.4rem 0; }
.product img.map { display: block; width: 100%; max-height: 11cm; object-fit: contain; border: 1px solid #d0d7de; }
.product figcaption { font-size: 0.85rem; color: #3d444d; }
.product .legend { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: 0.3rem 1rem; font-size: 0.85rem; margin: 0.2rem 0; }
.product .swatch { display: inline-block; width: 0.9rem; height: 0.9rem; margin-right: 0.3rem; vertical-align: -0.1rem; border: 1px solid #57606a; }
.product .chart svg { max-width: 100%; height: auto; }
.product .chart-block, .product .map-block figure { break-inside: avoid; }
.product .notes { font-size: 0.85rem; color: #3d444d; margin: 0.2rem 0; }
.product dl { display: grid; grid-template-columns: max-content 1fr; gap: 0.2rem 1rem; }
.product dt { font-weight: 600; }
.product dd { margin: 0; white-space: pre-wrap; }
.product .empty { color: #57606a; font-style: italic; }
.product .map-missing { padding: 1rem; border: 1px dashed #57606a; }
@media print {
	@page { size: A4; }
	.product { max-width: none; font-size: 10.5pt; }
	.product h2 { break-after: avoid; }
	.product img.map { max-height: 10.5cm; }
}
`;

/** The whole document as Chromium prints it into the PDF: the same article and CSS, nothing else. */
export function productDocumentHtml(p: DocumentProduct): string {
	return `<!doctype html><html lang="en-GB"><head><meta charset="utf-8"><title>${esc(p.title)}</title><style>body{margin:0;background:#fff}${PRODUCT_CSS}</style></head><body>${productArticle(p)}</body></html>`;
}
