import { describe, expect, it } from 'vitest';
import { dayNumber, knoxTest, type KnoxEvent } from './knox';
import { mulberry32, shuffleInPlace } from './random';
import { readFixture } from './test-data';

const dir = 'knox-nearrepeat';

function loadEvents(file: string): KnoxEvent[] {
	return readFixture(dir, file)
		.trim()
		.split(/\r?\n/)
		.map((line) => {
			const [x, y, d] = line.split(',');
			return { x: Number(x), y: Number(y), t: dayNumber(d) };
		});
}

interface NrcCell {
	sims: number[];
	observed: number;
	mean: number;
}

/** Parse the NRC verbose CSV: observed table and every cell's simulated counts. */
function parseVerbose(file: string) {
	const lines = readFixture(dir, file).split(/\r?\n/);
	const start = lines.findIndex((l) => l.startsWith('Observed frequencies distribution'));
	const observed = lines.slice(start + 3, start + 8).map((l) =>
		l
			.split(',')
			.slice(2, 6)
			.map((v) => (v.trim() === '' ? 0 : Number(v)))
	);
	const ratioStart = lines.findIndex((l) => l.startsWith('Observed over mean expected'));
	const ratios = lines.slice(ratioStart + 3, ratioStart + 8).map((l) =>
		l
			.split(',')
			.slice(2, 6)
			.map((v) => (v.trim() === '' ? 0 : Number(v)))
	);
	const cells = new Map<string, NrcCell>();
	for (let i = 0; i < lines.length; i++) {
		const m = /^Row (\d+) Column (\d+)/.exec(lines[i]);
		if (!m) continue;
		const sims: number[] = [];
		let k = i + 1;
		for (; !lines[k].startsWith('Observed'); k++)
			for (const v of lines[k].split(',').slice(1)) if (v.trim() !== '') sims.push(Number(v));
		const obs = Number(lines[k].split(',')[1]);
		const mean = Number(lines.find((l, j) => j > k && l.startsWith('Mean'))!.split(',')[1]);
		cells.set(`${Number(m[1]) - 1},${Number(m[2]) - 1}`, { sims, observed: obs, mean });
	}
	return { observed, ratios, cells };
}

/** The "Observed over mean expected frequencies" table of the NRC summary .htm (2 decimals). */
function parseSummaryRatios(file: string): number[][] {
	const html = readFixture(dir, file);
	const start = html.indexOf('Observed over mean expected frequencies table');
	const end = html.indexOf('Statistical significance table');
	const cells = [...html.slice(start, end).matchAll(/>\s*(\d+\.\d+)\s*</g)].map((m) =>
		Number(m[1])
	);
	return [0, 1, 2, 3, 4].map((r) => cells.slice(r * 4, r * 4 + 4));
}

function sd(xs: number[]): number {
	const m = xs.reduce((a, b) => a + b, 0) / xs.length;
	return Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1));
}

