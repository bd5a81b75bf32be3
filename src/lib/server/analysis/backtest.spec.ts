import { describe, expect, it } from 'vitest';
import { latLngToCell, gridDisk } from 'h3-js';
import {
	backtest,
	originMetrics,
	selectCells,
	selectionSize,
	type BacktestEvent
} from './backtest';
import { forecastModel, prospectiveModel, recentModel } from './forecast-models';

const at = (iso: string, hour = 12) =>
	Date.UTC(+iso.slice(0, 4), +iso.slice(5, 7) - 1, +iso.slice(8, 10), hour);
const rows = (cell: string, iso: string, n = 1, hour = 12): BacktestEvent[] =>
	Array.from({ length: n }, () => ({ cell, wallMs: at(iso, hour) }));

/**
 * Ten study cells a–j. Before the origin 2021-01-10, recent:7 (rows in [01-03, 01-10)) scores a 3,
 * b 1, c 1, d 1 (e's row of 01-01 is older); the 7 days from the origin hold a 2, c 1, e 3, f 1, g 1
 * (n = 8); h, i, j hold rows only on 02-20, after every horizon.
 */
const events: BacktestEvent[] = [
	...rows('a', '2021-01-05', 3),
	...rows('b', '2021-01-09'),
	...rows('c', '2021-01-03', 1, 0),
	...rows('d', '2021-01-09', 1, 23),
	...rows('e', '2021-01-01'),
	...rows('a', '2021-01-10', 1, 0),
	...rows('a', '2021-01-16', 1, 23),
	...rows('c', '2021-01-12'),
	...rows('e', '2021-01-11', 3),
	...rows('f', '2021-01-13'),
	...rows('g', '2021-01-14'),
	...rows('b', '2021-01-17', 1, 0),
	...rows('h', '2021-02-20'),
	...rows('i', '2021-02-20'),
	...rows('j', '2021-02-20')
];
const base = { from: '2021-01-10', to: '2021-01-10', stepDays: 7, horizonDays: 7 };

