/**
 * Which period and place a stored record shows to hold data (the `source_coverage` table): the import
 * records, per source, the days or months its records fall in and the coarse cells they lie in, so
 * statistics can tell a period without data (missing) from a period without crime (zero).
 *
 * A record whose time window is one whole local month (police.uk publishes "2017-03" and nothing finer)
 * has **month** grain: it shows that the month holds data, not any day of it. Any other record has
 * **day** grain: its local day (Chicago's minute-stamped records, a mapped CSV's dates). Migration
 * 0005 applies the same rules in SQL to the incidents stored before coverage was recorded.
 */
import { cellToParent } from 'h3-js';

/** Resolution of a coverage footprint (≈ 250 km² hexagons): an area is covered where its cover's parents are. */
export const COVERAGE_FOOTPRINT_RES = 5;

export type CoverageGrain = 'day' | 'month';

export interface CoveragePeriod {
	grain: CoverageGrain;
	/** The local day, or the 1st of the month for month grain ('YYYY-MM-DD'). */
	periodStart: string;
}

function lastDayOfMonth(day: string): string {
	const y = Number(day.slice(0, 4));
	const m = Number(day.slice(5, 7));
	const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
	return `${day.slice(0, 8)}${String(last).padStart(2, '0')}`;
}

/**
 * The coverage period of a record from the local days its window starts and ends on.
 *
 * @example
 * coveragePeriodOf('2017-03-01', '2017-03-31'); // { grain: 'month', periodStart: '2017-03-01' }
 * coveragePeriodOf('2019-03-01', '2019-03-01'); // { grain: 'day', periodStart: '2019-03-01' }
 */
export function coveragePeriodOf(fromDay: string, toDay: string): CoveragePeriod {
	if (fromDay.endsWith('-01') && toDay === lastDayOfMonth(fromDay))
		return { grain: 'month', periodStart: fromDay };
	return { grain: 'day', periodStart: fromDay };
}

/**
 * The footprint of a record: its cell's resolution-5 parent as decimal bigint text, '0' without a
 * location. `cell` is an H3 index string at any resolution ≥ 5.
 */
export function coverageFootprint(cell: string | null): string {
	return cell === null ? '0' : BigInt('0x' + cellToParent(cell, COVERAGE_FOOTPRINT_RES)).toString();
}

/** Distinct coverage rows of a batch, as the columns `addCoverage` takes. */
export interface CoverageDelta {
	grain: CoverageGrain[];
	periodStart: string[];
	footprint: string[];
}

/** Collects the distinct (grain, period, footprint) keys of a batch's records. */
export class CoverageCollector {
	private readonly keys = new Set<string>();

	add(period: CoveragePeriod, footprint: string): void {
		this.keys.add(`${period.grain}|${period.periodStart}|${footprint}`);
	}

	delta(): CoverageDelta {
		const d: CoverageDelta = { grain: [], periodStart: [], footprint: [] };
		for (const k of this.keys) {
			const [grain, periodStart, footprint] = k.split('|');
			d.grain.push(grain as CoverageGrain);
			d.periodStart.push(periodStart);
			d.footprint.push(footprint);
		}
		return d;
	}
}
