import { describe, expect, it } from 'vitest';
import { latLngToCell, gridDisk } from 'h3-js';
import { getisOrd, getisOrdH3, confidenceBin } from './getis-ord';
import { distanceBandWeights, weightsFromNeighbourLists } from './weights';
import { h3DiskWeights } from './h3-weights';
import { readFixture, readShared, sharedAvailable, sharedMissingMessage } from './test-data';

const esdaPoints: [number, number][] = [
	[10, 10],
	[20, 10],
	[40, 10],
	[15, 20],
	[30, 20],
	[30, 30]
];
const esdaY = [2, 3, 3.2, 5, 8, 7];

describe('getisOrd on esda six-point oracle (DistanceBand 15, binary)', () => {
	it('Gi* matches esda G_Local(star=True, transform="B")', () => {
		const w = distanceBandWeights(esdaPoints, 15, { includeSelf: true });
		const r = getisOrd(esdaY, w, { fdr: false });
		const expected = [-1.39727626, -0.28917762, 0.65064964, -0.28917762, 1.23452088, 2.02424331];
		expected.forEach((z, i) => expect(r.z[i]).toBeCloseTo(z, 8));
	});
	it('Gi matches esda G_Local(transform="B")', () => {
		const w = distanceBandWeights(esdaPoints, 15);
		const r = getisOrd(esdaY, w, { variant: 'gi', fdr: false });
		const expected = [-1.0136729, -0.04361589, 1.31558703, -0.31412676, 1.15373986, 1.77833941];
		expected.forEach((z, i) => expect(r.z[i]).toBeCloseTo(z, 7));
		expect(r.parameters).toMatchObject({ variant: 'gi', fdr: false, n: 6, weights: 'binary' });
	});
	it('Gi ignores self links even when the weights carry them', () => {
		const w = distanceBandWeights(esdaPoints, 15, { includeSelf: true });
		expect(getisOrd(esdaY, w, { variant: 'gi' }).z[0]).toBeCloseTo(-1.0136729, 7);
	});
});

describe('getisOrd edge cases', () => {
	it('all-equal values give z = 0, p = 1, bin 0 and count as degenerate', () => {
		const w = weightsFromNeighbourLists(
			['a', 'b', 'c'],
			new Map([
				['a', ['b']],
				['b', ['a', 'c']],
				['c', ['b']]
			]),
			{ includeSelf: true }
		);
		const r = getisOrd([4, 4, 4], w);
		expect([...r.z]).toEqual([0, 0, 0]);
		expect([...r.p]).toEqual([1, 1, 1]);
		expect([...r.bin]).toEqual([0, 0, 0]);
		expect(r.degenerate).toBe(3);
	});
	it('rejects mismatched lengths and unknown neighbours with codes', () => {
		const w = weightsFromNeighbourLists(['a'], new Map(), { includeSelf: true });
		expect(() => getisOrd([1, 2], w)).toThrow(
			expect.objectContaining({ code: 'E_LENGTH_MISMATCH' })
		);
		expect(() => weightsFromNeighbourLists(['a'], new Map([['a', ['zz']]]))).toThrow(
			expect.objectContaining({ code: 'E_UNKNOWN_NEIGHBOUR' })
		);
	});
	it('bins by confidence level and alpha', () => {
		expect(confidenceBin(3, 0.001)).toBe(3);
		expect(confidenceBin(-2, 0.03)).toBe(-2);
		expect(confidenceBin(1.7, 0.08)).toBe(1);
		expect(confidenceBin(1.7, 0.08, 0.05)).toBe(0);
		expect(confidenceBin(0.1, 0.9)).toBe(0);
	});
});

