/**
 * The neighbourhood view's job: "what is happening in my neighbourhood, and what changed since the last
 * briefing?" For one area: its bounds (the map zooms there), the period grain the data supports
 * (police.uk publishes months, so month-level periods; daily sources get 28-day periods), counts per
 * category in the briefing period against the period before and in the last three periods against the
 * same dates a year earlier, each with a Poisson z = 2(√now − √before), and the observations recorded
 * inside the area. A comparison with a period in which nothing at all was imported is refused (shown as
 * "no data for that period"), never reported as a fall to zero.
 */
import { poissonZ } from '../analysis/compstat';
import { dayToIso, isoToDay, sameDayLastYear } from '../analysis/days';
import { binomialTwoSidedP } from '../analysis/exact-binomial';
import { CATEGORIES } from '../../taxonomy';
import type { Database } from '../db/client';
import type { DataRange } from '../db/queries/cells';
import { dataExtent, type Granularity } from '../study/extent';
import {
	areaNames,
	areaWithBounds,
	categoryCountsInPeriods,
	coverCellCount,
	observationsInArea,
	shareInsideAreas,
	areasInside,
	type AreaWithBounds,
	type ObservationRow,
	type Period
} from '../db/queries/areas-detail';
import { getisOrd } from '../analysis/getis-ord';
import {
	keyedCategoryCountsInPeriods,
	keyedCellCounts,
	type KeyedCount
} from '../db/queries/incidents-keyed';
import {
	audienceFor,
	DEFAULT_SUPPRESS_BELOW,
	disclosePublicCellCount,
	disclosePublicCount,
	observationAccess,
	sensitiveAllowedAt,
	type Audience
} from '../auth/disclosure';
import { env } from '../env';
import { allowedAreaIds, homeAreaId } from '../auth/areas';
import { hasPermission, type AuthUser } from '../auth/permissions';
import type { ReadScope } from '../auth/read-scope';
import { attemptView, ServiceError, type ViewError } from '../errors';
import { coverageFor } from '../study/coverage';
import { resolveAreas, resolveStudyArea } from '../study/area';
import { studyCounts, studyWeights } from '../study/caches';
import { addMonths, checkDate, monthEnd } from '../study/period';

/** Significance of the Poisson z flags (two-sided 95 %). */
export const CRITICAL_Z = 1.959963984540054;
/** Two-sided level of the exact change tests. */
export const CHANGE_ALPHA = 0.05;

const monthLabel = (monthStart: string) =>
	new Date(monthStart + 'T00:00:00Z').toLocaleDateString('en-GB', {
		month: 'long',
		year: 'numeric',
		timeZone: 'UTC'
	});
const dayLabel = (d: string) =>
	new Date(d + 'T00:00:00Z').toLocaleDateString('en-GB', {
		day: 'numeric',
		month: 'short',
		year: 'numeric',
		timeZone: 'UTC'
	});

export interface LabelledPeriod extends Period {
	label: string;
}

export interface NeighbourhoodPeriods {
	/** The briefing period: the last month (monthly data) or the last 28 days. */
	briefing: LabelledPeriod;
	/** The period before it. */
	previous: LabelledPeriod;
	/** Three briefing periods to the reference day, for the year-on-year trend. */
	trend: LabelledPeriod;
	/** The same dates a year earlier. */
	lastYear: LabelledPeriod;
	/** Twelve briefing periods to the reference day: the hot-spot analysis period. */
	hotspots: LabelledPeriod;
}

/**
 * The periods of a briefing ending at `to` (a day) for the data's grain.
 *
 * @example
 * briefingPeriods('2017-06-30', 'month').previous; // { from: '2017-05-01', to: '2017-05-31', label: 'May 2017' }
 */
export function briefingPeriods(to: string, unit: 'month' | 'day'): NeighbourhoodPeriods {
	if (unit === 'month') {
		const m = to.slice(0, 7) + '-01';
		const months = (first: number, last: number): LabelledPeriod => {
			const from = addMonths(m, first);
			const end = monthEnd(addMonths(m, last));
			return {
				from,
				to: end,
				label:
					first === last
						? monthLabel(from)
						: `${monthLabel(from)} – ${monthLabel(addMonths(m, last))}`
			};
		};
		return {
			briefing: months(0, 0),
			previous: months(-1, -1),
			trend: months(-2, 0),
			lastYear: months(-14, -12),
			hotspots: months(-11, 0)
		};
	}
	const d = isoToDay(to);
	const days = (a: number, b: number): LabelledPeriod => ({
		from: dayToIso(a),
		to: dayToIso(b),
		label: `${dayLabel(dayToIso(a))} – ${dayLabel(dayToIso(b))}`
	});
	return {
		briefing: days(d - 27, d),
		previous: days(d - 55, d - 28),
		trend: days(d - 83, d),
		lastYear: days(sameDayLastYear(d - 83), sameDayLastYear(d)),
		hotspots: days(d - 335, d)
	};
}

