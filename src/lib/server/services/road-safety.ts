/**
 * Road safety (issue 14): reported personal-injury road collisions (DfT STATS19) — where, when, how
 * severe — and the before/after evaluation of a location or scheme with its uncertainty.
 *
 * Coverage: a month holds data when a road-collision source holds any collision that month
 * (source_coverage). Years and months without data are reported as missing, never as zeros, and an
 * evaluation whose periods touch a month without data is refused.
 */
import type { ReadScope } from '../auth/read-scope';
import type { Queryable } from '../db/client';
import { findArea } from '../db/queries/areas-counts';
import {
	areaChoices,
	areaOutline,
	roadCollisionsInPlace,
	smallestAreaAt,
	roadCollisionPoints,
	roadCountsByYear,
	roadCoveredMonths,
	roadEvaluationCounts,
	roadLocatedCounts,
	roadWeekHourCounts,
	type RoadCollisionPoint,
	type RoadPlace
} from '../db/queries/incidents-road';
import { beforeAfter, type BeforeAfterResult } from '../analysis/before-after';
import { AnalysisInputError } from '../analysis/weights';
import {
	isRoadCategoryCode,
	ROAD_CATEGORY_BY_SEVERITY,
	severityOfRoadCategory,
	type RoadSeverity
} from '../../road-safety';
import { ServiceError } from '../errors';

/** Most collision points a page shows at once (the rest are counted, and the page says so). */
export const MAX_ROAD_POINTS = 20_000;
const DAY_MS = 86_400_000;
const ISO = /^\d{4}-\d{2}-\d{2}$/;

type SeverityCounts = Record<RoadSeverity, number> & { ksi: number; total: number };

function emptyCounts(): SeverityCounts {
	return { fatal: 0, serious: 0, slight: 0, ksi: 0, total: 0 };
}

function add(c: SeverityCounts, category: string, n: number): void {
	if (!isRoadCategoryCode(category)) return;
	const s = severityOfRoadCategory(category);
	c[s] += n;
	c.total += n;
	if (s !== 'slight') c.ksi += n;
}

export interface RoadYear {
	year: number;
	/** Months of the year with data (0–12); 0 means the year is missing, not collision-free. */
	monthsCovered: number;
	/** Counts by severity; null when the year holds no data. */
	counts: SeverityCounts | null;
}

export interface RoadSafetyOverview {
	/** Local days shown: the covered span, or the request's. */
	from: string;
	to: string;
	coveredMonths: string[];
	years: RoadYear[];
	totals: SeverityCounts;
	/** Timed collisions by ISO day (index 0 Monday) × local hour, all severities and KSI. */
	weekHour: { all: number[][]; ksi: number[][] };
	/** Timed collisions by severity × local hour (fatal, serious, slight; 24 hours each). */
	severityHour: Record<RoadSeverity, number[]>;
	/** Collisions dated to their day without a clock time (not in `weekHour`). */
	untimed: number;
	located: number;
	unlocated: number;
	points: RoadCollisionPoint[];
	/** More located collisions than MAX_ROAD_POINTS, or area limits left some out. */
	pointsNote: string | null;
}

function isoDay(ms: number): string {
	return new Date(ms).toISOString().slice(0, 10);
}

function dayMs(iso: string): number {
	return Date.parse(`${iso}T00:00:00Z`);
}

function checkDay(name: string, v: string): void {
	if (!ISO.test(v) || Number.isNaN(dayMs(v)) || isoDay(dayMs(v)) !== v)
		throw new ServiceError('E_PARAMETER', `${name}: "${v}" is not a date in YYYY-MM-DD form`);
}

/** Every month ('YYYY-MM') that [from, to] touches. */
function monthsOf(from: string, to: string): string[] {
	const out: string[] = [];
	let y = +from.slice(0, 4);
	let m = +from.slice(5, 7);
	const endY = +to.slice(0, 4);
	const endM = +to.slice(5, 7);
	while (y < endY || (y === endY && m <= endM)) {
		out.push(`${y}-${String(m).padStart(2, '0')}`);
		if (++m > 12) {
			m = 1;
			y++;
		}
	}
	return out;
}

