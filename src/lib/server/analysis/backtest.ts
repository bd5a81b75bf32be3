/**
 * Rolling-origin backtest of a cell forecast: how much of the next H days' crime the cells a model picks
 * would have covered. The contract is exact and shared by `beatwise backtest` and the app's forecast
 * accuracy (docs/analysis.md, "Forecast accuracy"):
 *
 * - study cells: every cell holding at least one input row;
 * - origins: local midnights from, from + S, …, ≤ to; at origin t the model scores every study cell from
 *   rows strictly before t;
 * - k = ceil(C × study cells); the selection is every cell scoring ≥ the k-th highest score (ties
 *   included), except that when the k-th score is 0 only cells scoring > 0 are selected;
 * - over the H days from t (local calendar days, so a DST day has 23 or 25 hours): n incidents,
 *   h = incidents in selected cells, hit rate h/n, PAI = (h/n)/(selected/study) (Chainey, Tompson &
 *   Uhlig 2008), PEI = h / (the sum of the `selected` largest future cell counts) — Hunt's PEI*
 *   (Hunt 2016, "Do crime hot spots move?"), which compares with perfect foresight over as many cells;
 * - origins with n = 0 are skipped; the means are plain means over the origins kept.
 *
 * Times are local wall-clock times carried as milliseconds "as if UTC" (`wallMs`): local midnights are
 * then whole multiples of a day and the H days from t are [t, t + H·86 400 000), whatever the clocks did.
 * A shift's hours (optional) restrict the incidents counted to those whose local time of day falls in
 * the shift.
 *
 * @example
 * const r = backtest(events, {
 *   from: '2019-01-07', to: '2019-12-30', stepDays: 7, horizonDays: 7, coverage: 0.05,
 *   model: forecastModel('recent:28')
 * });
 * r.mean; // { hitRate, pai, pei }
 */
import { dayToIso, isoToDay } from './days';
import { AnalysisInputError } from './weights';

export const DAY_MS = 86_400_000;

export interface BacktestEvent {
	cell: string;
	/** Local wall-clock time in ms, read as if it were UTC (2021-03-28 01:30 local → Date.UTC(2021, 2, 28, 1, 30)). */
	wallMs: number;
	/** False when the row gave a date only (no time of day). Default true. */
	timed?: boolean;
	/** Harm weight, used by models that are asked to weigh harm. Default 1. */
	weight?: number;
}

/** A shift: its first local hour (0–23) and its length in hours (1–24), wrapping past midnight. */
export interface ShiftHours {
	startHour: number;
	hours: number;
}

/** Events as models see them: sorted by time, cells as indexes into the study cells. */
export interface IndexedEvents {
	cells: readonly string[];
	/** Study-cell index of each event. */
	cell: Int32Array;
	wallMs: Float64Array;
	timed: Uint8Array;
	weight: Float64Array;
}

/**
 * A forecast model: given the events, returns a scorer that gives every study cell a score at an origin
 * (wall-clock ms of a local midnight) from events strictly before it. The scorer is called with
 * non-decreasing origins, so models may update running sums.
 */
export interface ForecastModel {
	name: string;
	/** The model's settings, reported with its results. */
	parameters: Record<string, unknown>;
	scorer(
		events: IndexedEvents,
		context: { hours: ShiftHours | null }
	): (originMs: number) => Float64Array;
}

export interface BacktestOptions {
	/** First origin, a date (YYYY-MM-DD): its local midnight. */
	from: string;
	/** Last possible origin (inclusive). */
	to: string;
	stepDays: number;
	/**
	 * The origins themselves (dates, ascending) instead of from, from + step, … — for data whose natural
	 * steps are not a fixed number of days (months). from and to must still enclose them.
	 */
	origins?: readonly string[];
	horizonDays: number;
	/** Share of the study cells to select, in (0, 1]. */
	coverage: number;
	model: ForecastModel;
	/**
	 * Count only incidents whose local time of day lies in these hours (and tell the model); rows without
	 * a time of day cannot be placed in a shift and are not counted then.
	 */
	hours?: ShiftHours | null;
}

/** One origin's measures. */
export interface OriginMetrics {
	selectedCells: number;
	hits: number;
	incidents: number;
	hitRate: number;
	pai: number;
	pei: number;
}

export interface OriginResult extends OriginMetrics {
	/** The origin's local date. */
	origin: string;
}

