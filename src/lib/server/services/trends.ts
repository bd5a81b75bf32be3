/**
 * Trends for one user job: "is it going up or down, honestly?" CompStat tables (week-to-date,
 * 28 days, year-to-date against the same dates a year earlier, with a Poisson z), Mann-Kendall trend
 * maps over months per cell or per area, and two-period change maps with z = 2(√now − √before).
 * Every count comes from the cell × day rollup.
 */
import type { CompStatAnswer, TrendMapAnswer } from '../../contracts/trends';
import { compStat, type CompStatOptions, type CompStatRow } from '../analysis/compstat';
import { trendsBySeries } from '../analysis/mann-kendall';
import { CATEGORIES } from '../../taxonomy';
import type { ChangeAnswer } from '../../contracts/change';
import type { Database, Queryable } from '../db/client';
import type { AreaRef } from '../db/queries/areas-counts';
import {
	areasOfKind,
	countsInStudyCellsByStep,
	dailyCountsByCategoryInAreas,
	monthlyCountsByArea,
	twoPeriodCountsByArea
} from '../db/queries/areas-study';
import { dataExtent } from '../study/extent';
import { ServiceError } from '../errors';
import { coverageFor, studyPlace, type CoveragePlace } from '../study/coverage';
import { changeTests } from '../analysis/exact-binomial';
import {
	checkCategories,
	resolveAreas,
	resolveStudyArea,
	studyParameters,
	type StudyParameters,
	type StudyRequest
} from '../study/area';
import { studyCounts } from '../study/caches';
import { addMonths, checkDate, monthEnd, resolvePeriod, stepStarts } from '../study/period';
import type { DataRange } from '../db/queries/cells';
import type { Period } from '../db/queries/areas-detail';

const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const ms = (d: string) => Date.parse(d + 'T00:00:00Z');
function knownKind(kind: string, areas: AreaRef[]): void {
	if (areas.length === 0)
		throw new ServiceError(
			'E_UNKNOWN_AREA',
			`kind: there are no areas of kind "${kind}"; import boundaries or use a kind listed by /api/areas`
		);
}

// ------------------------------------------------------------------------------------------------
// CompStat

export interface CompStatRequest {
	/** Area references (union); absent: everywhere. */
	area?: readonly string[];
	/** Reference date (last day of every window); default the last day with data. */
	date?: string;
	categories?: readonly string[];
	weekStart?: CompStatOptions['weekStart'];
	priorYear?: CompStatOptions['priorYear'];
}

export interface CompStatTable {
	/** `all` (every selected category together), then each category with incidents in either year. */
	category: string;
	label: string;
	rows: CompStatRow[];
}

/** The CompStat answer: the contract's type (`contracts/trends.ts`), so route and page agree. */
export type TrendsResult = CompStatAnswer;

/**
 * CompStat per category for an area (or everywhere).
 *
 * @example
 * const r = await trendsForArea(db, { area: ['district:11'], date: '2019-06-30' });
 * r.tables[0].rows[2]; // year-to-date: current, previous, z, p, direction
 */
