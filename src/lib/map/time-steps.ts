/**
 * Steps of the time slider: calendar months, or ISO weeks (Monday to Sunday), covering a period.
 * In window mode the map shows one step; in cumulative mode everything from the period's start to the
 * end of the step. Steps are clipped to the period so the first and last can be partial.
 *
 * Dates are `YYYY-MM-DD` strings and all arithmetic is in UTC, so no time zone moves a boundary.
 *
 * @example
 * timeSteps('2016-01-15', '2016-03-10', 'month');
 * // [{ start: '2016-01-01', from: '2016-01-15', to: '2016-01-31', label: 'Jan 2016' }, … 3 steps]
 */
import type { StepUnit, TimeMode } from './workspace-url';

export interface TimeStep {
	/** The step's calendar start (first of the month, or the Monday), its key in the URL. */
	start: string;
	/** The step clipped to the period. */
	from: string;
	to: string;
	label: string;
}

const DAY = 86_400_000;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

const toMs = (d: string) => Date.parse(`${d}T00:00:00Z`);
const toIso = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** At most this many steps (ten years of weeks); a longer period is cut at the end. */
export const MAX_STEPS = 520;

export function timeSteps(from: string, to: string, unit: StepUnit): TimeStep[] {
	const end = toMs(to);
	const steps: TimeStep[] = [];
	let start: number;
	if (unit === 'month') {
		const d = new Date(toMs(from));
		start = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
	} else {
		const ms = toMs(from);
		start = ms - ((new Date(ms).getUTCDay() + 6) % 7) * DAY;
	}
	while (start <= end && steps.length < MAX_STEPS) {
		const d = new Date(start);
		const next =
			unit === 'month' ? Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1) : start + 7 * DAY;
		const clippedFrom = Math.max(start, toMs(from));
		const clippedTo = Math.min(next - DAY, end);
		steps.push({
			start: toIso(start),
			from: toIso(clippedFrom),
			to: toIso(clippedTo),
			label:
				unit === 'month'
					? `${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}`
					: `Week of ${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}`
		});
		start = next;
	}
	return steps;
}

/** Index of the step starting at `t` (its calendar start or any day inside it); 0 when absent. */
export function stepIndex(steps: readonly TimeStep[], t: string | null): number {
	if (!t || steps.length === 0) return 0;
	const i = steps.findIndex((s) => s.start <= t && t <= s.to);
	return i === -1 ? (t > steps[steps.length - 1].to ? steps.length - 1 : 0) : i;
}

/** The period the map shows at step `i`. */
export function stepPeriod(
	steps: readonly TimeStep[],
	i: number,
	mode: Exclude<TimeMode, 'off'>
): { from: string; to: string } {
	const s = steps[i];
	return { from: mode === 'window' ? s.from : steps[0].from, to: s.to };
}