describe('Gi* on Chicago aggravated assaults, H3 r8, 2019 (R spdep)', () => {
	/** The oracle (tests/fixtures/reference/gistar-chicago-r8-2019): every study cell, its count, R's answer. */
	const fixture = readFixture('gistar-chicago-r8-2019/gistar.csv')
		.trim()
		.split('\n')
		.slice(1)
		.map((line) => {
			const [cell, count, z, p, pBh] = line.split(',');
			return { cell, count: Number(count), z: Number(z), p: Number(p), pBh: Number(pBh) };
		});

	it('reproduces every z within 1e-9 and the cells with p_bh < 0.05', () => {
		const counts = new Map(fixture.map((f) => [f.cell, f.count]));
		expect(counts.size).toBe(815);
		const cells = [...counts.keys()];
		const r = getisOrdH3(cells, counts, { k: 1 });
		expect(r.parameters).toMatchObject({
			k: 1,
			fdr: true,
			variant: 'gi*',
			n: 815,
			countsOutsideStudyArea: 0
		});
		const byCell = new Map(r.cells.map((c, i) => [c, i]));
		expect(fixture).toHaveLength(815);
		let maxZ = 0;
		let maxP = 0;
		let maxPbh = 0;
		for (const f of fixture) {
			const i = byCell.get(f.cell);
			expect(i, f.cell).toBeDefined();
			expect(r.counts[i!]).toBe(f.count);
			maxZ = Math.max(maxZ, Math.abs(r.z[i!] - f.z));
			maxP = Math.max(maxP, Math.abs(r.p[i!] - f.p) / Math.max(f.p, 1e-300));
			maxPbh = Math.max(maxPbh, Math.abs(r.pAdjusted[i!] - f.pBh) / Math.max(f.pBh, 1e-300));
		}
		console.info(`max |Δz| ${maxZ}, max rel Δp ${maxP}, max rel Δp_bh ${maxPbh}`);
		expect(maxZ).toBeLessThan(1e-9);
		// The fixture prints 12 significant digits; 1e-10 relative covers that (we see about 5e-12).
		expect(maxP).toBeLessThan(1e-10);
		expect(maxPbh).toBeLessThan(1e-10);
		const ours = new Set(r.cells.filter((_, i) => r.pAdjusted[i] < 0.05));
		const theirs = new Set(fixture.filter((f) => f.pBh < 0.05).map((f) => f.cell));
		expect(theirs.size).toBe(107);
		expect([...ours].sort()).toEqual([...theirs].sort());
	});

	// The raw file is 1.4 MB of shared data: without ../shared this check is skipped, and says so.
	if (!sharedAvailable)
		console.warn(`${sharedMissingMessage}: the raw-file count check of Gi* skips`);
	it.skipIf(!sharedAvailable)(
		"the fixture's study area and counts are the raw file's (every r8 cell with an incident 2010-2019, its 2019 count)",
		() => {
			const csv = readShared('data/chicago-cpd/derived/chicago_aggravated_assaults.csv.gz');
			const counts = new Map<string, number>();
			const lines = csv.split('\n');
			const header = lines[0].split(',');
			const iDate = header.indexOf('date');
			const iLat = header.indexOf('latitude');
			const iLon = header.indexOf('longitude');
			for (let l = 1; l < lines.length; l++) {
				if (!lines[l]) continue;
				const f = lines[l].split(',');
				const cell = latLngToCell(Number(f[iLat]), Number(f[iLon]), 8);
				counts.set(cell, (counts.get(cell) ?? 0) + (f[iDate].startsWith('2019') ? 1 : 0));
			}
			expect(counts.size).toBe(815);
			expect(new Map(fixture.map((f) => [f.cell, f.count]))).toEqual(counts);
		}
	);
});

describe('Gi* at scale', () => {
	// Speed is a benchmark matter (bench/), not a unit test's: this checks the answer at 100,000 cells.
	it('100,000 cells with k = 1: every z finite, the centre cell equal to the textbook formula', () => {
		// A hexagonal disk of 100,467 resolution-9 cells, trimmed to 100,000.
		const ids = gridDisk('89283082803ffff', 183).slice(0, 100_000);
		expect(ids).toHaveLength(100_000);
		const w = h3DiskWeights(ids, { k: 1 });
		const values = Float64Array.from(ids, (_, i) => (i * 7919) % 13);
		const r = getisOrd(values, w);
		expect(r.z).toHaveLength(100_000);
		expect(Array.from(r.z).every(Number.isFinite)).toBe(true);
		// Ord & Getis (1995) Gi* with binary weights including the cell itself: an interior cell has 7.
		const n = values.length;
		const mean = values.reduce((a, b) => a + b, 0) / n;
		const s = Math.sqrt(values.reduce((a, b) => a + b * b, 0) / n - mean * mean);
		const index = new Map(ids.map((id, i) => [id, i]));
		const centre = index.get('89283082803ffff')!;
		const ring = gridDisk('89283082803ffff', 1).map((id) => index.get(id)!);
		const sum = ring.reduce((a, i) => a + values[i], 0);
		const expected = (sum - mean * 7) / (s * Math.sqrt((n * 7 - 49) / (n - 1)));
		expect(r.z[centre]).toBeCloseTo(expected, 9);
	});
});
