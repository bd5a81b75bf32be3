/**
 * Early warning in the product: the check after each import (weekly counts per area × category from
 * the exact rollups against their expected level, improved Farrington or EARS C2 as
 * analysis/early-warning-plan.ts chooses), the alarm inbox of each user (their areas, their
 * subscriptions, their handling of each alarm), one alarm's series with its thresholds, and
 * subscriptions. docs/early-warning.md describes it for users.
 */
import { dayToIso, isoToDay } from '../analysis/days';
import {
	checkSeries,
	planCheck,
	type CheckPlan,
	type EarlyWarningMethod
} from '../analysis/early-warning-plan';
import type { Database, Queryable } from '../db/client';
import {
	alarmsFor,
	areaOptions,
	areaWithin,
	dailyDataSpan,
	deleteSubscription,
	finishRun,
	firstChangedDay,
	insertRun,
	insertSubscription,
	recentRuns,
	rollupCategories,
	setAlarmNotice,
	setAlarmState,
	subscriptionsOf,
	upsertAlarms,
	weeklyAreaCounts,
	type AlarmRow,
	type AlarmStatus,
	type AreaOption,
	type NewAlarm,
	type RunRow,
	type SubscriptionRow
} from '../db/queries/alerts';
import { rollupVersion } from '../db/queries/areas-study';
import { FARRINGTON_DEFAULTS } from '../analysis/early-warning';
import type { Compute } from '../jobs/tasks';
import { ServiceError } from '../errors';

export type { AlarmRow, AlarmStatus, RunRow, SubscriptionRow, AreaOption };

/** Who reads: their id and area limits (a ReadScope's user and areaIds). */
export interface AlertReader {
	userId: number;
	areaIds: number[] | null;
}

export interface RunOptions {
	trigger: 'import' | 'manual';
	/** The import's batches (their earliest changed day decides the first week checked). */
	batchIds?: number[];
	/** Most weeks checked (default 8). */
	maxCheckWeeks?: number;
}

/**
 * One early-warning check over every area × category with counts in the weeks checked; alarms
 * stored (a week alarmed before is updated). The arithmetic runs in `compute` (the background pool in
 * the server). The run row records what was checked, with which method and why.
 */
