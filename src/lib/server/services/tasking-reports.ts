/**
 * What the tasking did: dosage per shift and per week, the tasking history, how often each area was
 * tasked beside its crime (the bias guard), and the assessment — a randomised patrol/control
 * comparison where the tasking drew one, else tasked cells against comparable untasked cells and their
 * buffers by Wheeler & Ratcliffe's weighted displacement difference (docs/tasking.md, Assessment).
 */
import { gridDisk } from 'h3-js';
import type { Queryable } from '../db/client';
import * as q from '../db/queries/tasking';
import { dayToIso, isoToDay, isoWeekday } from '../analysis/days';
import { randomisedEffect, type RandomisedEffect } from '../analysis/randomised-effect';
import { weightedDisplacementDifference, type BeforeAfter, type WddResult } from '../analysis/wdd';
import { AnalysisInputError } from '../analysis/weights';
import { mayAccessArea } from '../auth/areas';
import type { AuthUser } from '../auth/permissions';
import { CATEGORIES } from '../../taxonomy';
import { ServiceError } from '../errors';
import { checkDate } from '../study/period';

const MAX_DAYS = 731;

function period(from: string, to: string): { from: string; to: string; days: number } {
	for (const [v, n] of [
		[from, 'from'],
		[to, 'to']
	])
		checkDate(n, v);
	const days = isoToDay(to) - isoToDay(from) + 1;
	if (days < 1) throw new ServiceError('E_DATE_RANGE', `to: ${to} is before from: ${from}`);
	if (days > MAX_DAYS) throw new ServiceError('E_DATE_RANGE', `from–to: at most ${MAX_DAYS} days`);
	return { from, to, days };
}

function allowed(user: AuthUser, areaId: number | null) {
	if (areaId !== null && !mayAccessArea(user, areaId))
		throw new ServiceError(
			'E_FORBIDDEN',
			`area ${areaId} is outside the areas of your account`,
			403
		);
}

export interface DosageReport {
	from: string;
	to: string;
	shifts: (Awaited<ReturnType<typeof q.dosageRows>>[number] & { completion: number | null })[];
	weeks: {
		week: string;
		taskings: number;
		planned: number;
		visits: number;
		minutes: number;
		targetMinutes: number;
		completion: number | null;
	}[];
}

/** Visits and minutes against the plan per shift, and summed per ISO week (Monday first). */
export async function dosageReport(
	db: Queryable,
	user: AuthUser,
	areaId: number | null,
	from: string,
	to: string
): Promise<DosageReport> {
	period(from, to);
	allowed(user, areaId);
	const ids = areaId === null ? (user.areaIds.length ? user.areaIds : null) : [areaId];
	const rows = await q.dosageRows(db, ids, from, to);
	const completion = (minutes: number, target: number) =>
		target > 0 ? Math.round((minutes / target) * 1000) / 10 : null;
	const weeks = new Map<string, DosageReport['weeks'][number]>();
	for (const r of rows) {
		const d = isoToDay(r.shiftDate);
		const week = dayToIso(d - isoWeekday(d));
		const w = weeks.get(week) ?? {
			week,
			taskings: 0,
			planned: 0,
			visits: 0,
			minutes: 0,
			targetMinutes: 0,
			completion: null
		};
		w.taskings++;
		w.planned += r.planned;
		w.visits += r.visits;
		w.minutes += r.minutes;
		w.targetMinutes += r.targetMinutes;
		weeks.set(week, w);
	}
	return {
		from,
		to,
		shifts: rows.map((r) => ({
			...r,
			minutes: Math.round(r.minutes * 10) / 10,
			completion: completion(r.minutes, r.targetMinutes)
		})),
		weeks: [...weeks.values()].map((w) => ({
			...w,
			minutes: Math.round(w.minutes * 10) / 10,
			completion: completion(w.minutes, w.targetMinutes)
		}))
	};
}

export async function taskingHistory(db: Queryable, user: AuthUser, areaId: number | null) {
	allowed(user, areaId);
	const rows = await q.taskingsOf(db, { areaId, limit: 200 });
	return rows.filter((t) => mayAccessArea(user, t.areaId));
}

