import { describe, expect, it } from 'vitest';
import { latLngToCell } from 'h3-js';
import { allocateCells, drawPatrolControl, planDosage, type CandidateSpot } from './tasking-plan';
import { randomisedEffect } from './randomised-effect';
import { harmWeight } from './harm-index';
import { CADENCE_PRESETS } from './cadence';

// Two clusters of cells ~2 km apart in area 1, and one cell in area 2.
const west = [0, 1, 2].map((i) => latLngToCell(51.515, -0.1 + i * 0.005, 9));
const east = [0, 1, 2].map((i) => latLngToCell(51.515, -0.04 + i * 0.005, 9));
const other = latLngToCell(51.5, -0.2, 9);

describe('allocateCells', () => {
	const spots: CandidateSpot[] = [
		{ cell: west[0], areaId: 1, risk: 10 },
		{ cell: east[0], areaId: 1, risk: 9 },
		{ cell: west[1], areaId: 1, risk: 8 },
		{ cell: east[1], areaId: 1, risk: 7 },
		{ cell: west[2], areaId: 1, risk: 6 },
		{ cell: east[2], areaId: 1, risk: 5 },
		{ cell: other, areaId: 2, risk: 100 }
	];

	it('keeps each unit to its own area and its cells together', () => {
		const a = allocateCells(
			spots,
			[
				{ id: 1, areaId: 1 },
				{ id: 2, areaId: 1 }
			],
			{ spotsPerUnit: 3 }
		);
		expect(a.byUnit.get(1)).toEqual([west[0], west[1], west[2]]);
		expect(a.byUnit.get(2)).toEqual([east[0], east[1], east[2]]);
		// Area 2 has no unit: its cell is left over, however high its risk.
		expect(a.unallocated.map((s) => s.cell)).toEqual([other]);
		expect(a.meanDistanceM).toBeLessThan(300);
	});

	it('gives the highest-risk cells first when units have too little room', () => {
		const a = allocateCells(spots, [{ id: 5, areaId: 1 }], { spotsPerUnit: 2 });
		expect(a.byUnit.get(5)).toEqual([west[0], east[0]]);
		expect(a.unallocated.map((s) => s.cell)).toEqual([other, west[1], east[1], west[2], east[2]]);
	});

	it('respects a unit capacity of its own and refuses a duplicated cell', () => {
		const a = allocateCells(
			spots,
			[
				{ id: 1, areaId: 1, capacity: 1 },
				{ id: 2, areaId: 2 }
			],
			{ spotsPerUnit: 4 }
		);
		expect(a.byUnit.get(1)).toEqual([west[0]]);
		expect(a.byUnit.get(2)).toEqual([other]);
		expect(() => allocateCells([spots[0], spots[0]], [], { spotsPerUnit: 1 })).toThrow(
			/listed twice/
		);
		expect(() => allocateCells(spots, [], { spotsPerUnit: 0 })).toThrow(/spotsPerUnit/);
	});
});

