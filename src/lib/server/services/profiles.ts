/**
 * Time profiles for one user job: "at what hours and on which days does this happen here?" Aoristic
 * hour × weekday weights (Ratcliffe) from each incident's occurred_from–occurred_to window, in the
 * wall-clock time of the sources' zone. Reads incident windows (point-level, capped).
 */
import { computeInline, type Compute } from '../jobs/tasks';
import { AnalysisInputError } from '../analysis/weights';
import type { Database } from '../db/client';
import type { AreaRef } from '../db/queries/areas-counts';
import { incidentWindows, type IncidentScope } from '../db/queries/incidents-points';
import { ServiceError } from '../errors';
import { checkCategories, resolveAreas, type BBox } from '../study/area';
import { resolvePeriod } from '../study/period';
import { sharedAnswers } from '../study/answers';
import { rollupVersion } from '../db/queries/areas-study';

/** Answers shared by identical requests (study/answers.ts). */
const answers = sharedAnswers<ProfileResult>();

export const PROFILE_MAX_INCIDENTS = 250_000;

export interface ProfileRequest {
	area?: readonly string[];
	bbox?: BBox;
	from?: string;
	to?: string;
	categories?: readonly string[];
	/** IANA zone; default the zone of the matching incidents' source (the most common one). */
	timeZone?: string;
	maxWindowHours?: number;
	maxIncidents?: number;
}

export interface ProfileResult {
	parameters: {
		areas: AreaRef[];
		bbox: BBox | null;
		from: string;
		to: string;
		categories: string[];
		timeZone: string;
		maxWindowHours: number;
		maxIncidents: number;
		method: 'aoristic (weight 1 per incident spread over its window)';
	};
	incidents: number;
	used: number;
	skipped: number;
	/** 24 values, local hour 0–23. */
	hourOfDay: number[];
	/** 7 values, Monday … Sunday. */
	dayOfWeek: number[];
	/** 168 values, index weekday · 24 + hour. */
	hourByWeekday: number[];
}

/**
 * Aoristic hour × weekday profile of the incidents in an area (or bbox, or everywhere).
 *
 * @example
 * const r = await timeProfile(db, { area: ['district:11'], from: '2019-01-01', to: '2019-12-31' });
 * r.hourOfDay[22]; // weighted incidents in the 22:00 hour
 */
export async function timeProfile(
	db: Database,
	q: ProfileRequest,
	compute: Compute = computeInline
): Promise<ProfileResult> {
	const categories = checkCategories(q.categories);
	if (q.area?.length && q.bbox)
		throw new ServiceError('E_PARAMETER', 'Give area or bbox, not both');
	const period = await resolvePeriod(db, q.from, q.to);
	const areas = q.area?.length ? await resolveAreas(db, q.area) : [];
	// Identical requests share one computation and its answer (study/answers.ts).
	const key = JSON.stringify([q, period, areas.map((a) => a.version), await rollupVersion(db)]);
	return answers.get(key, async () => {
		const maxIncidents = q.maxIncidents ?? PROFILE_MAX_INCIDENTS;
		const maxWindowHours = q.maxWindowHours ?? 168;
		const scope: IncidentScope = {
			areaIds: areas.length ? areas.map((a) => a.id) : null,
			bbox: q.bbox ?? null,
			...period,
			categories
		};
		const rows = await incidentWindows(db, scope, maxIncidents);
		if (rows.length > maxIncidents)
			throw new ServiceError(
				'E_PARAMETER',
				`More than ${maxIncidents.toLocaleString('en-GB')} incidents match (the time-profile limit); choose a smaller area, a shorter period or fewer categories`,
				413
			);
		let timeZone = q.timeZone;
		if (!timeZone) {
			const zones = new Map<string, number>();
			for (const r of rows) zones.set(r.timeZone, (zones.get(r.timeZone) ?? 0) + 1);
			timeZone = [...zones].sort((a, b) => b[1] - a[1])[0]?.[0] ?? 'UTC';
		}
		let profile;
		try {
			profile = await compute('aoristic', {
				from: Float64Array.from(rows, (r) => r.from),
				to: Float64Array.from(rows, (r) => r.to),
				options: { timeZone, maxWindowHours }
			});
		} catch (e) {
			if (e instanceof AnalysisInputError)
				throw new ServiceError(
					'E_PARAMETER',
					`timeZone: ${e.message}; use an IANA zone such as Europe/London`
				);
			throw e;
		}
		return {
			parameters: {
				areas,
				bbox: q.bbox ?? null,
				...period,
				categories: categories ?? [],
				timeZone,
				maxWindowHours,
				maxIncidents,
				method: 'aoristic (weight 1 per incident spread over its window)'
			},
			incidents: rows.length,
			used: profile.used,
			skipped: profile.skipped,
			hourOfDay: Array.from(profile.hourOfDay),
			dayOfWeek: Array.from(profile.dayOfWeek),
			hourByWeekday: Array.from(profile.hourByWeekday)
		};
	});
}
