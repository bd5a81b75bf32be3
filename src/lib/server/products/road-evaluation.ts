/**
 * The road-safety evaluation as a product (issue 14): the before/after evaluation of a site (a circle
 * or an area) against a control, as the road-safety page computes it, frozen with its numbers — counts
 * by period and severity, the site ratio, the control's and the control-adjusted odds ratio with their
 * exact intervals — the map of the site with its collisions before and after, a chart of the
 * estimates with their intervals, the caveats (regression to the mean first) and the methods cited.
 * Every map and chart has its table. Internal audience (collision points are shown).
 *
 * Composes the road-safety service and the products store; routes call it.
 */
import type { Database } from '../db/client';
import {
	evaluateRoadScheme,
	roadEvaluationMap,
	MAX_EVALUATION_POINTS,
	type EvaluationMap,
	type SchemeEvaluation,
	type SchemeEvaluationRequest
} from '../services/road-safety';
import { createDraft, type Product, type ProductActor } from '../services/products';
import { ServiceError } from '../errors';
import type { ProductBlock, ProductContent, ProductTable } from '../../contracts/products';
import { ROAD_SEVERITIES, ROAD_SEVERITY_LABELS, type RoadSeverity } from '../../road-safety';
import { effectSentence, fmtEstimate, fmtP, fmtRatio } from '../../road-safety-wording';
import { groupedBars, intervals, type IntervalRow } from './charts';
import { mapPicture } from './map-image';

export interface RoadEvaluationProductRequest extends SchemeEvaluationRequest {
	/** Basemap style of the deployment (null: the shipped one). */
	basemapStyle?: string | Record<string, unknown> | null;
	/** Draw the map picture (Chromium). Default true. */
	mapPicture?: boolean;
	dissemination?: string[];
}

/** Map colours: before in blue, after in orange (Okabe–Ito); size by severity. */
export const PERIOD_COLOURS = { before: '#0072B2', after: '#E69F00' } as const;
const RADIUS: Record<RoadSeverity, number> = { fatal: 9, serious: 7, slight: 5 };

const pct = (c: number) => `${Math.round(c * 100)} %`;

function periodLabel(e: SchemeEvaluation): string {
	return `before ${e.before.from} to ${e.before.to}, after ${e.after.from} to ${e.after.to}`;
}

/** Sentences from the numbers: the counts, the effect beyond the control's trend, its uncertainty. */
export function evaluationSummary(e: SchemeEvaluation): string[] {
	const conf = e.all.parameters.confidence;
	const out = [
		`At the site (${e.site.label}) ${e.all.site.before} injury collisions were recorded in the ${e.periodDays} days before the scheme and ${e.all.site.after} in the ${e.periodDays} days after${e.gapDays ? ` (${e.gapDays} days after the scheme date left out)` : ''}; ${e.ksi.site.before} and ${e.ksi.site.after} of them killed or seriously injured someone (KSI).`
	];
	if (e.all.adjusted) out.push(effectSentence(e.all.adjusted, 'All injury collisions', conf));
	if (e.ksi.adjusted) out.push(effectSentence(e.ksi.adjusted, 'KSI collisions', conf));
	out.push(
		'Regression to the mean is not removed by this design: a site chosen for its high counts would usually see fewer collisions afterwards without any scheme.'
	);
	return out;
}

function estimateRows(e: SchemeEvaluation): {
	table: ProductTable;
	rows: IntervalRow[];
} {
	const conf = e.all.parameters.confidence;
	const designs = [
		{ key: 'All injury collisions', short: 'All', d: e.all },
		{ key: 'KSI collisions', short: 'KSI', d: e.ksi }
	];
	const rows: IntervalRow[] = [];
	const cells: (string | number | null)[][] = [];
	for (const { key, short, d } of designs) {
		const items = [
			{ what: 'site, after/before', brief: 'site', r: d.site.ratio },
			...(d.control
				? [{ what: 'control, after/before', brief: 'control', r: d.control.ratio }]
				: []),
			...(d.adjusted
				? [{ what: 'odds ratio (site against control)', brief: 'odds ratio', r: d.adjusted }]
				: [])
		];
		for (const { what, brief, r } of items) {
			rows.push({
				label: `${short}: ${brief}`,
				estimate: r.estimate,
				lower: r.lower,
				upper: r.upper
			});
			cells.push([
				`${key}: ${what}`,
				r.estimate === null ? 'undefined (a zero count)' : fmtRatio(r.estimate),
				fmtRatio(r.lower),
				fmtRatio(r.upper),
				fmtP(r.p)
			]);
		}
	}
	return {
		rows,
		table: {
			caption: `Estimates with their exact ${pct(conf)} confidence intervals`,
			columns: ['estimate', 'value', `${pct(conf)} CI from`, 'to', 'test of no change'],
			rows: cells,
			notes: [
				'A ratio below 1 means fewer collisions after than before; the odds ratio below 1 means fewer at the site than the control’s change predicts. An interval that includes 1 cannot tell an effect from chance.',
				'An upper bound of ∞ means the interval is unbounded (a zero count before).'
			]
		}
	};
}

