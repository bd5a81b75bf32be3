/**
 * CompStat-style period comparisons: week-to-date, last 28 days and year-to-date ending at a reference
 * date, each against the same period a year earlier, with counts and a Poisson z-score instead of a
 * bare percentage change.
 *
 * For two Poisson counts, √X is approximately normal with variance ¼ (Anscombe 1948; Bartlett 1936), so
 * z = 2(√current − √previous) is approximately standard normal when both periods share one rate
 * (the "square-root test" used for CompStat tables, e.g. Wheeler 2016, "Tables and graphs of monthly
 * crime trends", and J. Ratcliffe's "Poisson z" calculator). |z| ≥ 1.96 marks a change at 95 %.
 *
 * With the data's coverage (analysis/coverage.ts), a window is compared only when both it and its
 * prior window hold data for every day: otherwise the row says "no data to compare" and has no z
 * (a year never imported is not a year without crime). Data dated to months (police.uk) cannot fill
 * week-to-date or 28-day windows, so for such data the table compares whole months: the reference
 * date's month and the year to the end of that month, each against the same months a year earlier.
 */
import type { DataGrain, PeriodCoverage, PeriodStatus } from './coverage';
import { dayToIso, isoToDay, isoWeekday, sameDayLastYear } from './days';
import { normalSf } from './normal';
import { AnalysisInputError } from './weights';

export type CompStatWindow = 'weekToDate' | 'last28Days' | 'month' | 'yearToDate';

/** What compStat needs to know of the data's coverage (a `DataCoverage`). */
export interface CompStatCoverage {
	grain: DataGrain | null;
	period(from: string, to: string): PeriodCoverage;
}

export interface CompStatOptions {
	/** Last day of every window, inclusive ('YYYY-MM-DD'). */
	referenceDate: string;
	/** First day of the week for week-to-date. Default 'monday' (ISO). */
	weekStart?: 'monday' | 'sunday';
	/**
	 * How "a year earlier" is found: 'calendar' (default) shifts dates by one calendar year (29 Feb →
	 * 28 Feb); '52weeks' shifts by 364 days so weekdays line up (common for week-to-date tables).
	 */
	priorYear?: 'calendar' | '52weeks';
	/** Two-sided significance level of the flag. Default 0.05 (|z| ≥ 1.96). */
	alpha?: number;
	/**
	 * Which days hold data. Absent: every day counts as covered (days without a count are zeros).
	 * Present: windows without full coverage on either side are not compared, and month-dated data
	 * gets month windows.
	 */
	coverage?: CompStatCoverage;
}

export interface CompStatRow {
	window: CompStatWindow;
	from: string;
	to: string;
	priorFrom: string;
	priorTo: string;
	current: number;
	previous: number;
	difference: number;
	/** 100·(current − previous)/previous; null when previous is 0. */
	percentChange: number | null;
	/** 2(√current − √previous); null when the two windows cannot be compared. */
	z: number | null;
	/** Two-sided normal p of z; null when not compared. */
	p: number | null;
	significant: boolean;
	direction: 'up' | 'down' | 'no significant change' | 'no data to compare';
	/** Coverage of the window and of its prior window ('covered' for both without coverage given). */
	coverage: { current: PeriodStatus; previous: PeriodStatus };
	/** Why the row is not compared ("No data for 1 Jan – 1 Dec 2019"), else null. */
	note: string | null;
}

export interface CompStatResult {
	parameters: Required<Omit<CompStatOptions, 'coverage'>> & {
		criticalZ: number;
		/** The data's time precision ('day' without coverage given). */
		grain: DataGrain;
		/** What the table could not show and why (e.g. no week-to-date on month-dated data). */
		notes: string[];
	};
	rows: CompStatRow[];
}

/** Daily counts as a map from 'YYYY-MM-DD' (days absent count 0) or a dense array from `start`. */
export type DailyCounts =
	ReadonlyMap<string, number> | { start: string; counts: ArrayLike<number> };

function dailyLookup(daily: DailyCounts): (day: number) => number {
	if (daily instanceof Map) {
		const byDay = new Map<number, number>();
		for (const [iso, v] of daily as ReadonlyMap<string, number>)
			byDay.set(isoToDay(iso), (byDay.get(isoToDay(iso)) ?? 0) + v);
		return (d) => byDay.get(d) ?? 0;
	}
	const { start, counts } = daily as { start: string; counts: ArrayLike<number> };
	const s = isoToDay(start);
	return (d) => (d >= s && d - s < counts.length ? counts[d - s] : 0);
}

/** Poisson square-root z for two counts. */
export function poissonZ(current: number, previous: number): number {
	return 2 * (Math.sqrt(current) - Math.sqrt(previous));
}

function criticalZ(alpha: number): number {
	// Bisection on the accurate tail; alpha/2 in each tail.
	let lo = 0;
	let hi = 40;
	for (let i = 0; i < 200; i++) {
		const mid = (lo + hi) / 2;
		if (normalSf(mid) > alpha / 2) lo = mid;
		else hi = mid;
	}
	return (lo + hi) / 2;
}

