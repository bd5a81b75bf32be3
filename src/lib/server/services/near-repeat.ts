/**
 * Near repeats for one user job: "after an incident here, are more nearby soon after, beyond
 * chance?" The Knox test on the incidents of an area or bbox, a period and categories. This is
 * point-level analysis, so it reads incident points (projected by PostGIS to a metric CRS: the local
 * WGS84 UTM zone, or a given SRID) — capped, with a clear error above the cap.
 */
import { knoxTest, type KnoxResult } from '../analysis/knox';
import type { Database } from '../db/client';
import type { AreaRef } from '../db/queries/analysis';
import {
	projectedIncidentPoints,
	scopeCentre,
	sridKnown,
	type IncidentScope
} from '../db/queries/analysis-incidents';
import { ServiceError } from './errors';
import { checkCategories, resolveAreas, resolvePeriod, type BBox } from './hotspots';

/** Knox pairs grow with n²: 20,000 incidents are 2·10⁸ pairs, about what one request should do. */
export const NEAR_REPEAT_MAX_INCIDENTS = 20_000;

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
	q: NearRepeatRequest
): Promise<NearRepeatResult> {
	const categories = checkCategories(q.categories);
	if ((q.area?.length ?? 0) > 0 === (q.bbox !== undefined))
		throw new ServiceError(
			'E_STUDY_AREA_MISSING',
			'Give the study area as area (id, kind:code or kind:*) or bbox (west,south,east,north), not both'
		);
	const period = await resolvePeriod(db, q.from, q.to);
	const areas = q.area?.length ? await resolveAreas(db, q.area) : [];
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
	const distanceBands = q.distanceBands ?? { width: 200, count: 3 };
	const requested = q.timeBands ?? { width: 7, count: 4 };
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
	const r = knoxTest(
		timeUnit === 'mo' ? points.map((p) => ({ x: p.x, y: p.y, t: monthOfDay(p.t) })) : points,
		{
			distanceBands,
			timeBands,
			metric: q.metric ?? 'manhattan',
			permutations: q.permutations ?? 999,
			seed: q.seed ?? 1,
			distanceUnit: 'm',
			timeUnit
		}
	);
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
}