/**
 * The road-safety overview: counts by year and severity (missing years marked), the day × hour
 * profile, and the located collisions for the map (inside the reader's area limits; audited).
 *
 * @example
 * const o = await roadSafetyOverview(db, scope, {});
 * o.years; // [{ year: 2023, monthsCovered: 12, counts: { fatal: 0, serious: 44, slight: 130, ksi: 44, total: 174 } }]
 */
export async function roadSafetyOverview(
	db: Queryable,
	scope: ReadScope,
	q: { from?: string; to?: string }
): Promise<RoadSafetyOverview | null> {
	const coveredMonths = await roadCoveredMonths(db);
	if (coveredMonths.length === 0) return null;
	const from = q.from ?? `${coveredMonths[0]}-01`;
	const lastMonth = coveredMonths[coveredMonths.length - 1];
	const to = q.to ?? isoDay(Date.UTC(+lastMonth.slice(0, 4), +lastMonth.slice(5, 7), 0));
	checkDay('from', from);
	checkDay('to', to);
	if (from > to) throw new ServiceError('E_DATE_RANGE', `from (${from}) is after to (${to})`);

	const byYear = await roadCountsByYear(db);
	const firstYear = +coveredMonths[0].slice(0, 4);
	const lastYear = +lastMonth.slice(0, 4);
	const years: RoadYear[] = [];
	const totals = emptyCounts();
	for (let year = firstYear; year <= lastYear; year++) {
		const monthsCovered = coveredMonths.filter((m) => m.startsWith(`${year}-`)).length;
		const rows = byYear.filter((r) => r.year === year);
		const counts = monthsCovered === 0 ? null : emptyCounts();
		if (counts) for (const r of rows) add(counts, r.category, r.n);
		if (counts) for (const r of rows) add(totals, r.category, r.n);
		years.push({ year, monthsCovered, counts });
	}

	const wh = await roadWeekHourCounts(db, from, to);
	const all = Array.from({ length: 7 }, () => new Array<number>(24).fill(0));
	const ksi = Array.from({ length: 7 }, () => new Array<number>(24).fill(0));
	const severityHour = {
		fatal: new Array<number>(24).fill(0),
		serious: new Array<number>(24).fill(0),
		slight: new Array<number>(24).fill(0)
	};
	for (const r of wh.timed) {
		if (isRoadCategoryCode(r.category))
			severityHour[severityOfRoadCategory(r.category)][r.hour] += r.n;
		all[r.dow - 1][r.hour] += r.n;
		if (r.category !== ROAD_CATEGORY_BY_SEVERITY.slight) ksi[r.dow - 1][r.hour] += r.n;
	}

	const { located, unlocated } = await roadLocatedCounts(db, from, to);
	const found = await roadCollisionPoints(db, {
		from,
		to,
		areaIds: scope.areaIds,
		limit: MAX_ROAD_POINTS
	});
	const points = found.slice(0, MAX_ROAD_POINTS);
	let pointsNote: string | null = null;
	if (found.length > MAX_ROAD_POINTS)
		pointsNote = `The map shows the first ${MAX_ROAD_POINTS.toLocaleString('en-GB')} of ${located.toLocaleString('en-GB')} located collisions; narrow the dates to see the rest.`;
	else if (scope.areaIds !== null)
		pointsNote = 'The map shows the collisions inside your areas only.';
	await scope.audit(db, 'incidents.view', 'road-safety', {
		from,
		to,
		points: points.length
	});
	return {
		from,
		to,
		coveredMonths,
		years,
		totals,
		weekHour: { all, ksi },
		severityHour,
		untimed: wh.untimed,
		located,
		unlocated,
		points,
		pointsNote
	};
}

