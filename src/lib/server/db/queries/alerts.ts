/**
 * Early warning: the weekly counts it checks (from the exact rollups), its runs, alarms, each user's
 * handling of an alarm, and subscriptions.
 */
import type { Queryable } from '../client';
import { grainIs, rollupAll } from './rollup';

export type AlarmMethod = 'farrington' | 'ears-c2';
export type AlarmStatus = 'new' | 'acknowledged' | 'dismissed';

function iso(v: unknown): string | null {
	if (v === null || v === undefined) return null;
	if (typeof v === 'string') return v.length === 10 ? v : new Date(v).toISOString();
	return (v as Date).toISOString();
}

/** A date column selected as text (`::text`): YYYY-MM-DD. */
function day(v: unknown): string {
	return String(v).slice(0, 10);
}

/**
 * First and last day holding data of the sources dated to the day (coverage); sources dated only to
 * their month (police.uk) have no weeks. Null without such data.
 */
export async function dailyDataSpan(
	db: Queryable
): Promise<{ firstDay: string; lastDay: string } | null> {
	const rows = await db.query<{ a: unknown; b: unknown }>(
		`SELECT min(period_start)::text AS a, max(period_start)::text AS b FROM source_coverage WHERE grain = 'day'`
	);
	if (!rows[0] || rows[0].a === null) return null;
	return { firstDay: day(rows[0].a), lastDay: day(rows[0].b) };
}

/**
 * The earliest local day of the incidents `batchIds` stored on or after `since` (null: none there).
 * The occurred_from bound lets the index narrow the scan to the recent weeks.
 */
export async function firstChangedDay(
	db: Queryable,
	batchIds: number[],
	since: string
): Promise<string | null> {
	if (batchIds.length === 0) return null;
	const rows = await db.query<{ d: unknown }>(
		`SELECT min(local_day)::text AS d FROM incidents
		 WHERE batch_id = ANY($1::int[]) AND occurred_from >= $2::date - 2 AND local_day >= $2::date`,
		[batchIds, since]
	);
	return rows[0]?.d ? day(rows[0].d) : null;
}

export interface WeeklyCount {
	areaId: number;
	category: string;
	/** Index of the week from `from`. */
	week: number;
	n: number;
}

/**
 * Weekly counts per area × category over `weeks` whole weeks from the Monday `from`, from the exact
 * resolution-10 day rollups of sources dated to the day, for the (area, category) pairs with a count
 * in the weeks from index `activeFrom` (the others cannot raise an alarm). Optionally one area and
 * category only (the chart of one alarm).
 */
export async function weeklyAreaCounts(
	db: Queryable,
	o: {
		from: string;
		weeks: number;
		activeFrom: number;
		areaId?: number;
		category?: string;
	}
): Promise<WeeklyCount[]> {
	const rows = await db.query<{ area_id: number; category: string; wk: number; n: number }>(
		`WITH counts AS (
		   SELECT ac.area_id, cc.category, ((cc.period - $1::date) / 7)::int AS wk, sum(cc.n)::int AS n
		   FROM ${rollupAll(10, 'day', 'category')} cc
		   JOIN area_cells ac ON ac.h3 = cc.h3
		   WHERE true
		     AND cc.period >= $1::date AND cc.period < $1::date + 7 * $2::int
		     AND cc.source_id IN (SELECT DISTINCT source_id FROM source_coverage WHERE grain = 'day')
		     AND ($4::int IS NULL OR ac.area_id = $4::int)
		     AND ($5::text IS NULL OR cc.category = $5::text)
		   GROUP BY 1, 2, 3
		 ), active AS (
		   SELECT DISTINCT area_id, category FROM counts WHERE wk >= $3::int AND n > 0
		 )
		 SELECT c.area_id, c.category, c.wk, c.n
		 FROM counts c JOIN active a ON a.area_id = c.area_id AND a.category = c.category
		 ORDER BY c.area_id, c.category, c.wk`,
		[o.from, o.weeks, o.activeFrom, o.areaId ?? null, o.category ?? null]
	);
	return rows.map((r) => ({
		areaId: Number(r.area_id),
		category: String(r.category),
		week: Number(r.wk),
		n: Number(r.n)
	}));
}

export interface RunRow {
	id: number;
	trigger: 'import' | 'manual';
	batchIds: number[];
	dataVersion: string;
	status: 'running' | 'done' | 'failed';
	weeksFrom: string | null;
	weeksTo: string | null;
	checkFrom: string | null;
	series: Record<string, unknown>;
	alarms: number;
	error: string | null;
	startedAt: string;
	finishedAt: string | null;
}

