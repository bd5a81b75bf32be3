/**
 * Date/time values of imported files: format strings, and the window a wall time of a given precision
 * covers. The zone arithmetic (wall time in an IANA zone ↔ UTC instant, DST gaps and overlaps) lives in
 * `src/lib/zoned-time.ts`, shared with the browser, and is re-exported here.
 */

export { isValidTimeZone, zoneOffset, zonedTimeToUtc, type WallTime } from '../../zoned-time';
import { utcTime, zonedTimeToUtc, type WallTime } from '../../zoned-time';

/** How much of the time a parsed value gives: a whole month, a whole day, or an instant. */
export type TimePrecision = 'month' | 'day' | 'instant';

export interface ParsedTime {
	from: Date;
	/** Last instant of the window (from itself for an instant): next period start − 1 ms. */
	to: Date;
	precision: TimePrecision;
}

/** The window covered by a wall time of the given precision. */
export function zonedWindow(t: WallTime, precision: TimePrecision, timeZone: string): ParsedTime {
	const from = zonedTimeToUtc(t, timeZone);
	if (precision === 'instant') return { from, to: from, precision };
	const next =
		precision === 'month'
			? t.month === 12
				? { year: t.year + 1, month: 1, day: 1 }
				: { year: t.year, month: t.month + 1, day: 1 }
			: nextDay(t);
	const to = new Date(zonedTimeToUtc(next, timeZone).getTime() - 1);
	return { from, to, precision };
}

function nextDay(t: WallTime): WallTime {
	const d = new Date(utcTime(t.year, t.month - 1, t.day + 1));
	return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

function daysInMonth(year: number, month: number): number {
	return new Date(utcTime(year, month, 0)).getUTCDate();
}

const MONTH_NAMES = [
	'jan',
	'feb',
	'mar',
	'apr',
	'may',
	'jun',
	'jul',
	'aug',
	'sep',
	'oct',
	'nov',
	'dec'
] as const;

type Field = 'year' | 'year2' | 'month' | 'monthName' | 'day' | 'hour' | 'hour12' | 'minute';
type FieldOrMore = Field | 'second' | 'fraction' | 'ampm';

const TOKENS: [string, FieldOrMore, string][] = [
	['YYYY', 'year', '(\\d{4})'],
	['YY', 'year2', '(\\d{2})'],
	['MMMM', 'monthName', '([A-Za-z]{3,9})'],
	['MMM', 'monthName', '([A-Za-z]{3,9})'],
	['MM', 'month', '(\\d{1,2})'],
	['M', 'month', '(\\d{1,2})'],
	['DD', 'day', '(\\d{1,2})'],
	['D', 'day', '(\\d{1,2})'],
	['HH', 'hour', '(\\d{1,2})'],
	['H', 'hour', '(\\d{1,2})'],
	['hh', 'hour12', '(\\d{1,2})'],
	['h', 'hour12', '(\\d{1,2})'],
	['mm', 'minute', '(\\d{1,2})'],
	['m', 'minute', '(\\d{1,2})'],
	['ss', 'second', '(\\d{1,2})'],
	['s', 'second', '(\\d{1,2})'],
	['SSS', 'fraction', '(\\d{1,9})'],
	['A', 'ampm', '([AaPp]\\.?[Mm]\\.?)'],
	['a', 'ampm', '([AaPp]\\.?[Mm]\\.?)']
];

/** A compiled date/time format: `parse` returns null when the text does not match or is invalid. */
export interface TimeFormat {
	readonly pattern: string;
	readonly precision: TimePrecision;
	parse(text: string, timeZone: string): ParsedTime | null;
}

const ISO_RE =
	/^(\d{4})-(\d{2})(?:-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?)?)?$/i;

/** ISO 8601 (`YYYY-MM`, `YYYY-MM-DD`, `YYYY-MM-DDTHH:mm[:ss[.fff]][Z|±hh:mm]`); no zone = local. */
export const ISO_FORMAT: TimeFormat = {
	pattern: 'ISO',
	precision: 'instant',
	parse(text, timeZone) {
		const m = ISO_RE.exec(text.trim());
		if (!m) return null;
		const year = Number(m[1]);
		const month = Number(m[2]);
		if (month < 1 || month > 12) return null;
		if (m[3] === undefined) return zonedWindow({ year, month, day: 1 }, 'month', timeZone);
		const day = Number(m[3]);
		if (day < 1 || day > daysInMonth(year, month)) return null;
		if (m[4] === undefined) return zonedWindow({ year, month, day }, 'day', timeZone);
		const hour = Number(m[4]);
		const minute = Number(m[5]);
		const second = m[6] === undefined ? 0 : Number(m[6]);
		const millisecond = m[7] === undefined ? 0 : Math.floor(Number(`0.${m[7]}`) * 1000);
		if (hour > 24 || minute > 59 || second > 60 || (hour === 24 && minute + second > 0))
			return null;
		const wall = { year, month, day, hour, minute, second: Math.min(second, 59), millisecond };
		if (m[8] === undefined) return zonedWindow(wall, 'instant', timeZone);
		const zone = m[8].toUpperCase();
		let offsetMin = 0;
		if (zone !== 'Z') {
			const sign = zone.startsWith('-') ? -1 : 1;
			const digits = zone.slice(1).replace(':', '');
			offsetMin = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || 0));
		}
		const utc =
			utcTime(year, month - 1, day, hour, minute, wall.second, millisecond) - offsetMin * 60_000;
		return { from: new Date(utc), to: new Date(utc), precision: 'instant' };
	}
};

