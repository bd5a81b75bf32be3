import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { earsC2, farringtonFlexible, referenceWeek } from './early-warning';
import { isoToDay, dayToIso } from './days';

/**
 * Reference: R surveillance 1.20.3 (tests/fixtures/early-warning/reference.R) on the weekly counts of
 * aggravated assaults in four Chicago police districts, 2010-2019; every week from 2016-01-04 checked.
 */
interface Expected {
	threshold: (number | null)[];
	alarm: number[];
}
const fx = JSON.parse(
	readFileSync('tests/fixtures/early-warning/chicago-districts.json', 'utf8')
) as {
	weeksFrom: string;
	checkFrom: string;
	counts: Record<string, number[]>;
	farrington: Record<string, Expected>;
	earsC2: Record<string, Expected>;
};
const from = isoToDay(fx.weeksFrom);
const checkFrom = isoToDay(fx.checkFrom);

function setup(group: string) {
	const counts = fx.counts[group];
	const days = counts.map((_, i) => from + 7 * i);
	const check = days.flatMap((d, i) => (d >= checkFrom ? [i] : []));
	return { counts, days, check };
}

describe('farringtonFlexible equals R surveillance (b 5, w 3, noPeriods 10, nbPlugin)', () => {
	for (const group of Object.keys(fx.counts)) {
		it(`district ${group}: every threshold and alarm`, () => {
			const { counts, days, check } = setup(group);
			const got = farringtonFlexible(counts, days, check);
			expect(got.map((w) => w.threshold)).toEqual(fx.farrington[group].threshold);
			expect(got.map((w) => (w.alarm ? 1 : 0))).toEqual(fx.farrington[group].alarm);
		});
	}

	it('the fixture holds both alarms and quiet weeks', () => {
		const all = Object.values(fx.farrington);
		expect(all.some((e) => e.alarm.includes(1))).toBe(true);
		expect(all.some((e) => e.alarm.includes(0))).toBe(true);
	});

	it('no threshold where five years of history are missing, saying why', () => {
		const { counts, days } = setup('1');
		const [w] = farringtonFlexible(counts, days, [200]);
		expect(w.threshold).toBeNull();
		expect(w.alarm).toBe(false);
		expect(w.note).toMatch(/history too short/);
	});

	it('no threshold with fewer than 5 cases in the last 4 weeks (limit54)', () => {
		const counts = new Array(400).fill(3);
		counts[399] = 1;
		counts[398] = 1;
		counts[397] = 1;
		counts[396] = 1;
		const days = counts.map((_, i) => from + 7 * i);
		const [w] = farringtonFlexible(counts, days, [399]);
		expect(w.threshold).toBeNull();
		expect(w.note).toMatch(/fewer than 5 cases/);
	});

	it('raises an alarm on a constructed outbreak and not on the week before', () => {
		// A stable seasonal series with Poisson-like noise, then a week at four times the level.
		let seed = 7;
		const rand = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
		const counts = Array.from({ length: 330 }, (_, i) => {
			const mean = 20 + 6 * Math.sin((2 * Math.PI * i) / 52);
			return Math.round(mean + (rand() - 0.5) * 2 * Math.sqrt(mean));
		});
		counts[329] = 100;
		const days = counts.map((_, i) => from + 7 * i);
		const [before, outbreak] = farringtonFlexible(counts, days, [328, 329]);
		expect(before.alarm).toBe(false);
		expect(outbreak.alarm).toBe(true);
		expect(outbreak.threshold!).toBeLessThan(60);
	});
});

describe('referenceWeek: the same weekday nearest the same date in earlier years', () => {
	it('29 February becomes 1 March before the nearest Monday is taken', () => {
		expect(dayToIso(referenceWeek(isoToDay('2016-02-29'), 1))).toBe('2015-03-02');
		expect(dayToIso(referenceWeek(isoToDay('2016-01-04'), 1))).toBe('2015-01-05');
		expect(dayToIso(referenceWeek(isoToDay('2016-01-04'), 0))).toBe('2016-01-04');
	});
});

describe('earsC2 equals R surveillance earsC(method C2, baseline 7, alpha 0.001)', () => {
	for (const group of Object.keys(fx.counts)) {
		it(`district ${group}`, () => {
			const { counts, check } = setup(group);
			const got = earsC2(counts, check);
			const want = fx.earsC2[group];
			got.forEach((w, i) => expect(w.threshold).toBeCloseTo(want.threshold[i]!, 7));
			expect(got.map((w) => (w.alarm ? 1 : 0))).toEqual(want.alarm);
		});
	}

	it('no threshold before nine weeks of history', () => {
		expect(earsC2([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], [8, 9]).map((w) => w.threshold)).toEqual([
			null,
			expect.any(Number)
		]);
	});
});