describe('planDosage', () => {
	const base = {
		visitMinutes: 15,
		targetVisits: 3,
		maxVisits: 4,
		seed: 42,
		shiftStart: Date.parse('2024-03-01T15:00:00Z'),
		shiftMinutes: 480
	};

	it('plans the target visits per spot, spread over the shift, never the same spot twice in a row', () => {
		const plan = planDosage(west, base);
		expect(plan.visits).toHaveLength(9);
		for (const c of west) expect(plan.visits.filter((v) => v.cell === c)).toHaveLength(3);
		for (let i = 1; i < plan.visits.length; i++)
			expect(plan.visits[i].cell).not.toBe(plan.visits[i - 1].cell);
		expect(plan.slotMinutes).toBeCloseTo(480 / 9, 9);
		expect(plan.visits[0].start).toBe(base.shiftStart);
		expect(plan.visits[1].start).toBe(base.shiftStart + 53 * 60_000);
		expect(plan.visits[8].end - plan.visits[8].start).toBe(15 * 60_000);
		expect(plan.visits.map((v) => v.seq)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
	});

	it('draws the order from the seed: same seed same order, another seed another order', () => {
		const a = planDosage(east, base).visits.map((v) => v.cell);
		expect(planDosage(east, base).visits.map((v) => v.cell)).toEqual(a);
		const orders = new Set(
			[1, 2, 3, 4, 5, 6].map((seed) =>
				planDosage(east, { ...base, seed })
					.visits.map((v) => v.cell)
					.join()
			)
		);
		expect(orders.size).toBeGreaterThan(1);
	});

	it('caps each spot at the daily maximum, counting visits other shifts planned', () => {
		const plan = planDosage(west, {
			...base,
			alreadyPlanned: new Map([
				[west[0], 2],
				[west[1], 4]
			])
		});
		expect(plan.perSpot.get(west[0])).toBe(2);
		expect(plan.perSpot.get(west[1])).toBe(0);
		expect(plan.perSpot.get(west[2])).toBe(3);
		expect(plan.capped).toEqual([
			{ cell: west[0], planned: 2 },
			{ cell: west[1], planned: 0 }
		]);
		expect(plan.visits).toHaveLength(5);
	});

	it('refuses a plan that does not fit in the shift, or a target above the maximum', () => {
		expect(() =>
			planDosage([...west, ...east], { ...base, visitMinutes: 30, targetVisits: 3 })
		).toThrow(/do not fit/);
		expect(() => planDosage(west, { ...base, targetVisits: 5 })).toThrow(/above maxVisits/);
	});

	it('the cited presets fit their spots in an 8-hour shift', () => {
		for (const p of CADENCE_PRESETS) {
			expect(p.citations.length).toBeGreaterThan(0);
			expect(p.spotsPerUnit * p.targetVisits * p.visitMinutes).toBeLessThanOrEqual(480);
			expect(p.targetVisits).toBeLessThanOrEqual(p.maxVisits);
		}
	});
});

describe('drawPatrolControl', () => {
	it('splits eligible spots in half by a seed, the same every time', () => {
		const cells = [...west, ...east];
		const a = drawPatrolControl(cells, 9);
		expect(a.patrol).toHaveLength(3);
		expect(a.control).toHaveLength(3);
		expect([...a.patrol, ...a.control].sort()).toEqual([...cells].sort());
		expect(drawPatrolControl([...cells].reverse(), 9)).toEqual(a);
		const draws = new Set([1, 2, 3, 4, 5].map((s) => drawPatrolControl(cells, s).patrol.join()));
		expect(draws.size).toBeGreaterThan(1);
		expect(drawPatrolControl(west, 1).patrol).toHaveLength(2);
	});
});

describe('randomisedEffect', () => {
	it('difference of means with Welch standard error and a 95 % interval', () => {
		const r = randomisedEffect([0, 1, 0, 2], [2, 3, 1, 2]);
		// means 0.75 and 2; variances 11/12 and 2/3; se = √(11/48 + 2/12) = √(19/48)
		expect(r.difference).toBe(-1.25);
		expect(r.se).toBeCloseTo(Math.sqrt(19 / 48), 12);
		expect(r.ci[0]).toBeCloseTo(-1.25 - 1.959963984540054 * Math.sqrt(19 / 48), 9);
		expect(r.ci[1]).toBeCloseTo(-1.25 + 1.959963984540054 * Math.sqrt(19 / 48), 9);
		expect(r.p).toBeGreaterThan(0.04);
		expect(r.p).toBeLessThan(0.06);
		expect(() => randomisedEffect([1], [1, 2])).toThrow(/at least two/);
	});
});

describe('harmWeight', () => {
	it('uses an offence weight where known, else the approximate category weight', () => {
		expect(harmWeight('violence-and-sexual-offences', 'nibrs 13a')).toMatchObject({
			weight: 380,
			approximate: false
		});
		const broad = harmWeight('violence-and-sexual-offences');
		expect(broad.approximate).toBe(true);
		expect(broad.range).toEqual([9, 7797]);
		expect(harmWeight('no-such').weight).toBe(1);
	});
});
