/**
 * Near repeats for one user job: "after an incident here, are more nearby soon after, beyond
 * chance?" The Knox test on the incidents of an area or bbox, a period and categories. This is
 * point-level analysis, so it reads incident points (projected by PostGIS to a metric CRS: the local
 * WGS84 UTM zone, or a given SRID) — capped, with a clear error above the cap.
 */
import type { KnoxResult } from '../analysis/knox';
import { computeInline, type Compute } from '../jobs/tasks';
import type { Database } from '../db/client';
import type { AreaRef } from '../db/queries/areas-counts';
import {
	projectedIncidentPoints,
	scopeCentre,
	sridKnown,
	type IncidentScope
} from '../db/queries/incidents-points';
import { ServiceError } from '../errors';
import { checkCategories, resolveAreas, type BBox } from '../study/area';
import { resolvePeriod } from '../study/period';
import { sharedAnswers } from '../study/answers';
import { rollupVersion } from '../db/queries/areas-study';

/** Answers shared by identical requests (study/answers.ts). */
const answers = sharedAnswers<NearRepeatResult>();

/** Knox pairs grow with n²: 20,000 incidents are 2·10⁸ pairs, about what one request should do. */
export const NEAR_REPEAT_MAX_INCIDENTS = 20_000;
/** Permutations when none are asked for: enough for p down to 0.01, and an answer in seconds. */
export const NEAR_REPEAT_DEFAULT_PERMUTATIONS = 99;
/** Most permutations a request that waits for its answer may ask for; more run as a background job. */
export const NEAR_REPEAT_INTERACTIVE_PERMUTATIONS = 199;
/** Most distance or time bands a waiting request may ask for. */
export const NEAR_REPEAT_INTERACTIVE_BANDS = 20;

export interface NearRepeatRequest {
	area?: readonly string[];
	bbox?: BBox;
	from?: string;
	to?: string;
	categories?: readonly string[];
	/** Distance bands in metres of the CRS. Default 200 × 3. */
	distanceBands?: { width: number; count: number };
	/** Time bands in days (in months with `timeUnit` 'month'). Default 7 × 4 days. */
	timeBands?: { width: number; count: number };
	/**
	 * Unit of the time bands. 'auto' (default): days, or months when records are dated only to their
	 * month (police.uk) — the answer says so. 'day' on month-dated records is refused.
	 */
	timeUnit?: 'auto' | 'day' | 'month';
	metric?: 'manhattan' | 'euclidean';
	permutations?: number;
	seed?: number;
	/** Metric CRS (EPSG code); default the WGS84 UTM zone of the study area's centre. */
	srid?: number;
	maxIncidents?: number;
	/**
	 * The user waits for the answer: permutations and bands are bounded
	 * (NEAR_REPEAT_INTERACTIVE_*), larger runs are sent to the background jobs.
	 */
	interactive?: boolean;
}

export interface NearRepeatResult extends KnoxResult {
	parameters: KnoxResult['parameters'] & {
		areas: AreaRef[];
		bbox: BBox | null;
		from: string;
		to: string;
		categories: string[];
		srid: number;
		distanceUnit: 'm';
		/** Days, or months for month-dated records. */
		timeUnit: 'd' | 'mo';
		/** Records among the points dated only to their month. */
		monthDated: number;
		/** Why the time bands are months, when they are; else null. */
		timeNote: string | null;
		maxIncidents: number;
	};
}

/** Month number (years · 12 + month) of a local day number (days since 1970-01-01). */
function monthOfDay(t: number): number {
	const d = new Date(Math.floor(t) * 86_400_000);
	return d.getUTCFullYear() * 12 + d.getUTCMonth();
}

/** EPSG code of the WGS84 UTM zone holding lon/lat (326zz north, 327zz south). */
export function utmSrid(lon: number, lat: number): number {
	const zone = Math.min(60, Math.max(1, Math.floor((lon + 180) / 6) + 1));
	return (lat >= 0 ? 32600 : 32700) + zone;
}

/**
 * Knox near-repeat test on the incidents of an area or bbox.
 *
 * @example
 * const r = await nearRepeatForArea(db, { area: ['district:11'], from: '2019-01-01', to: '2019-03-31' });
 * r.rowLabels, r.colLabels, r.ratio; // Knox ratios by distance × time band
 */