export interface SchemeEvaluationRequest {
	/** The site: a circle (centre and radius) or a stored area ('kind:code' or id). */
	site: { lon: number; lat: number; radiusM: number } | { area: string };
	/** The comparison area ('kind:code' or id); null: every other collision in the data. */
	control: string | null;
	/** The day the scheme came into use: the after period starts on it (plus `gapDays`). */
	schemeDate: string;
	/** Length of each period in days (both periods are equally long). */
	periodDays: number;
	/** Days after the scheme date left out (construction, settling in). Default 0. */
	gapDays?: number;
	confidence?: number;
}

export interface SchemeEvaluation {
	before: { from: string; to: string };
	after: { from: string; to: string };
	site: { label: string };
	control: { label: string };
	periodDays: number;
	gapDays: number;
	/** All injury collisions and killed-or-seriously-injured collisions. */
	all: BeforeAfterResult;
	ksi: BeforeAfterResult;
	/** Counts by severity per period at the site. */
	siteBySeverity: { before: SeverityCounts; after: SeverityCounts };
	caveats: string[];
	methods: string[];
}

export const EVALUATION_METHODS = [
	'Hauer, E. (1997) Observational Before–After Studies in Road Safety. Pergamon. (Simple and comparison-group before/after designs; regression to the mean, ch. 5.)',
	'Elvik, R. (2002) The importance of confounding in observational before-and-after studies of road safety measures. Accident Analysis & Prevention 34(5), 631–635.',
	'RoSPA (2020) Road Safety Engineering Manual, chapter on monitoring and evaluation; DfT Local Transport Note on evaluating schemes (before/after periods of equal length, normally three years each).',
	'Exact intervals: Clopper & Pearson (1934) for after/(before + after); Fisher’s exact conditional interval for the comparison odds ratio (as R fisher.test).'
];

const LIMITS = { periodDays: [28, 366 * 5], gapDays: [0, 366 * 2], radiusM: [10, 5000] } as const;

function checkRange(name: keyof typeof LIMITS, v: number): void {
	const [lo, hi] = LIMITS[name];
	if (!Number.isFinite(v) || v < lo || v > hi || !Number.isInteger(v))
		throw new ServiceError(
			'E_PARAMETER',
			`${name}: give a whole number from ${lo} to ${hi}, got ${v}`
		);
}

async function resolvePlace(
	db: Queryable,
	name: string,
	ref: string
): Promise<{ place: RoadPlace; label: string }> {
	const area = await findArea(db, ref);
	if (!area)
		throw new ServiceError(
			'E_UNKNOWN_AREA',
			`${name}: no area "${ref}"; give kind:code (e.g. borough:E09000001) or an area id — see /api/areas`,
			404
		);
	return {
		place: { kind: 'area', areaId: area.id },
		label: `${area.name} (${area.kind} ${area.code})`
	};
}

/**
 * Before/after evaluation of a site against a comparison area, for all injury collisions and for KSI
 * collisions, with exact intervals (analysis/before-after.ts). Refused when a period touches a month
 * without road-collision data.
 *
 * @example
 * await evaluateRoadScheme(db, { site: { lon: -0.0877, lat: 51.5139, radiusM: 300 }, control: null,
 *   schemeDate: '2023-07-01', periodDays: 181 });
 */