describe('Knox against the Near Repeat Calculator (Chicago)', () => {
	const runs = [
		{
			name: 'arson 200 m × 3, 1 day × 3, Manhattan, 99 iterations',
			events: 'chicago_arson.csv',
			verbose: 'chicago_arson_NRverbose_2019-09-23_145637.csv',
			summary: 'chicago_arson_NRsummary_2019-09-23_145637.htm',
			distanceBands: { width: 200, count: 3 },
			timeBands: { width: 1, count: 3 },
			rows: ['0 m (same location)', '(0, 200) m', '[200, 400) m', '[400, 600) m', '≥ 600 m'],
			cols: ['[0, 1) d', '[1, 2) d', '[2, 3) d', '≥ 3 d']
		},
		{
			name: 'residential burglary 100 m × 3, 7 days × 3, Manhattan, 19 iterations',
			events: 'chicago_be_month1.csv',
			verbose: 'chicago_be_month1_NRverbose_2019-09-23_143005.csv',
			summary: 'chicago_be_month1_NRsummary_2019-09-23_143005.htm',
			distanceBands: { width: 100, count: 3 },
			timeBands: { width: 7, count: 3 },
			rows: ['0 m (same location)', '(0, 100) m', '[100, 200) m', '[200, 300) m', '≥ 300 m'],
			cols: ['[0, 7) d', '[7, 14) d', '[14, 21) d', '≥ 21 d']
		}
	];
	for (const run of runs) {
		it(`${run.name}: observed table exact, Knox ratios within Monte-Carlo error`, () => {
			const events = loadEvents(run.events);
			const nrc = parseVerbose(run.verbose);
			const summaryRatios = parseSummaryRatios(run.summary);
			// The summary page's table is the verbose table rounded to 2 decimals.
			expect(summaryRatios.flat()).toHaveLength(20);
			summaryRatios.forEach((row, i) =>
				row.forEach((v, j) => expect(Math.abs(v - nrc.ratios[i][j])).toBeLessThanOrEqual(0.0051))
			);
			const r = knoxTest(events, {
				distanceBands: run.distanceBands,
				timeBands: run.timeBands,
				metric: 'manhattan',
				coordinatePrecision: 'float32',
				permutations: 999,
				seed: 20190923
			});
			expect(r.rowLabels).toEqual(run.rows);
			expect(r.colLabels).toEqual(run.cols);
			expect(r.observed).toEqual(nrc.observed);
			expect(r.parameters.pairs).toBe((events.length * (events.length - 1)) / 2);
			if (run.events === 'chicago_arson.csv') {
				// The headline: (0, 200) m within the same day, NRC ratio 74.25, p = 0.01 (its floor at 99).
				expect(summaryRatios[1][0]).toBe(74.25);
				expect(r.ratio[1][0]!).toBeGreaterThan(40);
				expect(r.p[1][0]).toBe(0.001);
			}
			for (let row = 0; row < 5; row++)
				for (let col = 0; col < 4; col++) {
					const cell = nrc.cells.get(`${row},${col}`)!;
					expect(cell.observed).toBe(r.observed[row][col]);
					// Our 999-permutation mean and the NRC's mean differ by Monte-Carlo error only: allow
					// 4 standard errors of the difference (NRC's from its own simulations, ours ≈ Poisson).
					const ourMean = r.expected[row][col];
					const seNrc = sd(cell.sims) / Math.sqrt(cell.sims.length);
					const tol = 4 * Math.sqrt(seNrc ** 2 + ourMean / 999) + 1e-9;
					expect(Math.abs(ourMean - cell.mean), `row ${row} col ${col}`).toBeLessThanOrEqual(tol);
					const nrcRatio = summaryRatios[row][col];
					const obs = r.observed[row][col];
					if (nrcRatio > 0 && r.ratio[row][col] !== null) {
						// The summary prints ratios to 2 decimals.
						const lo = obs / (ourMean + tol);
						const hi = ourMean > tol ? obs / (ourMean - tol) : Infinity;
						expect(nrcRatio).toBeGreaterThanOrEqual(lo - 0.005);
						expect(nrcRatio).toBeLessThanOrEqual(hi + 0.005);
					}
				}
		});
	}

	it('arson in double precision differs from NRC by the one 399.96 m pair (documented quirk)', () => {
		const r = knoxTest(loadEvents('chicago_arson.csv'), {
			distanceBands: { width: 200, count: 3 },
			timeBands: { width: 1, count: 3 },
			permutations: 1
		});
		expect(r.observed[2][3]).toBe(141);
		expect(r.observed[3][3]).toBe(234 - 1);
	});

	it('is deterministic for a seed (970 events × 999 permutations; speed is a bench matter)', () => {
		const events = loadEvents('chicago_be_month1.csv');
		const opts = {
			distanceBands: { width: 100, count: 3 },
			timeBands: { width: 7, count: 3 },
			seed: 5
		};
		const a = knoxTest(events, opts);
		const b = knoxTest(events, opts);
		expect(a.expected).toEqual(b.expected);
		expect(a.p).toEqual(b.p);
	});
});

