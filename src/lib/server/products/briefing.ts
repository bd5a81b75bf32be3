/**
 * The community-safety briefing of one neighbourhood and month (issue 14): the area's hot-spot map
 * with its table, top concerns with their trend against the same months a year before (the
 * neighbourhood view's numbers: exact conditional binomial tests, refused where a period holds no
 * data), what police are doing there, what residents reported (sanitised text only), and the contact
 * and next-meeting fields the team fills in — frozen into a product draft.
 *
 * For a public audience every count is the neighbourhood view's public one (cell-key perturbation: no
 * count from 1 to threshold − 1 is ever shown, and the same records show the same value in every
 * table, so no two figures combine to reveal a suppressed count), sensitive categories appear only as
 * area totals, hot spots only as cells of the public resolution without counts, and no point is shown.
 *
 * This module composes the neighbourhood service's answers and the products store (it sits above the
 * services; routes and the CLI call it).
 */
import { cellToBoundary, cellToLatLng } from 'h3-js';
import type { Database } from '../db/client';
import {
	discloseNeighbourhood,
	neighbourhoodHotspots,
	neighbourhoodSummary,
	summaryPeriods,
	type CategoryTrend,
	type Comparison,
	type NeighbourhoodHotspots
} from '../services/neighbourhood';
import { keyedCategoryCountsInPeriods } from '../db/queries/incidents-keyed';
import {
	areaOutline,
	sanitisedObservationsInArea,
	tableExists
} from '../db/queries/observations-area';
import { createDraft, type Product, type ProductActor } from '../services/products';
import { ServiceError } from '../errors';
import { DEFAULT_SUPPRESS_BELOW, type Audience } from '../auth/disclosure';
import type { ProductBlock, ProductContent } from '../../contracts/products';
import { groupedBars } from './charts';
import { mapPicture } from './map-image';
import { policeActivity } from './police-activity';

/** Hot-spot bins as the map colours them (hot only: a briefing shows where problems concentrate). */
export const HOT_COLOURS: Record<number, { colour: string; label: string }> = {
	3: { colour: '#b2182b', label: 'Hot spot, 99 % confidence' },
	2: { colour: '#ef8a62', label: 'Hot spot, 95 % confidence' },
	1: { colour: '#fddbc7', label: 'Hot spot, 90 % confidence' }
};

/** Categories listed as top concerns. */
export const TOP_CONCERNS = 6;
/** Residents' reports quoted. */
export const OBSERVATIONS_QUOTED = 8;

export interface BriefingRequest {
	/** kind:code or id */
	area: string;
	/** YYYY-MM */
	period: string;
	audience: Audience;
	/** Cell-key threshold of public counts (BEATWISE_SUPPRESS_BELOW). */
	threshold?: number;
	/** Basemap style of the deployment (null: the shipped one). */
	basemapStyle?: string | Record<string, unknown> | null;
	/** Draw the map picture (Chromium). Default true. */
	mapPicture?: boolean;
	dissemination?: string[];
}

const PERIOD = /^(\d{4})-(0[1-9]|1[0-2])$/;

const signed = (n: number) => (n > 0 ? `+${n}` : String(n));

function changeWords(c: Comparison | null, lastYearLabel: string): string {
	if (!c) return `no data for ${lastYearLabel}: no comparison`;
	if (c.direction === null) return 'too few to compare (small numbers are not published exactly)';
	const p = c.p === null ? '' : ` (exact test p = ${c.p < 0.001 ? '< 0.001' : c.p.toFixed(3)})`;
	if (c.direction === 'no significant change') return `no significant change${p}`;
	return `${c.direction === 'up' ? 'significant rise' : 'significant fall'}${p}`;
}

