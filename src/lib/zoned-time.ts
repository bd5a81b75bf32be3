/**
 * Wall-clock times in an IANA time zone and UTC instants, for the server and the browser alike.
 *
 * Uses the platform's tz database through `Intl.DateTimeFormat`, never hand-written DST rules.
 * Ambiguous and skipped wall times follow Temporal's `disambiguation: 'compatible'` (and RFC 5545):
 * a time that happens twice when clocks go back means the earlier instant; a time skipped when clocks
 * go forward is moved forward by the length of the gap (02:30 on a spring-forward night → 03:30).
 */

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** `Date.UTC` for every year: `Date.UTC` itself reads years 0–99 as 1900–1999 ("0021" as 1921). */
export function utcTime(
	year: number,
	monthIndex: number,
	day: number,
	h = 0,
	m = 0,
	s = 0,
	ms = 0
): number {
	if (year >= 100) return Date.UTC(year, monthIndex, day, h, m, s, ms);
	const d = new Date(0);
	d.setUTCFullYear(year, monthIndex, day);
	d.setUTCHours(h, m, s, ms);
	return d.getTime();
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Throws RangeError for a zone the platform does not know. */
function formatter(timeZone: string): Intl.DateTimeFormat {
	let f = formatters.get(timeZone);
	if (!f) {
		f = new Intl.DateTimeFormat('en-US', {
			timeZone,
			hourCycle: 'h23',
			year: 'numeric',
			month: 'numeric',
			day: 'numeric',
			hour: 'numeric',
			minute: 'numeric',
			second: 'numeric',
			era: 'short'
		});
		formatters.set(timeZone, f);
	}
	return f;
}

export function isValidTimeZone(timeZone: string): boolean {
	try {
		formatter(timeZone);
		return true;
	} catch {
		return false;
	}
}

/** Offset (local − UTC, ms) of the zone at a UTC instant. */
export function zoneOffset(timeZone: string, utcMs: number): number {
	const parts = formatter(timeZone).formatToParts(new Date(utcMs));
	const get = (type: Intl.DateTimeFormatPartTypes) =>
		Number(parts.find((p) => p.type === type)?.value ?? 0);
	let year = get('year');
	if (parts.find((p) => p.type === 'era')?.value === 'BC') year = 1 - year;
	const asUtc = utcTime(
		year,
		get('month') - 1,
		get('day'),
		get('hour'),
		get('minute'),
		get('second')
	);
	return asUtc - (utcMs - (((utcMs % 1000) + 1000) % 1000));
}

/** Per zone and local day: the day's constant offset, or null when a transition is near. */
const dayOffsets = new Map<string, number | null>();

export interface WallTime {
	year: number;
	/** 1–12 */
	month: number;
	day: number;
	hour?: number;
	minute?: number;
	second?: number;
	millisecond?: number;
}

/** UTC instant of a wall-clock time in `timeZone` (see module comment for DST gaps and overlaps). */
export function zonedTimeToUtc(t: WallTime, timeZone: string): Date {
	const local = utcTime(
		t.year,
		t.month - 1,
		t.day,
		t.hour ?? 0,
		t.minute ?? 0,
		t.second ?? 0,
		t.millisecond ?? 0
	);
	if (timeZone === 'UTC' || timeZone === 'Etc/UTC') return new Date(local);
	const dayKey = `${timeZone}|${t.year}-${t.month}-${t.day}`;
	let offset = dayOffsets.get(dayKey);
	if (offset === undefined) {
		const dayStart = utcTime(t.year, t.month - 1, t.day);
		const before = zoneOffset(timeZone, dayStart - DAY);
		const after = zoneOffset(timeZone, dayStart + 2 * DAY);
		offset = before === after ? before : null;
		if (dayOffsets.size > 200_000) dayOffsets.clear();
		dayOffsets.set(dayKey, offset);
	}
	if (offset !== null) return new Date(local - offset);
	// A transition is within a day of this wall time: try both offsets.
	const before = zoneOffset(timeZone, local - DAY);
	const after = zoneOffset(timeZone, local + DAY);
	const early = local - before;
	const late = local - after;
	const earlyValid = zoneOffset(timeZone, early) === before;
	const lateValid = zoneOffset(timeZone, late) === after;
	if (earlyValid && lateValid) return new Date(Math.min(early, late));
	if (earlyValid) return new Date(early);
	if (lateValid) return new Date(late);
	// Skipped wall time: interpret with the offset before the gap, which lands after it.
	return new Date(local - before);
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/**
 * The wall-clock time of an instant in `timeZone` as an `<input type="datetime-local">` value
 * (`YYYY-MM-DDTHH:mm`); '' for null or an invalid instant.
 */
export function toZonedInput(iso: string | null, timeZone: string): string {
	if (!iso) return '';
	const ms = new Date(iso).getTime();
	if (!Number.isFinite(ms)) return '';
	const local = new Date(ms + zoneOffset(timeZone, ms));
	return (
		`${pad(local.getUTCFullYear(), 4)}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}` +
		`T${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}`
	);
}

/**
 * The UTC instant (ISO) of a `datetime-local` value read as wall-clock time in `timeZone`; '' for an
 * empty or malformed value.
 */
export function fromZonedInput(value: string, timeZone: string): string {
	const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(value);
	if (!m) return '';
	const [year, month, day, hour, minute, second] = m.slice(1).map((v) => Number(v ?? 0));
	return zonedTimeToUtc({ year, month, day, hour, minute, second }, timeZone).toISOString();
}
