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
 * Efficiency: the table of a permutation only needs the pairs that can fall in a finite band. Permuting
 * times over events keeps the multiset of pairwise time gaps (so each time band's column total is
 * fixed) and the multiset of distances (each distance band's row total is fixed). Two pair lists are
 * possible, and the shorter one is kept in typed arrays:
 * - distance-close pairs (closer than the last distance edge), found through a grid of that cell size
 *   (only neighbouring grid cells are compared); a permutation bins their permuted time gaps and the
 *   open "≥ last edge" row is the column total minus the rows above it;
 * - time-close pairs (gap below the last time edge), found by a sweep over the sorted times; a
 *   permutation moves the locations instead (the same pairing of times and places, so the same table)
 *   and bins their distances; the open "≥ last edge" column is the row total minus the columns before.
 * Column totals come from the sorted times in O(n log n), row totals from the grid. A permutation
 * costs O(shorter pair list); police.uk data (monthly dates, a small dense area) use the pairs of the
 * same month, Chicago's daily data the pairs a few hundred metres apart. The time list is stored as
 * ranges of the sorted times (memory per event); the distance list as typed arrays (9 bytes a pair,
 * at most `maxPairs`).
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
	/**
	 * Most distance-close pairs kept in memory (9 bytes each). Default 50,000,000 (450 MB); with more,
	 * the time list (memory per event, not per pair) is used, or E_TOO_MANY_PAIRS if it was forced.
	 */
	maxPairs?: number;
	/** Which pair list to keep: the shorter one ('auto', default), or one forced (tests compare them). */
	pairList?: 'auto' | 'distance' | 'time';
	/** Called after every permutation with the number done and the total. */
	onProgress?: (done: number, total: number) => void;
}

/** Default of `KnoxOptions.maxPairs`. */
export const KNOX_MAX_PAIRS = 50_000_000;

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
		/** The pair list the permutations used (the shorter one unless forced) and its length. */
		pairList: 'distance' | 'time';
		keptPairs: number;
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
 * The band of a value, exactly as `bandIndex`, in O(1) for equal-width bands (a guess from the width,
 * corrected against the edges so rounding never moves a value across an edge).
 */
function bander(edges: readonly number[]): (v: number) => number {
	const last = edges.length - 1;
	const width = edges[1];
	if (!edges.every((e, i) => e === i * width)) return (v) => bandIndex(v, edges);
	const top = edges[last];
	return (v) => {
		if (v >= top) return last;
		let k = Math.min(Math.floor(v / width), last - 1);
		while (k > 0 && v < edges[k]) k--;
		while (k < last - 1 && v >= edges[k + 1]) k++;
		return k;
	};
}

function distance(dx: number, dy: number, manhattan: boolean): number {
	const ax = Math.abs(dx);
	const ay = Math.abs(dy);
	return manhattan ? ax + ay : Math.sqrt(ax * ax + ay * ay);
}

/**
 * Events bucketed in square cells at least `size` wide, with their coordinates copied in cell order:
 * a pair closer than `size` (in either metric) lies in one cell or in two neighbouring ones, so
 * `ranges` lists each cell with itself and with its four "forward" neighbours (each pair of cells
 * once) as index ranges into `x`, `y` and `event`.
 */
function closePairGrid(xs: Float64Array, ys: Float64Array, size: number) {
	const n = xs.length;
	let minX = Infinity;
	let minY = Infinity;
	let maxX = -Infinity;
	let maxY = -Infinity;
	for (let i = 0; i < n; i++) {
		minX = Math.min(minX, xs[i]);
		maxX = Math.max(maxX, xs[i]);
		minY = Math.min(minY, ys[i]);
		maxY = Math.max(maxY, ys[i]);
	}
	// At most 2^20 cells a side, so cell keys stay exact integers; larger cells only add candidates.
	const SIDE = 1 << 20;
	const cell = Math.max(size, (maxX - minX) / (SIDE - 1), (maxY - minY) / (SIDE - 1));
	const keys = new Float64Array(n);
	for (let i = 0; i < n; i++)
		keys[i] = Math.floor((xs[i] - minX) / cell) * SIDE + Math.floor((ys[i] - minY) / cell);
	const event = Int32Array.from({ length: n }, (_, i) => i).sort(
		(a, b) => keys[a] - keys[b] || a - b
	);
	const x = Float64Array.from(event, (i) => xs[i]);
	const y = Float64Array.from(event, (i) => ys[i]);
	const spans = new Map<number, [number, number]>();
	for (let s = 0; s < n;) {
		const k = keys[event[s]];
		let e = s + 1;
		while (e < n && keys[event[e]] === k) e++;
		spans.set(k, [s, e]);
		s = e;
	}
	const ranges: { a0: number; a1: number; b0: number; b1: number }[] = [];
	const forward: [number, number][] = [
		[1, -1],
		[1, 0],
		[1, 1],
		[0, 1]
	];
	for (const [k, [a0, a1]] of spans) {
		ranges.push({ a0, a1, b0: a0, b1: a1 });
		const cx = Math.floor(k / SIDE);
		const cy = k - cx * SIDE;
		for (const [dx, dy] of forward) {
			if (cy + dy < 0 || cy + dy >= SIDE) continue;
			const other = spans.get((cx + dx) * SIDE + cy + dy);
			if (other) ranges.push({ a0, a1, b0: other[0], b1: other[1] });
		}
	}
	return { x, y, event, ranges };
}

