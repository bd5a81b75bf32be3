/**
 * The rollups' query planner. `cell_counts` holds, per served resolution, counts at three time grains:
 * day, month and year (period = the grain's first day). A period is read as whole years where it
 * covers them, whole months around those, and single days only at its ragged ends, so a request costs
 * cells × (at most ~60 days + 22 months + its years), whatever the number of incidents.
 *
 * Incidents known only to the month (police.uk: a month's window, counted on its first day) are kept
 * once, under the fourth grain `month-only` (period = that first day), instead of three coinciding
 * day, month and year rows: every piece of every grain also reads the `month-only` rows whose period
 * lies in its days (`grainIs`), so each incident still counts exactly once. Which incidents they are:
 * `incident_rollup_keys` (migration 0018) and ingest/rollup-counts.ts `isMonthOnly`.
 */
import { isServedRes, SERVED_MAX_RES, SERVED_MIN_RES } from '../../cell-keys';
import { isIsoDate } from '../../../dates';

export type Grain = 'day' | 'month' | 'year';

/** One run of rollup rows: `grain`, with periods from `first` to `last` (local days, inclusive). */
export interface PeriodPiece {
	grain: Grain;
	first: string;
	last: string;
}

const MS_DAY = 86_400_000;

/** The stored grain of incidents known only to the month (one row, period = the month's first day). */
export const MONTH_ONLY = 'month-only';

/**
 * SQL condition on a rollup row's grain (column `col`) for reading `grain` pieces: its own rows and the
 * `month-only` rows (those count at their period as a day, within their month and year alike).
 */
export function grainIs(grain: Grain, col = 'grain'): string {
	return `${col} IN ('${grain}', '${MONTH_ONLY}')`;
}

function parseDay(s: string, what: string): number {
	if (!isIsoDate(s)) throw new RangeError(`${what}: "${s}" is not a calendar date (YYYY-MM-DD)`);
	return Date.parse(`${s}T00:00:00Z`);
}

const iso = (t: number) => new Date(t).toISOString().slice(0, 10);
const monthStart = (y: number, m: number) => Date.UTC(y, m, 1);

/**
 * The pieces that cover `from`–`to` exactly once, coarsest grains first where whole. `coarsest` caps
 * the grain for callers that group by a finer step (months: `'month'`; days or weeks: `'day'`).
 *
 * @example
 * planPeriod('2019-12-30', '2021-02-03');
 * // day 2019-12-30…31, year 2020-01-01…2020-12-31, month 2021-01-01…2021-01-31, day 2021-02-01…03
 */
export function planPeriod(from: string, to: string, coarsest: Grain = 'year'): PeriodPiece[] {
	const a = parseDay(from, 'from');
	const b = parseDay(to, 'to');
	if (a > b) return [];
	if (coarsest === 'day') return [{ grain: 'day', first: from, last: to }];
	const da = new Date(a);
	const db = new Date(b);
	// Whole months: from the first month starting on or after `from` to the last ending on or before `to`.
	const m0 = da.getUTCDate() === 1 ? a : monthStart(da.getUTCFullYear(), da.getUTCMonth() + 1);
	const nextAfterB = monthStart(db.getUTCFullYear(), db.getUTCMonth() + 1);
	const mEnd =
		b + MS_DAY === nextAfterB ? b : monthStart(db.getUTCFullYear(), db.getUTCMonth()) - MS_DAY;
	if (m0 > mEnd) return [{ grain: 'day', first: from, last: to }];
	const pieces: PeriodPiece[] = [];
	if (a < m0) pieces.push({ grain: 'day', first: from, last: iso(m0 - MS_DAY) });
	const months = (s: number, e: number) => {
		if (s <= e) pieces.push({ grain: 'month', first: iso(s), last: iso(e) });
	};
	if (coarsest === 'year') {
		const dm0 = new Date(m0);
		const y0 = dm0.getUTCMonth() === 0 ? m0 : Date.UTC(dm0.getUTCFullYear() + 1, 0, 1);
		const dmEnd = new Date(mEnd);
		const yEnd =
			dmEnd.getUTCMonth() === 11 ? mEnd : Date.UTC(dmEnd.getUTCFullYear(), 0, 1) - MS_DAY;
		if (y0 <= yEnd) {
			months(m0, y0 - MS_DAY);
			pieces.push({ grain: 'year', first: iso(y0), last: iso(yEnd) });
			months(yEnd + MS_DAY, mEnd);
		} else months(m0, mEnd);
	} else months(m0, mEnd);
	if (mEnd < b) pieces.push({ grain: 'day', first: iso(mEnd + MS_DAY), last: to });
	return pieces;
}

/**
 * How incidents with several categories (`incidents.extra_categories`, rollup `cell_extra_counts`)
 * enter a read filtered by the category set `categories` (SQL of a `text[]`, null for all):
 *
 * - `set`: once per incident when any of its categories is in the set (a map, a hot spot, a total):
 *   the further-category rows whose primary category is not in the set but a further one is, each
 *   under one matching category. With no set, nothing is added (totals count every incident once).
 * - `category`: once per category it has (breakdowns by category): every further category of every
 *   incident as its own row; the caller's filter keeps those in the set.
 * - `both`: the rows of both, with a column `part`: `'both'` (a primary-category row: counts in the
 *   total and its category), `'total'` (only in the total), `'category'` (only in its category).
 *
 * Without it, only primary categories are read (one row per incident, as before issue 15).
 */