export async function runEarlyWarning(
	db: Database,
	o: RunOptions,
	compute: Compute
): Promise<RunRow> {
	const batchIds = o.batchIds ?? [];
	const run = await insertRun(db, {
		trigger: o.trigger,
		batchIds,
		dataVersion: await rollupVersion(db)
	});
	try {
		const span = await dailyDataSpan(db);
		if (!span)
			return await finishRun(db, run.id, {
				status: 'done',
				series: { note: 'No data dated to the day: nothing to check in weeks.' }
			});
		const firstDay = isoToDay(span.firstDay);
		const lastDay = isoToDay(span.lastDay);
		const since = dayToIso(lastDay - 7 * ((o.maxCheckWeeks ?? 8) + 1));
		const changed = o.trigger === 'import' ? await firstChangedDay(db, batchIds, since) : null;
		const plan = planCheck({
			firstDay,
			lastDay,
			changedFrom: changed === null ? null : isoToDay(changed),
			maxCheckWeeks: o.maxCheckWeeks
		});
		if (!plan)
			return await finishRun(db, run.id, {
				status: 'done',
				series: { note: 'The data holds no whole Monday–Sunday week.' }
			});
		const { keys, counts } = await seriesOf(db, plan);
		// Weeks before an area's first dated incident are weeks without data there (another source, in
		// another place, made the span longer), not weeks of zero: each area's series starts at its own
		// first week with a count, and gets the method its own history allows.
		const n = plan.weekDays.length;
		const areaStart = new Map<number, number>();
		keys.forEach((k, s) => {
			let w = 0;
			while (w < n - 1 && counts[s * n + w] === 0) w++;
			areaStart.set(k.areaId, Math.min(areaStart.get(k.areaId) ?? n, w));
		});
		const groups = new Map<number, number[]>();
		keys.forEach((k, s) => {
			const start = areaStart.get(k.areaId) ?? 0;
			const members = groups.get(start);
			if (members) members.push(s);
			else groups.set(start, [s]);
		});
		const alarms: NewAlarm[] = [];
		const methods: Record<string, number> = {};
		let main: { size: number; plan: CheckPlan } | null = null;
		for (const [start, members] of groups) {
			const own =
				start === 0
					? plan
					: planCheck({
							firstDay: plan.weekDays[start],
							lastDay,
							changedFrom: changed === null ? null : isoToDay(changed),
							maxCheckWeeks: o.maxCheckWeeks
						});
			if (!own) continue;
			const offset = n - own.weekDays.length;
			const m = own.weekDays.length;
			const sub = new Int32Array(members.length * m);
			members.forEach((s, i) => sub.set(counts.subarray(s * n + offset, (s + 1) * n), i * m));
			const found = await compute('earlyWarning', {
				plan: { method: own.method, weekDays: own.weekDays, checkIndexes: own.checkIndexes },
				counts: sub
			});
			for (const a of found) {
				const key = keys[members[a.series]];
				alarms.push({
					areaId: key.areaId,
					category: key.category,
					week: dayToIso(own.weekDays[a.index]),
					observed: a.observed,
					threshold: a.threshold,
					expected: a.expected,
					method: own.method
				});
			}
			methods[own.method] = (methods[own.method] ?? 0) + members.length;
			if (!main || members.length > main.size) main = { size: members.length, plan: own };
		}
		const shown = main?.plan ?? plan;
		await upsertAlarms(db, run.id, alarms);
		return await finishRun(db, run.id, {
			status: 'done',
			weeksFrom: dayToIso(plan.weekDays[0]),
			weeksTo: dayToIso(plan.weekDays.at(-1)! + 6),
			checkFrom: dayToIso(plan.weekDays[plan.checkIndexes[0]]),
			series: {
				method: shown.method,
				reason:
					Object.keys(methods).length > 1
						? `${shown.reason}; series of areas with a shorter history of their own: ${Object.entries(
								methods
							)
								.filter(([k]) => k !== shown.method)
								.map(([k, v]) => `${k === 'farrington' ? 'improved Farrington' : 'EARS C2'} (${v})`)
								.join(', ')}`
						: shown.reason,
				checked: keys.length,
				methods
			},
			alarms: alarms.length
		});
	} catch (e) {
		await finishRun(db, run.id, {
			status: 'failed',
			error: e instanceof Error ? e.message : String(e)
		}).catch(() => {});
		throw e;
	}
}

/** The weekly series of every (area, category) with a count in the weeks checked. */
async function seriesOf(
	db: Queryable,
	plan: CheckPlan,
	only?: { areaId: number; category: string }
): Promise<{ keys: { areaId: number; category: string }[]; counts: Int32Array }> {
	const n = plan.weekDays.length;
	const rows = await weeklyAreaCounts(db, {
		from: dayToIso(plan.weekDays[0]),
		weeks: n,
		activeFrom: only ? 0 : plan.checkIndexes[0],
		...only
	});
	const keys: { areaId: number; category: string }[] = [];
	const index = new Map<string, number>();
	for (const r of rows) {
		const key = `${r.areaId}\u0000${r.category}`;
		if (!index.has(key)) {
			index.set(key, keys.length);
			keys.push({ areaId: r.areaId, category: r.category });
		}
	}
	const counts = new Int32Array(keys.length * n);
	for (const r of rows) {
		const s = index.get(`${r.areaId}\u0000${r.category}`)!;
		counts[s * n + r.week] = r.n;
	}
	return { keys, counts };
}

export interface InboxQuery {
	status?: AlarmStatus | 'open' | null;
	subscribedOnly?: boolean;
	areaId?: number | null;
	category?: string | null;
}

