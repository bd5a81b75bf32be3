/**
 * Emerging hot spots for a study area: "which hot spots are new, intensifying, persistent or fading?"
 * A space-time cube of counts per study cell and week or month from the rollup, Gi* per step with
 * space-time neighbours, Mann-Kendall on each cell's z series and Esri's 17 categories
 * (src/lib/server/analysis/emerging-hotspots.ts, docs/analysis.md).
 */
import type { EmergingAnswer } from '../../contracts/hotspots';
import { computeInline, type Compute } from '../jobs/tasks';
import {
	EMERGING_CATEGORIES,
	emergingCategoryLabel,
	type EmergingCategory
} from '../analysis/emerging-hotspots';
import type { Database } from '../db/client';
import { countsInStudyCellsByStep } from '../db/queries/areas-study';
import { ServiceError } from '../errors';
import { coverageFor, studyPlace } from '../study/coverage';
import type { PeriodStatus } from '../analysis/coverage';
import {
	checkCategories,
	checkRes,
	resolveStudyArea,
	studyParameters,
	type StudyRequest
} from '../study/area';
import { dayToIso, isoToDay } from '../analysis/days';
import { calendarStepEnd, resolvePeriod, stepStarts, type CalendarStep } from '../study/period';
import { studyWeights } from '../study/caches';

/** Largest cube (cells × steps) one request may build. */
export const MAX_CUBE_BINS = 5_000_000;
export const MAX_STEPS = 260;

export interface EmergingRequest extends StudyRequest {
	step?: CalendarStep;
	k?: number;
	/** Previous steps in the space-time neighbourhood. Default 1. */
	timeSteps?: number;
	alpha?: number;
	trendAlpha?: number;
}

/**
 * Emerging hot-spot categories per study cell.
 *
 * @example
 * const r = await emergingForArea(db, { area: ['district:11'], res: 8, from: '2018-01-01', to: '2019-12-31', step: 'month' });
 * r.summary['intensifying-hot-spot']; // number of cells in that category
 */