describe('knoxTest on a constructed example', () => {
	const events: KnoxEvent[] = [
		{ x: 0, y: 0, t: 0 },
		{ x: 0, y: 0, t: 0.5 },
		{ x: 30, y: 40, t: 1 },
		{ x: 1000, y: 0, t: 10 }
	];
	it('bins pairs by half-open bands with Manhattan or Euclidean distance', () => {
		const base = {
			distanceBands: { width: 50, count: 2 },
			timeBands: { edges: [0, 1, 2] },
			permutations: 9
		};
		const man = knoxTest(events, base);
		// pairs: (0,1) d0 Δ0.5 → same/[0,1); (0,2) d70 Δ1 → [50,100)/[1,2); (1,2) d70 Δ0.5 → [50,100)/[0,1)
		// (0,3) d1000 Δ10, (1,3) d1000 Δ9.5, (2,3) d1010 Δ9 → ≥100/≥2
		expect(man.observed).toEqual([
			[1, 0, 0],
			[0, 0, 0],
			[1, 1, 0],
			[0, 0, 3]
		]);
		const euc = knoxTest(events, { ...base, metric: 'euclidean' });
		// Euclidean distance 50 falls in [50, 100): half-open bands.
		expect(euc.observed[2]).toEqual([1, 1, 0]);
		expect(euc.rowLabels).toEqual(['0 m (same location)', '(0, 50) m', '[50, 100) m', '≥ 100 m']);
		const tol = knoxTest(events, { ...base, sameLocation: false });
		expect(tol.rowLabels[0]).toBe('[0, 50) m');
		expect(tol.observed[0]).toEqual([1, 0, 0]);
		expect(man.cells).toHaveLength(12);
		expect(man.p.flat().every((p) => p > 0 && p <= 1)).toBe(true);
	});
	it('rejects bad bands with a code', () => {
		expect(() =>
			knoxTest(events, { distanceBands: { edges: [0, 0] }, timeBands: { width: 1, count: 1 } })
		).toThrow(expect.objectContaining({ code: 'E_BAD_BANDS' }));
		expect(dayNumber('2016-02-30')).toBeNaN();
		expect(dayNumber('1970-01-02 12:00')).toBe(1.5);
	});
});

/**
 * The definition, pair by pair: every permutation shuffles the order of the times (the same seeded
 * shuffle as knoxTest), and every pair is binned by linear search over the edges.
 */
function bruteForceKnox(
	events: readonly KnoxEvent[],
	dEdges: number[],
	tEdges: number[],
	opts: { permutations: number; seed: number; metric: 'manhattan' | 'euclidean'; tol: number }
) {
	const band = (v: number, edges: number[]) => {
		let k = 0;
		while (k < edges.length - 1 && v >= edges[k + 1]) k++;
		return k;
	};
	const rows = dEdges.length + 1;
	const cols = tEdges.length;
	const tableFor = (times: number[]) => {
		const out: number[][] = Array.from({ length: rows }, () => new Array(cols).fill(0));
		for (let i = 0; i < events.length; i++)
			for (let j = i + 1; j < events.length; j++) {
				const dx = Math.abs(events[i].x - events[j].x);
				const dy = Math.abs(events[i].y - events[j].y);
				const d = opts.metric === 'manhattan' ? dx + dy : Math.sqrt(dx * dx + dy * dy);
				const r = d <= opts.tol ? 0 : 1 + band(d, dEdges);
				out[r][band(Math.abs(times[i] - times[j]), tEdges)]++;
			}
		return out;
	};
	const observed = tableFor(events.map((e) => e.t));
	const ge = observed.map((row) => row.map(() => 0));
	const sum = observed.map((row) => row.map(() => 0));
	const order = Int32Array.from(events, (_, i) => i);
	const rand = mulberry32(opts.seed);
	for (let s = 0; s < opts.permutations; s++) {
		shuffleInPlace(order, rand);
		const sim = tableFor(Array.from(order, (k) => events[k].t));
		sim.forEach((row, r) =>
			row.forEach((v, c) => {
				sum[r][c] += v;
				if (v >= observed[r][c]) ge[r][c]++;
			})
		);
	}
	return {
		observed,
		expected: sum.map((row) => row.map((v) => v / opts.permutations)),
		p: ge.map((row) => row.map((v) => (v + 1) / (opts.permutations + 1)))
	};
}

