/**
 * "How good is this ranking?" — the supervisor's forecast backtested on the area's own last year, with
 * the contract of `beatwise backtest` (analysis/backtest.ts, docs/analysis.md "Forecast accuracy"): the
 * default model against the baseline, hit rate, PAI and PEI*, in words a sergeant can use.
 *
 * Input rows are the area's incidents (inside its polygon; the bias guard's categories left out) from a
 * year before the first origin to the data's end, each in the cell `latLngToCell` gives its point, at its
 * local wall-clock time. Daily data: origins every 7 days over the last 52 weeks, 7-day horizons, the
 * shift's hours counted (when most incidents have a time of day), baseline `recent:28`. Monthly data
 * (police.uk, every incident on the 1st): origins on the 1st of each of the last 12 months, a 1-day
 * horizon (that month's incidents), no shift hours (there are no times), baseline `recent:31` — last
 * month's counts, since a 28-day window misses the previous 1st after 31-day months.
 *
 * Answers are cached per (area at its row version, shift, resolution, coverage, guard, harm, data
 * version): an import moves the data version, so nothing older is served.
 */
import { latLngToCell } from 'h3-js';
import { backtest, type BacktestEvent, type BacktestResult } from '../analysis/backtest';
import { dayToIso, isoToDay } from '../analysis/days';
import { forecastModel } from '../analysis/forecast-models';
import { CATEGORIES } from '../../taxonomy';
import type { ForecastAccuracy, ForecastAccuracyQuery } from '../../contracts/forecast-accuracy';
import type { Database } from '../db/client';
import { rollupVersion } from '../db/queries/areas-study';
import { incidentsInAreas } from '../db/queries/incidents-in-areas';
import { ServiceError } from '../errors';
import { Lru } from '../study/lru';
import { resolveAreas } from '../study/area';
import { SHIFTS } from '../../contracts/shifts';
import { requireDataExtent } from '../study/extent';
import { harmWeight, offenceCode } from '../analysis/harm-index';

/** Weekly origins over the last year of daily data. */
const WEEKS = 52;
const MONTHS = 12;
/** Days of history before the first origin (the model's long-term rate). */
const HISTORY_DAYS = 365;
/** Incidents read at most (an area larger than a few districts' worth of years is refused). */
const MAX_INCIDENTS = 400_000;

const cache = new Lru<string, Omit<ForecastAccuracy, 'cached'>>(32);

/** Empty the cache (tests start clean). */
export function clearForecastAccuracyCache(): void {
	cache.clear();
}

const pct = (v: number) => `${Math.round(v * 100)} %`;
const times = (v: number) => `${v.toFixed(1)}×`;

/** `better`: the model is not worse on PAI or PEI and better on one; `mixed`: better on one, worse on the other. */
export function verdictOf(
	m: BacktestResult['mean'],
	b: BacktestResult['mean']
): ForecastAccuracy['verdict'] {
	if (!m || !b) return 'not-measured';
	const pai = Math.sign(m.pai - b.pai);
	const pei = Math.sign(m.pei - b.pei);
	if (pai === 0 && pei === 0) return 'same';
	if (pai >= 0 && pei >= 0) return 'better';
	if (pai <= 0 && pei <= 0) return 'worse';
	return 'mixed';
}