export interface Comparison {
	now: number;
	before: number;
	difference: number;
	/**
	 * Null in a public view when a shown count may stand for a count below the threshold (shown as 0
	 * or as the threshold itself): the test would read the perturbation as a change.
	 */
	z: number | null;
	/** Two-sided exact p of the conditional binomial test (null with z). */
	p: number | null;
	/** From the exact test at `CHANGE_ALPHA`. */
	direction: 'up' | 'down' | 'no significant change' | null;
}

/**
 * Now against before (periods of equal length); `vague` marks shown counts too uncertain for a test
 * (z, p, direction null). The change is tested exactly, as on the change map: given the two counts'
 * total, now ~ Binomial(now + before, ½) when nothing changed (two-sided conditional binomial test,
 * Przyborowski & Wilenski 1940), so 3 against 0 is no "rise"; `z` = 2(√now − √before) is kept for
 * reference only.
 */
function compare(now: number, before: number, vague?: (n: number) => boolean): Comparison {
	if (vague && (vague(now) || vague(before)))
		return { now, before, difference: now - before, z: null, p: null, direction: null };
	const n = now + before;
	const p = n === 0 ? 1 : binomialTwoSidedP(now, n, 0.5);
	return {
		now,
		before,
		difference: now - before,
		z: poissonZ(now, before),
		p,
		direction: p < CHANGE_ALPHA ? (now > before ? 'up' : 'down') : 'no significant change'
	};
}

export interface CategoryTrend {
	code: string;
	label: string;
	/** Trend period against the same dates a year earlier; null when that year was never imported. */
	yearOnYear: Comparison | null;
	trendCount: number;
	/** Briefing period against the one before; null when the one before was never imported. */
	sinceLastBriefing: Comparison | null;
	briefingCount: number;
}

export interface NeighbourhoodSummary {
	area: AreaWithBounds;
	range: DataRange;
	granularity: Granularity;
	periods: NeighbourhoodPeriods;
	/** Whether data was imported for every day of these periods in this area (source_coverage). */
	coverage: { previous: boolean; lastYear: boolean; briefing: boolean; trend: boolean };
	/** H3 resolution that gives the area a useful number of cells for hot spots. */
	hotspotRes: number;
	statistic: 'Poisson z = 2(√now − √before)';
	criticalZ: number;
	total: CategoryTrend;
	/** Categories with incidents in any of the periods, most incidents in the trend period first. */
	categories: CategoryTrend[];
	/** `areaLimited`: only the reader's areas were searched (some of this area may lie outside). */
	observations: { total: number; recent: ObservationRow[]; areaLimited: boolean };
}

export interface NeighbourhoodRequest {
	/** Area reference (id or kind:code). */
	area: string;
	/** Last day of the briefing period; default the data's last day (clamped to the data). */
	to?: string;
	/** How many recent observations to list. Default 10. */
	observations?: number;
	/**
	 * Whose read this is: decides which observations (handling code, the reader's areas) and which of
	 * their text, and audits the read. None: the public rules, no area limits.
	 */
	scope?: ReadScope;
	/**
	 * Daily data: end the briefing period on a fixed 28-day boundary (`fixedPeriodEnd`), as public
	 * views do, so periods do not slide a day at a time (overlapping windows' noise could be averaged).
	 */
	fixedPeriods?: boolean;
}

/**
 * The last day, on or before `day`, of the fixed 28-day periods counted from 1970-01-01 (the first ends
 * on 1970-01-28): the public neighbourhood view of daily data offers these periods only.
 * @example fixedPeriodEnd('1970-01-28') // '1970-01-28'
 * @example fixedPeriodEnd('1970-02-10') // '1970-01-28'
 */
export function fixedPeriodEnd(day: string): string {
	const d = isoToDay(day);
	return dayToIso(d - ((d + 1) % 28));
}

/**
 * Everything the neighbourhood view shows for one area except the hot spots (the Gi* endpoint).
 *
 * @example
 * const s = await neighbourhoodSummary(db, { area: 'lsoa:E01000001' });
 * s.categories[0].sinceLastBriefing; // { now, before, difference, z, p, direction } or null
 */
