/**
 * Knox test for near-repeat victimisation: every pair of events is counted in a distance band ×
 * time band table, and the table is compared with tables from Monte-Carlo permutations of the event
 * times over the event locations (Knox 1964; Johnson et al. 2007 "Space–time patterns of risk",
 * J. Quant. Criminol. 23; Ratcliffe's Near Repeat Calculator).
 *
 *   Knox ratio = observed / mean of the simulated counts,  p = (#{sim ≥ observed} + 1) / (N + 1).
 *
 * Bands are half-open [a, b) and labelled so. With the same-location band on, pairs at distance
 * ≤ `sameLocationTolerance` (default exactly 0) form their own row and the first distance band is
 * (tolerance, b). The last distance and time bands are open ("≥ a").
 *
 * Efficiency: pair distances are computed once (O(n²)). Permuting times over events keeps the multiset
 * of pairwise time gaps, so each time band's column total is the same in every permutation; only pairs
 * closer than the last finite distance edge are stored (typed arrays), and the open "≥ last edge" row is
 * the column total minus the rows above it. A permutation then costs O(close pairs), not O(n²).
 *
 * Near Repeat Calculator compatibility: NRC labels "1 to 200 m", "201 to 400 m", "0 to 1 days" but
 * counts [0, 200) m (distance > 0), [200, 400) m, and time gaps [0, 1) day; it computes Manhattan
 * distances from single-precision coordinates (`coordinatePrecision: 'float32'` reproduces its
 * observed tables exactly).
 */
import { mulberry32, shuffleInPlace } from './random';
import { AnalysisInputError } from './weights';

export interface KnoxEvent {
	/** Projected coordinates in a metric (or feet) CRS. */
	x: number;
	y: number;
	/** Time in days (e.g. days since 1970-01-01; fractional days allowed). */
	t: number;
}

/** Equal-width bands (`width` × `count`) or explicit ascending edges starting at 0. */
export type BandSpec = { width: number; count: number } | { edges: readonly number[] };

export interface KnoxOptions {
	distanceBands: BandSpec;
	timeBands: BandSpec;
	/** Separate row for pairs at (nearly) the same location. Default true. */
	sameLocation?: boolean;
	/** Largest distance that counts as the same location. Default 0 (exactly equal coordinates). */
	sameLocationTolerance?: number;
	metric?: 'manhattan' | 'euclidean';
	/** Monte-Carlo permutations of times over events. Default 999. */
	permutations?: number;
	/** Seed of the permutation generator. Default 1. */
	seed?: number;
	/** 'float32' rounds coordinates to single precision first, as the Near Repeat Calculator does. */
	coordinatePrecision?: 'float64' | 'float32';
	/** Label suffixes. Defaults 'm' and 'd'. */
	distanceUnit?: string;
	timeUnit?: string;
}

export interface KnoxCell {
	row: number;
	col: number;
	rowLabel: string;
	colLabel: string;
	observed: number;
	expected: number;
	ratio: number | null;
	p: number;
}

export interface KnoxResult {
	parameters: {
		n: number;
		pairs: number;
		distanceEdges: number[];
		timeEdges: number[];
		sameLocation: boolean;
		sameLocationTolerance: number;
		metric: 'manhattan' | 'euclidean';
		permutations: number;
		seed: number;
		coordinatePrecision: 'float64' | 'float32';
	};
	rowLabels: string[];
	colLabels: string[];
	/** rows × cols pair counts. */
	observed: number[][];
	/** Mean simulated count per cell. */
	expected: number[][];
	/** observed / expected; null where expected is 0 (undefined ratio). */
	ratio: (number | null)[][];
	/** (#sim ≥ observed + 1) / (permutations + 1). */
	p: number[][];
	/** Smallest and largest simulated count per cell. */
	simMin: number[][];
	simMax: number[][];
	/** Flat, heat-map-ready list of every cell. */
	cells: KnoxCell[];
}

function bandEdges(spec: BandSpec, what: string): number[] {
	let edges: number[];
	if ('edges' in spec) edges = [...spec.edges];
	else {
		if (!(spec.width > 0) || !Number.isInteger(spec.count) || spec.count < 1)
			throw new AnalysisInputError(
				'E_BAD_BANDS',
				`${what} bands need a positive width and a whole count ≥ 1`
			);
		edges = Array.from({ length: spec.count + 1 }, (_, i) => i * spec.width);
	}
	if (edges.length < 2 || edges[0] !== 0 || edges.some((e, i) => i > 0 && !(e > edges[i - 1])))
		throw new AnalysisInputError(
			'E_BAD_BANDS',
			`${what} band edges must start at 0 and increase strictly: ${edges.join(', ')}`
		);
	return edges;
}