/** The alarms a reader may see (inside their areas), with their own handling of each. */
export async function alarmInbox(
	db: Queryable,
	reader: AlertReader,
	q: InboxQuery = {}
): Promise<AlarmRow[]> {
	return alarmsFor(db, { ...q, userId: reader.userId, areaIds: reader.areaIds });
}

/** One alarm the reader may see; 404 otherwise (an alarm outside their areas is not theirs to know of). */
export async function alarmFor(db: Queryable, reader: AlertReader, id: number): Promise<AlarmRow> {
	const [alarm] = await alarmsFor(db, { userId: reader.userId, areaIds: reader.areaIds, id });
	if (!alarm) throw new ServiceError('E_PARAMETER', `No alarm ${id} in your areas.`, 404);
	return alarm;
}

export interface SeriesWeek {
	week: string;
	observed: number;
	threshold: number | null;
	expected: number | null;
	alarm: boolean;
}

export interface AlarmSeries {
	method: EarlyWarningMethod;
	weeks: SeriesWeek[];
	/** Why weeks have no threshold, if some have none. */
	note: string | null;
}

/**
 * The weekly series of an alarm's area and category: the `span` weeks up to four weeks after the
 * alarm's week (or the data's last whole week, if sooner), each with its threshold by the alarm's
 * method from the same history a run uses (the alarm's own week as the run found it).
 */
export async function alarmSeries(
	db: Queryable,
	alarm: Pick<AlarmRow, 'areaId' | 'category' | 'week' | 'method'>,
	span = 26
): Promise<AlarmSeries> {
	const data = await dailyDataSpan(db);
	const week = isoToDay(alarm.week);
	const lastDay = Math.max(Math.min(data ? isoToDay(data.lastDay) : 0, week + 6 + 28), week + 6);
	const firstDay = Math.min(data ? isoToDay(data.firstDay) : week, week);
	const plan = planCheck({
		firstDay,
		lastDay,
		changedFrom: lastDay - 7 * span,
		maxCheckWeeks: span
	})!;
	const all: CheckPlan = { ...plan, method: alarm.method };
	const { counts } = await seriesOf(db, all, { areaId: alarm.areaId, category: alarm.category });
	const n = all.weekDays.length;
	const full = counts.length === n ? Array.from(counts) : new Array<number>(n).fill(0);
	// As the check did: the series starts at its first week with data, not at the database's first week.
	const start = Math.max(
		0,
		full.findIndex((c) => c > 0)
	);
	const own =
		start === 0
			? plan
			: planCheck({
					firstDay: all.weekDays[start],
					lastDay,
					changedFrom: lastDay - 7 * span,
					maxCheckWeeks: span
				});
	const chart: CheckPlan = own ? { ...own, method: alarm.method } : all;
	const series = full.slice(n - chart.weekDays.length);
	const checks = checkSeries(series, chart);
	const missing = checks.find((c) => c.threshold === null);
	return {
		method: alarm.method,
		weeks: checks.map((c) => ({
			week: dayToIso(chart.weekDays[c.index]),
			observed: c.observed,
			threshold: c.threshold,
			expected: c.expected,
			alarm: c.alarm
		})),
		note: missing?.note ?? null
	};
}

/** Acknowledge, dismiss (with a reason) or reopen an alarm, for this reader. */
export async function handleAlarm(
	db: Queryable,
	reader: AlertReader,
	id: number,
	status: AlarmStatus,
	reason: string | null
): Promise<AlarmRow> {
	await alarmFor(db, reader, id);
	const why = reason?.trim() || null;
	if (status === 'dismissed' && !why)
		throw new ServiceError(
			'E_PARAMETER',
			'reason: say why the alarm is dismissed (e.g. "known event: festival weekend")'
		);
	await setAlarmState(db, { alarmId: id, userId: reader.userId, status, reason: why });
	return alarmFor(db, reader, id);
}

export async function recentEarlyWarningRuns(db: Queryable, limit = 5): Promise<RunRow[]> {
	return recentRuns(db, limit);
}

