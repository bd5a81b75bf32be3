/**
 * The trend report for planners (issue 14): one area over whole years — the seasonal pattern, year-on-
 * year changes tested honestly, emerging hot-spot categories, small multiples per category, and summary
 * sentences written from the numbers — frozen into an internal product draft.
 *
 * Honest comparisons: a month without imported data is missing, never zero. Two years are compared
 * over the months that hold data in both (and say which); each category's change is the exact
 * conditional binomial test with Benjamini–Hochberg FDR across the categories (analysis/exact-binomial
 * `changeTests`); a pair of years without a common covered month is not compared.
 */
import { cellToBoundary } from 'h3-js';
import type { Database } from '../db/client';
import { categoryCountsInPeriods, type Period } from '../db/queries/areas-detail';
import { findAreas } from '../db/queries/areas-study';
import { areaOutline } from '../db/queries/observations-area';
import { coverCellCount } from '../db/queries/areas-detail';
import { areaWithBounds } from '../db/queries/areas-detail';
import { coverageFor } from '../study/coverage';
import { changeTests } from '../analysis/exact-binomial';
import { emergingCategoryLabel, type EmergingCategory } from '../analysis/emerging-hotspots';
import { emergingForArea } from '../services/emerging';
import { createDraft, type Product, type ProductActor } from '../services/products';
import { ServiceError } from '../errors';
import { CATEGORIES } from '../../taxonomy';
import type { ProductBlock, ProductContent } from '../../contracts/products';
import { lines, smallMultiples } from './charts';
import { mapPicture } from './map-image';
import { cellCentres } from './briefing';

export const MONTHS = [
	'Jan',
	'Feb',
	'Mar',
	'Apr',
	'May',
	'Jun',
	'Jul',
	'Aug',
	'Sep',
	'Oct',
	'Nov',
	'Dec'
] as const;
/** Most years one report covers. */
export const MAX_YEARS = 10;
/** Categories drawn as small multiples. */
export const MULTIPLES = 9;

/** Emerging categories as the map colours them: hot families red, cold families blue. */
const EMERGING_COLOURS: Partial<Record<EmergingCategory, string>> = {
	'new-hot-spot': '#fb6a4a',
	'consecutive-hot-spot': '#ef3b2c',
	'intensifying-hot-spot': '#a50f15',
	'persistent-hot-spot': '#cb181d',
	'diminishing-hot-spot': '#fcae91',
	'sporadic-hot-spot': '#fdd0a2',
	'oscillating-hot-spot': '#fd8d3c',
	'historical-hot-spot': '#fee0d2',
	'new-cold-spot': '#6baed6',
	'consecutive-cold-spot': '#4292c6',
	'intensifying-cold-spot': '#08519c',
	'persistent-cold-spot': '#2171b5',
	'diminishing-cold-spot': '#c6dbef',
	'sporadic-cold-spot': '#9ecae1',
	'oscillating-cold-spot': '#6baed6',
	'historical-cold-spot': '#deebf7'
};

export interface TrendReportRequest {
	area: string;
	fromYear: number;
	toYear: number;
	basemapStyle?: string | Record<string, unknown> | null;
	mapPicture?: boolean;
}

const monthPeriod = (y: number, m: number): Period => ({
	from: `${y}-${String(m + 1).padStart(2, '0')}-01`,
	to: new Date(Date.UTC(y, m + 1, 0)).toISOString().slice(0, 10)
});

/** Contiguous month ranges in words: [0,1,2,5] → "Jan–Mar, Jun". */
export function monthRanges(months: number[]): string {
	const out: string[] = [];
	let i = 0;
	while (i < months.length) {
		let j = i;
		while (j + 1 < months.length && months[j + 1] === months[j] + 1) j++;
		out.push(i === j ? MONTHS[months[i]] : `${MONTHS[months[i]]}–${MONTHS[months[j]]}`);
		i = j + 1;
	}
	return out.join(', ');
}

