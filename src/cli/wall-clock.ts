/**
 * Dates and times in input files read as local wall-clock times, carried as milliseconds "as if UTC"
 * (`backtest.ts`). A time written with a zone (`Z`, `+01:00`) is an instant: it is turned into the
 * wall-clock time of `timeZone` (the platform's tz database, through `ingest/time.ts`).
 */
import { zoneOffset } from '../lib/server/ingest/time';

export type DateOrder = 'mdy' | 'dmy';

export interface WallClock {
	wallMs: number;
	/** False for a date (or month) without a time of day. */
	timed: boolean;
}

const ISO =
	/^(\d{4})[-/](\d{2})(?:[-/](\d{2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?)?)?$/i;
const SLASH =
	/^(\d{1,2})[/.](\d{1,2})[/.](\d{4})(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?\s*([AP]\.?M\.?)?)?$/i;
const TIME = /^(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?\s*([AP]\.?M\.?)?$/i;

function build(
	y: number,
	mo: number,
	d: number,
	h: number,
	mi: number,
	s: number,
	frac: string | undefined
): number | null {
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59) return null;
	const ms = Date.UTC(y, mo - 1, d, h, mi, s) + (frac ? Math.round(Number(`0.${frac}`) * 1000) : 0);
	const check = new Date(Date.UTC(y, mo - 1, d));
	if (check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d) return null;
	return ms;
}

function hour12(h: number, ampm: string | undefined): number | null {
	if (!ampm) return h;
	if (h < 1 || h > 12) return null;
	return (h % 12) + (ampm[0].toUpperCase() === 'P' ? 12 : 0);
}

/** The first two numbers of a slash date (to decide month-first or day-first over a whole file). */
export function slashParts(value: string): [number, number] | null {
	const m = SLASH.exec(value.trim());
	return m ? [Number(m[1]), Number(m[2])] : null;
}

/**
 * Parse a date or date-time. Accepted: `YYYY-MM-DD` (or `YYYY/MM/DD`), `YYYY-MM-DD HH:mm[:ss[.sss]]`, the same with `T`
 * and an optional zone (`Z`, `+01:00`, `+0100`), `YYYY-MM` (a month: its 1st, no time), and slash dates
 * `MM/DD/YYYY [hh:mm[:ss] [AM|PM]]` (or `DD/MM/YYYY` with order `dmy`). `time` is a separate time of
 * day column (`HH:mm[:ss]`, optionally AM/PM). Null when the value is not one of these.
 *
 * @example
 * parseWallClock('03/28/2021 11:30:00 PM', { order: 'mdy', timeZone: 'UTC' }); // { wallMs: Date.UTC(2021, 2, 28, 23, 30), timed: true }
 */
export function parseWallClock(
	value: string,
	opts: { order: DateOrder; timeZone: string; time?: string }
): WallClock | null {
	const v = value.trim();
	let y: number, mo: number, d: number;
	let h = 0,
		mi = 0,
		s = 0;
	let frac: string | undefined;
	let timed = false;
	let zone: string | undefined;
	let m = ISO.exec(v);
	if (m) {
		[y, mo, d] = [Number(m[1]), Number(m[2]), m[3] ? Number(m[3]) : 1];
		if (m[4] !== undefined) {
			[h, mi, s] = [Number(m[4]), Number(m[5]), Number(m[6] ?? 0)];
			frac = m[7];
			zone = m[8];
			timed = true;
		}
	} else if ((m = SLASH.exec(v))) {
		const [a, b] = [Number(m[1]), Number(m[2])];
		[mo, d] = opts.order === 'mdy' ? [a, b] : [b, a];
		y = Number(m[3]);
		if (m[4] !== undefined) {
			const hh = hour12(Number(m[4]), m[8]);
			if (hh === null) return null;
			[h, mi, s] = [hh, Number(m[5]), Number(m[6] ?? 0)];
			frac = m[7];
			timed = true;
		}
	} else return null;
	if (opts.time !== undefined && opts.time.trim() !== '') {
		if (timed) return null; // a time in both columns: ambiguous
		const t = TIME.exec(opts.time.trim());
		if (!t) return null;
		const hh = hour12(Number(t[1]), t[5]);
		if (hh === null) return null;
		[h, mi, s] = [hh, Number(t[2]), Number(t[3] ?? 0)];
		frac = t[4];
		timed = true;
	}
	let wallMs = build(y, mo, d, h, mi, s, frac);
	if (wallMs === null) return null;
	if (zone) {
		let offsetMs = 0;
		if (zone.toUpperCase() !== 'Z') {
			const z = /^([+-])(\d{2}):?(\d{2})?$/.exec(zone)!;
			offsetMs = (z[1] === '-' ? -1 : 1) * (Number(z[2]) * 60 + Number(z[3] ?? 0)) * 60_000;
			if (Math.abs(offsetMs) > 18 * 3_600_000) return null;
		}
		const instant = wallMs - offsetMs;
		wallMs = instant + zoneOffset(opts.timeZone, instant);
	}
	return { wallMs, timed };
}