export async function trendsForArea(db: Database, q: CompStatRequest): Promise<TrendsResult> {
	const categories = checkCategories(q.categories);
	const areas = q.area?.length ? await resolveAreas(db, q.area) : [];
	let date = q.date;
	if (date) checkDate('date', date);
	else {
		const extent = await dataExtent(db);
		if (!extent)
			throw new ServiceError('E_NO_DATA', 'There are no incidents yet; import data first', 422);
		date = extent.to;
	}
	const ref = ms(date);
	const year = new Date(ref).getUTCFullYear();
	// Far enough back for the prior year's windows (a 28-day window early in January reaches into
	// the year before the prior year).
	const from = iso(Math.min(Date.UTC(year - 1, 0, 1), ref - 400 * DAY));
	// To the end of the reference month: month-dated data is compared in whole months.
	const until = iso(Date.UTC(year, new Date(ref).getUTCMonth() + 1, 0));
	const [daily, coverage] = await Promise.all([
		dailyCountsByCategoryInAreas(
			db,
			areas.length ? areas.map((a) => a.id) : null,
			from,
			until,
			categories
		),
		coverageFor(
			db,
			from,
			until,
			areas.length ? { areaIds: areas.map((a) => a.id) } : { everywhere: true }
		)
	]);
	const byCategory = new Map<string, Map<string, number>>();
	const all = new Map<string, number>();
	// An incident with several categories counts once in the total and once in each of its categories.
	for (const r of daily) {
		if (r.part !== 'total') {
			let m = byCategory.get(r.category);
			if (!m) byCategory.set(r.category, (m = new Map()));
			m.set(r.day, (m.get(r.day) ?? 0) + r.n);
		}
		if (r.part !== 'category') all.set(r.day, (all.get(r.day) ?? 0) + r.n);
	}
	const options: CompStatOptions = {
		referenceDate: date,
		weekStart: q.weekStart ?? 'monday',
		priorYear: q.priorYear ?? 'calendar',
		coverage
	};
	const overall = compStat(all, options);
	const label = new Map(CATEGORIES.map((c) => [c.code as string, c.label]));
	const order = categories ?? CATEGORIES.map((c) => c.code as string);
	const tables: CompStatTable[] = [
		{ category: 'all', label: 'All selected categories', rows: overall.rows }
	];
	for (const code of order) {
		const rows = compStat(byCategory.get(code) ?? new Map(), options).rows;
		if (!categories && rows.every((r) => r.current === 0 && r.previous === 0)) continue;
		tables.push({ category: code, label: label.get(code) ?? code, rows });
	}
	return {
		parameters: {
			areas,
			date,
			categories: categories ?? [],
			weekStart: overall.parameters.weekStart,
			priorYear: overall.parameters.priorYear,
			alpha: overall.parameters.alpha,
			criticalZ: overall.parameters.criticalZ,
			statistic: 'Poisson z = 2(√current − √previous)',
			grain: overall.parameters.grain,
			notes: overall.parameters.notes
		},
		tables
	};
}

// ------------------------------------------------------------------------------------------------
// Trend maps (Mann-Kendall over months)

export interface TrendMapRequest extends StudyRequest {
	/** 'cell': per study cell (needs area or bbox); 'area': per area of `kind`. */
	by: 'cell' | 'area';
	kind?: string;
}

export type TrendMapResult = TrendMapAnswer;

/**
 * Mann-Kendall trend of monthly counts per cell or per area, for trend maps. Series with no incidents
 * get S = 0, z = 0, p = 1 without being tested.
 */
export async function trendMap(db: Database, q: TrendMapRequest): Promise<TrendMapResult> {
	const categories = checkCategories(q.categories);
	const period = await resolvePeriod(db, q.from, q.to);
	const allMonths = stepStarts(period.from, period.to, 'month');
	if (allMonths.length < 4)
		throw new ServiceError(
			'E_DATE_RANGE',
			`The period ${period.from} to ${period.to} spans ${allMonths.length} months; a trend needs at least 4 (12 or more recommended)`
		);
	let ids: string[];
	let names: string[] | undefined;
	let base: Partial<StudyParameters>;
	const series = new Map<string, Float64Array>();
	let areas: AreaRef[] = [];
	let study: Awaited<ReturnType<typeof resolveStudyArea>> | null = null;
	if (q.by === 'area') {
		if (!q.kind) throw new ServiceError('E_PARAMETER', 'kind: a trend map by area needs kind');
		areas = await areasOfKind(db, q.kind);
		knownKind(q.kind, areas);
	} else study = await resolveStudyArea(db, q);
	// Months without data for every day are left out of the series (Mann-Kendall needs only their order).
	const coverage = await coverageFor(
		db,
		period.from,
		period.to,
		study ? studyPlace(study) : { areaIds: areas.map((a) => a.id) }
	);
	const monthEndOf = monthEnd;
	const months = allMonths.filter(
		(m) =>
			coverage.period(
				m < period.from ? period.from : m,
				monthEndOf(m) > period.to ? period.to : monthEndOf(m)
			).status === 'covered'
	);
	const skippedMonths = allMonths.filter((m) => !months.includes(m));
	if (months.length < 4)
		throw new ServiceError(
			'E_COVERAGE',
			`Only ${months.length} of the ${allMonths.length} months from ${period.from} to ${period.to} hold data for every day; a trend needs at least 4 covered months — choose a period with data`,
			422
		);
	const monthIndex = new Map(months.map((m, t) => [m, t]));
	const T = months.length;
	if (study === null) {
		ids = areas.map((a) => a.code);
		names = areas.map((a) => a.name);
		const byId = new Map(areas.map((a) => [a.id, a.code]));
		for (const code of ids) series.set(code, new Float64Array(T));
		for (const r of await monthlyCountsByArea(db, q.kind!, period.from, period.to, categories)) {
			const t = monthIndex.get(r.month);
			if (t !== undefined) series.get(byId.get(r.areaId)!)![t] += r.n;
		}
		base = {};
	} else {
		ids = study.cells;
		for (const c of ids) series.set(c, new Float64Array(T));
		const rows = await countsInStudyCellsByStep(
			db,
			study.cells,
			{ res: study.res, ...period, categories },
			'month'
		);
		for (const r of rows) {
			const t = monthIndex.get(r.step);
			if (t !== undefined) series.get(r.cell)![t] += r.n;
		}
		base = studyParameters(study, period, categories, q);
	}
	const nonEmpty = new Map<string, Float64Array>();
	for (const [id, v] of series) if (v.some((x) => x > 0)) nonEmpty.set(id, v);
	const tested = new Map(trendsBySeries(nonEmpty).map((t) => [t.id, t]));
	const out: TrendMapResult = {
		parameters: {
			...base,
			by: q.by,
			kind: q.kind ?? null,
			from: period.from,
			to: period.to,
			categories: categories ?? [],
			months,
			skippedMonths,
			statistic:
				'Mann-Kendall on monthly counts (tie and continuity corrected), Sen slope per month',
			alpha: 0.05
		},
		ids,
		...(names ? { names } : {}),
		total: [],
		s: [],
		z: [],
		p: [],
		tau: [],
		senSlope: [],
		direction: []
	};
	for (const id of ids) {
		const t = tested.get(id);
		out.total.push(series.get(id)!.reduce((a, b) => a + b, 0));
		out.s.push(t?.s ?? 0);
		out.z.push(t?.z ?? 0);
		out.p.push(t?.p ?? 1);
		out.tau.push(t?.tau ?? 0);
		out.senSlope.push(t?.senSlope ?? 0);
		out.direction.push(t?.direction ?? 'none');
	}
	return out;
}