export async function neighbourhoodSummary(
	db: Database,
	q: NeighbourhoodRequest
): Promise<NeighbourhoodSummary> {
	const [ref] = await resolveAreas(db, [q.area]);
	const area = await areaWithBounds(db, ref.id);
	if (!area) throw new ServiceError('E_UNKNOWN_AREA', `area: no area "${q.area}"`, 404);
	const extent = await dataExtent(db);
	if (!extent)
		throw new ServiceError('E_NO_DATA', 'There are no incidents yet; import data first', 422);
	const { granularity } = extent;
	const range = { from: extent.from, to: extent.to };
	if (q.to) checkDate('to', q.to);
	let to = q.to && q.to < range.to ? q.to : range.to;
	if (to < range.from) to = range.from;
	if (granularity.unit === 'month') to = monthEnd(to.slice(0, 7) + '-01');
	else if (q.fixedPeriods) to = fixedPeriodEnd(to);
	const periods = briefingPeriods(to, granularity.unit);
	// Which days hold data in this area (source_coverage): a period is compared only when every day of
	// it does; a period without data is "no data to compare", never a fall to zero.
	const areaCoverage = await coverageFor(db, periods.lastYear.from, periods.briefing.to, {
		areaIds: [area.id]
	});
	const covered = (p: Period) => areaCoverage.period(p.from, p.to).status === 'covered';
	const coverage = {
		briefing: covered(periods.briefing),
		previous: covered(periods.previous),
		trend: covered(periods.trend),
		lastYear: covered(periods.lastYear)
	};
	const [counts, observations, cover] = await Promise.all([
		categoryCountsInPeriods(db, area.id, [
			periods.briefing,
			periods.previous,
			periods.trend,
			periods.lastYear
		]),
		observationsInArea(
			db,
			area.id,
			q.observations ?? 10,
			q.scope
				? {
						includeRestricted: q.scope.restricted,
						recordedText: q.scope.recordedText,
						allowedAreaIds: q.scope.areaIds
					}
				: observationAccess(null)
		),
		coverCellCount(db, area.id)
	]);
	await q.scope?.audit(db, 'observations.view', `area:${area.id}`, {
		view: 'neighbourhood',
		area: { id: area.id, kind: area.kind, code: area.code, name: area.name },
		returned: observations.rows.length,
		records: observations.rows.map((o) => o.id),
		restrictedShown: observations.rows.filter((o) => o.handlingCode !== 'P').length
	});
	const label = new Map(CATEGORIES.map((c) => [c.code as string, c.label]));
	const trendOf = (code: string, lbl: string, c: number[]): CategoryTrend => ({
		code,
		label: lbl,
		briefingCount: c[0],
		sinceLastBriefing: coverage.briefing && coverage.previous ? compare(c[0], c[1]) : null,
		trendCount: c[2],
		yearOnYear: coverage.trend && coverage.lastYear ? compare(c[2], c[3]) : null
	});
	const sums = [0, 0, 0, 0];
	for (const r of counts) r.counts.forEach((n, i) => (sums[i] += n));
	const categories = counts
		.filter((r) => r.counts.some((n) => n > 0))
		.map((r) => trendOf(r.category, label.get(r.category) ?? r.category, r.counts))
		.sort(byTrendThenBriefing);
	return {
		area,
		range,
		granularity,
		periods,
		coverage,
		// About 15,000 m² per resolution-10 cell: a small area (an LSOA) keeps res 10, a larger one
		// (a borough) res 9 so Gi* has counts to work with.
		hotspotRes: cover >= 300 ? 9 : 10,
		statistic: 'Poisson z = 2(√now − √before)',
		criticalZ: CRITICAL_Z,
		total: trendOf('all', 'All categories', sums),
		categories,
		observations: {
			total: observations.total,
			recent: observations.rows,
			areaLimited: Boolean(q.scope?.areaIds)
		}
	};
}

// ------------------------------------------------------------------------------------------------
// The view as one viewer may see it: the public audience (community team) gets counts perturbed by the
// cell-key method (auth/cell-key.ts) and statistics computed from those, hot spots as bins only, and
// only areas inside their own.

/** Gi* hot spots of the area as confidence bins: no counts, no z (Gi* z over every cell can be inverted). */
export interface NeighbourhoodHotspots {
	res: number;
	from: string;
	to: string;
	k: 1;
	fdr: true;
	alpha: number;
	cells: string[];
	/** ±3, ±2, ±1: hot or cold at 99, 95, 90 % confidence; 0 not significant. */
	bin: number[];
	/** Sensitive records were left out of the counts (public audience, cells finer than res 7). */
	sensitiveLeftOut: boolean;
}