export interface SubscriptionInput {
	areaId: number | null;
	category: string | null;
	method: EarlyWarningMethod | null;
}

export async function subscriptions(
	db: Queryable,
	reader: AlertReader
): Promise<SubscriptionRow[]> {
	return subscriptionsOf(db, reader.userId);
}

/** Subscribe to alarms of an area (inside the reader's areas), a category and a method (each optional). */
export async function subscribe(
	db: Queryable,
	reader: AlertReader,
	s: SubscriptionInput
): Promise<boolean> {
	if (s.areaId !== null && !(await areaWithin(db, s.areaId, reader.areaIds)))
		throw new ServiceError('E_UNKNOWN_AREA', `area: no area ${s.areaId} in your areas`);
	return insertSubscription(db, { userId: reader.userId, ...s });
}

export async function unsubscribe(db: Queryable, reader: AlertReader, id: number): Promise<void> {
	if (!(await deleteSubscription(db, reader.userId, id)))
		throw new ServiceError('E_PARAMETER', `No subscription ${id} of yours.`, 404);
}

/** What the subscription form offers: the reader's areas and the categories in the data. */
export async function subscriptionOptions(
	db: Queryable,
	reader: AlertReader
): Promise<{ areas: AreaOption[]; categories: string[] }> {
	const [areas, categories] = await Promise.all([
		areaOptions(db, reader.areaIds),
		rollupCategories(db)
	]);
	return { areas, categories };
}

/** The early-warning methods as a notice states them: name, reference and every parameter. */
export const EARLY_WARNING_METHODS: Record<
	EarlyWarningMethod,
	{ name: string; reference: string; parameters: Record<string, string | number | boolean> }
> = {
	farrington: {
		name: 'improved Farrington algorithm',
		reference:
			'Noufaily, Enki, Farrington, Garthwaite, Andrews & Charlett (2013), Statistics in Medicine 32(7), 1206–1222; computed as R surveillance::farringtonFlexible',
		parameters: {
			'b (years of history)': FARRINGTON_DEFAULTS.b,
			'w (weeks either side)': FARRINGTON_DEFAULTS.w,
			reweight: FARRINGTON_DEFAULTS.reweight,
			weightsThreshold: FARRINGTON_DEFAULTS.weightsThreshold,
			alpha: FARRINGTON_DEFAULTS.alpha,
			trend: FARRINGTON_DEFAULTS.trend,
			pThresholdTrend: FARRINGTON_DEFAULTS.pThresholdTrend,
			limit54: FARRINGTON_DEFAULTS.limit54.join(', '),
			powertrans: '2/3',
			noPeriods: FARRINGTON_DEFAULTS.noPeriods,
			pastWeeksNotIncluded: FARRINGTON_DEFAULTS.pastWeeksNotIncluded,
			thresholdMethod: 'nbPlugin'
		}
	},
	'ears-c2': {
		name: 'EARS C2',
		reference:
			'Hutwagner, Thompson, Seeman & Treadwell (2003), Journal of Urban Health 80(2 Suppl 1), i89–i96; computed as R surveillance::earsC, method "C2"',
		parameters: { 'baseline (weeks)': 7, 'guard band (weeks)': 2, alpha: 0.001 }
	}
};

/**
 * Record the early-warning notice drafted from an alarm the reader may see (the alarm links to it).
 * An alarm keeps its first notice: a second draft is refused (open the first one, or correct it).
 */
export async function linkAlarmNotice(
	db: Queryable,
	reader: AlertReader,
	alarmId: number,
	productId: number
): Promise<void> {
	const alarm = await alarmFor(db, reader, alarmId);
	if (alarm.noticeProductId !== null && alarm.noticeProductId !== productId)
		throw new ServiceError(
			'E_PRODUCT_STATUS',
			`alarm ${alarmId} already has its notice (product ${alarm.noticeProductId})`,
			422
		);
	await setAlarmNotice(db, alarmId, productId);
}