export interface FrequencyRow {
	areaId: number;
	areaName: string;
	/** Tasked spot-shifts in the period. */
	spots: number;
	taskings: number;
	/** Incidents in the area over the period (bias-guard categories left out). */
	crime: number;
	/** Tasked spot-shifts per 100 incidents: areas far above the others are tasked beyond their crime. */
	perHundred: number | null;
	months: { month: string; spots: number; crime: number }[];
}

/**
 * How often each area of a kind was tasked, month by month, beside its crime: the bias guard's check
 * that patrols follow harm and not habit.
 */
export async function taskingFrequency(
	db: Queryable,
	kind: string,
	from: string,
	to: string
): Promise<{ kind: string; from: string; to: string; areas: FrequencyRow[] }> {
	period(from, to);
	if (!/^[a-z0-9_-]{1,40}$/.test(kind))
		throw new ServiceError('E_PARAMETER', `kind: "${kind}" is not an area kind`);
	const guard = CATEGORIES.filter((c) => !c.proactive).map((c) => c.code as string);
	const [tasked, crime] = await Promise.all([
		q.taskedSpotsPerAreaMonth(db, kind, from, to),
		q.crimePerAreaMonth(db, kind, from, to, guard)
	]);
	const areas = new Map<number, FrequencyRow>();
	const names = new Map(tasked.map((t) => [t.areaId, t.areaName]));
	const row = (id: number) => {
		let r = areas.get(id);
		if (!r)
			areas.set(
				id,
				(r = {
					areaId: id,
					areaName: names.get(id) ?? `area ${id}`,
					spots: 0,
					taskings: 0,
					crime: 0,
					perHundred: null,
					months: []
				})
			);
		return r;
	};
	const month = (r: FrequencyRow, m: string) => {
		let x = r.months.find((y) => y.month === m);
		if (!x) r.months.push((x = { month: m, spots: 0, crime: 0 }));
		return x;
	};
	for (const t of tasked) {
		const r = row(t.areaId);
		r.spots += t.spots;
		r.taskings += t.taskings;
		month(r, t.month).spots += t.spots;
	}
	for (const c of crime) {
		if (!areas.has(c.areaId) && c.n === 0) continue;
		const r = areas.get(c.areaId);
		if (!r) continue; // areas never tasked are listed by the page from its area list with 0
		r.crime += c.n;
		month(r, c.month).crime += c.n;
	}
	for (const r of areas.values()) {
		r.perHundred = r.crime > 0 ? Math.round((r.spots / r.crime) * 1000) / 10 : null;
		r.months.sort((a, b) => a.month.localeCompare(b.month));
	}
	return {
		kind,
		from,
		to,
		areas: [...areas.values()].sort(
			(a, b) => b.spots - a.spots || a.areaName.localeCompare(b.areaName)
		)
	};
}

export interface Assessment {
	areaId: number;
	from: string;
	to: string;
	randomised: {
		spotDays: { patrol: number; control: number };
		outcome: 'incidents on the spot on its day';
		effect: RandomisedEffect | null;
		note: string;
	} | null;
	wdd: {
		res: number;
		before: { from: string; to: string };
		after: { from: string; to: string };
		cells: { treated: number; control: number; displacement: number; displacementControl: number };
		counts: Record<
			'treated' | 'control' | 'displacement' | 'displacementControl',
			BeforeAfter
		> | null;
		result: WddResult | null;
		note: string;
	} | null;
}

/**
 * The assessment of an area's taskings in [from, to]. Randomised draws: mean incidents per spot-day on
 * patrol against control spots, with its confidence interval. Tasked cells: the weighted displacement
 * difference over the same number of days before and after, against the same number of the highest-
 * crime untasked cells, with first-ring buffers around each.
 */