describe('backtest contract (hand-computed)', () => {
	it('k = ceil(C × cells), robust to binary floating point', () => {
		expect(selectionSize(0.1, 30)).toBe(3);
		expect(selectionSize(0.05, 4592)).toBe(230);
		expect(selectionSize(0.2, 10)).toBe(2);
		expect(selectionSize(0.21, 10)).toBe(3);
		expect(selectionSize(1, 7)).toBe(7);
	});

	it('selects every cell tied at the k-th score, and only positive cells when that score is 0', () => {
		expect(selectCells([3, 1, 1, 1, 0, 0], 2)).toEqual([0, 1, 2, 3]);
		expect(selectCells([3, 1, 1, 1, 0, 0], 5)).toEqual([0, 1, 2, 3]);
		expect(selectCells([0, 0, 0], 1)).toEqual([]);
		expect(selectCells([2, 5, 4], 2)).toEqual([1, 2]);
	});

	it('ties at the k-th score: 4 cells selected for k = 2; hits, PAI and PEI*', () => {
		const r = backtest(events, { ...base, coverage: 0.2, model: recentModel(7) });
		expect(r.studyCells).toBe(10);
		expect(r.k).toBe(2);
		// a, b, c, d selected; future a 2 + c 1 = 3 of 8; best 4 future cells e 3 + a 2 + 1 + 1 = 7.
		expect(r.origins).toEqual([
			{
				origin: '2021-01-10',
				selectedCells: 4,
				hits: 3,
				incidents: 8,
				hitRate: 3 / 8,
				pai: 3 / 8 / (4 / 10),
				pei: 3 / 7
			}
		]);
		expect(r.mean).toEqual({ hitRate: 3 / 8, pai: 0.9375, pei: 3 / 7 });
	});

	it('a k-th score of 0 selects only cells scoring > 0', () => {
		const r = backtest(events, { ...base, coverage: 0.5, model: recentModel(7) });
		expect(r.k).toBe(5);
		expect(r.origins[0]).toMatchObject({ selectedCells: 4, hits: 3, incidents: 8 });
	});

	it('k = 1: the top cell alone; PEI* against the single busiest future cell', () => {
		const r = backtest(events, { ...base, coverage: 0.1, model: recentModel(7) });
		expect(r.origins[0]).toEqual({
			origin: '2021-01-10',
			selectedCells: 1,
			hits: 2,
			incidents: 8,
			hitRate: 0.25,
			pai: 2.5,
			pei: 2 / 3
		});
	});

	it('rows at the origin midnight belong to the future, rows one minute before to the past', () => {
		// a's row at 01-10 00:00 is a future hit; b's row at 01-17 00:00 is outside the 7 days.
		const r = backtest(events, { ...base, coverage: 0.2, model: recentModel(7) });
		expect(r.origins[0].incidents).toBe(8);
		const edge: BacktestEvent[] = [
			{ cell: 'x', wallMs: at('2021-01-09', 23) + 59 * 60_000 },
			{ cell: 'y', wallMs: at('2021-01-10', 0) }
		];
		const s = backtest(edge, { ...base, horizonDays: 1, coverage: 0.5, model: recentModel(1) });
		expect(s.origins[0]).toMatchObject({ selectedCells: 1, hits: 0, incidents: 1, pai: 0 });
	});

	it('skips origins without incidents and averages over the rest', () => {
		const r = backtest(events, {
			...base,
			to: '2021-01-31',
			coverage: 0.2,
			model: recentModel(7)
		});
		expect(r.origins.map((o) => o.origin)).toEqual(['2021-01-10', '2021-01-17']);
		expect(r.skippedOrigins).toEqual(['2021-01-24', '2021-01-31']);
		// 01-17: recent:7 over [01-10, 01-17) scores e 3, a 2, c 1, f 1, g 1;
		// k = 2 → 2nd score 2 → e, a selected; future: b 1 (01-17 00:00) → h = 0 of 1.
		expect(r.origins[1]).toEqual({
			origin: '2021-01-17',
			selectedCells: 2,
			hits: 0,
			incidents: 1,
			hitRate: 0,
			pai: 0,
			pei: 0
		});
		expect(r.mean!.pai).toBeCloseTo(0.9375 / 2, 12);
		expect(r.mean!.pei).toBeCloseTo(3 / 7 / 2, 12);
	});

	it('nothing measured when no origin has incidents', () => {
		const r = backtest(events, {
			...base,
			from: '2021-03-01',
			to: '2021-03-10',
			coverage: 0.2,
			model: recentModel(7)
		});
		expect(r.origins).toEqual([]);
		expect(r.mean).toBeNull();
		expect(r.skippedOrigins).toHaveLength(2);
	});

	it('a shift counts only incidents at its local hours, wrapping midnight', () => {
		// 23:00–07:00: a's 01-10 00:00 and 01-16 23:00 rows count; the noon rows do not.
		const r = backtest(events, {
			...base,
			coverage: 0.2,
			model: recentModel(7),
			hours: { startHour: 23, hours: 8 }
		});
		expect(r.origins[0]).toMatchObject({
			selectedCells: 4,
			hits: 2,
			incidents: 2,
			pai: 1 / (4 / 10)
		});
	});

	it('explicit origins (e.g. months) instead of a fixed step; untimed rows are outside any shift', () => {
		const r = backtest(events, {
			...base,
			to: '2021-02-28',
			origins: ['2021-01-10', '2021-02-20'],
			coverage: 0.2,
			model: recentModel(7)
		});
		expect(r.origins.map((o) => o.origin)).toEqual(['2021-01-10', '2021-02-20']);
		// 02-20: h, i, j one row each; recent:7 scores nothing → nothing selected.
		expect(r.origins[1]).toMatchObject({ selectedCells: 0, hits: 0, incidents: 3, pai: 0, pei: 0 });
		const untimed = events.map((e) => ({ ...e, timed: e.cell !== 'a' }));
		const s = backtest(untimed, {
			...base,
			coverage: 0.2,
			model: recentModel(7),
			hours: { startHour: 0, hours: 24 }
		});
		// a's two future rows have no time of day: 6 of the 8 incidents remain.
		expect(s.origins[0]).toMatchObject({ incidents: 6, hits: 1 });
		expect(() =>
			backtest(events, {
				...base,
				origins: ['2021-01-11', '2021-01-10'],
				coverage: 0.2,
				model: recentModel(7)
			})
		).toThrow(/ascending|outside/);
	});

	it('rejects bad options with codes', () => {
		const m = recentModel(7);
		expect(() => backtest(events, { ...base, coverage: 0, model: m })).toThrow(/coverage/);
		expect(() => backtest(events, { ...base, stepDays: 0, coverage: 0.1, model: m })).toThrow(
			/stepDays/
		);
		expect(() => backtest(events, { ...base, to: '2021-01-01', coverage: 0.1, model: m })).toThrow(
			/before/
		);
		expect(() => backtest([], { ...base, coverage: 0.1, model: m })).toThrow(/no events/);
		expect(() => forecastModel('recent:0')).toThrow(/recent:N/);
		expect(() => forecastModel('magic')).toThrow(/unknown model/);
	});

	it('originMetrics: PEI* is 1 for a perfect selection', () => {
		expect(originMetrics([0, 2], [4, 0, 3, 1])).toMatchObject({
			hits: 7,
			incidents: 8,
			pei: 1,
			pai: 7 / 8 / (2 / 4)
		});
	});
});