/** The map's features: the site's outline, then the collisions (before, then after; slight first). */
function mapFeatures(m: EvaluationMap): unknown[] {
	return [
		{
			type: 'Feature',
			properties: { fill: '#2563eb', fillOpacity: 0.08, stroke: '#1d4ed8', strokeWidth: 2.5 },
			geometry: m.outline
		},
		// Before first, so the after collisions are drawn on top; within a period, slight first.
		...(['before', 'after'] as const).flatMap((period) =>
			[...ROAD_SEVERITIES].reverse().flatMap((s) =>
				m.collisions
					.filter((c) => c.period === period && c.severity === s)
					.map((c) => ({
						type: 'Feature',
						properties: {
							period,
							severity: s,
							fill: PERIOD_COLOURS[period],
							radius: RADIUS[s],
							stroke: '#111827',
							strokeWidth: 1
						},
						geometry: { type: 'Point', coordinates: [c.lon, c.lat] }
					}))
			)
		)
	];
}

function mapBlock(
	e: SchemeEvaluation,
	m: EvaluationMap,
	image: string | null,
	imageNote: string | undefined
): ProductBlock {
	const features = mapFeatures(m);
	const count = (period: 'before' | 'after', s: RoadSeverity) =>
		m.collisions.filter((c) => c.period === period && c.severity === s).length;
	const listed = m.collisions.slice(0, 40);
	return {
		kind: 'map',
		heading: 'The site and its collisions',
		caption: `The site (${e.site.label}, blue outline) with its located injury collisions, ${periodLabel(e)}; larger dots are more severe (fatal, serious, slight)`,
		image,
		imageNote,
		geojson: { type: 'FeatureCollection', features },
		bbox: m.bbox,
		legend: [
			{ label: `Before (${e.before.from} to ${e.before.to})`, colour: PERIOD_COLOURS.before },
			{ label: `After (${e.after.from} to ${e.after.to})`, colour: PERIOD_COLOURS.after }
		],
		table: {
			caption: 'Located collisions at the site on the map, by period and severity',
			columns: ['severity', 'before', 'after'],
			rows: ROAD_SEVERITIES.map((s) => [
				ROAD_SEVERITY_LABELS[s],
				count('before', s),
				count('after', s)
			]),
			notes: [
				...(listed.length
					? [
							`Where: ${listed.map((c) => `${c.day} ${c.severity} at ${c.lat.toFixed(4)}, ${c.lon.toFixed(4)}`).join('; ')}${m.collisions.length > listed.length ? ` (the first ${listed.length} of ${m.collisions.length})` : ''}.`
						]
					: ['No located collision at the site in either period.']),
				...(m.truncated
					? [
							`The map shows the first ${MAX_EVALUATION_POINTS} collisions; the evaluation counts all of them.`
						]
					: [])
			]
		}
	};
}

