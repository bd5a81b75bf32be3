/**
 * The time coverage of data: which days hold data, and how precisely records are dated. Built from the
 * `source_coverage` rows the import records (a day of a day-grain source, a month of a month-grain
 * source such as police.uk), it answers what every statistic must know before it counts: is a period
 * covered, partly covered or missing? A missing period is not a period with zero crime (DESIGN §2).
 *
 * Pure: rows in, answers out; the server reads the rows (study/coverage.ts).
 */
import { dayToIso, isoToDay } from './days';

export type DataGrain = 'day' | 'month';

export interface CoverageRow {
	grain: DataGrain;
	/** First day of the period: the day, or the 1st of the month ('YYYY-MM-DD'). */
	periodStart: string;
}

export type PeriodStatus = 'covered' | 'partial' | 'missing';

export interface PeriodCoverage {
	from: string;
	to: string;
	days: number;
	coveredDays: number;
	status: PeriodStatus;
	/** For a partial period: the covered spans in words ("Jan–Jun", "1–14 Mar"); else null. */
	covers: string | null;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function monthKey(day: number): number {
	const d = new Date(day * 86_400_000);
	return d.getUTCFullYear() * 12 + d.getUTCMonth();
}

function monthFirstDay(key: number): number {
	return Date.UTC(Math.floor(key / 12), key % 12, 1) / 86_400_000;
}

/**
 * Which days hold data. A day is covered when a day-grain source holds data on it, or a month-grain
 * source holds data for its month (such a source's records are dated to the month, so the whole month
 * is observed).
 *
 * @example
 * const c = new DataCoverage([{ grain: 'month', periodStart: '2017-01-01' }]);
 * c.period('2017-01-01', '2017-12-31'); // { coveredDays: 31, status: 'partial', covers: 'Jan', ... }
 */
export class DataCoverage {
	private readonly days = new Set<number>();
	private readonly months = new Set<number>();
	/**
	 * The coarsest time precision among the records: 'month' when any covered period's records are
	 * dated only to their month; null when there is no data at all.
	 */
	readonly grain: DataGrain | null;
	/** Both month-dated and day-dated records are present. */
	readonly mixed: boolean;

	constructor(rows: Iterable<CoverageRow>) {
		for (const r of rows) {
			const d = isoToDay(r.periodStart);
			if (r.grain === 'month') this.months.add(monthKey(d));
			else this.days.add(d);
		}
		this.grain = this.months.size ? 'month' : this.days.size ? 'day' : null;
		this.mixed = this.months.size > 0 && this.days.size > 0;
	}

	/** Whether the day (days since 1970-01-01) holds data. */
	coversDay(day: number): boolean {
		return this.days.has(day) || this.months.has(monthKey(day));
	}

	/** Covered days in [from, to] (inclusive day numbers). */
	coveredDays(from: number, to: number): number {
		let n = 0;
		for (let d = from; d <= to; d++) if (this.coversDay(d)) n++;
		return n;
	}

	/** Coverage of the period [from, to] ('YYYY-MM-DD', inclusive). */
	period(from: string, to: string): PeriodCoverage {
		const a = isoToDay(from);
		const b = isoToDay(to);
		const days = b - a + 1;
		const coveredDays = this.coveredDays(a, b);
		const status: PeriodStatus =
			coveredDays === 0 ? 'missing' : coveredDays === days ? 'covered' : 'partial';
		return {
			from,
			to,
			days,
			coveredDays,
			status,
			covers: status === 'partial' ? this.describeSpans(a, b) : null
		};
	}

	/** Covered spans of [a, b] in words: whole months as "Jan–Jun", other spans as "3–9 Mar". */
	private describeSpans(a: number, b: number): string {
		const spans: [number, number][] = [];
		for (let d = a; d <= b; d++) {
			if (!this.coversDay(d)) continue;
			const last = spans[spans.length - 1];
			if (last && last[1] === d - 1) last[1] = d;
			else spans.push([d, d]);
		}
		const multiYear = dayToIso(a).slice(0, 4) !== dayToIso(b).slice(0, 4);
		return spans.map(([s, e]) => spanLabel(s, e, multiYear)).join(', ');
	}
}

function spanLabel(s: number, e: number, withYear: boolean): string {
	const ds = new Date(s * 86_400_000);
	const de = new Date(e * 86_400_000);
	const ms = monthKey(s);
	const me = monthKey(e);
	const year = (d: Date) => (withYear ? ` ${d.getUTCFullYear()}` : '');
	const wholeMonths = ds.getUTCDate() === 1 && monthFirstDay(me + 1) - 1 === e;
	if (wholeMonths) {
		const sameYear = ds.getUTCFullYear() === de.getUTCFullYear();
		const first = `${MONTHS[ds.getUTCMonth()]}${ms === me || sameYear ? '' : year(ds)}`;
		return ms === me ? `${first}${year(ds)}` : `${first}–${MONTHS[de.getUTCMonth()]}${year(de)}`;
	}
	const day = (d: Date) => `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]}`;
	if (s === e) return `${day(ds)}${year(ds)}`;
	if (ms === me) return `${ds.getUTCDate()}–${day(de)}${year(de)}`;
	return `${day(ds)}${year(ds)}–${day(de)}${year(de)}`;
}

/**
 * A period's label with its coverage: "2017 (Jan–Jun)" for a partial period, the label alone for a
 * covered one, "2018 (no data)" for a missing one.
 */
export function labelWithCoverage(label: string, c: PeriodCoverage): string {
	if (c.status === 'covered') return label;
	if (c.status === 'missing') return `${label} (no data)`;
	return `${label} (${c.covers})`;
}