/** The plain-words reading of the two results. */
function summaryOf(
	model: BacktestResult,
	baseline: BacktestResult,
	o: { monthly: boolean; shiftLabel: string; hoursApplied: boolean; baselineWords: string }
): string {
	const m = model.mean;
	const b = baseline.mean;
	const period = o.monthly ? 'month' : 'week';
	if (!m || !b)
		return `There were no ${o.hoursApplied ? `${o.shiftLabel} ` : ''}incidents in the area in the last year to test the forecast on.`;
	const selected = model.origins.reduce((s, x) => s + x.selectedCells, 0) / model.origins.length;
	const which = o.hoursApplied ? `${o.shiftLabel.toLowerCase()} incidents` : 'incidents';
	const first =
		`Tested on the last year: each ${period}, the ${Math.round(selected)} top cells of the forecast ` +
		`(${pct(selected / model.studyCells)} of the area's cells with crime) held ${pct(m.hitRate)} of the ${which} ` +
		`of the following ${period} — ${times(m.pai)} their share of the area, and ${pct(m.pei)} of what the best ` +
		`${Math.round(selected)} cells could have held. Picking ${o.baselineWords} instead would have held ` +
		`${pct(b.hitRate)} (${times(b.pai)}, ${pct(b.pei)} of the best).`;
	const v = verdictOf(m, b);
	const second =
		v === 'better'
			? 'The forecast picks better cells than that simple list.'
			: v === 'worse'
				? 'The forecast did no better than that simple list here: use it with care.'
				: v === 'mixed'
					? 'The forecast is better on one measure and worse on the other: about as good as that simple list.'
					: 'The forecast and that simple list did equally well.';
	return `${first} ${second}`;
}

/**
 * The forecast accuracy of the shift ranking in an area.
 *
 * @example
 * const r = await forecastAccuracy(db, { area: 'district:11', shift: 'late', res: 9, coverage: 0.1, guard: true, harm: false });
 * r.model.mean; // { hitRate, pai, pei } of the default model; r.baseline.mean of recent:28
 */
