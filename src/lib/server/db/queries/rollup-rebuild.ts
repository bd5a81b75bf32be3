/**
 * Recount of the rollups (`cell_counts`, `cell_extra_counts`) from the stored incidents, set-based, in
 * one transaction: what an administrator runs after a restore or a bulk load that bypassed the import
 * (`beatwise rollup --rebuild`), and the check that the rollups agree with the incidents
 * (`beatwise rollup --check`). The keys are the import's own: `incident_rollup_keys` (migration 0018),
 * the same function the insert/update/delete triggers use.
 */
import type { Queryable } from '../client';
import { CELL_COLUMNS, SERVED_RESOLUTIONS } from '../../cell-keys';
import { grainIs, type Grain } from './rollup';

const KEYS = `incident_rollup_keys(i.h3_r5, i.h3_r6, i.h3_r7, i.h3_r8, i.h3_r9, i.h3_r10, i.h3,
	i.local_day, i.occurred_from, i.occurred_to) k`;

/**
 * Count the rollups again from `incidents`: every row of both rollup tables is replaced, and the
 * rollups' edit counter (`rollup_edits`) moves on, so caches keyed on it are not served from before.
 * Returns the number of rollup rows written.
 */
export async function rebuildRollups(
	db: { transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> },
	o: { workMem?: string } = {}
): Promise<{ cellCounts: number; extraCounts: number }> {
	return db.transaction(async (tx) => {
		await tx.query(`SELECT set_config('work_mem', $1, true)`, [o.workMem ?? '256MB']);
		await tx.query('DELETE FROM cell_counts');
		await tx.query('DELETE FROM cell_extra_counts');
		let cellCounts = 0;
		let extraCounts = 0;
		// One resolution at a time, written in the key's order: each pass sorts a seventh of the keys,
		// and the unique index grows at its end instead of taking random inserts.
		for (const res of SERVED_RESOLUTIONS) {
			const [a] = await tx.query<{ n: number }>(
				`WITH ins AS (
				   INSERT INTO cell_counts (res, grain, h3, period, category, source_id, n, harm, sensitive)
				   SELECT k.res, k.grain, k.h3, k.period, i.category, i.source_id, count(*)::int,
				          sum(i.harm_weight)::real, (count(*) FILTER (WHERE i.sensitive))::int
				   FROM incidents i CROSS JOIN LATERAL ${KEYS}
				   WHERE k.res = $1
				   GROUP BY k.res, k.grain, k.period, k.h3, i.category, i.source_id
				   ORDER BY k.res, k.grain, k.period, k.h3, i.category, i.source_id
				   RETURNING 1)
				 SELECT count(*)::int AS n FROM ins`,
				[res]
			);
			const [b] = await tx.query<{ n: number }>(
				`WITH ins AS (
				   INSERT INTO cell_extra_counts (res, grain, h3, period, category, extra, source_id, n, harm, sensitive)
				   SELECT k.res, k.grain, k.h3, k.period, i.category, i.extra_categories, i.source_id,
				          count(*)::int, sum(i.harm_weight)::real, (count(*) FILTER (WHERE i.sensitive))::int
				   FROM incidents i CROSS JOIN LATERAL ${KEYS}
				   WHERE k.res = $1 AND cardinality(i.extra_categories) > 0
				   GROUP BY k.res, k.grain, k.period, k.h3, i.category, i.extra_categories, i.source_id
				   ORDER BY k.res, k.grain, k.period, k.h3, i.category, i.extra_categories, i.source_id
				   RETURNING 1)
				 SELECT count(*)::int AS n FROM ins`,
				[res]
			);
			cellCounts += Number(a.n);
			extraCounts += Number(b.n);
		}
		await tx.query('UPDATE rollup_edits SET edits = edits + 1 WHERE id = 1');
		return { cellCounts, extraCounts };
	});
}

/** One disagreement between the rollups and the incidents they count. */
export interface RollupMismatch {
	res: number;
	grain: Grain;
	/** Located incidents with a local day (what the grain should count, once each). */
	incidents: number;
	/** The sum of `n` over the grain's rows (its own and the month-only rows). */
	rollup: number;
}

/**
 * Compare, per served resolution and grain, the sum of the rollup counts with the number of incidents
 * they count (located, with a local day). Empty when they agree everywhere.
 */
export async function rollupMismatches(db: Queryable): Promise<RollupMismatch[]> {
	const grains: Grain[] = ['day', 'month', 'year'];
	const counts = CELL_COLUMNS.map((c) => `count(${c})::bigint AS "${c}"`).join(', ');
	const [raw] = await db.query<Record<string, string>>(
		`SELECT ${counts} FROM incidents WHERE local_day IS NOT NULL`
	);
	const out: RollupMismatch[] = [];
	for (const grain of grains) {
		const sums = await db.query<{ res: number; n: string }>(
			`SELECT res::int AS res, sum(n)::bigint AS n FROM cell_counts WHERE ${grainIs(grain)} GROUP BY 1`
		);
		SERVED_RESOLUTIONS.forEach((res, i) => {
			const incidents = Number(raw[CELL_COLUMNS[i]]);
			const rollup = Number(sums.find((s) => Number(s.res) === res)?.n ?? 0);
			if (rollup !== incidents) out.push({ res, grain, incidents, rollup });
		});
	}
	return out;
}