export interface YearPair {
	before: number;
	now: number;
	/** Months (0–11) holding data in both years. */
	months: number[];
	rows: {
		code: string;
		label: string;
		before: number;
		now: number;
		p: number;
		pAdjusted: number;
		direction: 'up' | 'down' | 'no significant change';
	}[];
}

/**
 * Year-on-year comparisons over the months covered in both years, exact tests with FDR across
 * categories. `counts[c][y][m]` is category c's count in month m of year index y.
 * @example compareYears([2016, 2017], covered, counts)[0].months // [0, 1, 2, 3, 4, 5]
 */
export function compareYears(
	years: number[],
	covered: boolean[][],
	counts: Map<string, number[][]>
): YearPair[] {
	const label = new Map(CATEGORIES.map((c) => [c.code as string, c.label]));
	const out: YearPair[] = [];
	for (let y = 1; y < years.length; y++) {
		const months = MONTHS.map((_, m) => m).filter((m) => covered[y - 1][m] && covered[y][m]);
		const codes = [...counts.keys()];
		const sum = (code: string, yi: number) =>
			months.reduce((t, m) => t + counts.get(code)![yi][m], 0);
		const before = codes.map((c) => sum(c, y - 1));
		const now = codes.map((c) => sum(c, y));
		const tests = months.length ? changeTests(now, before) : null;
		out.push({
			before: years[y - 1],
			now: years[y],
			months,
			rows: tests
				? codes
						.map((code, i) => ({
							code,
							label: label.get(code) ?? code,
							before: before[i],
							now: now[i],
							p: tests.p[i],
							pAdjusted: tests.pAdjusted[i],
							direction: tests.direction[i]
						}))
						.filter((r) => r.before + r.now > 0)
						.sort((a, b) => b.now + b.before - (a.now + a.before))
				: []
		});
	}
	return out;
}

const fmtP = (p: number) => (p < 0.001 ? '< 0.001' : p.toFixed(3));

/** Summary sentences from the numbers. */
export function trendSummary(q: {
	areaName: string;
	years: number[];
	covered: boolean[][];
	yearTotals: number[];
	pairs: YearPair[];
	peakMonth: number | null;
	emerging: { label: string; cells: number }[] | null;
}): string[] {
	const out: string[] = [];
	const withData = q.years.filter((_, y) => q.covered[y].some(Boolean));
	const missing = q.years.filter((_, y) => !q.covered[y].some(Boolean));
	out.push(
		`${q.areaName}, ${q.years[0]}–${q.years[q.years.length - 1]}: data for ${withData.length} of ${q.years.length} years${missing.length ? ` (none for ${missing.join(', ')})` : ''}.`
	);
	q.years.forEach((y, i) => {
		const n = q.covered[i].filter(Boolean).length;
		if (n > 0 && n < 12)
			out.push(
				`${y} holds data for ${monthRanges(MONTHS.map((_, m) => m).filter((m) => q.covered[i][m]))} only (${q.yearTotals[i]} incidents).`
			);
	});
	if (q.peakMonth !== null)
		out.push(
			`Seasonal pattern: ${MONTHS[q.peakMonth]} has the most incidents on average over the years with data for it.`
		);
	for (const p of q.pairs) {
		if (!p.months.length) {
			out.push(`${p.before} and ${p.now} share no month with data: they are not compared.`);
			continue;
		}
		const up = p.rows.filter((r) => r.direction === 'up');
		const down = p.rows.filter((r) => r.direction === 'down');
		const span = p.months.length === 12 ? 'the whole year' : monthRanges(p.months);
		if (!up.length && !down.length)
			out.push(`${p.now} against ${p.before} (${span}): no category changed significantly.`);
		else
			out.push(
				`${p.now} against ${p.before} (${span}): ${[
					up.length
						? `significantly up: ${up.map((r) => `${r.label.toLowerCase()} (${r.before} → ${r.now})`).join(', ')}`
						: '',
					down.length
						? `significantly down: ${down.map((r) => `${r.label.toLowerCase()} (${r.before} → ${r.now})`).join(', ')}`
						: ''
				]
					.filter(Boolean)
					.join('; ')}.`
			);
	}
	if (q.emerging) {
		const hot = q.emerging.filter((e) => /Hot Spot/.test(e.label) && e.cells > 0);
		out.push(
			hot.length
				? `Emerging hot spots: ${hot.map((e) => `${e.cells} ${e.label.toLowerCase()} cell${e.cells === 1 ? '' : 's'}`).join(', ')}.`
				: 'Emerging hot spots: no cell shows a hot-spot pattern over the period.'
		);
	}
	return out;
}