const RUN_COLUMNS = `id, trigger, batch_ids, data_version, status, weeks_from::text AS weeks_from, weeks_to::text AS weeks_to, check_from::text AS check_from, series, alarms, error, started_at, finished_at`;

function json<T>(v: unknown): T {
	return (typeof v === 'string' ? JSON.parse(v) : v) as T;
}

function toRun(r: Record<string, unknown>): RunRow {
	return {
		id: Number(r.id),
		trigger: r.trigger as RunRow['trigger'],
		batchIds: json<number[]>(r.batch_ids),
		dataVersion: String(r.data_version),
		status: r.status as RunRow['status'],
		weeksFrom: r.weeks_from ? day(r.weeks_from) : null,
		weeksTo: r.weeks_to ? day(r.weeks_to) : null,
		checkFrom: r.check_from ? day(r.check_from) : null,
		series: json<Record<string, unknown>>(r.series),
		alarms: Number(r.alarms),
		error: (r.error as string | null) ?? null,
		startedAt: iso(r.started_at)!,
		finishedAt: iso(r.finished_at)
	};
}

export async function insertRun(
	db: Queryable,
	run: { trigger: 'import' | 'manual'; batchIds: number[]; dataVersion: string }
): Promise<RunRow> {
	const rows = await db.query(
		`INSERT INTO early_warning_runs (trigger, batch_ids, data_version)
		 VALUES ($1, $2::jsonb, $3) RETURNING ${RUN_COLUMNS}`,
		[run.trigger, JSON.stringify(run.batchIds), run.dataVersion]
	);
	return toRun(rows[0]);
}

export async function finishRun(
	db: Queryable,
	id: number,
	r: {
		status: 'done' | 'failed';
		weeksFrom?: string | null;
		weeksTo?: string | null;
		checkFrom?: string | null;
		series?: Record<string, unknown>;
		alarms?: number;
		error?: string | null;
	}
): Promise<RunRow> {
	const rows = await db.query(
		`UPDATE early_warning_runs SET status = $2, weeks_from = $3, weeks_to = $4, check_from = $5,
		   series = $6::jsonb, alarms = $7, error = $8, finished_at = now()
		 WHERE id = $1 RETURNING ${RUN_COLUMNS}`,
		[
			id,
			r.status,
			r.weeksFrom ?? null,
			r.weeksTo ?? null,
			r.checkFrom ?? null,
			JSON.stringify(r.series ?? {}),
			r.alarms ?? 0,
			r.error ?? null
		]
	);
	return toRun(rows[0]);
}

/** Runs a stopped server left `running`: failed, with the reason. */
export async function failInterruptedRuns(db: Queryable): Promise<number> {
	const rows = await db.query(
		`UPDATE early_warning_runs SET status = 'failed', finished_at = now(),
		   error = 'The server stopped before the check finished; the next import checks again.'
		 WHERE status = 'running' RETURNING id`
	);
	return rows.length;
}

export async function recentRuns(db: Queryable, limit = 10): Promise<RunRow[]> {
	const rows = await db.query(
		`SELECT ${RUN_COLUMNS} FROM early_warning_runs ORDER BY id DESC LIMIT $1`,
		[limit]
	);
	return rows.map(toRun);
}

export interface NewAlarm {
	areaId: number;
	category: string;
	week: string;
	observed: number;
	threshold: number;
	expected: number;
	method: AlarmMethod;
}

/**
 * Store a run's alarms: a week already alarmed (same area, category, week, method) is updated to this
 * run's numbers, keeping its id, users' handling and notice.
 */
export async function upsertAlarms(
	db: Queryable,
	runId: number,
	alarms: NewAlarm[]
): Promise<number> {
	let stored = 0;
	for (let i = 0; i < alarms.length; i += 500) {
		const chunk = alarms.slice(i, i + 500);
		const rows = await db.query(
			`INSERT INTO early_warning_alarms (run_id, area_id, category, week, observed, threshold, expected, method)
			 SELECT $1, x.area_id, x.category, x.week::date, x.observed, x.threshold, x.expected, x.method
			 FROM jsonb_to_recordset($2::jsonb)
			   AS x(area_id int, category text, week text, observed int, threshold float8, expected float8, method text)
			 ON CONFLICT (area_id, category, week, method) DO UPDATE SET
			   run_id = EXCLUDED.run_id, observed = EXCLUDED.observed,
			   threshold = EXCLUDED.threshold, expected = EXCLUDED.expected
			 RETURNING id`,
			[
				runId,
				JSON.stringify(
					chunk.map((a) => ({
						area_id: a.areaId,
						category: a.category,
						week: a.week,
						observed: a.observed,
						threshold: a.threshold,
						expected: a.expected,
						method: a.method
					}))
				)
			]
		);
		stored += rows.length;
	}
	return stored;
}