export interface BacktestResult {
	model: string;
	modelParameters: Record<string, unknown>;
	coverage: number;
	studyCells: number;
	/** k = ceil(coverage × studyCells). */
	k: number;
	stepDays: number;
	horizonDays: number;
	hours: ShiftHours | null;
	origins: OriginResult[];
	/** Origins left out because no incident fell in their horizon. */
	skippedOrigins: string[];
	/** Means over `origins`; null when no origin had incidents. */
	mean: { hitRate: number; pai: number; pei: number } | null;
}

/** k = ceil(coverage × cells); the tolerance keeps 0.1 × 30 at 3 despite binary floating point. */
export function selectionSize(coverage: number, studyCells: number): number {
	return Math.max(1, Math.ceil(coverage * studyCells - 1e-9));
}

/**
 * Indexes of the selected cells: every cell scoring ≥ the k-th highest score, or when that score is 0
 * (or less) every cell scoring > 0.
 *
 * @example
 * selectCells(Float64Array.from([3, 1, 1, 0]), 2); // [0, 1, 2] (the tie at the 2nd score is included)
 * selectCells(Float64Array.from([3, 0, 0, 0]), 2); // [0]
 */
export function selectCells(scores: ArrayLike<number>, k: number): number[] {
	const n = scores.length;
	if (n === 0) return [];
	if (!(k >= 1)) throw new AnalysisInputError('E_BAD_K', `k must be ≥ 1, got ${k}`);
	const sorted = Float64Array.from(scores).sort();
	const kth = sorted[n - Math.min(k, n)];
	const selected: number[] = [];
	for (let i = 0; i < n; i++) {
		const s = scores[i];
		if (kth > 0 ? s >= kth : s > 0) selected.push(i);
	}
	return selected;
}

/** Hit rate, PAI and PEI* of one origin from the selection and the future counts per study cell. */
export function originMetrics(
	selected: readonly number[],
	futureCounts: ArrayLike<number>
): OriginMetrics {
	const studyCells = futureCounts.length;
	let n = 0;
	for (let i = 0; i < studyCells; i++) n += futureCounts[i];
	let h = 0;
	for (const i of selected) h += futureCounts[i];
	const m = selected.length;
	// Perfect foresight over as many cells: the m largest future counts.
	const best = Float64Array.from(futureCounts).sort().reverse();
	let ceiling = 0;
	for (let i = 0; i < m; i++) ceiling += best[i];
	const hitRate = n > 0 ? h / n : 0;
	return {
		selectedCells: m,
		hits: h,
		incidents: n,
		hitRate,
		// Nothing selected: nothing found (0 rather than 0/0).
		pai: m > 0 && n > 0 ? hitRate / (m / studyCells) : 0,
		pei: ceiling > 0 ? h / ceiling : 0
	};
}

/** Local hour of day of a wall-clock time. */
export function wallHour(wallMs: number): number {
	return Math.floor((((wallMs % DAY_MS) + DAY_MS) % DAY_MS) / 3_600_000);
}

/** Whether a local hour lies in the shift's hours (wrapping past midnight). */
export function inShift(hour: number, s: ShiftHours): boolean {
	return (hour - s.startHour + 24) % 24 < s.hours;
}

function checkOptions(o: BacktestOptions): { fromDay: number; toDay: number } {
	let fromDay: number;
	let toDay: number;
	try {
		fromDay = isoToDay(o.from);
		toDay = isoToDay(o.to);
	} catch {
		throw new AnalysisInputError(
			'E_BAD_DATE',
			`from and to must be dates YYYY-MM-DD, got ${o.from} and ${o.to}`
		);
	}
	if (toDay < fromDay)
		throw new AnalysisInputError('E_BAD_PERIOD', `to (${o.to}) is before from (${o.from})`);
	if (!Number.isInteger(o.stepDays) || o.stepDays < 1)
		throw new AnalysisInputError(
			'E_BAD_STEP',
			`stepDays must be a whole number ≥ 1, got ${o.stepDays}`
		);
	if (!Number.isInteger(o.horizonDays) || o.horizonDays < 1)
		throw new AnalysisInputError(
			'E_BAD_HORIZON',
			`horizonDays must be a whole number ≥ 1, got ${o.horizonDays}`
		);
	if (!(o.coverage > 0 && o.coverage <= 1))
		throw new AnalysisInputError('E_BAD_COVERAGE', `coverage must be in (0, 1], got ${o.coverage}`);
	const h = o.hours;
	if (
		h &&
		!(
			Number.isInteger(h.startHour) &&
			h.startHour >= 0 &&
			h.startHour < 24 &&
			Number.isInteger(h.hours) &&
			h.hours >= 1 &&
			h.hours <= 24
		)
	)
		throw new AnalysisInputError(
			'E_BAD_HOURS',
			`hours must start at a whole hour 0–23 and last 1–24 hours, got ${JSON.stringify(h)}`
		);
	return { fromDay, toDay };
}

