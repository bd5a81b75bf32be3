/**
 * Forecast models for the backtest (`backtest.ts`): the reference baseline `recent:N` and the default
 * `prospective` model.
 *
 * `recent:N` — score = rows in the N days before the origin, [t − N days, t), unweighted, every hour.
 *
 * `prospective` — prospective hot-spotting (Bowers, Johnson & Pease 2004, Br. J. Criminol. 44(5)) with
 * the long-term stability of crime places (Weisburd 2015, "The law of crime concentration") and the
 * near-neighbour spread of risk (Johnson 2008, "Repeat burglary victimisation: a tale of two theories"):
 *
 *   rate(c) = Σ_τ a_τ · Σ_e∈c w_e · e^(−age_e/τ) / τ  +  b · Σ_e∈c w_e / span
 *   score(c) = rate(c) + s₁ · Σ_ring1 rate / 6 + s₂ · Σ_ring2 rate / 12
 *
 * where the e^(−age/τ)/τ terms are recency-weighted daily rates at several time scales τ (days), the
 * second term the cell's long-term daily rate over all history before the origin (span = days from the
 * data's first row to the origin, at least `minSpanDays`), and ring 1 / ring 2 the H3 cells at grid
 * distance 1 and 2. w_e = the row's harm weight when asked (else 1), times `offShiftWeight` for a timed
 * row outside the shift's hours when a shift is given (rows without a time take the shift's average).
 * The defaults were tuned on Chicago aggravated assaults 2011–2014 only and validated elsewhere
 * (bench/RESULTS.md, "Forecast accuracy").
 *
 * @example
 * forecastModel('recent:28').name; // 'recent:28'
 * forecastModel('prospective').parameters; // { timeScalesDays: [...], ... }
 */
import { gridDisk, gridRingUnsafe } from 'h3-js';
import {
	DAY_MS,
	inShift,
	lowerBound,
	wallHour,
	type ForecastModel,
	type IndexedEvents,
	type ShiftHours
} from './backtest';
import { AnalysisInputError } from './weights';

/** `recent:N`: rows in the N days before the origin. */
export function recentModel(days: number): ForecastModel {
	if (!Number.isInteger(days) || days < 1 || days > 3650)
		throw new AnalysisInputError(
			'E_BAD_MODEL',
			`recent:N needs N from 1 to 3650 days, got ${days}`
		);
	return {
		name: `recent:${days}`,
		parameters: { days, score: 'rows in [t − N days, t)' },
		scorer(ev: IndexedEvents) {
			const counts = new Float64Array(ev.cells.length);
			return (t: number) => {
				counts.fill(0);
				const end = lowerBound(ev.wallMs, t);
				for (let i = lowerBound(ev.wallMs, t - days * DAY_MS); i < end; i++)
					counts[ev.cell[i]] += 1;
				return Float64Array.from(counts);
			};
		}
	};
}

export interface ProspectiveOptions {
	/** Recency time scales τ (days). */
	timeScalesDays?: number[];
	/** Weight a_τ of each time scale's rate. */
	timeScaleWeights?: number[];
	/** Weight b of the long-term rate. */
	longTermWeight?: number;
	/** Shortest span (days) the long-term rate divides by. */
	minSpanDays?: number;
	/** s₁: weight of the ring-1 neighbours' mean rate. */
	ring1Weight?: number;
	/** s₂: weight of the ring-2 neighbours' mean rate. */
	ring2Weight?: number;
	/** Weight of a timed row outside the shift's hours (when a shift is given). */
	offShiftWeight?: number;
	/** Weigh rows by their harm weight. */
	harm?: boolean;
	/**
	 * Whole-incident scores: the counts of the last `countDays` days with data (their distribution over
	 * cells) are handed out by risk, highest count to highest risk. 0: the risk itself is the score.
	 */
	countDays?: number;
}

export const PROSPECTIVE_DEFAULTS: Required<ProspectiveOptions> = {
	timeScalesDays: [28, 112],
	timeScaleWeights: [0.3, 0.4],
	longTermWeight: 0.6,
	minSpanDays: 28,
	ring1Weight: 0.5,
	ring2Weight: 0.15,
	offShiftWeight: 0.5,
	harm: false,
	countDays: 28
};

/** Study-cell indexes of each cell's ring-1 and ring-2 neighbours that are study cells. */
function rings(cells: readonly string[]): { ring1: Int32Array[]; ring2: Int32Array[] } {
	const index = new Map(cells.map((c, i) => [c, i]));
	const pick = (list: string[], self: string) =>
		Int32Array.from(list.filter((c) => c !== self && index.has(c)).map((c) => index.get(c)!));
	const ring1: Int32Array[] = [];
	const ring2: Int32Array[] = [];
	for (const c of cells) {
		const d1 = gridDisk(c, 1);
		ring1.push(pick(d1, c));
		let r2: string[];
		try {
			r2 = gridRingUnsafe(c, 2);
		} catch {
			// Near a pentagon the fast ring fails: the disk minus the inner disk is the same set.
			const inner = new Set(d1);
			r2 = gridDisk(c, 2).filter((x) => !inner.has(x));
		}
		ring2.push(pick(r2, c));
	}
	return { ring1, ring2 };
}