/** Sentences from the numbers: the total, its trend, the largest concern, the hot spots. */
export function briefingSummary(q: {
	areaName: string;
	periodLabel: string;
	trendLabel: string;
	lastYearLabel: string;
	total: CategoryTrend;
	top: CategoryTrend[];
	hotCells: number;
	hotspotsPeriod: string;
	audience: Audience;
}): string[] {
	const out: string[] = [];
	const t = q.total;
	out.push(
		`${t.briefingCount.toLocaleString('en-GB')} crimes and incidents were recorded in ${q.areaName} in ${q.periodLabel}${q.audience === 'public' ? ' (counts are rounded for publication: no number from 1 to 4 is shown)' : ''}.`
	);
	if (!t.yearOnYear)
		out.push(
			`There is no data for ${q.lastYearLabel}, so ${q.trendLabel} cannot be compared with a year before.`
		);
	else if (t.yearOnYear.direction === 'up' || t.yearOnYear.direction === 'down')
		out.push(
			`Over ${q.trendLabel} the total ${t.yearOnYear.direction === 'up' ? 'rose' : 'fell'} significantly against the same months a year before (${t.yearOnYear.now} against ${t.yearOnYear.before}).`
		);
	else
		out.push(
			`Over ${q.trendLabel} the total (${t.trendCount}) shows no significant change against the same months a year before${t.yearOnYear.before !== undefined ? ` (${t.yearOnYear.before})` : ''}.`
		);
	const first = q.top[0];
	if (first)
		out.push(
			`The largest concern over ${q.trendLabel} is ${first.label.toLowerCase()} (${first.trendCount}).`
		);
	const rising = q.top.filter((c) => c.yearOnYear?.direction === 'up').map((c) => c.label);
	if (rising.length)
		out.push(`Significantly up on a year before: ${rising.join(', ').toLowerCase()}.`);
	out.push(
		q.hotCells > 0
			? `The map shows ${q.hotCells} hot-spot cell${q.hotCells === 1 ? '' : 's'} over ${q.hotspotsPeriod}.`
			: `No hot spot stands out over ${q.hotspotsPeriod}.`
	);
	return out;
}

/**
 * Cell centres to about 100 m ("51.515, -0.081; …"), at most `max` of them: the words a map's table
 * uses for where its cells are.
 */
export function cellCentres(cells: readonly string[], max = 12): string {
	return (
		cells
			.slice(0, max)
			.map((c) => {
				const [lat, lon] = cellToLatLng(c);
				return `${lat.toFixed(3)}, ${lon.toFixed(3)}`;
			})
			.join('; ') + (cells.length > max ? ` (first ${max} of ${cells.length})` : '')
	);
}

/** The hot cells (bins 1–3) as coloured polygons, and how many cells in each bin. */
export function hotspotFeatures(h: Pick<NeighbourhoodHotspots, 'cells' | 'bin'>): {
	features: unknown[];
	counts: number[];
} {
	const counts = [0, 0, 0, 0];
	const features: unknown[] = [];
	h.cells.forEach((cell, i) => {
		const bin = h.bin[i];
		if (bin <= 0) return;
		counts[bin]++;
		features.push({
			type: 'Feature',
			properties: {
				bin,
				fill: HOT_COLOURS[bin].colour,
				fillOpacity: 0.75,
				stroke: '#7f1d1d',
				strokeWidth: 0.5
			},
			geometry: { type: 'Polygon', coordinates: [cellToBoundary(cell, true)] }
		});
	});
	return { features, counts };
}

function concernsRow(c: CategoryTrend, lastYearLabel: string): (string | number | null)[] {
	return [
		c.label,
		c.briefingCount,
		c.trendCount,
		c.yearOnYear ? c.yearOnYear.before : null,
		c.yearOnYear ? signed(c.yearOnYear.difference) : null,
		changeWords(c.yearOnYear, lastYearLabel)
	];
}

/**
 * Build the briefing's frozen content (no product stored). Refuses a month outside the data.
 */