/**
 * Visit every pair of the grid closer than `maxClose` (each once): count it in `rowTotals` by its
 * row, and when `out` is given store it (event indices and row). Returns the number of such pairs.
 */
function scanClosePairs(
	grid: ReturnType<typeof closePairGrid>,
	maxClose: number,
	manhattan: boolean,
	rowOf: (d: number) => number,
	rowTotals: Float64Array,
	out?: { a: Int32Array; b: Int32Array; row: Uint8Array }
): number {
	const { x, y, event } = grid;
	let found = 0;
	for (const { a0, a1, b0, b1 } of grid.ranges) {
		const same = a0 === b0;
		for (let a = a0; a < a1; a++) {
			const xa = x[a];
			const ya = y[a];
			for (let b = same ? a + 1 : b0; b < b1; b++) {
				const d = distance(xa - x[b], ya - y[b], manhattan);
				if (d >= maxClose) continue;
				const row = rowOf(d);
				rowTotals[row]++;
				if (out) {
					out.a[found] = event[a];
					out.b[found] = event[b];
					out.row[found] = row;
				}
				found++;
			}
		}
	}
	return found;
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
	const maxPairs = options.maxPairs ?? KNOX_MAX_PAIRS;
	const onProgress = options.onProgress;
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
	const lastCol = nCols - 1;
	const maxClose = dEdges[dEdges.length - 1];
	const totalPairs = (n * (n - 1)) / 2;
	const dBand = bander(dEdges);
	const tBand = bander(tEdges);
	const manhattan = metric === 'manhattan';
	/** Row of a pair at distance d (the open last row when d ≥ the last edge). */
	const rowOf = (d: number) =>
		sameLocation && d <= sameLocationTolerance ? 0 : rowOffset + dBand(d);

	// Column totals (fixed under permutation) from the sorted times: pairs with gap < each edge.
	const byTime = Int32Array.from({ length: n }, (_, i) => i).sort((a, b) => ts[a] - ts[b]);
	const sorted = Float64Array.from(byTime, (i) => ts[i]);
	const gapsBelow = (edge: number) => {
		let count = 0;
		for (let i = 0, j = 0; i < n; i++) {
			if (j < i + 1) j = i + 1;
			while (j < n && sorted[j] - sorted[i] < edge) j++;
			count += j - i - 1;
		}
		return count;
	};
	const below = tEdges.map((e) => (e === 0 ? 0 : gapsBelow(e)));
	const colTotals = new Float64Array(nCols);
	for (let c = 0; c < lastCol; c++) colTotals[c] = below[c + 1] - below[c];
	colTotals[lastCol] = totalPairs - below[lastCol];
	const timeClose = below[lastCol];

	// Row totals (fixed under permutation) and the number of distance-close pairs, through the grid.
	const grid = closePairGrid(xs, ys, maxClose);
	const rowTotals = new Float64Array(nRows);
	const distanceClose = scanClosePairs(grid, maxClose, manhattan, rowOf, rowTotals);
	let inner = 0;
	for (let r = 0; r < lastRow; r++) inner += rowTotals[r];
	rowTotals[lastRow] = totalPairs - inner;

	// The distance list costs memory per pair; the time list is ranges of the sorted times (each rank
	// and finite column: the ranks it pairs with), so it is kept when the distance list is longer or
	// would not fit in maxPairs.
	const pairList =
		options.pairList && options.pairList !== 'auto'
			? options.pairList
			: distanceClose <= timeClose && distanceClose <= maxPairs
				? 'distance'
				: 'time';
	if (pairList === 'distance' && distanceClose > maxPairs)
		throw new AnalysisInputError(
			'E_TOO_MANY_PAIRS',
			`${distanceClose.toLocaleString('en-GB')} pairs are closer than ${fmt(maxClose)} ${distanceUnit}, over the limit of ${maxPairs.toLocaleString('en-GB')} kept in memory; use narrower distance bands or a smaller area`
		);
	const kept = pairList === 'distance' ? distanceClose : timeClose;
	const close = {
		a: new Int32Array(pairList === 'distance' ? kept : 0),
		b: new Int32Array(pairList === 'distance' ? kept : 0),
		row: new Uint8Array(pairList === 'distance' ? kept : 0)
	};
	if (pairList === 'distance')
		scanClosePairs(grid, maxClose, manhattan, rowOf, new Float64Array(nRows), close);
	const finite = lastCol;
	// rank i pairs in column c with ranks [bounds[i·(finite+1) + c], bounds[i·(finite+1) + c + 1]).
	const bounds = new Int32Array(pairList === 'time' ? n * (finite + 1) : 0);
	const rank = new Int32Array(n);
	if (pairList === 'time') {
		for (let r = 0; r < n; r++) rank[byTime[r]] = r;
		const next = new Int32Array(finite + 1).fill(0);
		for (let i = 0; i < n; i++)
			for (let c = 0; c <= finite; c++) {
				let j = Math.max(next[c], i + 1);
				while (j < n && sorted[j] - sorted[i] < tEdges[c]) j++;
				next[c] = j;
				bounds[i * (finite + 1) + c] = j;
			}
	}

	// The table for one pairing of times and places: event i at its own place gets the time of event
	// order[i]. With the time list the places move instead: the time of rank rank[order[i]] gets place i.
	const times = new Float64Array(n);
	const px = new Float64Array(n);
	const py = new Float64Array(n);
	const tableOf = (order: Int32Array, out: Float64Array) => {
		out.fill(0);
		if (pairList === 'distance') {
			for (let i = 0; i < n; i++) times[i] = ts[order[i]];
			for (let k = 0; k < kept; k++) {
				const gap = Math.abs(times[close.b[k]] - times[close.a[k]]);
				out[close.row[k] * nCols + tBand(gap)]++;
			}
			for (let c = 0; c < nCols; c++) {
				let sum = 0;
				for (let r = 0; r < lastRow; r++) sum += out[r * nCols + c];
				out[lastRow * nCols + c] = colTotals[c] - sum;
			}
		} else {
			for (let i = 0; i < n; i++) {
				const r = rank[order[i]];
				px[r] = xs[i];
				py[r] = ys[i];
			}
			// The hot loop: distances banded inline (no calls), far pairs counted by subtraction.
			const tol = sameLocation ? sameLocationTolerance : -1;
			for (let i = 0; i < n; i++) {
				const xi = px[i];
				const yi = py[i];
				const base = i * (finite + 1);
				for (let c = 0; c < finite; c++) {
					const end = bounds[base + c + 1];
					const start = bounds[base + c];
					let far = end - start;
					for (let j = start; j < end; j++) {
						const dx = xi - px[j];
						const dy = yi - py[j];
						const d = manhattan
							? (dx < 0 ? -dx : dx) + (dy < 0 ? -dy : dy)
							: Math.sqrt(dx * dx + dy * dy);
						if (d >= maxClose) continue;
						far--;
						if (d <= tol) out[c]++;
						else out[(rowOffset + dBand(d)) * nCols + c]++;
					}
					out[lastRow * nCols + c] += far;
				}
			}
			for (let r = 0; r < nRows; r++) {
				let sum = 0;
				for (let c = 0; c < lastCol; c++) sum += out[r * nCols + c];
				out[r * nCols + lastCol] = rowTotals[r] - sum;
			}
		}
	};

	const size = nRows * nCols;
	const order = Int32Array.from({ length: n }, (_, i) => i);
	const observed = new Float64Array(size);
	tableOf(order, observed);
	const simSum = new Float64Array(size);
	const simGe = new Float64Array(size);
	const simMin = new Float64Array(size).fill(Infinity);
	const simMax = new Float64Array(size).fill(-Infinity);
	const sim = new Float64Array(size);
	const rand = mulberry32(seed);
	for (let s = 0; s < permutations; s++) {
		// Shuffling the order the same way as the times themselves keeps results of earlier versions.
		shuffleInPlace(order, rand);
		tableOf(order, sim);
		for (let c = 0; c < size; c++) {
			const v = sim[c];
			simSum[c] += v;
			if (v >= observed[c]) simGe[c]++;
			if (v < simMin[c]) simMin[c] = v;
			if (v > simMax[c]) simMax[c] = v;
		}
		onProgress?.(s + 1, permutations);
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

	const table = <T>(f: (idx: number) => T): T[][] =>
		Array.from({ length: nRows }, (_, r) =>
			Array.from({ length: nCols }, (_, c) => f(r * nCols + c))
		);
	const expected = table((i) => simSum[i] / permutations);
	const ratio = table((i) => (simSum[i] > 0 ? observed[i] / (simSum[i] / permutations) : null));
	const p = table((i) => (simGe[i] + 1) / (permutations + 1));
	const obs = table((i) => observed[i]);
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
			pairs: totalPairs,
			distanceEdges: dEdges,
			timeEdges: tEdges,
			sameLocation,
			sameLocationTolerance,
			metric,
			permutations,
			seed,
			coordinatePrecision,
			pairList,
			keptPairs: kept
		},
		rowLabels,
		colLabels,
		observed: obs,
		expected,
		ratio,
		p,
		simMin: table((i) => simMin[i]),
		simMax: table((i) => simMax[i]),
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