/**
 * Compile a format string such as `YYYY-MM-DD HH:mm`, `DD/MM/YYYY`, `MM/DD/YYYY hh:mm:ss A`,
 * `YYYY-MM` or `ISO`. Tokens: YYYY YY MMMM MMM MM M DD D HH H hh h mm m ss s SSS A a; text inside
 * [brackets] is literal. A format without a day is a month window, without an hour a day window.
 * Throws Error with a readable message for an unusable format.
 * @example compileTimeFormat('MM/DD/YYYY hh:mm:ss A').parse('01/03/2016 11:57:00 PM', 'America/Chicago')
 */
export function compileTimeFormat(pattern: string): TimeFormat {
	if (pattern.trim().toUpperCase() === 'ISO') return ISO_FORMAT;
	const fields: FieldOrMore[] = [];
	let re = '';
	let i = 0;
	while (i < pattern.length) {
		if (pattern[i] === '[') {
			const end = pattern.indexOf(']', i);
			if (end < 0) throw new Error(`unclosed [ in format "${pattern}"`);
			re += escapeRe(pattern.slice(i + 1, end));
			i = end + 1;
			continue;
		}
		const token = TOKENS.find(([t]) => pattern.startsWith(t, i));
		if (token) {
			fields.push(token[1]);
			re += token[2];
			i += token[0].length;
		} else {
			re += /\s/.test(pattern[i]) ? '\\s+' : escapeRe(pattern[i]);
			i += 1;
		}
	}
	const has = (f: FieldOrMore) => fields.includes(f);
	if (!has('year') && !has('year2')) throw new Error(`format "${pattern}" has no year (YYYY)`);
	if (!has('month') && !has('monthName')) throw new Error(`format "${pattern}" has no month (MM)`);
	if (has('hour12') && !has('ampm'))
		throw new Error(`format "${pattern}" uses 12-hour hh without an AM/PM marker (A)`);
	const precision: TimePrecision = !has('day')
		? 'month'
		: has('hour') || has('hour12')
			? 'instant'
			: 'day';
	const regex = new RegExp(`^${re}$`);
	return {
		pattern,
		precision,
		parse(text, timeZone) {
			const m = regex.exec(text.trim());
			if (!m) return null;
			const t: Required<WallTime> = {
				year: 0,
				month: 0,
				day: 1,
				hour: 0,
				minute: 0,
				second: 0,
				millisecond: 0
			};
			let pm: boolean | null = null;
			let hour12: number | null = null;
			for (let k = 0; k < fields.length; k++) {
				const v = m[k + 1];
				switch (fields[k]) {
					case 'year':
						t.year = Number(v);
						break;
					case 'year2':
						// Two-digit years: 00–68 → 2000s, 69–99 → 1900s (POSIX strptime pivot).
						t.year = Number(v) + (Number(v) < 69 ? 2000 : 1900);
						break;
					case 'month':
						t.month = Number(v);
						break;
					case 'monthName': {
						const idx = MONTH_NAMES.indexOf(v.slice(0, 3).toLowerCase() as 'jan');
						if (idx < 0) return null;
						t.month = idx + 1;
						break;
					}
					case 'day':
						t.day = Number(v);
						break;
					case 'hour':
						t.hour = Number(v);
						break;
					case 'hour12':
						hour12 = Number(v);
						break;
					case 'minute':
						t.minute = Number(v);
						break;
					case 'second':
						t.second = Number(v);
						break;
					case 'fraction':
						t.millisecond = Math.floor(Number(`0.${v}`) * 1000);
						break;
					case 'ampm':
						pm = v[0].toLowerCase() === 'p';
						break;
				}
			}
			if (hour12 !== null) {
				if (hour12 < 1 || hour12 > 12) return null;
				t.hour = (hour12 % 12) + (pm ? 12 : 0);
			}
			if (t.month < 1 || t.month > 12) return null;
			if (t.day < 1 || t.day > daysInMonth(t.year, t.month)) return null;
			if (t.hour > 23 || t.minute > 59 || t.second > 59) return null;
			return zonedWindow(t, precision, timeZone);
		}
	};
}

function escapeRe(s: string): string {
	return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