export async function assessment(
	db: Queryable,
	user: AuthUser,
	areaId: number,
	from: string,
	to: string
): Promise<Assessment> {
	const p = period(from, to);
	allowed(user, areaId);
	const guard = CATEGORIES.filter((c) => !c.proactive).map((c) => c.code as string);

	let randomised: Assessment['randomised'] = null;
	const draws = await q.drawsOf(db, areaId, from, to);
	if (draws.length) {
		const res = draws[0].cell ? resOf(draws[0].cell) : 9;
		const counts = await q.countsPerCellDay(
			db,
			[...new Set(draws.map((d) => d.cell))],
			res,
			from,
			to,
			guard
		);
		const n = new Map(counts.map((c) => [`${c.cell} ${c.day}`, c.n]));
		const patrol = draws
			.filter((d) => d.arm === 'patrol')
			.map((d) => n.get(`${d.cell} ${d.day}`) ?? 0);
		const control = draws
			.filter((d) => d.arm === 'control')
			.map((d) => n.get(`${d.cell} ${d.day}`) ?? 0);
		let effect: RandomisedEffect | null = null;
		let note =
			'Difference in mean incidents per spot-day, patrol minus control, with its 95 % interval (Welch).';
		try {
			effect = randomisedEffect(patrol, control);
		} catch (e) {
			if (!(e instanceof AnalysisInputError)) throw e;
			note = `Not enough draws yet: ${e.message}.`;
		}
		randomised = {
			spotDays: { patrol: patrol.length, control: control.length },
			outcome: 'incidents on the spot on its day',
			effect,
			note
		};
	}

	let wdd: Assessment['wdd'] = null;
	const tasked = await q.taskedCells(db, areaId, from, to);
	if (tasked.length) {
		const res = resOf(tasked[0].cell);
		const T = new Set(tasked.filter((t) => resOf(t.cell) === res).map((t) => t.cell));
		const ring = (cells: Set<string>, not: Set<string>) => {
			const out = new Set<string>();
			for (const c of cells)
				for (const x of gridDisk(c, 1)) if (!cells.has(x) && !not.has(x)) out.add(x);
			return out;
		};
		const D = ring(T, new Set());
		const before = { from: dayToIso(isoToDay(from) - p.days), to: dayToIso(isoToDay(from) - 1) };
		const cover = (await q.coverCells(db, areaId, res)).filter((c) => !T.has(c) && !D.has(c));
		const pre = await q.countsPerCellDay(db, cover, res, before.from, before.to, guard);
		const preByCell = new Map<string, number>();
		for (const r of pre) preByCell.set(r.cell, (preByCell.get(r.cell) ?? 0) + r.n);
		// Comparable: the untasked cells with the most crime before, as many as were tasked.
		const Ct = new Set(
			[...preByCell]
				.sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
				.slice(0, T.size)
				.map(([c]) => c)
		);
		const Cd = ring(Ct, new Set([...T, ...D]));
		const sum = async (cells: Set<string>, a: string, b: string) =>
			(await q.countsPerCellDay(db, [...cells], res, a, b, guard)).reduce((s, r) => s + r.n, 0);
		const ba = async (cells: Set<string>) => ({
			before: await sum(cells, before.from, before.to),
			after: await sum(cells, from, to)
		});
		let result: WddResult | null = null;
		let counts: NonNullable<Assessment['wdd']>['counts'] = null;
		let note =
			'WDD = ΔT − ΔCt + ΔD − ΔCd (Wheeler & Ratcliffe 2018); negative = less crime than the controls predict, net of displacement.';
		if (Ct.size === 0) note = 'No untasked cell had crime before: there is no comparison area.';
		else {
			counts = {
				treated: await ba(T),
				control: await ba(Ct),
				displacement: await ba(D),
				displacementControl: await ba(Cd)
			};
			result = weightedDisplacementDifference(counts);
		}
		wdd = {
			res,
			before,
			after: { from, to },
			cells: {
				treated: T.size,
				control: Ct.size,
				displacement: D.size,
				displacementControl: Cd.size
			},
			counts,
			result,
			note
		};
	}
	return { areaId, from, to, randomised, wdd };
}

function resOf(cell: string): number {
	return parseInt(cell[1], 16);
}
