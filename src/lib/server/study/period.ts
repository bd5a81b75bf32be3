/**
 * Periods of a study: the one date check of the services (a real day written YYYY-MM-DD, as the routes'
 * zod schemas check it), a period defaulting to the data's range, and calendar steps.
 */
import { isIsoDate } from '../../dates';
import { dayToIso, isoToDay } from '../analysis/days';
import type { Queryable } from '../db/client';
import { rollupRange } from '../db/queries/cells';
import { ServiceError } from '../errors';

/** Refuse `v` unless it is a real day written YYYY-MM-DD; `name` is the parameter the message names. */
export function checkDate(name: string, v: string): void {
	if (!isIsoDate(v))
		throw new ServiceError(
			'E_DATE_RANGE',
			`${name}: must be a date written YYYY-MM-DD, got "${v}"`
		);
}

/** The period, defaulting to the data's range; inverted or malformed dates are refused. */
export async function resolvePeriod(
	db: Queryable,
	from: string | undefined,
	to: string | undefined
): Promise<{ from: string; to: string }> {
	if (from !== undefined) checkDate('from', from);
	if (to !== undefined) checkDate('to', to);
	if (from && to && from > to)
		throw new ServiceError('E_DATE_RANGE', `from (${from}) must not be after to (${to})`);
	if (from && to) return { from, to };
	const range = await rollupRange(db);
	if (!range)
		throw new ServiceError(
			'E_NO_DATA',
			'There are no incidents yet, so no period can be chosen; import data or give from and to',
			422
		);
	const f = from ?? range.from;
	const t = to ?? range.to;
	if (f > t) throw new ServiceError('E_DATE_RANGE', `from (${f}) must not be after to (${t})`);
	return { from: f, to: t };
}

/** Calendar steps of a series: weeks start on Monday, months on the 1st. */
export type CalendarStep = 'week' | 'month';

/** The first day of the month `k` months after the month starting `monthStart` (k may be negative). */
export function addMonths(monthStart: string, k: number): string {
	const d = new Date(monthStart + 'T00:00:00Z');
	return dayToIso(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + k, 1) / 86_400_000);
}

/** The last day of the month holding `day`. */
export function monthEnd(day: string): string {
	const d = new Date(day + 'T00:00:00Z');
	return dayToIso(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0) / 86_400_000);
}

/** The last day of the calendar step starting `start`. */
export function calendarStepEnd(start: string, step: CalendarStep): string {
	return step === 'week' ? dayToIso(isoToDay(start) + 6) : monthEnd(start);
}

/** First day of every calendar week (Monday) or month overlapping [from, to]. */
export function stepStarts(from: string, to: string, step: CalendarStep): string[] {
	const out: string[] = [];
	const end = dayMs(to);
	if (step === 'week') {
		const f = new Date(dayMs(from));
		let t = dayMs(from) - ((f.getUTCDay() + 6) % 7) * 86_400_000;
		for (; t <= end; t += 7 * 86_400_000) out.push(iso(t));
	} else {
		const f = new Date(dayMs(from));
		let y = f.getUTCFullYear();
		let m = f.getUTCMonth();
		for (;;) {
			const t = Date.UTC(y, m, 1);
			if (t > end) break;
			out.push(iso(t));
			if (++m === 12) {
				m = 0;
				y++;
			}
		}
	}
	return out;
}

function dayMs(day: string): number {
	return Date.parse(day + 'T00:00:00Z');
}

function iso(ms: number): string {
	return new Date(ms).toISOString().slice(0, 10);
}