export interface AlarmRow {
	id: number;
	runId: number;
	areaId: number;
	areaKind: string;
	areaCode: string;
	areaName: string;
	category: string;
	week: string;
	observed: number;
	threshold: number;
	expected: number;
	method: AlarmMethod;
	noticeProductId: number | null;
	createdAt: string;
	status: AlarmStatus;
	reason: string | null;
	subscribed: boolean;
}

/**
 * The areas inside `areaIds`: the areas themselves and every area whose resolution-10 cover lies in
 * theirs (beats inside a district). SQL text for `area_id IN (…)` with the ids as parameter `p`.
 */
function areasWithinSql(p: string): string {
	return `SELECT x.id FROM areas x
	 WHERE x.id = ANY(${p}::int[])
	    OR (EXISTS (SELECT 1 FROM area_cells c WHERE c.area_id = x.id)
	        AND NOT EXISTS (
	          SELECT 1 FROM area_cells c
	          WHERE c.area_id = x.id
	            AND NOT EXISTS (SELECT 1 FROM area_cells u WHERE u.area_id = ANY(${p}::int[]) AND u.h3 = c.h3)))`;
}

export interface AlarmFilter {
	userId: number;
	/** The reader's area limits (null: everywhere). */
	areaIds: number[] | null;
	status?: AlarmStatus | 'open' | null;
	subscribedOnly?: boolean;
	areaId?: number | null;
	category?: string | null;
	id?: number;
	limit?: number;
}

/** Alarms a user may see, with their own handling of each and whether a subscription of theirs matches. */
export async function alarmsFor(db: Queryable, f: AlarmFilter): Promise<AlarmRow[]> {
	const rows = await db.query(
		`SELECT a.id, a.run_id, a.area_id, ar.kind AS area_kind, ar.code AS area_code, ar.name AS area_name,
		        a.category, a.week::text AS week, a.observed, a.threshold, a.expected, a.method, a.notice_product_id,
		        a.created_at, coalesce(s.status, 'new') AS status, s.reason,
		        EXISTS (SELECT 1 FROM alert_subscriptions sub
		                WHERE sub.user_id = $1
		                  AND (sub.area_id IS NULL OR sub.area_id = a.area_id)
		                  AND (sub.category IS NULL OR sub.category = a.category)
		                  AND (sub.method IS NULL OR sub.method = a.method)) AS subscribed
		 FROM early_warning_alarms a
		 JOIN areas ar ON ar.id = a.area_id
		 LEFT JOIN alarm_states s ON s.alarm_id = a.id AND s.user_id = $1
		 WHERE ($2::int[] IS NULL OR a.area_id IN (${areasWithinSql('$2')}))
		   AND ($3::text IS NULL
		        OR ($3 = 'open' AND coalesce(s.status, 'new') <> 'dismissed')
		        OR coalesce(s.status, 'new') = $3)
		   AND ($4::int IS NULL OR a.area_id = $4::int)
		   AND ($5::text IS NULL OR a.category = $5::text)
		   AND ($6::bigint IS NULL OR a.id = $6::bigint)
		 ORDER BY a.week DESC, (a.observed - a.threshold) DESC, a.id
		 LIMIT $7`,
		[
			f.userId,
			f.areaIds,
			f.status ?? null,
			f.areaId ?? null,
			f.category ?? null,
			f.id ?? null,
			f.limit ?? 200
		]
	);
	const out = rows.map((r): AlarmRow => ({
		id: Number(r.id),
		runId: Number(r.run_id),
		areaId: Number(r.area_id),
		areaKind: String(r.area_kind),
		areaCode: String(r.area_code),
		areaName: String(r.area_name),
		category: String(r.category),
		week: day(r.week),
		observed: Number(r.observed),
		threshold: Number(r.threshold),
		expected: Number(r.expected),
		method: r.method as AlarmMethod,
		noticeProductId: r.notice_product_id === null ? null : Number(r.notice_product_id),
		createdAt: iso(r.created_at)!,
		status: r.status as AlarmStatus,
		reason: (r.reason as string | null) ?? null,
		subscribed: Boolean(r.subscribed)
	}));
	return f.subscribedOnly ? out.filter((a) => a.subscribed) : out;
}