export async function nearRepeatForArea(
	db: Database,
	q: NearRepeatRequest,
	compute: Compute = computeInline
): Promise<NearRepeatResult> {
	const categories = checkCategories(q.categories);
	const permutations = q.permutations ?? NEAR_REPEAT_DEFAULT_PERMUTATIONS;
	const distanceBands = q.distanceBands ?? { width: 200, count: 3 };
	const requested = q.timeBands ?? { width: 7, count: 4 };
	if (q.interactive) {
		const background =
			'run it as a background job instead (the Jobs page, /jobs, or POST /api/jobs with kind near-repeat), which you can come back to';
		if (permutations > NEAR_REPEAT_INTERACTIVE_PERMUTATIONS)
			throw new ServiceError(
				'E_USE_JOB',
				`permutations: ${permutations} is more than an answer to wait for allows (${NEAR_REPEAT_INTERACTIVE_PERMUTATIONS}); ${background}`,
				422
			);
		const bands = Math.max(distanceBands.count, requested.count);
		if (bands > NEAR_REPEAT_INTERACTIVE_BANDS)
			throw new ServiceError(
				'E_USE_JOB',
				`${bands} bands is more than an answer to wait for allows (${NEAR_REPEAT_INTERACTIVE_BANDS} distance and ${NEAR_REPEAT_INTERACTIVE_BANDS} time bands); ${background}`,
				422
			);
	}
	if ((q.area?.length ?? 0) > 0 === (q.bbox !== undefined))
		throw new ServiceError(
			'E_STUDY_AREA_MISSING',
			'Give the study area as area (id, kind:code or kind:*) or bbox (west,south,east,north), not both'
		);
	const period = await resolvePeriod(db, q.from, q.to);
	const areas = q.area?.length ? await resolveAreas(db, q.area) : [];
	// Identical requests share one computation and its answer (study/answers.ts).
	const key = JSON.stringify([q, period, areas.map((a) => a.version), await rollupVersion(db)]);
	return answers.get(key, async () => {
		const maxIncidents = q.maxIncidents ?? NEAR_REPEAT_MAX_INCIDENTS;
		const scope: IncidentScope = {
			areaIds: areas.length ? areas.map((a) => a.id) : null,
			bbox: q.bbox ?? null,
			...period,
			categories
		};
		let srid = q.srid;
		if (srid === undefined) {
			const [lon, lat] = await scopeCentre(db, scope);
			srid = utmSrid(lon, lat);
		}
		if (!(await sridKnown(db, srid)))
			throw new ServiceError(
				'E_PARAMETER',
				`srid: EPSG:${srid} is not a coordinate reference system PostGIS knows; use a metric CRS such as 26971 or a UTM zone (326zz)`
			);
		const points = await projectedIncidentPoints(db, scope, srid, maxIncidents);
		if (points.length > maxIncidents)
			throw new ServiceError(
				'E_PARAMETER',
				`More than ${maxIncidents.toLocaleString('en-GB')} incidents match (the near-repeat limit, since pairs grow with the square); choose a smaller area, a shorter period or fewer categories`,
				413
			);
		if (points.length < 2)
			throw new ServiceError(
				'E_NO_DATA',
				`Only ${points.length} incident(s) match; a near-repeat test needs at least 2`,
				422
			);
		const unit = q.timeUnit ?? 'auto';
		const monthDated = points.filter((p) => p.monthDated).length;
		let timeBands = requested;
		let timeUnit: 'd' | 'mo' = unit === 'month' ? 'mo' : 'd';
		let timeNote: string | null = null;
		if (monthDated > 0 && unit === 'day')
			throw new ServiceError(
				'E_TIME_PRECISION',
				`timeUnit: ${monthDated.toLocaleString('en-GB')} of the ${points.length.toLocaleString('en-GB')} incidents are dated only to their month (e.g. police.uk), so day bands cannot be measured; use timeUnit=month (or auto)`,
				422
			);
		if (monthDated > 0 && unit === 'auto') {
			timeUnit = 'mo';
			timeBands = {
				width: 1,
				count: Math.max(3, Math.round((requested.width * requested.count) / 30.4375))
			};
			timeNote = `${monthDated.toLocaleString('en-GB')} of the ${points.length.toLocaleString('en-GB')} incidents are dated only to their month (e.g. police.uk), so bands of ${requested.width} day${requested.width === 1 ? '' : 's'} cannot be measured: the test used ${timeBands.count} bands of 1 month instead (0 = the same month).`;
		}
		const r = await compute('knox', {
			events:
				timeUnit === 'mo' ? points.map((p) => ({ x: p.x, y: p.y, t: monthOfDay(p.t) })) : points,
			options: {
				distanceBands,
				timeBands,
				metric: q.metric ?? 'manhattan',
				permutations,
				seed: q.seed ?? 1,
				distanceUnit: 'm',
				timeUnit
			}
		});
		return {
			...r,
			parameters: {
				...r.parameters,
				areas,
				bbox: q.bbox ?? null,
				...period,
				categories: categories ?? [],
				srid,
				distanceUnit: 'm',
				timeUnit,
				monthDated,
				timeNote,
				maxIncidents
			}
		};
	});
}