/** Sort events by time and index their cells; the study cells are the cells the events hold. */
export function indexEvents(events: readonly BacktestEvent[]): IndexedEvents {
	const order = events.map((_, i) => i).sort((a, b) => events[a].wallMs - events[b].wallMs);
	const cells = [...new Set(events.map((e) => e.cell))].sort();
	const index = new Map(cells.map((c, i) => [c, i]));
	const n = events.length;
	const out: IndexedEvents = {
		cells,
		cell: new Int32Array(n),
		wallMs: new Float64Array(n),
		timed: new Uint8Array(n),
		weight: new Float64Array(n)
	};
	order.forEach((j, i) => {
		const e = events[j];
		if (!Number.isFinite(e.wallMs))
			throw new AnalysisInputError('E_BAD_TIME', `event ${j} has no valid time`);
		out.cell[i] = index.get(e.cell)!;
		out.wallMs[i] = e.wallMs;
		out.timed[i] = e.timed === false ? 0 : 1;
		out.weight[i] = e.weight ?? 1;
	});
	return out;
}

/** First event index with wallMs ≥ t (events sorted). */
export function lowerBound(times: Float64Array, t: number): number {
	let lo = 0;
	let hi = times.length;
	while (lo < hi) {
		const mid = (lo + hi) >>> 1;
		if (times[mid] < t) lo = mid + 1;
		else hi = mid;
	}
	return lo;
}

/** Run the backtest (see the module comment for the contract). */
export function backtest(
	events: readonly BacktestEvent[],
	options: BacktestOptions
): BacktestResult {
	const { fromDay, toDay } = checkOptions(options);
	const ev = indexEvents(events);
	const studyCells = ev.cells.length;
	if (studyCells === 0)
		throw new AnalysisInputError('E_NO_EVENTS', 'there are no events to backtest on');
	const hours = options.hours ?? null;
	const k = selectionSize(options.coverage, studyCells);
	const score = options.model.scorer(ev, { hours });
	const origins: OriginResult[] = [];
	const skippedOrigins: string[] = [];
	const future = new Float64Array(studyCells);
	const days = options.origins
		? options.origins.map((o) => {
				const d = isoToDay(o);
				if (d < fromDay || d > toDay)
					throw new AnalysisInputError(
						'E_BAD_ORIGIN',
						`origin ${o} is outside ${options.from}–${options.to}`
					);
				return d;
			})
		: Array.from(
				{ length: Math.floor((toDay - fromDay) / options.stepDays) + 1 },
				(_, i) => fromDay + i * options.stepDays
			);
	for (let i = 1; i < days.length; i++)
		if (days[i] <= days[i - 1])
			throw new AnalysisInputError('E_BAD_ORIGIN', 'origins must be dates in ascending order');
	for (const day of days) {
		const t = day * DAY_MS;
		const end = t + options.horizonDays * DAY_MS;
		future.fill(0);
		let n = 0;
		for (let i = lowerBound(ev.wallMs, t); i < ev.wallMs.length && ev.wallMs[i] < end; i++) {
			if (hours && !(ev.timed[i] && inShift(wallHour(ev.wallMs[i]), hours))) continue;
			future[ev.cell[i]] += 1;
			n++;
		}
		// The model is asked at every origin (running sums advance), also when this one is skipped.
		const scores = score(t);
		if (n === 0) {
			skippedOrigins.push(dayToIso(day));
			continue;
		}
		origins.push({ origin: dayToIso(day), ...originMetrics(selectCells(scores, k), future) });
	}
	const mean =
		origins.length === 0
			? null
			: {
					hitRate: origins.reduce((s, o) => s + o.hitRate, 0) / origins.length,
					pai: origins.reduce((s, o) => s + o.pai, 0) / origins.length,
					pei: origins.reduce((s, o) => s + o.pei, 0) / origins.length
				};
	return {
		model: options.model.name,
		modelParameters: options.model.parameters,
		coverage: options.coverage,
		studyCells,
		k,
		stepDays: options.stepDays,
		horizonDays: options.horizonDays,
		hours,
		origins,
		skippedOrigins,
		mean
	};
}