/**
 * Week-to-date, 28-day and year-to-date comparisons ending at `referenceDate`.
 *
 * @example
 * compStat(new Map([['2024-03-04', 3], ['2023-03-06', 1]]), { referenceDate: '2024-03-10' }).rows[0];
 * // { window: 'weekToDate', from: '2024-03-04', to: '2024-03-10', current: 3, previous: 1, z: 1.46…, ... }
 */
export function compStat(daily: DailyCounts, options: CompStatOptions): CompStatResult {
	const { referenceDate, weekStart = 'monday', priorYear = 'calendar', alpha = 0.05 } = options;
	if (!(alpha > 0 && alpha < 1))
		throw new AnalysisInputError('E_BAD_ALPHA', `alpha must be in (0, 1), got ${alpha}`);
	const ref = isoToDay(referenceDate);
	const count = dailyLookup(daily);
	const zCrit = criticalZ(alpha);
	const sum = (a: number, b: number) => {
		let s = 0;
		for (let d = a; d <= b; d++) s += count(d);
		return s;
	};
	const shift = (d: number) => (priorYear === '52weeks' ? d - 364 : sameDayLastYear(d));
	const grain: DataGrain = options.coverage?.grain ?? 'day';
	const refDate = new Date(ref * 86_400_000);
	const y = refDate.getUTCFullYear();
	const m = refDate.getUTCMonth();
	const yearStart = Date.UTC(y, 0, 1) / 86_400_000;
	const notes: string[] = [];
	// [window, from, to, prior from, prior to]
	let windows: [CompStatWindow, number, number, number, number][];
	if (grain === 'month') {
		// Whole months: the reference date's month and the year to its end, against the same months a
		// year earlier (weekdays do not line up with months, so '52weeks' does not apply).
		const monthFrom = Date.UTC(y, m, 1) / 86_400_000;
		const monthTo = Date.UTC(y, m + 1, 0) / 86_400_000;
		const priorMonthFrom = Date.UTC(y - 1, m, 1) / 86_400_000;
		const priorMonthTo = Date.UTC(y - 1, m + 1, 0) / 86_400_000;
		windows = [
			['month', monthFrom, monthTo, priorMonthFrom, priorMonthTo],
			['yearToDate', yearStart, monthTo, Date.UTC(y - 1, 0, 1) / 86_400_000, priorMonthTo]
		];
		notes.push(
			'The data is dated to months (e.g. police.uk), so week-to-date and 28-day windows cannot be measured: the table compares whole months.'
		);
	} else {
		const offset = weekStart === 'monday' ? isoWeekday(ref) : (isoWeekday(ref) + 1) % 7;
		windows = [
			['weekToDate', ref - offset, ref, shift(ref - offset), shift(ref)],
			['last28Days', ref - 27, ref, shift(ref - 27), shift(ref)],
			// Year-to-date always compares with the previous calendar year's same span.
			['yearToDate', yearStart, ref, sameDayLastYear(yearStart), sameDayLastYear(ref)]
		];
	}
	const cover = (a: number, b: number): PeriodCoverage =>
		options.coverage
			? options.coverage.period(dayToIso(a), dayToIso(b))
			: {
					from: dayToIso(a),
					to: dayToIso(b),
					days: b - a + 1,
					coveredDays: b - a + 1,
					status: 'covered',
					covers: null
				};
	const rows = windows.map(([window, from, to, pf, pt]): CompStatRow => {
		const current = sum(from, to);
		const previous = sum(pf, pt);
		const cc = cover(from, to);
		const pc = cover(pf, pt);
		const comparable = cc.status === 'covered' && pc.status === 'covered';
		const z = comparable ? poissonZ(current, previous) : null;
		const significant = z !== null && Math.abs(z) >= zCrit;
		return {
			window,
			from: dayToIso(from),
			to: dayToIso(to),
			priorFrom: dayToIso(pf),
			priorTo: dayToIso(pt),
			current,
			previous,
			difference: current - previous,
			percentChange: !comparable || previous === 0 ? null : (100 * (current - previous)) / previous,
			z,
			p: z === null ? null : Math.min(1, 2 * normalSf(Math.abs(z))),
			significant,
			direction:
				z === null
					? 'no data to compare'
					: significant
						? z > 0
							? 'up'
							: 'down'
						: 'no significant change',
			coverage: { current: cc.status, previous: pc.status },
			note: comparable ? null : [coverageNote(cc), coverageNote(pc)].filter(Boolean).join('; ')
		};
	});
	return {
		parameters: { referenceDate, weekStart, priorYear, alpha, criticalZ: zCrit, grain, notes },
		rows
	};
}

function dayLabel(iso: string): string {
	return new Date(iso + 'T00:00:00Z').toLocaleDateString('en-GB', {
		day: 'numeric',
		month: 'short',
		year: 'numeric',
		timeZone: 'UTC'
	});
}

/** "No data for 1 Jan 2019 – 1 Dec 2019" / "Data for only 181 of 365 days of …"; '' when covered. */
function coverageNote(c: PeriodCoverage): string {
	const span = `${dayLabel(c.from)} – ${dayLabel(c.to)}`;
	if (c.status === 'missing') return `No data for ${span}`;
	if (c.status === 'partial')
		return `Data for only ${c.coveredDays} of the ${c.days} days of ${span} (${c.covers})`;
	return '';
}