export interface NeighbourhoodView extends NeighbourhoodSummary {
	audience: Audience;
	/**
	 * Public audience: every count is perturbed by the cell-key method, no count from 1 to
	 * `suppressBelow - 1` is shown, and z, p and differences are computed from the shown counts.
	 */
	suppressBelow: number;
	/**
	 * Hot spots computed here for viewers without `analysis:run` (their browser may not call the
	 * analysis endpoints); null for the others, whose page asks `/api/analysis/hotspots`.
	 */
	hotspots: { value: NeighbourhoodHotspots | null; error: ViewError | null } | null;
}

/** Per category, the count and key sum in the briefing, previous, trend and last-year periods. */
export type KeyedPeriodCounts = { category: string; counts: KeyedCount[] }[];

/** The summary's periods in the order `keyedCategoryCountsInPeriods` is asked for them. */
export function summaryPeriods(s: Pick<NeighbourhoodSummary, 'periods'>): Period[] {
	return [s.periods.briefing, s.periods.previous, s.periods.trend, s.periods.lastYear];
}

/**
 * A summary as `audience` may see it. Internal audiences get it unchanged. The public gets every
 * category's counts and the area total perturbed by the cell-key method from `keyed` (the same
 * records' counts with their key sums, in `summaryPeriods` order): a category, a total, a period and a
 * cell holding the same records show the same value, so no difference of shown figures recovers a
 * count below `threshold`. Comparisons are computed from the shown counts; a category whose counts
 * are all shown as 0 is left out (listing it would say it is not empty). Categories are area totals,
 * where sensitive categories may be shown (`sensitiveAllowedAt({ kind: 'area' })`).
 */
export function discloseNeighbourhood(
	s: NeighbourhoodSummary,
	audience: Audience,
	keyed: KeyedPeriodCounts | null,
	threshold = DEFAULT_SUPPRESS_BELOW
): Omit<NeighbourhoodView, 'hotspots'> {
	if (audience === 'internal') return { ...s, audience, suppressBelow: threshold };
	if (!keyed) throw new Error('discloseNeighbourhood: a public view needs the keyed counts');
	const label = new Map(CATEGORIES.map((c) => [c.code as string, c.label]));
	// 0 may be 0–4 and the threshold 1–7 (T = 5): no Poisson test on those.
	const vague = (n: number) => n === 0 || n === threshold;
	const trend = (code: string, lbl: string, c: KeyedCount[]): CategoryTrend => {
		const v = c.map((k) => disclosePublicCount(k, threshold));
		return {
			code,
			label: lbl,
			briefingCount: v[0],
			sinceLastBriefing:
				s.coverage.briefing && s.coverage.previous ? compare(v[0], v[1], vague) : null,
			trendCount: v[2],
			yearOnYear: s.coverage.trend && s.coverage.lastYear ? compare(v[2], v[3], vague) : null
		};
	};
	const sums: KeyedCount[] = [0, 1, 2, 3].map((i) => ({
		n: keyed.reduce((t, r) => t + r.counts[i].n, 0),
		keySum: keyed.reduce((t, r) => t + r.counts[i].keySum, 0)
	}));
	const categories = keyed
		.map((r) => trend(r.category, label.get(r.category) ?? r.category, r.counts))
		.filter((c) => c.briefingCount + c.trendCount > 0 || shownBefore(c) > 0)
		.sort(byTrendThenBriefing);
	return {
		...s,
		audience,
		suppressBelow: threshold,
		total: trend('all', 'All categories', sums),
		categories
	};
}

const shownBefore = (c: CategoryTrend) =>
	(c.sinceLastBriefing?.before ?? 0) + (c.yearOnYear?.before ?? 0);

function byTrendThenBriefing(a: CategoryTrend, b: CategoryTrend): number {
	return (
		b.trendCount - a.trendCount ||
		b.briefingCount - a.briefingCount ||
		a.label.localeCompare(b.label)
	);
}

/**
 * Gi* hot spots of one area as bins only, k = 1 with FDR at 0.10 as the page's other users get them.
 * For a public audience the statistic is computed from the counts as they would be published (the
 * cell-key method, `disclosePublicCellCount`: sensitive records left out of cells finer than
 * resolution 7, every count perturbed), so the bins say nothing the public counts do not.
 */