function fmt(v: number): string {
	return String(Number(v.toPrecision(12)));
}

/** Index of the band [edges[k], edges[k+1]) holding v, or edges.length − 1 for the open last band. */
function bandIndex(v: number, edges: readonly number[]): number {
	const last = edges.length - 1;
	if (v >= edges[last]) return last;
	let lo = 0;
	let hi = last;
	while (hi - lo > 1) {
		const mid = (lo + hi) >> 1;
		if (v >= edges[mid]) lo = mid;
		else hi = mid;
	}
	return lo;
}

/**
 * Knox near-repeat test.
 *
 * @example
 * const r = knoxTest(events, { distanceBands: { width: 200, count: 3 }, timeBands: { width: 1, count: 3 }, seed: 7 });
 * r.rowLabels; // ['0 m (same location)', '(0, 200) m', '[200, 400) m', '[400, 600) m', '≥ 600 m']
 * r.ratio[1][0]; // Knox ratio of pairs (0, 200) m apart within [0, 1) d
 */
export function knoxTest(events: readonly KnoxEvent[], options: KnoxOptions): KnoxResult {
	const {
		sameLocation = true,
		sameLocationTolerance = 0,
		metric = 'manhattan',
		permutations = 999,
		seed = 1,
		coordinatePrecision = 'float64',
		distanceUnit = 'm',
		timeUnit = 'd'
	} = options;
	const dEdges = bandEdges(options.distanceBands, 'Distance');
	const tEdges = bandEdges(options.timeBands, 'Time');
	if (!Number.isInteger(permutations) || permutations < 1)
		throw new AnalysisInputError('E_BAD_PERMUTATIONS', 'permutations must be a whole number ≥ 1');
	if (sameLocation && !(sameLocationTolerance >= 0 && sameLocationTolerance < dEdges[1]))
		throw new AnalysisInputError(
			'E_BAD_TOLERANCE',
			`same-location tolerance must be in [0, ${dEdges[1]}) (the first band's upper edge)`
		);
	const n = events.length;
	const round = coordinatePrecision === 'float32' ? Math.fround : (v: number) => v;
	const xs = new Float64Array(n);
	const ys = new Float64Array(n);
	const ts = new Float64Array(n);
	for (let i = 0; i < n; i++) {
		const e = events[i];
		if (!Number.isFinite(e.x) || !Number.isFinite(e.y) || !Number.isFinite(e.t))
			throw new AnalysisInputError(
				'E_NOT_FINITE',
				`Event ${i} has a non-finite coordinate or time`
			);
		xs[i] = round(e.x);
		ys[i] = round(e.y);
		ts[i] = e.t;
	}

	const rowOffset = sameLocation ? 1 : 0;
	const nRows = rowOffset + dEdges.length; // finite bands + open band (+ same location)
	const nCols = tEdges.length;
	const lastRow = nRows - 1;
	const maxClose = dEdges[dEdges.length - 1];

	// One O(n²) pass: time-band column totals (permutation-invariant) and the close pairs.
	const colTotals = new Float64Array(nCols);
	let pi: number[] = [];
	let pj: number[] = [];
	let pr: number[] = [];
	let pairs = 0;
	for (let i = 0; i < n - 1; i++) {
		const xi = xs[i];
		const yi = ys[i];
		const ti = ts[i];
		for (let j = i + 1; j < n; j++) {
			pairs++;
			colTotals[bandIndex(Math.abs(ts[j] - ti), tEdges)]++;
			const dx = Math.abs(xs[j] - xi);
			const dy = Math.abs(ys[j] - yi);
			const d = metric === 'manhattan' ? dx + dy : Math.sqrt(dx * dx + dy * dy);
			if (d >= maxClose) continue;
			const row = sameLocation && d <= sameLocationTolerance ? 0 : rowOffset + bandIndex(d, dEdges);
			pi.push(i);
			pj.push(j);
			pr.push(row);
		}
	}
	const closeI = Int32Array.from(pi);
	const closeJ = Int32Array.from(pj);
	const closeRow = Uint8Array.from(pr);
	pi = pj = pr = [];
	const m = closeI.length;

	// Pre-bin each close pair's time gap for the observed table.
	const tableOf = (times: Float64Array, out: Float64Array) => {
		out.fill(0);
		for (let k = 0; k < m; k++) {
			const c = bandIndex(Math.abs(times[closeJ[k]] - times[closeI[k]]), tEdges);
			out[closeRow[k] * nCols + c]++;
		}
		for (let c = 0; c < nCols; c++) {
			let inner = 0;
			for (let r = 0; r < lastRow; r++) inner += out[r * nCols + c];
			out[lastRow * nCols + c] = colTotals[c] - inner;
		}
	};

	const size = nRows * nCols;
	const observed = new Float64Array(size);
	tableOf(ts, observed);
	const simSum = new Float64Array(size);
	const simGe = new Float64Array(size);
	const simMin = new Float64Array(size).fill(Infinity);
	const simMax = new Float64Array(size).fill(-Infinity);
	const sim = new Float64Array(size);
	const perm = new Float64Array(ts);
	const rand = mulberry32(seed);
	for (let s = 0; s < permutations; s++) {
		shuffleInPlace(perm, rand);
		tableOf(perm, sim);
		for (let c = 0; c < size; c++) {
			const v = sim[c];
			simSum[c] += v;
			if (v >= observed[c]) simGe[c]++;
			if (v < simMin[c]) simMin[c] = v;
			if (v > simMax[c]) simMax[c] = v;
		}
	}

	const dUnit = distanceUnit ? ` ${distanceUnit}` : '';
	const tUnit = timeUnit ? ` ${timeUnit}` : '';
	const rowLabels: string[] = [];
	if (sameLocation)
		rowLabels.push(
			sameLocationTolerance === 0
				? `0${dUnit} (same location)`
				: `[0, ${fmt(sameLocationTolerance)}]${dUnit} (same location)`
		);
	for (let k = 0; k < dEdges.length - 1; k++) {
		const open = k === 0 && sameLocation;
		const lo = open ? fmt(sameLocationTolerance) : fmt(dEdges[k]);
		rowLabels.push(`${open ? '(' : '['}${lo}, ${fmt(dEdges[k + 1])})${dUnit}`);
	}
	rowLabels.push(`≥ ${fmt(maxClose)}${dUnit}`);
	const colLabels: string[] = [];
	for (let k = 0; k < tEdges.length - 1; k++)
		colLabels.push(`[${fmt(tEdges[k])}, ${fmt(tEdges[k + 1])})${tUnit}`);
	colLabels.push(`≥ ${fmt(tEdges[tEdges.length - 1])}${tUnit}`);

	const grid = <T>(f: (idx: number) => T): T[][] =>
		Array.from({ length: nRows }, (_, r) =>
			Array.from({ length: nCols }, (_, c) => f(r * nCols + c))
		);
	const expected = grid((i) => simSum[i] / permutations);
	const ratio = grid((i) => (simSum[i] > 0 ? observed[i] / (simSum[i] / permutations) : null));
	const p = grid((i) => (simGe[i] + 1) / (permutations + 1));
	const obs = grid((i) => observed[i]);
	const cells: KnoxCell[] = [];
	for (let r = 0; r < nRows; r++)
		for (let c = 0; c < nCols; c++)
			cells.push({
				row: r,
				col: c,
				rowLabel: rowLabels[r],
				colLabel: colLabels[c],
				observed: obs[r][c],
				expected: expected[r][c],
				ratio: ratio[r][c],
				p: p[r][c]
			});
	return {
		parameters: {
			n,
			pairs,
			distanceEdges: dEdges,
			timeEdges: tEdges,
			sameLocation,
			sameLocationTolerance,
			metric,
			permutations,
			seed,
			coordinatePrecision
		},
		rowLabels,
		colLabels,
		observed: obs,
		expected,
		ratio,
		p,
		simMin: grid((i) => simMin[i]),
		simMax: grid((i) => simMax[i]),
		cells
	};
}

/**
 * Days since 1970-01-01 (UTC) of an ISO date or date-time ('2016-01-04', '2016-01-04T13:30').
 * Date-only values give whole days, so gaps between dates are whole numbers as in the NRC.
 *
 * @example
 * dayNumber('1970-01-02'); // 1
 */
export function dayNumber(value: string): number {
	const m = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}(?:\.\d+)?))?)?$/.exec(
		value.trim()
	);
	if (!m) return NaN;
	const [, y, mo, d, h = '0', mi = '0', s = '0'] = m;
	const ms =
		Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), 0) + Number(s) * 1000;
	const check = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d)));
	if (check.getUTCMonth() !== Number(mo) - 1 || check.getUTCDate() !== Number(d)) return NaN;
	return ms / 86_400_000;
}