export async function trendReportContent(
	db: Database,
	q: TrendReportRequest
): Promise<{
	content: ProductContent;
	area: { id: number; kind: string; code: string; name: string };
	period: { from: string; to: string; label: string };
	title: string;
}> {
	if (!Number.isInteger(q.fromYear) || !Number.isInteger(q.toYear) || q.fromYear < 1900)
		throw new ServiceError('E_PARAMETER', 'years: whole years, e.g. from 2016 to 2020');
	if (q.toYear < q.fromYear)
		throw new ServiceError('E_PARAMETER', `years: ${q.toYear} is before ${q.fromYear}`);
	if (q.toYear - q.fromYear + 1 > MAX_YEARS)
		throw new ServiceError('E_PARAMETER', `years: at most ${MAX_YEARS} years in one report`);
	const { areas, missing } = await findAreas(db, [q.area]);
	if (missing.length || areas.length !== 1)
		throw new ServiceError('E_UNKNOWN_AREA', `area: no single area "${q.area}"`, 404);
	const area = (await areaWithBounds(db, areas[0].id))!;
	const years = Array.from({ length: q.toYear - q.fromYear + 1 }, (_, i) => q.fromYear + i);
	const periods = years.flatMap((y) => MONTHS.map((_, m) => monthPeriod(y, m)));
	const from = periods[0].from;
	const to = periods[periods.length - 1].to;
	const coverage = await coverageFor(db, from, to, { areaIds: [area.id] });
	const covered = years.map((_, y) =>
		MONTHS.map((_, m) => {
			const p = periods[y * 12 + m];
			return coverage.period(p.from, p.to).status === 'covered';
		})
	);
	if (!covered.some((y) => y.some(Boolean)))
		throw new ServiceError(
			'E_NO_DATA',
			`years: no month from ${q.fromYear} to ${q.toYear} holds data in ${area.name}`,
			422
		);
	const rows = await categoryCountsInPeriods(db, area.id, periods);
	const counts = new Map<string, number[][]>();
	for (const r of rows)
		counts.set(
			r.category,
			years.map((_, y) => r.counts.slice(y * 12, y * 12 + 12).map(Number))
		);
	const label = new Map(CATEGORIES.map((c) => [c.code as string, c.label]));
	const totalBy = (y: number, m: number) => [...counts.values()].reduce((t, c) => t + c[y][m], 0);
	const monthly = years.map((_, y) => MONTHS.map((_, m) => (covered[y][m] ? totalBy(y, m) : null)));
	const yearTotals = monthly.map((ms) => ms.reduce<number>((t, v) => t + (v ?? 0), 0));
	// Peak month: the highest mean over the years with data for that month.
	const means = MONTHS.map((_, m) => {
		const v = monthly.map((ms) => ms[m]).filter((x): x is number => x !== null);
		return v.length ? v.reduce((a, b) => a + b, 0) / v.length : null;
	});
	const peak = means.reduce<number | null>(
		(best, v, m) => (v !== null && (best === null || v > (means[best] ?? -1)) ? m : best),
		null
	);
	const pairs = compareYears(years, covered, counts);

	const blocks: ProductBlock[] = [];
	blocks.push({
		kind: 'chart',
		heading: 'Seasonal pattern',
		caption: `Incidents per month in ${area.name}, one line per year (gaps: months without data)`,
		svg: lines({
			x: [...MONTHS],
			series: years.map((y, i) => ({ name: String(y), values: monthly[i] }))
		}),
		table: {
			caption: `Incidents per month in ${area.name} (– : no data imported for the month)`,
			columns: ['year', ...MONTHS, 'total (months with data)'],
			rows: years.map((y, i) => [String(y), ...monthly[i], yearTotals[i]])
		}
	});
	for (const p of pairs) {
		blocks.push({
			kind: 'table',
			heading: `${p.now} against ${p.before}`,
			table: {
				caption: p.months.length
					? `Incidents by category, ${monthRanges(p.months)} of ${p.before} and ${p.now} (the months with data in both years)`
					: `${p.before} and ${p.now}: no month holds data in both years, so nothing is compared`,
				columns: [
					'category',
					String(p.before),
					String(p.now),
					'change',
					'p (exact)',
					'p (FDR)',
					'direction'
				],
				rows: p.rows.map((r) => [
					r.label,
					r.before,
					r.now,
					r.now - r.before > 0 ? `+${r.now - r.before}` : String(r.now - r.before),
					fmtP(r.p),
					fmtP(r.pAdjusted),
					r.direction
				]),
				notes: p.months.length
					? [
							'Exact conditional binomial test (the two counts split as a fair coin would if nothing changed), Benjamini–Hochberg across categories, significant at FDR 5 %.'
						]
					: []
			}
		});
	}
	const top = [...counts.entries()]
		.map(([code, c]) => ({ code, total: c.flat().reduce((a, b) => a + b, 0), c }))
		.sort((a, b) => b.total - a.total)
		.slice(0, MULTIPLES);
	const x = years.flatMap((y) => MONTHS.map((m) => `${m} ${String(y).slice(2)}`));
	if (top.length)
		blocks.push({
			kind: 'chart',
			heading: 'Categories month by month',
			caption: `Small multiples: incidents per month of the ${top.length} largest categories in ${area.name}, each on its own scale (gaps: no data)`,
			svg: smallMultiples({
				x,
				panels: top.map((t) => ({
					title: label.get(t.code) ?? t.code,
					values: years.flatMap((_, y) => MONTHS.map((_, m) => (covered[y][m] ? t.c[y][m] : null)))
				}))
			}),
			table: {
				caption: `Incidents per month of the ${top.length} largest categories, as the small multiples draw them (– : no data imported for the month)`,
				columns: ['category, year', ...MONTHS, 'total (months with data)'],
				rows: top.flatMap((t) =>
					years.map((year, y) => [
						`${label.get(t.code) ?? t.code}, ${year}`,
						...MONTHS.map((_, m) => (covered[y][m] ? t.c[y][m] : null)),
						covered[y].some(Boolean)
							? t.c[y].reduce((a, v, m) => a + (covered[y][m] ? v : 0), 0)
							: null
					])
				)
			}
		});

	// Emerging hot spots over the months with data (services/emerging skips the others).
	let emerging: { label: string; cells: number }[] | null = null;
	try {
		const res = (await coverCellCount(db, area.id)) >= 300 ? 9 : 10;
		const e = await emergingForArea(db, { area: [String(area.id)], res, from, to, step: 'month' });
		emerging = (Object.keys(e.summary) as EmergingCategory[])
			.filter((k) => e.summary[k] > 0)
			.map((k) => ({ label: emergingCategoryLabel(k), cells: e.summary[k] }));
		const features = e.cells
			.map((cell, i) => ({ cell, cat: e.category[i] }))
			.filter((c) => c.cat !== 'no-pattern')
			.map((c) => ({
				type: 'Feature',
				properties: {
					fill: EMERGING_COLOURS[c.cat as EmergingCategory] ?? '#999999',
					fillOpacity: 0.75,
					stroke: '#374151',
					strokeWidth: 0.4
				},
				geometry: { type: 'Polygon', coordinates: [cellToBoundary(c.cell, true)] }
			}));
		const outline = {
			type: 'Feature',
			properties: { stroke: '#111827', strokeWidth: 2.5 },
			geometry: await areaOutline(db, area.id)
		};
		const geojson = { type: 'FeatureCollection' as const, features: [...features, outline] };
		const present = (Object.keys(EMERGING_COLOURS) as EmergingCategory[]).filter(
			(k) => e.summary[k] > 0
		);
		blocks.push({
			kind: 'map',
			heading: 'Emerging hot spots',
			caption: `Emerging hot-spot categories in ${area.name}, ${e.steps.length} months with data from ${from} to ${to} (Gi* per month, Mann-Kendall trend, H3 resolution ${res})`,
			image:
				q.mapPicture === false
					? null
					: await mapPicture({ geojson, bbox: area.bbox, style: q.basemapStyle ?? null }),
			imageNote:
				q.mapPicture === false
					? 'The map picture was not drawn for this draft; the table gives the categories.'
					: undefined,
			geojson,
			bbox: area.bbox,
			legend: present.map((k) => ({
				label: emergingCategoryLabel(k),
				colour: EMERGING_COLOURS[k]!
			})),
			table: {
				caption: `Cells per emerging hot-spot category in ${area.name}`,
				columns: ['category', 'cells', 'where (cell centres, to about 100 m)'],
				rows: (Object.keys(e.summary) as EmergingCategory[])
					.filter((k) => e.summary[k] > 0)
					.map((k) => [
						emergingCategoryLabel(k),
						e.summary[k],
						k === 'no-pattern' ? '–' : cellCentres(e.cells.filter((_, i) => e.category[i] === k))
					]),
				notes: [
					...e.parameters.warnings,
					...(e.skippedSteps.length
						? [
								`${e.skippedSteps.length} months without (complete) data were left out of the analysis.`
							]
						: [])
				]
			}
		});
	} catch (err) {
		if (!(err instanceof ServiceError)) throw err;
		blocks.push({
			kind: 'text',
			heading: 'Emerging hot spots',
			paragraphs: [`Not computed: ${err.message}`]
		});
	}
	blocks.push({
		kind: 'fields',
		heading: 'Planner’s notes',
		items: [
			{ label: 'Implications for resources', value: '' },
			{ label: 'Recommendations', value: '' }
		]
	});
	const summary = trendSummary({
		areaName: area.name,
		years,
		covered,
		yearTotals,
		pairs,
		peakMonth: peak,
		emerging
	});
	const periodLabel =
		years.length === 1 ? String(years[0]) : `${years[0]}–${years[years.length - 1]}`;
	return {
		area: { id: area.id, kind: area.kind, code: area.code, name: area.name },
		period: { from, to, label: periodLabel },
		title: `${area.name}: trend report ${periodLabel}`,
		content: {
			summary,
			blocks,
			parameters: {
				area: { id: area.id, kind: area.kind, code: area.code },
				years,
				coveredMonths: covered,
				changeTest:
					'exact conditional binomial, two-sided, Benjamini–Hochberg FDR 5 % across categories',
				emerging: emerging ? { step: 'month' } : null
			}
		}
	};
}

export async function draftTrendReport(
	db: Database,
	q: TrendReportRequest,
	actor: ProductActor
): Promise<Product> {
	const r = await trendReportContent(db, q);
	return createDraft(
		db,
		{
			type: 'trend-report',
			title: r.title,
			area: r.area.id,
			period: r.period,
			audience: 'internal',
			handlingCode: 'P',
			content: r.content
		},
		actor
	);
}
