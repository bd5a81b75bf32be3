/**
 * Templates of analysts' products (issue 14): threat assessment, risk analysis and intelligence memo.
 * Each is a draft with structured sections for the analyst's text (filled in on the product page),
 * the analyses pulled in as they stand when drafted — the area's hot-spot map and table, incidents by
 * category against the same dates a year before (exact tests, FDR; refused where a period holds no
 * data) — and the sources of the area's intelligence reports in the period with their 3x5x2 grading.
 * Internal products; handling code C includes handling-code-C reports' sources.
 */
import type { Database } from '../db/client';
import { findAreas } from '../db/queries/areas-study';
import {
	areaWithBounds,
	categoryCountsInPeriods,
	coverCellCount
} from '../db/queries/areas-detail';
import { areaOutline, sourceGradingsInArea } from '../db/queries/observations-area';
import { coverageFor } from '../study/coverage';
import { changeTests } from '../analysis/exact-binomial';
import { neighbourhoodHotspots } from '../services/neighbourhood';
import { createDraft, type Product, type ProductActor } from '../services/products';
import { ServiceError } from '../errors';
import { CATEGORIES } from '../../taxonomy';
import type { ProductBlock } from '../../contracts/products';
import { cellCentres, HOT_COLOURS, hotspotFeatures } from './briefing';
import { mapPicture } from './map-image';

export const ASSESSMENT_TYPES = [
	'threat-assessment',
	'risk-analysis',
	'intelligence-memo'
] as const;
export type AssessmentType = (typeof ASSESSMENT_TYPES)[number];

/** The analyst's sections of each template. */
export const SECTIONS: Record<AssessmentType, string[]> = {
	'threat-assessment': [
		'Intelligence requirement',
		'Key judgements',
		'Threat: who, what, how',
		'Likelihood (with the probability yardstick term)',
		'Impact and harm',
		'Intelligence gaps',
		'Recommendations'
	],
	'risk-analysis': [
		'Risk question',
		'Hazards and vulnerabilities',
		'Likelihood',
		'Impact',
		'Risk rating (likelihood × impact)',
		'Existing controls',
		'Recommended treatment'
	],
	'intelligence-memo': ['Subject', 'Summary', 'Details', 'Assessment', 'Action requested']
};

export interface AssessmentRequest {
	type: AssessmentType;
	area: string;
	from: string;
	to: string;
	handlingCode: 'P' | 'C';
	title?: string;
	basemapStyle?: string | Record<string, unknown> | null;
	mapPicture?: boolean;
}

const ISO = /^\d{4}-\d{2}-\d{2}$/;
const yearBefore = (d: string) =>
	`${Number(d.slice(0, 4)) - 1}${d.slice(4)}`.replace(/-02-29$/, '-02-28');