/** The default model: multi-scale recency + long-term rate + near-neighbour spread. */
export function prospectiveModel(options: ProspectiveOptions = {}): ForecastModel {
	const p = { ...PROSPECTIVE_DEFAULTS, ...options };
	if (p.timeScalesDays.length !== p.timeScaleWeights.length)
		throw new AnalysisInputError(
			'E_BAD_MODEL',
			'timeScalesDays and timeScaleWeights must have the same length'
		);
	if (![...p.timeScalesDays].every((t) => t > 0))
		throw new AnalysisInputError('E_BAD_MODEL', 'time scales must be > 0 days');
	return {
		name: p.harm ? 'prospective+harm' : 'prospective',
		parameters: { ...p },
		scorer(ev: IndexedEvents, { hours }: { hours: ShiftHours | null }) {
			const n = ev.cells.length;
			const scales = p.timeScalesDays.map((d) => d * DAY_MS);
			const sums = scales.map(() => new Float64Array(n));
			const total = new Float64Array(n);
			const { ring1, ring2 } =
				p.ring1Weight || p.ring2Weight ? rings(ev.cells) : { ring1: [], ring2: [] };
			const untimedShiftWeight = hours
				? (hours.hours + (24 - hours.hours) * p.offShiftWeight) / 24
				: 1;
			const weight = (i: number) => {
				let w = p.harm ? ev.weight[i] : 1;
				if (hours)
					w *= ev.timed[i]
						? inShift(wallHour(ev.wallMs[i]), hours)
							? 1
							: p.offShiftWeight
						: untimedShiftWeight;
				return w;
			};
			const first = ev.wallMs.length ? ev.wallMs[0] : 0;
			let last = -Infinity;
			let next = 0;
			const rate = new Float64Array(n);
			return (t: number) => {
				if (t < last)
					throw new AnalysisInputError('E_ORIGIN_ORDER', 'origins must not go back in time');
				if (last > -Infinity && t > last)
					for (let s = 0; s < scales.length; s++) {
						const f = Math.exp(-(t - last) / scales[s]);
						const a = sums[s];
						for (let c = 0; c < n; c++) a[c] *= f;
					}
				for (; next < ev.wallMs.length && ev.wallMs[next] < t; next++) {
					const w = weight(next);
					const c = ev.cell[next];
					total[c] += w;
					for (let s = 0; s < scales.length; s++)
						sums[s][c] += w * Math.exp(-(t - ev.wallMs[next]) / scales[s]);
				}
				last = t;
				const span = Math.max((t - first) / DAY_MS, p.minSpanDays);
				for (let c = 0; c < n; c++) {
					let r = (p.longTermWeight * total[c]) / span;
					for (let s = 0; s < scales.length; s++)
						r += (p.timeScaleWeights[s] * sums[s][c]) / p.timeScalesDays[s];
					rate[c] = r;
				}
				const score = new Float64Array(n);
				for (let c = 0; c < n; c++) {
					let v = rate[c];
					if (ring1.length) {
						let r1 = 0;
						for (const j of ring1[c]) r1 += rate[j];
						let r2 = 0;
						for (const j of ring2[c]) r2 += rate[j];
						v += (p.ring1Weight * r1) / 6 + (p.ring2Weight * r2) / 12;
					}
					score[c] = v;
				}
				if (p.countDays > 0) return wholeIncidentScores(ev, t, score, p.countDays);
				return score;
			};
		}
	};
}

/**
 * Whole-incident scores from a risk: the counts per cell of the last `days` days that hold data — the
 * window [a − days, a) with a = the origin, or the day after the last row when the data stops earlier
 * (monthly data dated on the 1st) — sorted high to low, handed out to the cells in order of risk (cell
 * id breaks ties). Cells without risk keep 0. The counts' distribution is the baseline's (recent:N),
 * so the contract's ties select as many cells as the baseline would; which cells is the model's choice.
 */
function wholeIncidentScores(
	ev: IndexedEvents,
	t: number,
	risk: Float64Array,
	days: number
): Float64Array {
	const n = risk.length;
	const end = lowerBound(ev.wallMs, t);
	const anchor =
		end === 0 ? t : Math.min(t, (Math.floor(ev.wallMs[end - 1] / DAY_MS) + 1) * DAY_MS);
	const counts = new Float64Array(n);
	for (let i = lowerBound(ev.wallMs, anchor - days * DAY_MS); i < end; i++) counts[ev.cell[i]] += 1;
	counts.sort().reverse();
	const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => risk[b] - risk[a] || a - b);
	const score = new Float64Array(n);
	order.forEach((c, rank) => (score[c] = risk[c] > 0 ? counts[rank] : 0));
	return score;
}

export const DEFAULT_MODEL = 'prospective';

/**
 * A model by name: `recent:N` or `prospective` (the default). `harm` weighs rows by harm (prospective only).
 *
 * @example
 * forecastModel('recent:28');
 */
export function forecastModel(
	name: string = DEFAULT_MODEL,
	opts: { harm?: boolean } = {}
): ForecastModel {
	const m = /^recent:(\d+)$/.exec(name.trim());
	if (m) {
		if (opts.harm)
			throw new AnalysisInputError('E_BAD_MODEL', 'recent:N counts rows; it does not weigh harm');
		return recentModel(Number(m[1]));
	}
	if (name.trim() === 'prospective') return prospectiveModel({ harm: opts.harm ?? false });
	throw new AnalysisInputError(
		'E_BAD_MODEL',
		`unknown model "${name}": use recent:N (e.g. recent:28) or prospective`
	);
}