describe('prospective model', () => {
	const centre = latLngToCell(41.88, -87.63, 9);
	const disk = gridDisk(centre, 3).sort();

	it('hands the baseline count distribution to its own ranking: as many cells as recent:28', () => {
		const evs: BacktestEvent[] = [];
		// A steady hot cell with a long history, and scattered one-off rows in the last 28 days.
		for (let d = 0; d < 300; d += 5)
			evs.push({ cell: disk[0], wallMs: at('2020-03-01') + d * 86_400_000 });
		disk
			.slice(1, 15)
			.forEach((c, i) => evs.push({ cell: c, wallMs: at('2020-12-05') + i * 3_600_000 }));
		disk.forEach((c) => evs.push({ cell: c, wallMs: at('2021-01-03') }));
		const opts = {
			from: '2021-01-01',
			to: '2021-01-01',
			stepDays: 1,
			horizonDays: 7,
			coverage: 0.05
		};
		const b = backtest(evs, { ...opts, model: recentModel(28) });
		const m = backtest(evs, { ...opts, model: prospectiveModel() });
		expect(m.origins[0].selectedCells).toBe(b.origins[0].selectedCells);
		// Continuous scores select exactly k.
		const c = backtest(evs, { ...opts, model: prospectiveModel({ countDays: 0 }) });
		expect(c.origins[0].selectedCells).toBe(c.k);
	});

	it('ranks a cell with a long history above an older one-off, and spreads risk to neighbours', () => {
		const score = (evs: BacktestEvent[], opts = {}) => {
			const m = prospectiveModel({ countDays: 0, ...opts });
			const cells = [...new Set(evs.map((e) => e.cell))].sort();
			const idx = new Map(cells.map((c, i) => [c, i]));
			const sorted = [...evs].sort((a, b) => a.wallMs - b.wallMs);
			const s = m.scorer(
				{
					cells,
					cell: Int32Array.from(sorted.map((e) => idx.get(e.cell)!)),
					wallMs: Float64Array.from(sorted.map((e) => e.wallMs)),
					timed: Uint8Array.from(sorted.map((e) => (e.timed === false ? 0 : 1))),
					weight: Float64Array.from(sorted.map((e) => e.weight ?? 1))
				},
				{ hours: null }
			)(at('2021-01-01', 0));
			return new Map(cells.map((c, i) => [c, s[i]]));
		};
		const hot = gridDisk(centre, 0)[0];
		const neighbour = gridDisk(centre, 1).find((c) => c !== hot)!;
		const far = disk[disk.length - 1];
		const evs: BacktestEvent[] = [
			...Array.from({ length: 20 }, (_, i) => ({
				cell: hot,
				wallMs: at('2020-01-10') + i * 15 * 86_400_000
			})),
			{ cell: far, wallMs: at('2020-11-15') },
			{ cell: neighbour, wallMs: at('2021-02-01') }
		];
		const s = score(evs);
		expect(s.get(hot)!).toBeGreaterThan(s.get(far)!);
		expect(s.get(neighbour)!).toBeGreaterThan(0);
		expect(score(evs, { ring1Weight: 0, ring2Weight: 0 }).get(neighbour)).toBe(0);
		// Harm: one row of weight 50 outweighs the twenty of weight 1.
		const harmed = evs.map((e) => ({ ...e, weight: e.cell === far ? 50 : 1 }));
		expect(score(harmed, { harm: true }).get(far)!).toBeGreaterThan(
			score(harmed, { harm: true }).get(hot)!
		);
	});
});