// ------------------------------------------------------------------------------------------------
// Two-period change

export interface ChangeRequest extends StudyRequest {
	by: 'cell' | 'area';
	kind?: string;
	/** The earlier period; default the same dates a year before. */
	beforeFrom?: string;
	beforeTo?: string;
}

/** The same calendar day a year earlier (29 Feb → 28 Feb). */
export function yearEarlier(day: string): string {
	const d = new Date(ms(day));
	const y = d.getUTCFullYear() - 1;
	const m = d.getUTCMonth();
	const last = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
	return iso(Date.UTC(y, m, Math.min(d.getUTCDate(), last)));
}

/**
 * Counts in two periods per cell or area, each change tested exactly: given the cell's total n = now +
 * before, now ~ Binomial(n, share) under no change, two-sided, Benjamini–Hochberg FDR across cells
 * (analysis/exact-binomial.ts). Both periods must hold data in the study area: a period without any
 * is refused ("no data to compare"), a partly covered one is weighed by its covered days.
 *
 * @example
 * const r = await changeMap(db, { by: 'area', kind: 'beat', res: 8, from: '2019-01-01', to: '2019-12-31' });
 * r.ids[0], r.now[0], r.before[0], r.pAdjusted[0], r.direction[0];
 */
export async function changeMap(db: Database, q: ChangeRequest): Promise<ChangeAnswer> {
	const categories = checkCategories(q.categories);
	const now = await resolvePeriod(db, q.from, q.to);
	if ((q.beforeFrom === undefined) !== (q.beforeTo === undefined))
		throw new ServiceError('E_DATE_RANGE', 'give both beforeFrom and beforeTo, or neither');
	if (q.beforeFrom) checkDate('beforeFrom', q.beforeFrom);
	if (q.beforeTo) checkDate('beforeTo', q.beforeTo);
	const before = {
		from: q.beforeFrom ?? yearEarlier(now.from),
		to: q.beforeTo ?? yearEarlier(now.to)
	};
	if (before.from > before.to)
		throw new ServiceError(
			'E_DATE_RANGE',
			`beforeFrom (${before.from}) must not be after beforeTo (${before.to})`
		);
	let ids: string[];
	let names: string[] | undefined;
	let nowCounts: number[];
	let beforeCounts: number[];
	let base: Partial<StudyParameters> = {};
	let place: CoveragePlace;
	if (q.by === 'area') {
		if (!q.kind) throw new ServiceError('E_PARAMETER', 'kind: a change map by area needs kind');
		const rows = await twoPeriodCountsByArea(db, q.kind, now, before, categories);
		if (rows.length === 0) knownKind(q.kind, []);
		ids = rows.map((r) => r.code);
		names = rows.map((r) => r.name);
		nowCounts = rows.map((r) => r.now);
		beforeCounts = rows.map((r) => r.before);
		place = { areaIds: (await areasOfKind(db, q.kind)).map((a) => a.id) };
	} else {
		const study = await resolveStudyArea(db, q);
		ids = study.cells;
		nowCounts = Array.from((await studyCounts(db, study, now, categories)).counts);
		beforeCounts = Array.from((await studyCounts(db, study, before, categories)).counts);
		base = studyParameters(study, now, categories, q);
		place = studyPlace(study);
	}
	const coverage = await coverageFor(
		db,
		before.from < now.from ? before.from : now.from,
		before.to > now.to ? before.to : now.to,
		place
	);
	const nowCov = coverage.period(now.from, now.to);
	const beforeCov = coverage.period(before.from, before.to);
	for (const [c, which] of [
		[beforeCov, 'earlier'],
		[nowCov, 'later']
	] as const)
		if (c.status === 'missing')
			throw new ServiceError(
				'E_NO_DATA_TO_COMPARE',
				`No data to compare: nothing was imported for the ${which} period (${c.from} to ${c.to}) in this study area, so a change cannot be measured; choose periods that both hold data`,
				422
			);
	const warnings: string[] = [];
	for (const [c, which] of [
		[beforeCov, 'earlier'],
		[nowCov, 'later']
	] as const)
		if (c.status === 'partial')
			warnings.push(
				`The ${which} period (${c.from} to ${c.to}) holds data for only ${c.coveredDays} of its ${c.days} days (${c.covers}); the test weighs each period by its covered days.`
			);
	const share = nowCov.coveredDays / (nowCov.coveredDays + beforeCov.coveredDays);
	const tests = changeTests(nowCounts, beforeCounts, { share, alpha: 0.05, fdr: true });
	return {
		parameters: {
			...base,
			by: q.by,
			kind: q.kind ?? null,
			from: now.from,
			to: now.to,
			beforeFrom: before.from,
			beforeTo: before.to,
			categories: categories ?? [],
			statistic:
				'exact conditional binomial test: now ~ Binomial(now + before, share), two-sided, Benjamini–Hochberg FDR across cells',
			share,
			alpha: 0.05,
			fdr: true,
			coverage: { now: nowCov, before: beforeCov },
			warnings
		},
		ids,
		...(names ? { names } : {}),
		now: nowCounts,
		before: beforeCounts,
		difference: nowCounts.map((n, i) => n - beforeCounts[i]),
		p: Array.from(tests.p),
		pAdjusted: Array.from(tests.pAdjusted),
		direction: tests.direction
	};
}

