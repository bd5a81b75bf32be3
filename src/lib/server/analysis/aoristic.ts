/**
 * Aoristic analysis of incidents with uncertain times (Ratcliffe & McCullagh 1998, "Aoristic crime
 * analysis", IJGIS 12(7); Ratcliffe 2002, "Aoristic signatures and the spatio-temporal analysis of high
 * volume crime patterns", J. Quant. Criminol. 18): each incident carries a total weight of 1, spread over
 * hour-of-day, day-of-week and hour × weekday bins in proportion to how much of its from–to window
 * falls in each bin (local wall-clock time of `timeZone`).
 *
 * The window is walked in 15-minute UTC slots (every time zone offset in use is a multiple of 15
 * minutes, so a slot never straddles two local hours), so DST changes are handled exactly.
 */
import { AnalysisInputError } from './weights';

export interface AoristicIncident {
	/** Start of the window: epoch milliseconds or a Date. */
	from: number | Date;
	/** End of the window (exclusive); absent or equal to `from` for an exactly known time. */
	to?: number | Date | null;
}

export interface AoristicOptions {
	/** IANA time zone whose wall clock defines hours and weekdays. Default 'UTC'. */
	timeZone?: string;
	/** Windows longer than this many hours are skipped (too vague to inform a profile). Default 168. */
	maxWindowHours?: number;
}

export interface AoristicResult {
	parameters: Required<AoristicOptions>;
	/** 24 bins, local hour 0–23. */
	hourOfDay: Float64Array;
	/** 7 bins, ISO weekday 0 = Monday … 6 = Sunday. */
	dayOfWeek: Float64Array;
	/** 168 bins, index weekday · 24 + hour. */
	hourByWeekday: Float64Array;
	/** Incidents that contributed (each with total weight 1). */
	used: number;
	/** Incidents skipped: window longer than `maxWindowHours`, or to < from, or invalid times. */
	skipped: number;
}

const SLOT = 15 * 60_000;
const WEEKDAY: Record<string, number> = { Mon: 0, Tue: 1, Wed: 2, Thu: 3, Fri: 4, Sat: 5, Sun: 6 };

function localClock(timeZone: string): (ms: number) => number {
	if (timeZone === 'UTC')
		return (ms) => {
			const d = new Date(ms);
			return ((d.getUTCDay() + 6) % 7) * 24 + d.getUTCHours();
		};
	let fmt: Intl.DateTimeFormat;
	try {
		fmt = new Intl.DateTimeFormat('en-GB', {
			timeZone,
			weekday: 'short',
			hour: '2-digit',
			hourCycle: 'h23'
		});
	} catch {
		throw new AnalysisInputError('E_BAD_TIMEZONE', `Unknown time zone: ${timeZone}`);
	}
	const cache = new Map<number, number>();
	return (ms) => {
		const slot = Math.floor(ms / SLOT);
		let v = cache.get(slot);
		if (v === undefined) {
			let wd = 0;
			let h = 0;
			for (const part of fmt.formatToParts(slot * SLOT)) {
				if (part.type === 'weekday') wd = WEEKDAY[part.value];
				else if (part.type === 'hour') h = Number(part.value);
			}
			v = wd * 24 + h;
			cache.set(slot, v);
		}
		return v;
	};
}

/**
 * Aoristic hour/weekday profiles.
 *
 * @example
 * // 22:00–02:00 UTC on a Monday night: 0.25 to each of hours 22, 23, 0, 1.
 * aoristicProfile([{ from: Date.UTC(2024, 2, 4, 22), to: Date.UTC(2024, 2, 5, 2) }]).hourOfDay[23]; // 0.25
 */
export function aoristicProfile(
	incidents: Iterable<AoristicIncident>,
	options: AoristicOptions = {}
): AoristicResult {
	const { timeZone = 'UTC', maxWindowHours = 168 } = options;
	const clock = localClock(timeZone);
	const hourByWeekday = new Float64Array(168);
	let used = 0;
	let skipped = 0;
	for (const inc of incidents) {
		const from = +inc.from;
		const to = inc.to === undefined || inc.to === null ? from : +inc.to;
		if (
			!Number.isFinite(from) ||
			!Number.isFinite(to) ||
			to < from ||
			to - from > maxWindowHours * 3_600_000
		) {
			skipped++;
			continue;
		}
		used++;
		if (to === from) {
			hourByWeekday[clock(from)] += 1;
			continue;
		}
		const span = to - from;
		let t = from;
		while (t < to) {
			const next = Math.min(to, (Math.floor(t / SLOT) + 1) * SLOT);
			hourByWeekday[clock(t)] += (next - t) / span;
			t = next;
		}
	}
	const hourOfDay = new Float64Array(24);
	const dayOfWeek = new Float64Array(7);
	for (let k = 0; k < 168; k++) {
		hourOfDay[k % 24] += hourByWeekday[k];
		dayOfWeek[Math.floor(k / 24)] += hourByWeekday[k];
	}
	return {
		parameters: { timeZone, maxWindowHours },
		hourOfDay,
		dayOfWeek,
		hourByWeekday,
		used,
		skipped
	};
}
