/**
 * Reads behind public outputs (perturbed by the cell-key method, auth/cell-key.ts): counts with the sum
 * of their records' keys, read from `incidents` itself because a record key belongs to a record and a
 * rollup row does not know which records it holds. Located incidents only, on the source's local days,
 * in the same cells as the rollup (`PUBLIC_CELL_SQL`), so the counts equal the map's.
 */
import type { Queryable } from '../client';
import { cellColumn } from '../../cell-keys';
import type { Period } from './areas-detail';
import { areaCoverCells } from './rollup';

/**
 * An incident's cell at resolution `res` (5–11) as SQL: its own cell column (`latLngToCell` of its
 * point, stored at import). The one place public outputs place a record; it is the cell the rollup
 * counts the record in.
 */
export function publicCellSql(res: number): string {
	if (!Number.isInteger(res) || res < 5 || res > 11) throw new RangeError(`res: ${res}`);
	return `i.${cellColumn(res)}`;
}

/** Incidents of local days `from`–`to` ($1, $2): the index on occurred_from narrows, the zone decides. */
const DAYS_SQL = `i.occurred_from >= ($1::date - 2)::timestamptz
	AND i.occurred_from < ($2::date + 3)::timestamptz
	AND (i.occurred_from AT TIME ZONE s.timezone)::date BETWEEN $1::date AND $2::date`;

/**
 * Incidents whose own cell at `res` is in the cover of area `param` at `res` (`areaCoverCells`), as the
 * rollup's area filters count them.
 */
function inAreaCoverSql(param: string, res = 10): string {
	return `${publicCellSql(res)} IN (${areaCoverCells(res, `ARRAY[${param}]`)})`;
}

/** A count with its records' key sum, all records and the sensitive ones among them. */
export interface KeyedCellCount {
	/** H3 cell, hexadecimal. */
	cell: string;
	n: number;
	keySum: number;
	sensitive: number;
	sensitiveKeySum: number;
}

export interface PublicCellFilter {
	res: number;
	from: string;
	to: string;
	categories: string[] | null;
	/**
	 * Only the cells at `res` of this area's cover, whole (every record of such a cell, also those
	 * beyond the area's edge: a clipped cell would be one more set of records to difference); null:
	 * everywhere.
	 */
	areaId: number | null;
}

/** Counts and key sums per cell at `res`, sorted by cell. */
export async function keyedCellCounts(
	db: Queryable,
	f: PublicCellFilter
): Promise<KeyedCellCount[]> {
	const params: unknown[] = [f.from, f.to, f.categories];
	let inArea = '';
	if (f.areaId !== null) {
		params.push(f.areaId);
		inArea = `AND ${inAreaCoverSql('$4::int', f.res)}`;
	}
	const rows = await db.query<{
		cell: string;
		n: number;
		key_sum: number;
		sensitive: number;
		sensitive_key_sum: number;
	}>(
		`SELECT to_hex(${publicCellSql(f.res)}) AS cell, count(*)::int AS n,
		        sum(i.record_key)::int AS key_sum,
		        count(*) FILTER (WHERE i.sensitive)::int AS sensitive,
		        coalesce(sum(i.record_key) FILTER (WHERE i.sensitive), 0)::int AS sensitive_key_sum
		 FROM incidents i JOIN sources s ON s.id = i.source_id
		 WHERE ${publicCellSql(f.res)} IS NOT NULL AND ${DAYS_SQL}
		   AND ($3::text[] IS NULL AND i.category NOT LIKE 'road-collision-%' OR i.category = ANY($3::text[]) OR i.extra_categories && $3::text[]) ${inArea}
		 GROUP BY 1 ORDER BY 1`,
		params
	);
	return rows.map((r) => ({
		cell: r.cell,
		n: Number(r.n),
		keySum: Number(r.key_sum),
		sensitive: Number(r.sensitive),
		sensitiveKeySum: Number(r.sensitive_key_sum)
	}));
}

/** A count and its records' key sum. */
export interface KeyedCount {
	n: number;
	keySum: number;
}

/**
 * Per category, the count and key sum inside an area's resolution-10 cover in each period
 * (index-aligned with `periods`), as `categoryCountsInPeriods` counts them.
 */
export async function keyedCategoryCountsInPeriods(
	db: Queryable,
	areaId: number,
	periods: readonly Period[]
): Promise<{ category: string; counts: KeyedCount[] }[]> {
	if (periods.length === 0) return [];
	const from = periods.reduce((m, p) => (p.from < m ? p.from : m), periods[0].from);
	const to = periods.reduce((m, p) => (p.to > m ? p.to : m), periods[0].to);
	const params: unknown[] = [from, to, areaId];
	const cols = periods.map((p) => {
		params.push(p.from, p.to);
		const a = params.length - 1;
		const inPeriod = `FILTER (WHERE d.day BETWEEN $${a}::date AND $${a + 1}::date)`;
		return `count(*) ${inPeriod}, coalesce(sum(d.record_key) ${inPeriod}, 0)`;
	});
	const rows = await db.query<{ category: string; counts: number[] }>(
		`SELECT d.category, ARRAY[${cols.join(', ')}]::bigint[] AS counts
		 FROM (SELECT i.category, i.record_key, (i.occurred_from AT TIME ZONE s.timezone)::date AS day
		       FROM incidents i JOIN sources s ON s.id = i.source_id
		       WHERE i.h3 IS NOT NULL AND ${DAYS_SQL} AND i.category NOT LIKE 'road-collision-%'
		         AND ${inAreaCoverSql('$3::int')}) d
		 GROUP BY d.category ORDER BY d.category`,
		params
	);
	return rows.map((r) => {
		const v = r.counts.map(Number);
		return {
			category: r.category,
			counts: periods.map((_, k) => ({ n: v[2 * k], keySum: v[2 * k + 1] }))
		};
	});
}