export async function neighbourhoodHotspots(
	db: Database,
	q: { areaId: number; res: number; period: Period; audience: Audience; threshold?: number }
): Promise<NeighbourhoodHotspots> {
	const alpha = 0.1;
	const base = {
		res: q.res,
		from: q.period.from,
		to: q.period.to,
		k: 1,
		fdr: true,
		alpha
	} as const;
	const study = await resolveStudyArea(db, { area: [String(q.areaId)], res: q.res });
	let values: Float64Array;
	if (q.audience === 'internal') values = (await studyCounts(db, study, q.period, null)).counts;
	else {
		const rows = await keyedCellCounts(db, {
			res: q.res,
			...q.period,
			categories: null,
			areaId: q.areaId
		});
		const index = new Map(study.cells.map((c, i) => [c, i]));
		values = new Float64Array(study.cells.length);
		for (const r of rows) {
			const i = index.get(r.cell);
			if (i !== undefined)
				values[i] = disclosePublicCellCount(
					{ ...r, res: q.res },
					q.threshold ?? DEFAULT_SUPPRESS_BELOW
				);
		}
	}
	const g = getisOrd(values, studyWeights(study, 1).weights, { fdr: true, alpha });
	return {
		...base,
		cells: study.cells,
		bin: Array.from(g.bin),
		sensitiveLeftOut:
			q.audience !== 'internal' && !sensitiveAllowedAt({ kind: 'cell', res: q.res }, 'public')
	};
}

/** Share of a neighbourhood's surface that must lie inside a public viewer's areas. */
export const AREA_LIMIT_MIN_SHARE = 0.9;

/**
 * The neighbourhood view for one signed-in viewer. For a public audience (community team) limited to
 * areas, only a neighbourhood at least 90 % of whose surface lies inside their areas (their area
 * itself, the LSOAs in it, despite boundary rounding along shared edges) may be chosen; any other is
 * refused with 403. With no area chosen, such a viewer gets their first area. Internal users' area
 * limits cover records: the counts and hot spots of any area are theirs, the observations listed are
 * only those inside their areas (the read scope decides, and audits the list).
 */
export async function neighbourhoodForViewer(
	db: Database,
	q: { area?: string; to?: string; scope: ReadScope }
): Promise<NeighbourhoodView | null> {
	const viewer = q.scope.user;
	const audience = q.scope.audience;
	const limit = audience === 'public' ? q.scope.areaIds : null;
	const home = homeAreaId(viewer);
	const ref = q.area ?? (home !== null ? String(home) : limit ? String(limit[0]) : null);
	if (ref === null) return null;
	const [area] = await resolveAreas(db, [ref]);
	if (
		limit &&
		!limit.includes(area.id) &&
		(await shareInsideAreas(db, area.id, limit)) < AREA_LIMIT_MIN_SHARE
	) {
		const names = await areaNames(db, limit);
		throw new ServiceError(
			'E_FORBIDDEN',
			`${area.name} is outside your account's areas (${names.join(', ')}): choose a neighbourhood inside them.`,
			403
		);
	}
	const summary = await neighbourhoodSummary(db, {
		area: String(area.id),
		to: q.to,
		scope: q.scope,
		fixedPeriods: audience === 'public'
	});
	const keyed =
		audience === 'public'
			? await keyedCategoryCountsInPeriods(db, area.id, summaryPeriods(summary))
			: null;
	const view = discloseNeighbourhood(summary, audience, keyed, env().suppressBelow);
	const hotspots = hasPermission(viewer, 'analysis:run')
		? null
		: await attemptView(() =>
				neighbourhoodHotspots(db, {
					areaId: area.id,
					res: summary.hotspotRes,
					period: summary.periods.hotspots,
					audience,
					threshold: env().suppressBelow
				})
			);
	return { ...view, hotspots };
}

/**
 * The neighbourhoods a viewer may choose, by area kind, or null for any: for a public audience limited
 * to areas, their areas and those lying at least 90 % inside them (the rule `neighbourhoodForViewer`
 * enforces), so the page offers nothing it would refuse.
 */
export async function choosableAreas(
	db: Database,
	viewer: AuthUser
): Promise<Record<string, number[]> | null> {
	const limit = audienceFor(viewer) === 'public' ? allowedAreaIds(viewer) : null;
	if (!limit) return null;
	const out: Record<string, number[]> = {};
	for (const { kind, id } of await areasInside(db, limit, AREA_LIMIT_MIN_SHARE))
		(out[kind] ??= []).push(id);
	return out;
}
