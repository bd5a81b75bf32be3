/**
 * CompStat-style period comparisons: week-to-date, last 28 days and year-to-date ending at a reference
 * date, each against the same period a year earlier, with counts and a Poisson z-score instead of a
 * bare percentage change.
 *
 * For two Poisson counts, √X is approximately normal with variance ¼ (Anscombe 1948; Bartlett 1936), so
 * z = 2(√current − √previous) is approximately standard normal when both periods share one rate
 * (the "square-root test" used for CompStat tables, e.g. Wheeler 2016, "Tables and graphs of monthly
 * crime trends", and J. Ratcliffe's "Poisson z" calculator). |z| ≥ 1.96 marks a change at 95 %.
 */
import { dayToIso, isoToDay, isoWeekday, sameDayLastYear } from './days';
import { normalSf } from './normal';
import { AnalysisInputError } from './weights';

export type CompStatWindow = 'weekToDate' | 'last28Days' | 'yearToDate';

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
	/** 2(√current − √previous). */
	z: number;
	/** Two-sided normal p of z. */
	p: number;
	significant: boolean;
	direction: 'up' | 'down' | 'no significant change';
}

export interface CompStatResult {
	parameters: Required<CompStatOptions> & { criticalZ: number };
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
	const offset = weekStart === 'monday' ? isoWeekday(ref) : (isoWeekday(ref) + 1) % 7;
	const refDate = new Date(ref * 86_400_000);
	const windows: [CompStatWindow, number][] = [
		['weekToDate', ref - offset],
		['last28Days', ref - 27],
		['yearToDate', Date.UTC(refDate.getUTCFullYear(), 0, 1) / 86_400_000]
	];
	const rows = windows.map(([window, from]): CompStatRow => {
		// Year-to-date always compares with the previous calendar year's same span.
		const pf = window === 'yearToDate' ? sameDayLastYear(from) : shift(from);
		const pt = window === 'yearToDate' ? sameDayLastYear(ref) : shift(ref);
		const current = sum(from, ref);
		const previous = sum(pf, pt);
		const z = poissonZ(current, previous);
		const significant = Math.abs(z) >= zCrit;
		return {
			window,
			from: dayToIso(from),
			to: dayToIso(ref),
			priorFrom: dayToIso(pf),
			priorTo: dayToIso(pt),
			current,
			previous,
			difference: current - previous,
			percentChange: previous === 0 ? null : (100 * (current - previous)) / previous,
			z,
			p: Math.min(1, 2 * normalSf(Math.abs(z))),
			significant,
			direction: significant ? (z > 0 ? 'up' : 'down') : 'no significant change'
		};
	});
	return { parameters: { referenceDate, weekStart, priorYear, alpha, criticalZ: zCrit }, rows };
}