export async function draftAssessment(
	db: Database,
	q: AssessmentRequest,
	actor: ProductActor
): Promise<Product> {
	if (!(ASSESSMENT_TYPES as readonly string[]).includes(q.type))
		throw new ServiceError('E_PARAMETER', `type: one of ${ASSESSMENT_TYPES.join(', ')}`);
	for (const [k, v] of [
		['from', q.from],
		['to', q.to]
	] as const)
		if (!ISO.test(v) || Number.isNaN(Date.parse(v)))
			throw new ServiceError('E_DATE_RANGE', `${k}: a date written YYYY-MM-DD, got "${v}"`);
	if (q.from > q.to) throw new ServiceError('E_DATE_RANGE', 'from: must be on or before to');
	const { areas, missing } = await findAreas(db, [q.area]);
	if (missing.length || areas.length !== 1)
		throw new ServiceError('E_UNKNOWN_AREA', `area: no single area "${q.area}"`, 404);
	const area = (await areaWithBounds(db, areas[0].id))!;
	const now = { from: q.from, to: q.to };
	const before = { from: yearBefore(q.from), to: yearBefore(q.to) };
	const coverage = await coverageFor(db, before.from, now.to, { areaIds: [area.id] });
	const nowCovered = coverage.period(now.from, now.to).status === 'covered';
	const beforeCovered = coverage.period(before.from, before.to).status === 'covered';
	const label = new Map(CATEGORIES.map((c) => [c.code as string, c.label]));
	const counts = (await categoryCountsInPeriods(db, area.id, [now, before])).filter(
		(r) => r.counts[0] + r.counts[1] > 0
	);
	counts.sort((a, b) => b.counts[0] - a.counts[0]);
	const tests =
		nowCovered && beforeCovered && counts.length
			? changeTests(
					counts.map((r) => r.counts[0]),
					counts.map((r) => r.counts[1])
				)
			: null;
	const blocks: ProductBlock[] = [
		{
			kind: 'fields',
			heading: 'Assessment',
			items: SECTIONS[q.type].map((s) => ({ label: s, value: '' }))
		}
	];
	// Hot spots of the period (internal: exact counts, FDR at 10 %).
	const res = (await coverCellCount(db, area.id)) >= 300 ? 9 : 10;
	const hot = await neighbourhoodHotspots(db, {
		areaId: area.id,
		res,
		period: now,
		audience: 'internal'
	});
	const { features, counts: bins } = hotspotFeatures(hot);
	const geojson = {
		type: 'FeatureCollection' as const,
		features: [
			...features,
			{
				type: 'Feature',
				properties: { stroke: '#111827', strokeWidth: 2.5 },
				geometry: await areaOutline(db, area.id)
			}
		]
	};
	blocks.push({
		kind: 'map',
		heading: 'Hot spots',
		caption: `Hot spots in ${area.name}, ${q.from} to ${q.to} (Getis-Ord Gi*, H3 resolution ${res}, FDR)`,
		image:
			q.mapPicture === false
				? null
				: await mapPicture({ geojson, bbox: area.bbox, style: q.basemapStyle ?? null }),
		imageNote: q.mapPicture === false ? 'The map picture was not drawn for this draft.' : undefined,
		geojson,
		bbox: area.bbox,
		legend: [3, 2, 1].map((b) => ({ label: HOT_COLOURS[b].label, colour: HOT_COLOURS[b].colour })),
		table: {
			caption: `Hot-spot cells in ${area.name} by confidence`,
			columns: ['confidence', 'cells', 'where (cell centres, to about 100 m)'],
			rows: [3, 2, 1].map((b) => [
				HOT_COLOURS[b].label,
				bins[b],
				cellCentres(hot.cells.filter((_, i) => hot.bin[i] === b)) || '–'
			])
		}
	});
	blocks.push({
		kind: 'table',
		heading: 'Incidents by category',
		table: {
			caption: `Incidents in ${area.name}, ${q.from} to ${q.to}, against ${before.from} to ${before.to}`,
			columns: [
				'category',
				`${q.from} – ${q.to}`,
				`${before.from} – ${before.to}`,
				'change (exact test, FDR 5 %)'
			],
			rows: counts.map((r, i) => [
				label.get(r.category) ?? r.category,
				nowCovered ? r.counts[0] : null,
				beforeCovered ? r.counts[1] : null,
				tests ? tests.direction[i] : 'not compared'
			]),
			notes: [
				...(nowCovered
					? []
					: ['The period holds data for only some of its days (or none): counts are not given.']),
				...(beforeCovered ? [] : ['The year before holds no complete data: no comparison.'])
			]
		}
	});
	const gradings = await sourceGradingsInArea(db, area.id, q.from, q.to, q.handlingCode === 'C');
	blocks.push({
		kind: 'sources',
		heading: 'Sources used',
		items: gradings.map((g) => ({
			source: g.source,
			evaluation: String(g.evaluation) as '1' | '2' | '3',
			assessment: g.assessment as 'A' | 'B' | 'C' | 'D' | 'E',
			handling: g.handling as 'P' | 'C',
			note: `${g.reports} report${g.reports === 1 ? '' : 's'} in the period`
		}))
	});
	const kind = {
		'threat-assessment': 'threat assessment',
		'risk-analysis': 'risk analysis',
		'intelligence-memo': 'intelligence memo'
	}[q.type];
	return createDraft(
		db,
		{
			type: q.type,
			title: q.title?.trim() || `${area.name}: ${kind}, ${q.from} to ${q.to}`,
			area: area.id,
			period: { from: q.from, to: q.to, label: `${q.from} to ${q.to}` },
			audience: 'internal',
			handlingCode: q.handlingCode,
			content: {
				summary: [
					`${counts.reduce((t, r) => t + r.counts[0], 0)} incidents in ${area.name} from ${q.from} to ${q.to}${nowCovered ? '' : ' (the period is not fully covered by data)'}; ${bins[1] + bins[2] + bins[3]} hot-spot cells; ${gradings.reduce((t, g) => t + g.reports, 0)} intelligence reports from ${new Set(gradings.map((g) => g.source)).size} sources.`
				],
				blocks,
				parameters: {
					area: { id: area.id, kind: area.kind, code: area.code },
					period: now,
					yearBefore: before,
					coverage: { period: nowCovered, yearBefore: beforeCovered },
					hotspots: { res, k: hot.k, fdr: hot.fdr, alpha: hot.alpha }
				}
			}
		},
		actor
	);
}