/** The evaluation's frozen content (no product stored). */
export async function roadEvaluationContent(
	db: Database,
	q: RoadEvaluationProductRequest
): Promise<{ content: ProductContent; evaluation: SchemeEvaluation; map: EvaluationMap }> {
	const e = await evaluateRoadScheme(db, q);
	const m = await roadEvaluationMap(db, q, e);
	let image: string | null = null;
	let imageNote: string | undefined;
	if (q.mapPicture !== false)
		image = await mapPicture({
			geojson: { type: 'FeatureCollection', features: mapFeatures(m) },
			bbox: m.bbox,
			style: q.basemapStyle ?? null
		});
	else imageNote = 'The map picture was not drawn for this draft; the table gives the collisions.';
	const conf = e.all.parameters.confidence;
	const est = estimateRows(e);
	const countsTable: ProductTable = {
		caption: 'Collisions in each period',
		columns: ['', 'site before', 'site after', 'control before', 'control after'],
		rows: [
			[
				'All injury collisions',
				e.all.site.before,
				e.all.site.after,
				e.all.control?.before ?? null,
				e.all.control?.after ?? null
			],
			[
				'KSI collisions',
				e.ksi.site.before,
				e.ksi.site.after,
				e.ksi.control?.before ?? null,
				e.ksi.control?.after ?? null
			],
			...ROAD_SEVERITIES.map((s) => [
				`${ROAD_SEVERITY_LABELS[s]} (site)`,
				e.siteBySeverity.before[s],
				e.siteBySeverity.after[s],
				null,
				null
			])
		],
		notes: [`Control: ${e.control.label}. The site’s collisions are left out of the control.`]
	};
	const blocks: ProductBlock[] = [
		{
			kind: 'text',
			heading: 'The evaluation',
			paragraphs: [
				`Site: ${e.site.label}. Control: ${e.control.label}.`,
				`Before: ${e.before.from} to ${e.before.to}; after: ${e.after.from} to ${e.after.to} (${e.periodDays} days each${e.gapDays ? `; the ${e.gapDays} days after the scheme date left out` : ''}).`
			]
		},
		mapBlock(e, m, image, imageNote),
		{ kind: 'table', heading: 'Counts', table: countsTable },
		{
			kind: 'chart',
			heading: 'Before and after at the site',
			caption: `Collisions at the site by severity, before (${e.before.from} to ${e.before.to}) and after (${e.after.from} to ${e.after.to})`,
			svg: groupedBars({
				categories: ROAD_SEVERITIES.map((s) => ROAD_SEVERITY_LABELS[s]),
				series: [
					{
						name: 'Before',
						values: ROAD_SEVERITIES.map((s) => e.siteBySeverity.before[s])
					},
					{
						name: 'After',
						values: ROAD_SEVERITIES.map((s) => e.siteBySeverity.after[s])
					}
				]
			}),
			table: {
				caption: 'Collisions at the site by severity',
				columns: ['severity', 'before', 'after'],
				rows: ROAD_SEVERITIES.map((s) => [
					ROAD_SEVERITY_LABELS[s],
					e.siteBySeverity.before[s],
					e.siteBySeverity.after[s]
				])
			}
		},
		{
			kind: 'chart',
			heading: 'Effect and uncertainty',
			caption: `Ratios with their exact ${pct(conf)} intervals (log scale; the dashed line is no change; site and control are after/before, the odds ratio is the site's against the control's; an estimate of 0 has no point on a log scale)`,
			svg: intervals({ rows: est.rows, xName: 'ratio (log scale)' }),
			table: est.table
		},
		{
			kind: 'text',
			heading: 'In words',
			paragraphs: [
				`All injury collisions at the site, after/before: ${fmtEstimate(e.all.site.ratio, conf)}.`,
				`KSI collisions at the site, after/before: ${fmtEstimate(e.ksi.site.ratio, conf)}.`,
				...(e.all.adjusted ? [effectSentence(e.all.adjusted, 'All injury collisions', conf)] : []),
				...(e.ksi.adjusted ? [effectSentence(e.ksi.adjusted, 'KSI collisions', conf)] : [])
			]
		},
		{ kind: 'text', heading: 'Read with care', paragraphs: e.caveats },
		{
			kind: 'text',
			heading: 'Methods',
			paragraphs: [
				`${e.all.parameters.siteMethod}; ${e.all.parameters.controlMethod}.`,
				...e.methods
			]
		},
		{
			kind: 'fields',
			heading: 'The scheme and the analyst’s conclusion',
			items: [
				{ label: 'Scheme (what was done, when, by whom)', value: '' },
				{ label: 'Conclusion', value: '' },
				{ label: 'Analyst contact', value: '' }
			]
		}
	];
	return {
		evaluation: e,
		map: m,
		content: {
			summary: evaluationSummary(e),
			blocks,
			parameters: {
				site: q.site,
				control: q.control,
				schemeDate: q.schemeDate,
				periodDays: e.periodDays,
				gapDays: e.gapDays,
				confidence: conf,
				before: e.before,
				after: e.after,
				all: e.all,
				ksi: e.ksi,
				siteBySeverity: e.siteBySeverity
			}
		}
	};
}

/** Evaluate, and store the evaluation as an internal draft product of the site's area. */
export async function draftRoadEvaluation(
	db: Database,
	q: RoadEvaluationProductRequest,
	actor: ProductActor
): Promise<Product> {
	const { content, evaluation: e, map } = await roadEvaluationContent(db, q);
	if (!map.area)
		throw new ServiceError(
			'E_UNKNOWN_AREA',
			'site: no stored area holds the circle’s centre; a product belongs to an area, so choose the site as an area or import the boundaries',
			422
		);
	return createDraft(
		db,
		{
			type: 'road-safety-evaluation',
			title: `Road-safety evaluation: ${e.site.label}, scheme of ${q.schemeDate}`,
			area: map.area,
			period: { from: e.before.from, to: e.after.to, label: periodLabel(e) },
			audience: 'internal',
			handlingCode: 'P',
			dissemination: q.dissemination ?? [],
			content
		},
		actor
	);
}