/** Whether area `areaId` lies inside the reader's areas (null: everywhere). */
export async function areaWithin(
	db: Queryable,
	areaId: number,
	areaIds: number[] | null
): Promise<boolean> {
	if (areaIds === null) return true;
	const rows = await db.query(`SELECT 1 FROM (${areasWithinSql('$1')}) w WHERE w.id = $2`, [
		areaIds,
		areaId
	]);
	return rows.length > 0;
}

export async function setAlarmState(
	db: Queryable,
	s: { alarmId: number; userId: number; status: AlarmStatus; reason: string | null }
): Promise<void> {
	await db.query(
		`INSERT INTO alarm_states (alarm_id, user_id, status, reason) VALUES ($1, $2, $3, $4)
		 ON CONFLICT (alarm_id, user_id) DO UPDATE SET status = EXCLUDED.status,
		   reason = EXCLUDED.reason, updated_at = now()`,
		[s.alarmId, s.userId, s.status, s.reason]
	);
}

export async function setAlarmNotice(
	db: Queryable,
	alarmId: number,
	productId: number
): Promise<void> {
	await db.query(`UPDATE early_warning_alarms SET notice_product_id = $2 WHERE id = $1`, [
		alarmId,
		productId
	]);
}

export interface SubscriptionRow {
	id: number;
	areaId: number | null;
	areaName: string | null;
	category: string | null;
	method: AlarmMethod | null;
	createdAt: string;
}

export async function subscriptionsOf(db: Queryable, userId: number): Promise<SubscriptionRow[]> {
	const rows = await db.query(
		`SELECT s.id, s.area_id, a.kind || ' ' || a.code || ' ' || a.name AS area_name, s.category,
		        s.method, s.created_at
		 FROM alert_subscriptions s LEFT JOIN areas a ON a.id = s.area_id
		 WHERE s.user_id = $1 ORDER BY s.id`,
		[userId]
	);
	return rows.map((r) => ({
		id: Number(r.id),
		areaId: r.area_id === null ? null : Number(r.area_id),
		areaName: (r.area_name as string | null) ?? null,
		category: (r.category as string | null) ?? null,
		method: (r.method as AlarmMethod | null) ?? null,
		createdAt: iso(r.created_at)!
	}));
}

/** Add a subscription; false when the same one exists. */
export async function insertSubscription(
	db: Queryable,
	s: { userId: number; areaId: number | null; category: string | null; method: AlarmMethod | null }
): Promise<boolean> {
	const rows = await db.query(
		`INSERT INTO alert_subscriptions (user_id, area_id, category, method) VALUES ($1, $2, $3, $4)
		 ON CONFLICT ON CONSTRAINT alert_subscriptions_uq DO NOTHING RETURNING id`,
		[s.userId, s.areaId, s.category, s.method]
	);
	return rows.length > 0;
}

export async function deleteSubscription(
	db: Queryable,
	userId: number,
	id: number
): Promise<boolean> {
	const rows = await db.query(
		`DELETE FROM alert_subscriptions WHERE id = $1 AND user_id = $2 RETURNING id`,
		[id, userId]
	);
	return rows.length > 0;
}

/** Categories of the rollups (for the subscription form). */
export async function rollupCategories(db: Queryable): Promise<string[]> {
	const rows = await db.query<{ category: string }>(
		`SELECT DISTINCT category FROM cell_counts WHERE res = 5 AND ${grainIs('year')} ORDER BY category`
	);
	return rows.map((r) => r.category);
}

export interface AreaOption {
	id: number;
	kind: string;
	code: string;
	name: string;
}

/** Areas a reader may pick (inside their areas), by kind and code. */
export async function areaOptions(db: Queryable, areaIds: number[] | null): Promise<AreaOption[]> {
	const rows = await db.query(
		`SELECT id, kind, code, name FROM areas
		 WHERE $1::int[] IS NULL OR id IN (${areasWithinSql('$1')})
		 ORDER BY kind, code`,
		[areaIds]
	);
	return rows.map((r) => ({
		id: Number(r.id),
		kind: String(r.kind),
		code: String(r.code),
		name: String(r.name)
	}));
}
