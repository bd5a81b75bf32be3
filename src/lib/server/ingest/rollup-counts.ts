/**
 * An import batch's own contribution to the rollups (`cell_counts`), summed before it reaches the
 * database: one row per (resolution, grain, cell, period, category) of the rows the batch stores, in
 * the table's key order, as COPY text of `ROLLUP_COUNT_COLUMNS`. The database then adds them in one
 * upsert (queries/ingest.ts `addRollupCounts`) instead of grouping ~21 keys per incident itself.
 *
 * The same keys as the insert trigger's `incident_rollup_keys` (migration 0018): the incident's own
 * cell at each served resolution × its local day, that day's month and its year — or, for an incident
 * known only to the month (`isMonthOnly`), × one `month-only` row at its day (the month's first, read
 * by every grain: queries/rollup.ts); none for an incident without a location. Harm counts each
 * incident at the weight an import stores (the column's default, 1).
 */
import { SERVED_RESOLUTIONS } from '../cell-keys';
import { copyField } from './copy-text';

/** What one stored incident adds to the rollups. */
export interface RollupInput {
	/** Decimal cell ids at each served resolution, coarsest first (`exactCells`), or null: unlocated. */
	cells: readonly string[] | null;
	/** Local day, YYYY-MM-DD. */
	day: string;
	category: string;
	sensitive: boolean;
	/** Known only to the month (`isMonthOnly`): one `month-only` row per resolution. */
	monthOnly: boolean;
}

const MONTH_ONLY_MS = 27 * 86_400_000;

/**
 * Whether an incident is counted once under the `month-only` grain: its local day is a month's first
 * and its time window spans at least 27 days (police.uk's months, February and clock changes
 * included). The same test as the database's `incident_rollup_keys` (occurred_to − occurred_from ≥
 * 27 days, local day of the month 1). Either answer counts exactly (a month-only row is read at its
 * day by every grain); the test only keeps month-long windows from writing three coinciding rows.
 */
export function isMonthOnly(day: string, occurredFrom: Date, occurredTo: Date): boolean {
	return day.endsWith('-01') && occurredTo.getTime() - occurredFrom.getTime() >= MONTH_ONLY_MS;
}

/** Column order of the COPY text (`cell_counts` columns). */
export const ROLLUP_COUNT_COLUMNS = [
	'res',
	'grain',
	'period',
	'h3',
	'category',
	'source_id',
	'n',
	'harm',
	'sensitive'
] as const;

const GRAINS = ['day', 'month', 'year', 'month-only'] as const;

interface Sum {
	res: number;
	grain: string;
	period: string;
	h3: string;
	category: string;
	n: number;
	sensitive: number;
}

/** Compare decimal strings of non-negative integers numerically (cell ids exceed 2^53). */
const compareDecimal = (a: string, b: string) =>
	a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);

/**
 * COPY text of the summed rollup rows for `rows` of one source, sorted by the key
 * (res, grain, period, h3, category); '' when nothing is counted.
 *
 * @example
 * rollupCountsText(7, [{ cells: exactCells(51.5, -0.1), day: '2021-08-14', category: 'burglary', sensitive: false, monthOnly: false }]);
 * // 21 lines, e.g. "5\tday\t2021-08-14\t599…\tburglary\t7\t1\t1\t0"
 */
export function rollupCountsText(sourceId: number, rows: Iterable<RollupInput>): string {
	const sums = new Map<string, Sum>();
	for (const r of rows) {
		if (!r.cells) continue;
		const periods = [r.day, `${r.day.slice(0, 7)}-01`, `${r.day.slice(0, 4)}-01-01`, r.day];
		const [g0, g1] = r.monthOnly ? [3, 4] : [0, 3];
		for (let i = 0; i < SERVED_RESOLUTIONS.length; i++) {
			const h3 = r.cells[i];
			for (let g = g0; g < g1; g++) {
				const key = `${i}|${g}|${periods[g]}|${h3}|${r.category}`;
				let s = sums.get(key);
				if (!s) {
					s = {
						res: SERVED_RESOLUTIONS[i],
						grain: GRAINS[g],
						period: periods[g],
						h3,
						category: r.category,
						n: 0,
						sensitive: 0
					};
					sums.set(key, s);
				}
				s.n++;
				if (r.sensitive) s.sensitive++;
			}
		}
	}
	if (sums.size === 0) return '';
	const sorted = [...sums.values()].sort(
		(a, b) =>
			a.res - b.res ||
			(a.grain < b.grain ? -1 : a.grain > b.grain ? 1 : 0) ||
			(a.period < b.period ? -1 : a.period > b.period ? 1 : 0) ||
			compareDecimal(a.h3, b.h3) ||
			(a.category < b.category ? -1 : a.category > b.category ? 1 : 0)
	);
	let out = '';
	for (const s of sorted) {
		out += `${s.res}\t${s.grain}\t${s.period}\t${s.h3}\t${copyField(s.category)}\t${sourceId}\t${s.n}\t${s.n}\t${s.sensitive}\n`;
	}
	return out;
}