export interface CategoryMatch {
	categories: string;
	per: 'set' | 'category' | 'both';
}

/**
 * A subquery (parenthesised, to alias) of the rollup rows at `res` that cover `from`–`to` exactly
 * once: columns `h3, period, category, source_id, n, harm, sensitive` (and `part` with `per: 'both'`).
 * `period` is a day, or the first day of a month or year; with `coarsest` at `'month'` every row
 * lies within one month, at `'day'` it is the day itself. Filters on category, source or cells go
 * outside (PostgreSQL pushes them into each branch); the caller's category filter stays
 * `c.category = ANY(set)` (or all but road collisions when the set is null) with `match` given.
 */
export function rollupRows(
	res: number,
	from: string,
	to: string,
	coarsest: Grain = 'year',
	match?: CategoryMatch
): string {
	if (!isServedRes(res)) {
		throw new RangeError(
			`res: ${res} is not a served H3 resolution (${SERVED_MIN_RES}–${SERVED_MAX_RES})`
		);
	}
	const both = match?.per === 'both';
	const cols = `h3, period, category, source_id, n, harm, sensitive${both ? `, 'both' AS part` : ''}`;
	const pieces = planPeriod(from, to, coarsest);
	if (pieces.length === 0) return `(SELECT ${cols} FROM cell_counts WHERE false)`;
	// Dates and resolution are validated above, so they are safe as literals (each branch then has
	// constant bounds the planner can match to the index).
	const where = (p: PeriodPiece, t = '') =>
		`${t}res = ${res} AND ${grainIs(p.grain, `${t}grain`)}
		   AND ${t}period BETWEEN '${p.first}'::date AND '${p.last}'::date`;
	const branches = pieces.map((p) => `SELECT ${cols} FROM cell_counts WHERE ${where(p)}`);
	if (match) {
		const set = match.categories;
		for (const p of pieces) {
			if (match.per !== 'category')
				branches.push(
					`SELECT e.h3, e.period,
					        (SELECT min(x) FROM unnest(e.extra) AS x WHERE x = ANY(${set})) AS category,
					        e.source_id, e.n, e.harm, e.sensitive${both ? `, 'total' AS part` : ''}
					 FROM cell_extra_counts e
					 WHERE ${where(p, 'e.')} AND ${set} IS NOT NULL
					   AND NOT (e.category = ANY(${set})) AND e.extra && ${set}`
				);
			if (match.per !== 'set')
				branches.push(
					`SELECT e.h3, e.period, u.category, e.source_id, e.n, e.harm, e.sensitive${both ? `, 'category' AS part` : ''}
					 FROM cell_extra_counts e CROSS JOIN LATERAL unnest(e.extra) AS u(category)
					 WHERE ${where(p, 'e.')}`
				);
		}
	}
	return `(${branches.join(' UNION ALL ')})`;
}

/**
 * Rollup rows of every period at `res` and one grain (for totals and ranges over all data: year rows
 * are the fewest); with `per: 'category'`, also every further category of incidents that have
 * several (for counts by category).
 */
export function rollupAll(res: number, grain: Grain, per?: 'category'): string {
	if (!isServedRes(res)) throw new RangeError(`res: ${res} is not a served H3 resolution`);
	const primary = `SELECT h3, period, category, source_id, n, harm, sensitive FROM cell_counts
	   WHERE res = ${res} AND ${grainIs(grain)}`;
	if (!per) return `(${primary})`;
	return `(${primary} UNION ALL
	   SELECT e.h3, e.period, u.category, e.source_id, e.n, e.harm, e.sensitive
	   FROM cell_extra_counts e CROSS JOIN LATERAL unnest(e.extra) AS u(category)
	   WHERE e.res = ${res} AND ${grainIs(grain, 'e.grain')})`;
}

/**
 * SQL selecting the cells (`h3`) at `res` of the areas whose ids the int[] expression `ids` holds: the
 * resolution-10 cover (`area_cells`), the covers at 5–9 (`area_coarse_cells`), and at 11 the children
 * of the resolution-10 cover.
 */
export function areaCoverCells(res: number, ids: string): string {
	if (res === 10) return `SELECT h3 FROM area_cells WHERE area_id = ANY(${ids})`;
	if (res >= SERVED_MIN_RES && res < 10) {
		return `SELECT h3 FROM area_coarse_cells WHERE area_id = ANY(${ids}) AND res = ${res}`;
	}
	if (res === 11) {
		// Resolution field set to 11, digit 11 (bits 12–14) running over 0–6.
		return `SELECT ((a.h3 & ~(15::bigint << 52)) | (11::bigint << 52)) & ~(7::bigint << 12) | (d::bigint << 12) AS h3
		   FROM area_cells a CROSS JOIN generate_series(0, 6) AS d WHERE a.area_id = ANY(${ids})`;
	}
	throw new RangeError(`res: ${res} is not a served H3 resolution`);
}