export async function evaluateRoadScheme(
	db: Queryable,
	q: SchemeEvaluationRequest
): Promise<SchemeEvaluation> {
	checkDay('schemeDate', q.schemeDate);
	checkRange('periodDays', q.periodDays);
	const gapDays = q.gapDays ?? 0;
	checkRange('gapDays', gapDays);
	const scheme = dayMs(q.schemeDate);
	const before = {
		from: isoDay(scheme - q.periodDays * DAY_MS),
		to: isoDay(scheme - DAY_MS)
	};
	const afterStart = scheme + gapDays * DAY_MS;
	const after = {
		from: isoDay(afterStart),
		to: isoDay(afterStart + (q.periodDays - 1) * DAY_MS)
	};

	let site: { place: RoadPlace; label: string };
	if ('area' in q.site) site = await resolvePlace(db, 'site', q.site.area);
	else {
		const { lon, lat, radiusM } = q.site;
		if (!(Number.isFinite(lon) && lon >= -180 && lon <= 180))
			throw new ServiceError('E_PARAMETER', `lon: ${lon} is not a longitude`);
		if (!(Number.isFinite(lat) && lat >= -90 && lat <= 90))
			throw new ServiceError('E_PARAMETER', `lat: ${lat} is not a latitude`);
		checkRange('radiusM', radiusM);
		site = {
			place: { kind: 'circle', lon, lat, radiusM },
			label: `within ${radiusM} m of ${lat.toFixed(5)}, ${lon.toFixed(5)}`
		};
	}
	const control = q.control
		? await resolvePlace(db, 'control', q.control)
		: { place: null, label: 'all other collisions in the data (outside the site)' };

	const covered = new Set(await roadCoveredMonths(db));
	const missing = [...monthsOf(before.from, before.to), ...monthsOf(after.from, after.to)].filter(
		(m) => !covered.has(m)
	);
	if (missing.length > 0)
		throw new ServiceError(
			'E_COVERAGE',
			`No road-collision data for ${missing.join(', ')}: the before period (${before.from} to ${before.to}) and the after period (${after.from} to ${after.to}) must both lie in months with data; choose another scheme date or shorter periods`,
			422
		);

	const rows = await roadEvaluationCounts(db, {
		site: site.place,
		control: control.place,
		before,
		after
	});
	const siteBySeverity = { before: emptyCounts(), after: emptyCounts() };
	const ctl = { before: emptyCounts(), after: emptyCounts() };
	for (const r of rows)
		add((r.site ? siteBySeverity : ctl)[r.after ? 'after' : 'before'], r.category, r.n);

	let all: BeforeAfterResult;
	let ksi: BeforeAfterResult;
	try {
		const opts = { confidence: q.confidence ?? 0.95 };
		all = beforeAfter(
			{ before: siteBySeverity.before.total, after: siteBySeverity.after.total },
			{ before: ctl.before.total, after: ctl.after.total },
			opts
		);
		ksi = beforeAfter(
			{ before: siteBySeverity.before.ksi, after: siteBySeverity.after.ksi },
			{ before: ctl.before.ksi, after: ctl.after.ksi },
			opts
		);
	} catch (e) {
		if (e instanceof AnalysisInputError) throw new ServiceError('E_PARAMETER', e.message);
		throw e;
	}

	const caveats = [
		'Regression to the mean: a site chosen because it had many collisions will usually have fewer afterwards without any scheme. Neither the simple nor the comparison-group design removes this; an empirical-Bayes evaluation (Hauer 1997) does.',
		'STATS19 holds police-reported collisions in which someone was injured; damage-only collisions and many slight injuries are not reported.',
		'Severity is as the police recorded it; forces that moved to injury-based recording (CRASH) record more serious injuries, so compare KSI across that change only with DfT’s adjustment factors.',
		'The comparison area should share the site’s general trend (traffic, weather, recording) but not its scheme; collisions in the site are left out of it.'
	];
	if (siteBySeverity.before.total + siteBySeverity.after.total < 20)
		caveats.unshift(
			`Only ${siteBySeverity.before.total + siteBySeverity.after.total} collisions at the site in both periods: the intervals are wide, and a change this small could easily be chance.`
		);
	return {
		before,
		after,
		site: { label: site.label },
		control: { label: control.label },
		periodDays: q.periodDays,
		gapDays,
		all,
		ksi,
		siteBySeverity,
		caveats,
		methods: EVALUATION_METHODS
	};
}

/** Most areas offered as sites or controls (the rest are reachable by `kind:code`). */
const MAX_AREA_CHOICES = 2000;

