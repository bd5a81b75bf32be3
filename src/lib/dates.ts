/**
 * The one check of a calendar date written `YYYY-MM-DD`, for every layer (browser, routes, services,
 * queries, CLI): a real day of the proleptic Gregorian calendar, so 2021-02-30 and 2021-13-01 are refused.
 *
 * Shared with the browser: no node imports here.
 */

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * True for a real calendar date written `YYYY-MM-DD`.
 *
 * @example
 * isIsoDate('2024-02-29'); // true
 * isIsoDate('2023-02-29'); // false
 */
export function isIsoDate(value: string): boolean {
	const m = ISO_DATE.exec(value);
	if (!m) return false;
	const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
	// Date.UTC reads years 0–99 as 1900–1999: set the full year separately.
	const date = new Date(0);
	date.setUTCFullYear(y, mo - 1, d);
	return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}