describe('knoxTest pair lists', () => {
	// Clustered events with repeated places and whole-day (tied) times, as police data have.
	const rand = mulberry32(99);
	const events: KnoxEvent[] = Array.from({ length: 300 }, (_, i) => {
		const hub = i % 7;
		const snap = (v: number) => Math.round(v / 25) * 25;
		return {
			x: snap(hub * 900 + rand() * 700),
			y: snap((hub % 3) * 800 + rand() * 600),
			t: Math.floor(rand() * 120)
		};
	});
	const cases = [
		{ metric: 'manhattan' as const, dEdges: [0, 100, 200, 400], tEdges: [0, 7, 14, 28], tol: 0 },
		{ metric: 'euclidean' as const, dEdges: [0, 150, 300], tEdges: [0, 3, 10], tol: 30 },
		{ metric: 'manhattan' as const, dEdges: [0, 5000], tEdges: [0, 1], tol: 0 }
	];
	for (const [i, c] of cases.entries()) {
		it(`case ${i}: the distance list, the time list and the pair-by-pair definition agree exactly`, () => {
			const ref = bruteForceKnox(events, c.dEdges, c.tEdges, {
				permutations: 19,
				seed: 3,
				metric: c.metric,
				tol: c.tol
			});
			const results = (['distance', 'time', 'auto'] as const).map((pairList) =>
				knoxTest(events, {
					distanceBands: { edges: c.dEdges },
					timeBands: { edges: c.tEdges },
					metric: c.metric,
					sameLocationTolerance: c.tol,
					permutations: 19,
					seed: 3,
					pairList
				})
			);
			for (const r of results) {
				expect(r.observed).toEqual(ref.observed);
				expect(r.expected).toEqual(ref.expected);
				expect(r.p).toEqual(ref.p);
			}
			expect(results[0].parameters.pairList).toBe('distance');
			expect(results[1].parameters.pairList).toBe('time');
			expect(results[2].parameters.keptPairs).toBe(
				Math.min(results[0].parameters.keptPairs, results[1].parameters.keptPairs)
			);
		});
	}

	it('equal-width bands bin values on the edges as explicit edges do (0.1 × 3 days)', () => {
		const tied: KnoxEvent[] = [0, 0.1, 0.2, 0.30000000000000004, 0.3, 0.7].map((t, i) => ({
			x: i * 10,
			y: 0,
			t
		}));
		const a = knoxTest(tied, {
			distanceBands: { width: 20, count: 2 },
			timeBands: { width: 0.1, count: 3 },
			permutations: 5
		});
		const b = knoxTest(tied, {
			distanceBands: { edges: [0, 20, 40] },
			timeBands: { edges: [0, 0.1, 0.2, 0.30000000000000004] },
			permutations: 5
		});
		expect(a.observed).toEqual(b.observed);
		expect(a.p).toEqual(b.p);
	});

	it('keeps at most maxPairs distance-close pairs: the time list instead, or a clear error if forced', () => {
		const opts = {
			distanceBands: { width: 100_000, count: 50 },
			timeBands: { width: 1, count: 50 },
			permutations: 9
		};
		const free = knoxTest(events, { ...opts, pairList: 'distance' });
		const capped = knoxTest(events, { ...opts, maxPairs: 1000 });
		expect(capped.parameters.pairList).toBe('time');
		expect(capped.observed).toEqual(free.observed);
		expect(capped.p).toEqual(free.p);
		expect(() => knoxTest(events, { ...opts, maxPairs: 1000, pairList: 'distance' })).toThrow(
			expect.objectContaining({
				code: 'E_TOO_MANY_PAIRS',
				message: expect.stringMatching(/over the limit of 1,000 kept in memory; use narrower/)
			})
		);
	});

	it('reports progress after every permutation', () => {
		const seen: number[] = [];
		knoxTest(events.slice(0, 40), {
			distanceBands: { width: 200, count: 3 },
			timeBands: { width: 7, count: 3 },
			permutations: 25,
			onProgress: (done, total) => {
				expect(total).toBe(25);
				seen.push(done);
			}
		});
		expect(seen).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
	});
});