export async function briefingContent(
	db: Database,
	q: BriefingRequest
): Promise<{
	content: ProductContent;
	area: { id: number; kind: string; code: string; name: string };
	period: { from: string; to: string; label: string };
	title: string;
}> {
	const m = PERIOD.exec(q.period);
	if (!m)
		throw new ServiceError('E_PARAMETER', `period: a month written YYYY-MM, got "${q.period}"`);
	const last = new Date(Date.UTC(Number(m[1]), Number(m[2]), 0)).toISOString().slice(0, 10);
	const threshold = q.threshold ?? DEFAULT_SUPPRESS_BELOW;
	const summary = await neighbourhoodSummary(db, {
		area: q.area,
		to: last,
		observations: 0,
		fixedPeriods: q.audience === 'public'
	});
	if (summary.range.to < `${q.period}-01` || summary.range.from > last)
		throw new ServiceError(
			'E_NO_DATA',
			`period: no data for ${q.period}; the data runs from ${summary.range.from} to ${summary.range.to}`,
			422
		);
	const keyed =
		q.audience === 'public'
			? await keyedCategoryCountsInPeriods(db, summary.area.id, summaryPeriods(summary))
			: null;
	const view = discloseNeighbourhood(summary, q.audience, keyed, threshold);
	const { area, periods } = view;
	const hot = await neighbourhoodHotspots(db, {
		areaId: area.id,
		res: view.hotspotRes,
		period: periods.hotspots,
		audience: q.audience,
		threshold
	});
	const { features, counts } = hotspotFeatures(hot);
	const outline = {
		type: 'Feature',
		properties: { stroke: '#111827', strokeWidth: 2.5 },
		geometry: await areaOutline(db, area.id)
	};
	const geojson = { type: 'FeatureCollection' as const, features: [...features, outline] };
	let image: string | null = null;
	let imageNote: string | undefined;
	if (q.mapPicture !== false)
		image = await mapPicture({ geojson, bbox: area.bbox, style: q.basemapStyle ?? null });
	else imageNote = 'The map picture was not drawn for this draft; the table gives the hot spots.';
	const hotCells = counts[1] + counts[2] + counts[3];
	const top = view.categories.slice(0, TOP_CONCERNS);
	const observations = await sanitisedObservationsInArea(
		db,
		area.id,
		periods.briefing.from,
		periods.briefing.to,
		OBSERVATIONS_QUOTED
	);
	const taskingTables =
		(await tableExists(db, 'taskings')) && (await tableExists(db, 'patrol_visits'));

	const blocks: ProductBlock[] = [
		{
			kind: 'map',
			heading: 'Where problems concentrate',
			caption: `Hot spots in ${area.name}, ${periods.hotspots.label} (Getis-Ord Gi* on H3 resolution ${hot.res} cells, false discovery rate controlled; the black line is the neighbourhood's boundary)`,
			image,
			imageNote,
			geojson,
			bbox: area.bbox,
			legend: [3, 2, 1].map((b) => ({
				label: HOT_COLOURS[b].label,
				colour: HOT_COLOURS[b].colour
			})),
			table: {
				caption: `Hot-spot cells in ${area.name}, ${periods.hotspots.label}, by confidence`,
				columns: ['confidence', 'cells', 'where (cell centres, to about 100 m)'],
				rows: [3, 2, 1].map((b) => [
					HOT_COLOURS[b].label,
					counts[b],
					cellCentres(hot.cells.filter((_, i) => hot.bin[i] === b)) || '–'
				]),
				notes: [
					`${hotCells} of ${hot.cells.length} cells of the neighbourhood are hot spots at 90 % confidence or more.`,
					...(hot.sensitiveLeftOut
						? [
								'Sensitive categories are left out of the map (they are counted in the area totals only).'
							]
						: []),
					...(q.audience === 'public'
						? [
								'Hot spots are computed from the published (rounded) counts; no incident location is shown.'
							]
						: [])
				]
			}
		},
		{
			kind: 'table',
			heading: 'Top concerns',
			table: {
				caption: `Top concerns in ${area.name}: ${periods.briefing.label}, and ${periods.trend.label} against ${periods.lastYear.label}`,
				columns: [
					'category',
					periods.briefing.label,
					periods.trend.label,
					periods.lastYear.label,
					'change',
					'trend (exact test, 5 %)'
				],
				rows: [
					...top.map((c) => concernsRow(c, periods.lastYear.label)),
					concernsRow(view.total, periods.lastYear.label)
				],
				notes: [
					'A change is called significant only when the exact conditional binomial test (the two counts split as a fair coin would, if nothing changed) gives p < 0.05.',
					...(view.coverage.lastYear
						? []
						: [
								`No data was imported for ${periods.lastYear.label} here: no year-on-year comparison is made.`
							]),
					...(q.audience === 'public'
						? [
								`Counts are published by the cell-key method: 0 stays 0, no count from 1 to ${threshold - 1} is shown, and the same records show the same value in every table.`
							]
						: [])
				]
			}
		}
	];
	if (top.length)
		blocks.push({
			kind: 'chart',
			heading: 'A year on',
			caption: `${periods.trend.label} against ${periods.lastYear.label}, top concerns`,
			svg: groupedBars({
				categories: top.map((c) => c.label),
				series: [
					{ name: periods.trend.label, values: top.map((c) => c.trendCount) },
					{ name: periods.lastYear.label, values: top.map((c) => c.yearOnYear?.before ?? null) }
				]
			}),
			table: {
				caption: `${periods.trend.label} and ${periods.lastYear.label} by category`,
				columns: ['category', periods.trend.label, periods.lastYear.label],
				rows: top.map((c) => [c.label, c.trendCount, c.yearOnYear?.before ?? null])
			}
		});
	const police = await policeActivity(db, {
		areaId: area.id,
		areaName: area.name,
		from: periods.briefing.from,
		to: periods.briefing.to,
		periodLabel: periods.briefing.label,
		audience: q.audience,
		threshold,
		tablesExist: taskingTables
	});
	blocks.push(...police.blocks);
	blocks.push({
		kind: 'text',
		heading: 'What residents told us',
		paragraphs: observations.rows.length
			? [
					`${observations.total} report${observations.total === 1 ? '' : 's'} from residents and community groups in ${periods.briefing.label}, in the words cleared for sharing${observations.total > observations.rows.length ? ` (the latest ${observations.rows.length})` : ''}:`,
					...observations.rows.map((o) => `${o.observedOn}: ${o.text}`)
				]
			: [
					`No community report cleared for sharing was recorded in ${area.name} in ${periods.briefing.label}.`
				]
	});
	blocks.push({
		kind: 'fields',
		heading: 'Contact and next meeting',
		items: [
			{ label: 'Neighbourhood team', value: '' },
			{ label: 'Contact', value: '' },
			{ label: 'Next meeting', value: '' },
			{ label: 'Priorities agreed with residents', value: '' }
		]
	});
	blocks.push({
		kind: 'text',
		heading: 'About these figures',
		paragraphs: [
			`Data from ${view.range.from} to ${view.range.to}. ${view.granularity.reason}`,
			'A period in which no data was imported is shown as "no data", never as zero.',
			...(q.audience === 'public'
				? [
						'Sexual offences, domestic abuse and other sensitive categories are counted only for the neighbourhood as a whole.'
					]
				: [])
		]
	});
	const summaryLines = briefingSummary({
		areaName: area.name,
		periodLabel: periods.briefing.label,
		trendLabel: periods.trend.label,
		lastYearLabel: periods.lastYear.label,
		total: view.total,
		top,
		hotCells,
		hotspotsPeriod: periods.hotspots.label,
		audience: q.audience
	});
	return {
		area: { id: area.id, kind: area.kind, code: area.code, name: area.name },
		period: { from: periods.briefing.from, to: periods.briefing.to, label: periods.briefing.label },
		title: `${area.name}: community-safety briefing, ${periods.briefing.label}`,
		content: {
			summary: summaryLines,
			blocks,
			parameters: {
				area: { id: area.id, kind: area.kind, code: area.code },
				requestedPeriod: q.period,
				periods,
				coverage: view.coverage,
				audience: q.audience,
				suppressBelow: q.audience === 'public' ? threshold : null,
				hotspots: {
					res: hot.res,
					k: hot.k,
					fdr: hot.fdr,
					alpha: hot.alpha,
					from: hot.from,
					to: hot.to
				},
				changeTest: 'exact conditional binomial, two-sided, alpha 0.05',
				dataRange: view.range,
				taskingRecords: taskingTables,
				policeActivity: police.totals
			}
		}
	};
}

/** Build a briefing and store it as a draft product. */
export async function draftBriefing(
	db: Database,
	q: BriefingRequest,
	actor: ProductActor
): Promise<Product> {
	const b = await briefingContent(db, q);
	return createDraft(
		db,
		{
			type: 'briefing',
			title: b.title,
			area: b.area.id,
			period: b.period,
			audience: q.audience,
			handlingCode: 'P',
			dissemination: q.dissemination ?? [],
			content: b.content
		},
		actor
	);
}
