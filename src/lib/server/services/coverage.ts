/**
 * "Which periods hold data?" — for views that show one panel or number per year or month (small
 * multiples): each calendar year or month of a period with its coverage (source_coverage) and a label
 * that says when it is partial ("2017 (Jan–Jun)") or missing, so half a year is never shown as a year.
 */
import type { CoverageAnswer } from '../../contracts/trends';
import { labelWithCoverage } from '../analysis/coverage';
import type { Database } from '../db/client';
import { coverageFor } from '../study/coverage';
import { resolveAreas } from '../study/area';
import { resolvePeriod } from '../study/period';

export interface CoverageStepsRequest {
	area?: readonly string[];
	from?: string;
	to?: string;
	step?: 'year' | 'month';
}

export type CoverageStepsResult = CoverageAnswer;
export type CoverageStep = CoverageAnswer['steps'][number];

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/**
 * Every calendar year (or month) overlapping from–to, whole, with its coverage.
 *
 * @example
 * const r = await coverageBySteps(db, { from: '2016-01-01', to: '2020-12-31', step: 'year' });
 * r.steps[1].label; // '2017 (Jan–Jun)' on the demo data
 */
export async function coverageBySteps(
	db: Database,
	q: CoverageStepsRequest
): Promise<CoverageStepsResult> {
	const step = q.step ?? 'year';
	const period = await resolvePeriod(db, q.from, q.to);
	const areas = q.area?.length ? await resolveAreas(db, q.area) : [];
	const spans: { name: string; from: string; to: string }[] = [];
	const start = new Date(period.from + 'T00:00:00Z');
	const end = new Date(period.to + 'T00:00:00Z');
	if (step === 'year') {
		for (let y = start.getUTCFullYear(); y <= end.getUTCFullYear(); y++)
			spans.push({ name: String(y), from: `${y}-01-01`, to: `${y}-12-31` });
	} else {
		for (
			let m = start.getUTCFullYear() * 12 + start.getUTCMonth();
			m <= end.getUTCFullYear() * 12 + end.getUTCMonth();
			m++
		) {
			const y = Math.floor(m / 12);
			spans.push({
				name: `${MONTHS[m % 12]} ${y}`,
				from: iso(Date.UTC(y, m % 12, 1)),
				to: iso(Date.UTC(y, (m % 12) + 1, 0))
			});
		}
	}
	const coverage = await coverageFor(
		db,
		spans[0].from,
		spans[spans.length - 1].to,
		areas.length ? { areaIds: areas.map((a) => a.id) } : { everywhere: true }
	);
	return {
		parameters: { areas, from: period.from, to: period.to, step, grain: coverage.grain },
		steps: spans.map((s) => {
			const c = coverage.period(s.from, s.to);
			return { ...c, name: s.name, label: labelWithCoverage(s.name, c) };
		})
	};
}