export interface ChangePeriods {
	now: Period;
	before: Period;
	/** Whether data was imported for every day of `before` (source_coverage). */
	beforeCovered: boolean;
	note: string;
}

/**
 * Default periods of a change map: the data's last twelve months against the same months in the most
 * recent earlier year with data for every one of them (a year without imports is skipped, and the note
 * says so), so a default view never compares with an empty year.
 */
export async function defaultChangePeriods(
	db: Queryable,
	range: DataRange | null
): Promise<ChangePeriods | null> {
	if (!range) return null;
	const last = range.to.slice(0, 7) + '-01';
	const now = { from: addMonths(last, -11), to: monthEnd(last) };
	const coverage = await coverageFor(db, range.from, range.to, { everywhere: true });
	const shift = (p: Period, years: number) => ({
		from: addMonths(p.from, -12 * years),
		to: monthEnd(addMonths(p.to.slice(0, 7) + '-01', -12 * years))
	});
	for (let k = 1; k <= 10; k++) {
		const before = shift(now, k);
		if (before.to < range.from) break;
		if (coverage.period(before.from, before.to).status === 'covered')
			return {
				now,
				before,
				beforeCovered: true,
				note:
					k === 1
						? 'The last twelve months of data against the same months a year earlier.'
						: `The last twelve months of data against the same months ${k} years earlier: the years between have no imported data.`
			};
	}
	return {
		now,
		before: shift(now, 1),
		beforeCovered: false,
		note: 'No earlier year has data for all of these months: choose the periods to compare.'
	};
}