/** Areas the page offers as a site or a control: 'kind:code' with a label. */
export async function roadAreaChoices(db: Queryable): Promise<{ ref: string; label: string }[]> {
	const rows = await areaChoices(db, MAX_AREA_CHOICES);
	return rows.map((a) => ({ ref: `${a.kind}:${a.code}`, label: `${a.name} (${a.kind})` }));
}

/** Most collisions drawn on an evaluation product's map (the counts are always complete). */
export const MAX_EVALUATION_POINTS = 2000;

export interface EvaluationMap {
	/** The site's outline: the area's polygon, or the circle as a 64-sided polygon. */
	outline: { type: string; coordinates: unknown };
	bbox: [number, number, number, number];
	/** Located collisions at the site in the before and after periods (the gap left out). */
	collisions: {
		lon: number;
		lat: number;
		day: string;
		severity: RoadSeverity;
		period: 'before' | 'after';
	}[];
	/** More collisions than MAX_EVALUATION_POINTS: the map shows the first ones. */
	truncated: boolean;
	/** The stored area a product of this evaluation belongs to: the site area, or the smallest area holding the circle's centre (null: none). */
	area: string | null;
}

const EARTH_M = 6_371_008.8;

/** A circle of `radiusM` metres around a point as a GeoJSON polygon ring (64 sides). */
function circleRing(lon: number, lat: number, radiusM: number): [number, number][] {
	const dLat = (radiusM / EARTH_M) * (180 / Math.PI);
	const dLon = dLat / Math.cos((lat * Math.PI) / 180);
	const ring: [number, number][] = [];
	for (let i = 0; i <= 64; i++) {
		const a = (2 * Math.PI * (i % 64)) / 64;
		ring.push([lon + dLon * Math.cos(a), lat + dLat * Math.sin(a)]);
	}
	return ring;
}

/**
 * What an evaluation's map shows: the site's outline and the located collisions in it in the before
 * and after periods of `e` (an answer of `evaluateRoadScheme` for the same request).
 */
export async function roadEvaluationMap(
	db: Queryable,
	q: SchemeEvaluationRequest,
	e: Pick<SchemeEvaluation, 'before' | 'after'>
): Promise<EvaluationMap> {
	let place: RoadPlace;
	let outline: EvaluationMap['outline'];
	let bbox: EvaluationMap['bbox'];
	let area: string | null;
	if ('area' in q.site) {
		const found = await findArea(db, q.site.area);
		const shape = found ? await areaOutline(db, found.id) : null;
		if (!found || !shape)
			throw new ServiceError('E_UNKNOWN_AREA', `site: no area "${q.site.area}"`, 404);
		place = { kind: 'area', areaId: found.id };
		outline = shape.geometry as EvaluationMap['outline'];
		bbox = shape.bbox;
		area = `${found.kind}:${found.code}`;
	} else {
		const { lon, lat, radiusM } = q.site;
		place = { kind: 'circle', lon, lat, radiusM };
		const ring = circleRing(lon, lat, radiusM);
		outline = { type: 'Polygon', coordinates: [ring] };
		const xs = ring.map((p) => p[0]);
		const ys = ring.map((p) => p[1]);
		bbox = [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
		area = await smallestAreaAt(db, lon, lat);
	}
	const rows = await roadCollisionsInPlace(
		db,
		place,
		e.before.from,
		e.after.to,
		MAX_EVALUATION_POINTS + 1
	);
	const collisions: EvaluationMap['collisions'] = [];
	for (const r of rows.slice(0, MAX_EVALUATION_POINTS)) {
		if (!isRoadCategoryCode(r.category)) continue;
		const period = r.day <= e.before.to ? 'before' : r.day >= e.after.from ? 'after' : null;
		if (period)
			collisions.push({
				lon: r.lon,
				lat: r.lat,
				day: r.day,
				severity: severityOfRoadCategory(r.category),
				period
			});
	}
	return { outline, bbox, collisions, truncated: rows.length > MAX_EVALUATION_POINTS, area };
}
