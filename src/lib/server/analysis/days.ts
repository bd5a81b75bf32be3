/** Calendar days as integers (days since 1970-01-01, UTC) so date windows are plain arithmetic. */
import { AnalysisInputError } from './weights';

/**
 * Day number of an ISO calendar date 'YYYY-MM-DD'.
 *
 * @example
 * isoToDay('1970-01-02'); // 1
 */
export function isoToDay(iso: string): number {
	const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
	if (m) {
		const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
		const ms = Date.UTC(y, mo - 1, d);
		const back = new Date(ms);
		if (back.getUTCFullYear() === y && back.getUTCMonth() === mo - 1 && back.getUTCDate() === d)
			return ms / 86_400_000;
	}
	throw new AnalysisInputError('E_BAD_DATE', `Not a calendar date (YYYY-MM-DD): ${iso}`);
}

/** ISO date of a day number. */
export function dayToIso(day: number): string {
	return new Date(day * 86_400_000).toISOString().slice(0, 10);
}

/** ISO weekday of a day number: 0 = Monday … 6 = Sunday. */
export function isoWeekday(day: number): number {
	// 1970-01-01 was a Thursday (3).
	return (((day + 3) % 7) + 7) % 7;
}

/** Same month and day one calendar year earlier; 29 February maps to 28 February. */
export function sameDayLastYear(day: number): number {
	const d = new Date(day * 86_400_000);
	const y = d.getUTCFullYear() - 1;
	const mo = d.getUTCMonth();
	let dd = d.getUTCDate();
	if (mo === 1 && dd === 29) dd = 28;
	return Date.UTC(y, mo, dd) / 86_400_000;
}
