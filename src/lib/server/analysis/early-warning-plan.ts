/**
 * Which weeks an early-warning check covers and which method it uses, from the days the data spans
 * and the first day an import changed. Pure; the service reads the days from the coverage table.
 *
 * - The series is whole Monday–Sunday weeks: from the first Monday on or after the first day with
 *   data to the last Sunday on or before the last day with data (a partial week would read as a drop).
 *   It starts at most `historyWeeks` before the first week checked: the improved Farrington algorithm
 *   looks back `b` years and `w` weeks and no further, so older weeks change nothing.
 * - Checked: the weeks from the one holding the first changed day to the last whole week, at most
 *   `maxCheckWeeks` of them (an import of ten years does not raise alarms on ten-year-old weeks); at
 *   least the last whole week.
 * - Method: improved Farrington where the first week checked has `b` years and `w` weeks of history
 *   (surveillance's farringtonFlexible refuses less), EARS C2 (7-week baseline) otherwise. One method
 *   per run, so every series of a run is judged alike.
 *
 * @example
 * planCheck({ firstDay: isoToDay('2024-01-01'), lastDay: isoToDay('2024-06-30'),
 *             changedFrom: isoToDay('2024-06-20') }).method // 'ears-c2' (half a year of history)
 */
import {
	earsC2,
	FARRINGTON_DEFAULTS,
	farringtonFlexible,
	referenceWeek,
	type FarringtonOptions,
	type WeekCheck
} from './early-warning';
import { isoWeekday } from './days';

export type EarlyWarningMethod = 'farrington' | 'ears-c2';

export interface PlanInput {
	/** First and last day (day numbers) holding data. */
	firstDay: number;
	lastDay: number;
	/** The earliest day whose counts the import changed; null: check the last weeks only. */
	changedFrom: number | null;
	/** Most weeks checked in one run (default 8). */
	maxCheckWeeks?: number;
	farrington?: Pick<FarringtonOptions, 'b' | 'w'>;
}

export interface CheckPlan {
	method: EarlyWarningMethod;
	/** Day number of each week's Monday, consecutive. */
	weekDays: number[];
	/** Indexes into `weekDays` of the weeks checked. */
	checkIndexes: number[];
	/** Why this method, in words (shown with the run). */
	reason: string;
}

/** Weeks of history a run keeps before its first checked week: b years, w weeks and a margin. */
export function historyWeeks(o: Pick<FarringtonOptions, 'b' | 'w'> = FARRINGTON_DEFAULTS): number {
	return Math.ceil((o.b * 366) / 7) + o.w + 2;
}

/** The Monday of the week holding `day`. */
export function mondayOf(day: number): number {
	return day - isoWeekday(day);
}

/**
 * Whether the improved Farrington algorithm has the history it needs for the week at `k`: its
 * reference week `b` years back lies in the series with `w − 1` weeks before it (surveillance's
 * window (ref − w):(ref + w), 1-based, may start at the first week).
 */
export function farringtonHasHistory(
	weekDays: readonly number[],
	k: number,
	o: Pick<FarringtonOptions, 'b' | 'w'> = FARRINGTON_DEFAULTS
): boolean {
	const idx = (referenceWeek(weekDays[k], o.b) - weekDays[0]) / 7;
	return idx >= o.w - 1;
}

/** The plan of a check, or null when the data holds no whole week. */
export function planCheck(input: PlanInput): CheckPlan | null {
	const { maxCheckWeeks = 8 } = input;
	const o = input.farrington ?? FARRINGTON_DEFAULTS;
	const firstMonday = mondayOf(input.firstDay + 6);
	const lastSunday = mondayOf(input.lastDay + 1) - 1;
	if (lastSunday < firstMonday + 6) return null;
	const lastMonday = lastSunday - 6;
	let checkFrom = Math.max(
		input.changedFrom === null ? lastMonday : mondayOf(input.changedFrom),
		lastMonday - 7 * (maxCheckWeeks - 1),
		firstMonday
	);
	checkFrom = Math.min(checkFrom, lastMonday);
	const start = Math.max(firstMonday, checkFrom - 7 * historyWeeks(o));
	const weekDays: number[] = [];
	for (let d = start; d <= lastMonday; d += 7) weekDays.push(d);
	const checkIndexes: number[] = [];
	for (let i = 0; i < weekDays.length; i++) if (weekDays[i] >= checkFrom) checkIndexes.push(i);
	const enough = farringtonHasHistory(weekDays, checkIndexes[0], o);
	return {
		method: enough ? 'farrington' : 'ears-c2',
		weekDays,
		checkIndexes,
		reason: enough
			? `${o.b} years of weekly history: improved Farrington (Noufaily et al. 2013)`
			: `${weekDays.length} week${weekDays.length === 1 ? '' : 's'} of history, fewer than the ${o.b} years and ${o.w} weeks the improved Farrington algorithm needs: EARS C2 (7-week baseline)`
	};
}

/**
 * The thresholds of a plan's weeks for one series, as the CLI computes them. With `alarmsOnly`, weeks
 * that cannot raise an alarm are not computed (null threshold, note "not computed"): a count of 0,
 * and for Farrington fewer than limit54's 5 cases in the last 4 weeks (no threshold there anyway).
 * A run over every area × category checks thousands of series, most of them quiet.
 */
export function checkSeries(
	counts: readonly number[],
	plan: Pick<CheckPlan, 'method' | 'weekDays' | 'checkIndexes'>,
	alarmsOnly = false
): WeekCheck[] {
	let indexes = plan.checkIndexes;
	if (alarmsOnly) {
		const [cases, weeks] = FARRINGTON_DEFAULTS.limit54;
		indexes = indexes.filter((k) => {
			if (counts[k] === 0) return false;
			if (plan.method !== 'farrington') return true;
			let recent = 0;
			for (let i = Math.max(0, k - weeks + 1); i <= k; i++) recent += counts[i];
			return recent >= cases;
		});
	}
	const computed =
		indexes.length === 0
			? []
			: plan.method === 'farrington'
				? farringtonFlexible(counts, plan.weekDays, indexes)
				: earsC2(counts, indexes);
	if (!alarmsOnly) return computed;
	const byIndex = new Map(computed.map((c) => [c.index, c]));
	return plan.checkIndexes.map(
		(k) =>
			byIndex.get(k) ?? {
				index: k,
				observed: counts[k],
				threshold: null,
				alarm: false,
				expected: null,
				note: 'not computed: this count cannot raise an alarm'
			}
	);
}
