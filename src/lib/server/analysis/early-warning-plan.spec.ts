import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { dayToIso, isoToDay } from './days';
import { earsC2, farringtonFlexible } from './early-warning';
import {
	checkSeries,
	farringtonHasHistory,
	historyWeeks,
	mondayOf,
	planCheck
} from './early-warning-plan';

const day = isoToDay;
const weeks = (p: { weekDays: number[]; checkIndexes: number[] }) =>
	p.checkIndexes.map((i) => dayToIso(p.weekDays[i]));

describe('planCheck: the weeks of a check', () => {
	it('uses whole Monday–Sunday weeks only (a partial first or last week is left out)', () => {
		// Wed 2024-01-03 … Wed 2024-03-06: first whole week from Mon 8 Jan, last ends Sun 3 Mar.
		const p = planCheck({
			firstDay: day('2024-01-03'),
			lastDay: day('2024-03-06'),
			changedFrom: null
		})!;
		expect(dayToIso(p.weekDays[0])).toBe('2024-01-08');
		expect(dayToIso(p.weekDays.at(-1)!)).toBe('2024-02-26');
		expect(weeks(p)).toEqual(['2024-02-26']);
	});

	it('checks from the week of the first changed day, at most maxCheckWeeks', () => {
		const base = { firstDay: day('2023-01-02'), lastDay: day('2024-03-03') };
		expect(weeks(planCheck({ ...base, changedFrom: day('2024-02-14') })!)).toEqual([
			'2024-02-12',
			'2024-02-19',
			'2024-02-26'
		]);
		const long = planCheck({ ...base, changedFrom: day('2023-01-02'), maxCheckWeeks: 4 })!;
		expect(weeks(long)).toEqual(['2024-02-05', '2024-02-12', '2024-02-19', '2024-02-26']);
	});

	it('still checks the last whole week when only a partial week was added', () => {
		const p = planCheck({
			firstDay: day('2024-01-01'),
			lastDay: day('2024-03-06'),
			changedFrom: day('2024-03-05')
		})!;
		expect(weeks(p)).toEqual(['2024-02-26']);
	});

	it('is null without a whole week', () => {
		expect(
			planCheck({ firstDay: day('2024-01-02'), lastDay: day('2024-01-08'), changedFrom: null })
		).toBeNull();
	});

	it('keeps at most historyWeeks of history before the first week checked', () => {
		const p = planCheck({
			firstDay: day('2000-01-03'),
			lastDay: day('2024-03-03'),
			changedFrom: null
		})!;
		expect(p.checkIndexes[0]).toBe(historyWeeks());
		expect(p.method).toBe('farrington');
	});
});

describe('method choice', () => {
	it('EARS C2 with less than 5 years and 3 weeks of history, Farrington with them', () => {
		const last = day('2024-03-03');
		const short = planCheck({ firstDay: day('2019-03-04'), lastDay: last, changedFrom: null })!;
		expect(short.method).toBe('ears-c2');
		expect(short.reason).toMatch(/EARS C2/);
		const enough = planCheck({ firstDay: day('2019-01-28'), lastDay: last, changedFrom: null })!;
		expect(enough.method).toBe('farrington');
	});

	it('chooses Farrington exactly when farringtonFlexible gives thresholds (no "history too short")', () => {
		const counts = Array.from({ length: 300 }, (_, i) => 5 + (i % 3));
		const weekDays = counts.map((_, i) => day('2015-01-05') + 7 * i);
		for (let k = 258; k < 272; k++) {
			const [check] = farringtonFlexible(counts, weekDays, [k]);
			const short = check.note?.startsWith('history too short') ?? false;
			expect(farringtonHasHistory(weekDays, k), `week ${k}`).toBe(!short);
		}
	});

	it('EARS C2 needs 9 weeks: no threshold before', () => {
		const p = planCheck({
			firstDay: day('2024-01-01'),
			lastDay: day('2024-03-03'),
			changedFrom: day('2024-01-01')
		})!;
		const checks = earsC2(new Array(p.weekDays.length).fill(3), p.checkIndexes);
		expect(checks.map((c) => c.threshold === null)).toEqual(p.checkIndexes.map((i) => i < 9));
	});
});

describe('history cut to historyWeeks changes no threshold (R reference series)', () => {
	const fx = JSON.parse(
		readFileSync('tests/fixtures/early-warning/chicago-districts.json', 'utf8')
	) as { weeksFrom: string; counts: Record<string, number[]> };
	it('district 1, last 8 weeks of 2019', () => {
		const counts = fx.counts['1'];
		const from = day(fx.weeksFrom);
		const weekDays = counts.map((_, i) => from + 7 * i);
		const n = counts.length;
		const check = Array.from({ length: 8 }, (_, j) => n - 8 + j);
		const full = farringtonFlexible(counts, weekDays, check);
		const p = planCheck({
			firstDay: from,
			lastDay: weekDays[n - 1] + 6,
			changedFrom: weekDays[n - 8]
		})!;
		const offset = (p.weekDays[0] - from) / 7;
		expect(offset).toBeGreaterThan(0);
		const cut = farringtonFlexible(counts.slice(offset), p.weekDays, p.checkIndexes);
		expect(cut.map((c) => c.threshold)).toEqual(full.map((c) => c.threshold));
		expect(full.every((c) => c.threshold !== null)).toBe(true);
	});

	it('mondayOf', () => {
		expect(dayToIso(mondayOf(day('2024-03-03')))).toBe('2024-02-26');
		expect(dayToIso(mondayOf(day('2024-02-26')))).toBe('2024-02-26');
	});
});

describe('checkSeries with alarmsOnly', () => {
	it('finds the same alarms as computing every week (R reference series, EARS C2 and Farrington)', () => {
		const fx = JSON.parse(
			readFileSync('tests/fixtures/early-warning/chicago-districts.json', 'utf8')
		) as { weeksFrom: string; counts: Record<string, number[]> };
		const from = day(fx.weeksFrom);
		for (const method of ['ears-c2', 'farrington'] as const) {
			const counts = fx.counts['1'];
			const weekDays = counts.map((_, i) => from + 7 * i);
			const checkIndexes = Array.from({ length: 30 }, (_, j) => counts.length - 30 + j);
			const plan = { method, weekDays, checkIndexes };
			const all = checkSeries(counts, plan);
			const quick = checkSeries(counts, plan, true);
			expect(quick.map((c) => c.alarm)).toEqual(all.map((c) => c.alarm));
			for (const c of quick)
				if (c.threshold !== null)
					expect(c.threshold).toBe(all.find((a) => a.index === c.index)!.threshold);
		}
	});
});