export async function forecastAccuracy(
	db: Database,
	q: ForecastAccuracyQuery
): Promise<ForecastAccuracy> {
	const shift = SHIFTS[q.shift];
	if (!shift) throw new ServiceError('E_PARAMETER', 'shift: must be early, late or night');
	const [area] = await resolveAreas(db, [q.area]);
	const version = await rollupVersion(db);
	const key = [area.id, area.version, q.shift, q.res, q.coverage, q.guard, q.harm, version].join(
		'|'
	);
	const hit = cache.get(key);
	if (hit) return { ...hit, cached: true };

	// The area's own data (another city's sources may end later or have no times of day).
	const { granularity, monthly, to: dataEnd } = await requireDataExtent(db, [area.id]);
	const end = isoToDay(dataEnd);
	let origins: string[];
	let horizonDays: number;
	if (monthly) {
		const y = +dataEnd.slice(0, 4);
		const m = +dataEnd.slice(5, 7) - 1;
		origins = Array.from({ length: MONTHS }, (_, i) =>
			dayToIso(Date.UTC(y, m - (MONTHS - 1) + i, 1) / 86_400_000)
		);
		horizonDays = 1;
	} else {
		horizonDays = 7;
		const last = end - horizonDays + 1;
		origins = Array.from({ length: WEEKS }, (_, i) => dayToIso(last - (WEEKS - 1 - i) * 7));
	}
	const historyFrom = dayToIso(isoToDay(origins[0]) - HISTORY_DAYS);
	const excluded = q.guard
		? CATEGORIES.filter((c) => c.proactive).map((c) => c.code as string)
		: [];
	const rows = await incidentsInAreas(db, [area.id], historyFrom, dataEnd, excluded, MAX_INCIDENTS);
	if (rows.length > MAX_INCIDENTS)
		throw new ServiceError(
			'E_STUDY_AREA_TOO_LARGE',
			`The area holds more than ${MAX_INCIDENTS.toLocaleString('en-GB')} incidents over the two years the test reads; choose a smaller area`,
			413
		);
	const events: BacktestEvent[] = rows.map((r) => ({
		cell: latLngToCell(r.lat, r.lon, q.res),
		wallMs: Date.parse(`${r.local}Z`),
		timed: r.timed,
		// Harm per offence code where the record has one (IUCR, NIBRS), else its category's (approximate).
		weight: q.harm ? harmWeight(r.category, offenceCode(r.originalType, r.iucr)).weight : 1
	}));
	const timedShare = rows.length ? rows.filter((r) => r.timed).length / rows.length : 0;
	const hoursApplied = !monthly && timedShare >= 0.5;
	const hours = hoursApplied ? { startHour: shift.startHour, hours: shift.hours } : null;
	const notes: string[] = [];
	if (!hoursApplied)
		notes.push(
			monthly
				? 'The data is dated by month, without times of day: every shift gets the same test, on all incidents of each month.'
				: 'Most incidents have no time of day, so the test counts every incident, not only those in the shift.'
		);
	else if (timedShare < 1)
		notes.push(
			`${pct(1 - timedShare)} of the incidents have no time of day and are not counted in the shift.`
		);
	if (monthly)
		notes.push(
			"The baseline is last month's counts (recent:31): with monthly data a 28-day window often sees no month at all."
		);

	const baselineName = monthly ? 'recent:31' : 'recent:28';
	const modelResult = rows.length
		? run(
				events,
				origins,
				horizonDays,
				q.coverage,
				forecastModel('prospective', { harm: q.harm }),
				hours
			)
		: null;
	const baseResult = rows.length
		? run(events, origins, horizonDays, q.coverage, forecastModel(baselineName), hours)
		: null;
	const modelLabel = `Forecast (prospective${q.harm ? ', harm-weighted' : ''})`;
	const baselineWords = monthly
		? 'the cells with the most incidents last month'
		: 'the cells with the most incidents in the last 28 days';
	const answer: Omit<ForecastAccuracy, 'cached'> = {
		parameters: {
			area: { id: area.id, kind: area.kind, code: area.code, name: area.name },
			shift: q.shift,
			shiftLabel: shift.label,
			hours,
			granularity: granularity.unit,
			res: q.res,
			coverage: q.coverage,
			k: modelResult?.k ?? 0,
			studyCells: modelResult?.studyCells ?? 0,
			horizonDays,
			step: monthly ? 'month' : 'week',
			firstOrigin: origins[0],
			lastOrigin: origins[origins.length - 1],
			dataEnd,
			historyFrom,
			incidents: rows.length,
			timedShare,
			biasGuard: q.guard,
			excludedCategories: excluded,
			harm: q.harm,
			dataVersion: version,
			contract:
				'study cells = cells with ≥ 1 incident; k = ceil(coverage × study cells); selected = scores ≥ the k-th (ties in; only > 0 when it is 0); hit rate h/n; PAI = (h/n)/(selected/study); PEI = h / (largest `selected` future counts); origins without incidents skipped'
		},
		model: {
			name: modelResult?.model ?? 'prospective',
			label: modelLabel,
			mean: modelResult?.mean ?? null
		},
		baseline: {
			name: baselineName,
			label: monthly
				? "Last month's busiest cells (recent:31)"
				: 'Last 28 days’ busiest cells (recent:28)',
			mean: baseResult?.mean ?? null
		},
		origins: (modelResult?.origins ?? []).map((o, i) => {
			const { origin, ...model } = o;
			const { origin: _b, ...baseline } = baseResult!.origins[i];
			void _b;
			return { origin, model, baseline };
		}),
		skippedOrigins: modelResult?.skippedOrigins ?? origins,
		verdict: verdictOf(modelResult?.mean ?? null, baseResult?.mean ?? null),
		summary:
			modelResult && baseResult
				? summaryOf(modelResult, baseResult, {
						monthly,
						shiftLabel: shift.label.replace(/ \(.*\)$/, ''),
						hoursApplied,
						baselineWords
					})
				: 'There are no incidents in this area in the last year to test the forecast on.',
		notes
	};
	cache.set(key, answer);
	return { ...answer, cached: false };
}

function run(
	events: BacktestEvent[],
	origins: string[],
	horizonDays: number,
	coverage: number,
	model: ReturnType<typeof forecastModel>,
	hours: { startHour: number; hours: number } | null
): BacktestResult {
	return backtest(events, {
		from: origins[0],
		to: origins[origins.length - 1],
		stepDays: 1,
		origins,
		horizonDays,
		coverage,
		model,
		hours
	});
}