export async function emergingForArea(
	db: Database,
	q: EmergingRequest,
	compute: Compute = computeInline
): Promise<EmergingAnswer> {
	const { step = 'month', k = 1, timeSteps = 1, alpha = 0.1, trendAlpha = 0.05 } = q;
	if (step !== 'week' && step !== 'month')
		throw new ServiceError('E_PARAMETER', `step: must be week or month, got ${String(step)}`);
	if (!Number.isInteger(k) || k < 1 || k > 3)
		throw new ServiceError('E_PARAMETER', `k: must be a whole number from 1 to 3, got ${k}`);
	if (!Number.isInteger(timeSteps) || timeSteps < 0 || timeSteps > 12)
		throw new ServiceError(
			'E_PARAMETER',
			`timeSteps: must be a whole number from 0 to 12, got ${timeSteps}`
		);
	const categories = checkCategories(q.categories);
	checkRes(q.res);
	const period = await resolvePeriod(db, q.from, q.to);
	const steps = stepStarts(period.from, period.to, step);
	if (steps.length < 3)
		throw new ServiceError(
			'E_DATE_RANGE',
			`The period ${period.from} to ${period.to} has ${steps.length} ${step}s; emerging hot spots need at least 3 (10 or more recommended)`
		);
	if (steps.length > MAX_STEPS)
		throw new ServiceError(
			'E_DATE_RANGE',
			`The period has ${steps.length} ${step}s, over the limit of ${MAX_STEPS}; use monthly steps or a shorter period`
		);
	const study = await resolveStudyArea(db, q);
	const coverage = await coverageFor(db, period.from, period.to, studyPlace(study));
	if (coverage.grain === null)
		throw new ServiceError(
			'E_NO_DATA',
			`No data was imported for ${period.from} to ${period.to} in this study area`,
			422
		);
	if (step === 'week' && coverage.grain === 'month')
		throw new ServiceError(
			'E_TIME_PRECISION',
			'step: the data is dated to months (police.uk publishes months, not days), so weekly steps would put every crime of a month into its first week; use monthly steps',
			422
		);
	const stepEnd = (s: string) => calendarStepEnd(s, step);
	const stepCoverage = steps.map((s) =>
		coverage.period(
			s < period.from ? period.from : s,
			stepEnd(s) > period.to ? period.to : stepEnd(s)
		)
	);
	const used = steps.map((_, t) => t).filter((t) => stepCoverage[t].status === 'covered');
	const skippedSteps = stepCoverage
		.map((c, t) => ({ start: steps[t], ...c }))
		.filter((c) => c.status !== 'covered')
		.map((c) => ({
			start: c.start,
			status: c.status as Exclude<PeriodStatus, 'covered'>,
			coveredDays: c.coveredDays,
			days: c.days
		}));
	if (used.length < 3)
		throw new ServiceError(
			'E_COVERAGE',
			`Only ${used.length} of the ${steps.length} ${step}s from ${period.from} to ${period.to} hold data for every day (${skippedSteps.filter((s) => s.status === 'missing').length} have none); emerging hot spots need at least 3 covered ${step}s — choose a period with data`,
			422
		);
	const usedSteps = used.map((t) => steps[t]);
	const gapBefore = used.map((t, k) => k > 0 && t !== used[k - 1] + 1);
	const T = usedSteps.length;
	if (study.cells.length * T > MAX_CUBE_BINS)
		throw new ServiceError(
			'E_STUDY_AREA_TOO_LARGE',
			`The space-time cube would have ${(study.cells.length * T).toLocaleString('en-GB')} bins (${study.cells.length} cells × ${T} ${step}s), over the limit of ${MAX_CUBE_BINS.toLocaleString('en-GB')}; choose a smaller area, a coarser resolution or fewer steps`
		);
	const rows = await countsInStudyCellsByStep(
		db,
		study.cells,
		{ res: study.res, ...period, categories },
		step
	);
	const cellIndex = new Map(study.cells.map((c, i) => [c, i]));
	const stepIndex = new Map(usedSteps.map((s, t) => [s, t]));
	const counts = new Float64Array(study.cells.length * T);
	for (const r of rows) {
		const i = cellIndex.get(r.cell);
		const t = stepIndex.get(r.step);
		if (i !== undefined && t !== undefined) counts[i * T + t] += r.n;
	}
	const { weights } = studyWeights(study, k);
	const e = await compute('emerging', {
		weights,
		steps: T,
		counts,
		options: { neighbourhoodTimeStep: timeSteps, alpha, trendAlpha, gapBefore }
	});
	const warnings = [...e.parameters.warnings];
	if (skippedSteps.length)
		warnings.push(
			`${skippedSteps.length} of the ${steps.length} ${step}s hold no data${skippedSteps.some((s) => s.status === 'partial') ? ' or data for only some of their days' : ''} (${describeRuns(
				skippedSteps.map((s) => s.start),
				step
			)}) and were left out, not counted as zeros: the analysis uses the ${T} covered ${step}s, and no space-time neighbourhood reaches across a gap.`
		);
	const first = usedSteps[0];
	const lastStart = usedSteps[T - 1];
	if (first < period.from || stepEnd(lastStart) > period.to)
		warnings.push(
			`The first or last ${step} is only partly inside ${period.from}–${period.to}, so its counts cover fewer days`
		);
	const n = study.cells.length;
	const total: number[] = new Array(n);
	const lastZ: number[] = new Array(n);
	for (let i = 0; i < n; i++) {
		let s = 0;
		for (let t = 0; t < T; t++) s += counts[i * T + t];
		total[i] = s;
		lastZ[i] = e.z[i * T + T - 1];
	}
	const labels = Object.fromEntries(
		(Object.keys(EMERGING_CATEGORIES) as EmergingCategory[]).map((c) => [
			c,
			emergingCategoryLabel(c)
		])
	) as Record<EmergingCategory, string>;
	return {
		parameters: {
			...studyParameters(study, period, categories, q),
			step,
			k,
			neighbourhoodTimeStep: e.parameters.neighbourhoodTimeStep,
			globalWindow: e.parameters.globalWindow,
			fdr: e.parameters.fdr,
			alpha: e.parameters.alpha,
			trendAlpha: e.parameters.trendAlpha,
			warnings,
			coverage: { grain: coverage.grain, steps: steps.length, covered: T }
		},
		steps: usedSteps,
		skippedSteps,
		summary: e.summary,
		labels,
		cells: study.cells,
		category: e.locations.map((l) => l.category),
		code: e.locations.map((l) => l.code),
		total,
		hotSteps: e.locations.map((l) => l.hotSteps),
		coldSteps: e.locations.map((l) => l.coldSteps),
		trendZ: e.locations.map((l) => l.trend.z),
		trendP: e.locations.map((l) => l.trend.p),
		lastZ
	};
}

function describeRuns(starts: string[], step: CalendarStep): string {
	const label = (d: string) => (step === 'month' ? d.slice(0, 7) : d);
	const runs: [string, string][] = [];
	for (const s of starts) {
		const last = runs[runs.length - 1];
		const end = last && calendarStepEnd(last[1], step);
		if (last && end && dayToIso(isoToDay(end) + 1) === s) last[1] = s;
		else runs.push([s, s]);
	}
	return runs.map(([a, b]) => (a === b ? label(a) : `${label(a)} – ${label(b)}`)).join(', ');
}
