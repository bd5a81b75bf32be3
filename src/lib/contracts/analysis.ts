/**
 * The `/api/analysis/*` contracts: query parameters of the hot-spot, emerging, trend, change,
 * near-repeat and profile endpoints, shared by the routes (validation at the edge, STYLE habit 8), the
 * CLI and the UI (building URLs). Every message says what a valid value looks like.
 *
 * Shared with the browser: no node imports here.
 */
import { z } from 'zod';
import { CATEGORY_CODES } from '../taxonomy';
import {
	CELLS_DEFAULT_RES,
	CELLS_MAX_RES,
	CELLS_MIN_RES,
	commaList,
	isoDateSchema,
	type BBox
} from './cells';

export const ANALYSIS_MIN_RES = CELLS_MIN_RES;
export const ANALYSIS_MAX_RES = CELLS_MAX_RES;

const AREA_REF = /^(\d+|[a-z0-9][a-z0-9_-]*:[^,]+)$/;

/**
 * `area=12`, `area=district:7`, `area=district:*` (every area of a kind), or several comma-separated;
 * the study area is their union.
 */
export const areaRefsSchema = z
	.string()
	.trim()
	.transform((v) => [
		...new Set(
			v
				.split(',')
				.map((s) => s.trim())
				.filter(Boolean)
		)
	])
	.pipe(
		z
			.array(
				z.string().regex(AREA_REF, {
					message:
						'must be an area id (12), kind:code (district:7) or kind:* (every district), comma-separated'
				})
			)
			.min(1, { message: 'must name at least one area' })
			.max(500)
	);

const KNOWN_CATEGORIES: readonly string[] = CATEGORY_CODES;

/** `categories=a,b` → `['a','b']`; absent or empty means every category; unknown codes are refused. */
export const analysisCategoriesSchema = z
	.string()
	.optional()
	.transform(commaList)
	.superRefine((codes, ctx) => {
		const unknown = codes.filter((c) => !KNOWN_CATEGORIES.includes(c));
		if (unknown.length)
			ctx.addIssue({
				code: 'custom',
				message: `unknown category ${unknown.map((c) => `"${c}"`).join(', ')}; use codes such as ${KNOWN_CATEGORIES.slice(0, 4).join(', ')} (see docs/taxonomy.md)`
			});
	});

/** `bbox=w,s,e,n` in WGS84 degrees. */
export const analysisBboxSchema = z.string().transform((v, ctx): BBox => {
	const parts = v.split(',').map((s) => Number(s.trim()));
	const [w, s, e, n] = parts;
	const ok =
		parts.length === 4 &&
		parts.every(Number.isFinite) &&
		w >= -180 &&
		e <= 180 &&
		w < e &&
		s >= -90 &&
		n <= 90 &&
		s < n;
	if (!ok) {
		ctx.addIssue({
			code: 'custom',
			message: 'must be west,south,east,north in degrees with west < east and south < north'
		});
		return z.NEVER;
	}
	return [w, s, e, n] as const;
});

const resSchema = z.coerce
	.number({ message: 'must be a whole number from 5 to 10' })
	.int({ message: 'must be a whole number from 5 to 10' })
	.min(ANALYSIS_MIN_RES, { message: 'must be a whole number from 5 to 10 (H3 resolution)' })
	.max(ANALYSIS_MAX_RES, { message: 'must be a whole number from 5 to 10 (H3 resolution)' })
	.default(CELLS_DEFAULT_RES);

const booleanSchema = z
	.enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be true or false' })
	.transform((v) => v === 'true' || v === '1' || v === 'yes');

const unitInterval = (what: string) =>
	z.coerce
		.number({ message: `must be a number in (0, 1], e.g. 0.05 (${what})` })
		.gt(0, { message: `must be a number in (0, 1], e.g. 0.05 (${what})` })
		.max(1, { message: `must be a number in (0, 1], e.g. 0.05 (${what})` });

const studyArea = {
	area: areaRefsSchema.optional(),
	bbox: analysisBboxSchema.optional(),
	from: isoDateSchema.optional(),
	to: isoDateSchema.optional(),
	categories: analysisCategoriesSchema
};

type Dated = { from?: string; to?: string };
type Placed = { area?: string[]; bbox?: BBox };

const datesInOrder = (q: Dated) => q.from === undefined || q.to === undefined || q.from <= q.to;
const datesMessage = { message: '`from` must not be after `to`', path: ['from'] };
const oneStudyArea = (q: Placed) => (q.area === undefined) !== (q.bbox === undefined);
const studyAreaMessage = {
	message:
		'give the study area as `area` (id, kind:code or kind:*) or `bbox` (west,south,east,north), not both',
	path: ['area']
};

export const hotspotsQuerySchema = z
	.object({
		...studyArea,
		res: resSchema,
		k: z.coerce
			.number({ message: 'must be a whole number from 1 to 5' })
			.int({ message: 'must be a whole number from 1 to 5' })
			.min(1, { message: 'must be a whole number from 1 to 5' })
			.max(5, { message: 'must be a whole number from 1 to 5' })
			.default(1),
		alpha: unitInterval('largest p that gets a hot or cold bin').default(0.1),
		fdr: booleanSchema.default(true),
		/** `accepted`: add a separate Gi* layer of accepted intelligence reports (never mixed in). */
		observations: z
			.enum(['accepted'], {
				message: 'must be "accepted" (accepted intelligence reports as a separate layer)'
			})
			.optional()
	})
	.refine(datesInOrder, datesMessage)
	.refine(oneStudyArea, studyAreaMessage);
export type HotspotsQuery = z.output<typeof hotspotsQuerySchema>;

export const EMERGING_STEPS = ['week', 'month'] as const;

export const emergingQuerySchema = z
	.object({
		...studyArea,
		res: resSchema,
		step: z.enum(EMERGING_STEPS, { message: 'must be week or month' }).default('month'),
		k: z.coerce.number().int().min(1).max(3).default(1),
		timeSteps: z.coerce
			.number({ message: 'must be a whole number from 0 to 12' })
			.int()
			.min(0, { message: 'must be a whole number from 0 to 12' })
			.max(12, { message: 'must be a whole number from 0 to 12' })
			.default(1),
		alpha: unitInterval('bin significance').default(0.1),
		trendAlpha: unitInterval('trend significance').default(0.05)
	})
	.refine(datesInOrder, datesMessage)
	.refine(oneStudyArea, studyAreaMessage);
export type EmergingQuery = z.output<typeof emergingQuerySchema>;

/**
 * `trends`: without `map`, CompStat per category for `area` (or everywhere) at `date`; with
 * `map=cell` a Mann-Kendall trend per cell over the months of from–to (needs `area` or `bbox`); with
 * `map=area&kind=beat` one per area of that kind.
 */
export const trendsQuerySchema = z
	.object({
		...studyArea,
		date: isoDateSchema.optional(),
		weekStart: z
			.enum(['monday', 'sunday'], { message: 'must be monday or sunday' })
			.default('monday'),
		priorYear: z
			.enum(['calendar', '52weeks'], { message: 'must be calendar or 52weeks' })
			.default('calendar'),
		map: z.enum(['cell', 'area'], { message: 'must be cell or area' }).optional(),
		kind: z
			.string()
			.regex(/^[a-z0-9][a-z0-9_-]{0,39}$/, { message: 'must be an area kind such as beat' })
			.optional(),
		res: resSchema
	})
	.refine(datesInOrder, datesMessage)
	.refine((q) => !(q.area && q.bbox), studyAreaMessage)
	.refine((q) => q.map !== 'cell' || oneStudyArea(q), {
		message: 'a trend map by cell needs `area` or `bbox`',
		path: ['area']
	})
	.refine((q) => q.map !== 'area' || q.kind !== undefined, {
		message: 'a trend map by area needs `kind` (e.g. kind=beat)',
		path: ['kind']
	});
export type TrendsQuery = z.output<typeof trendsQuerySchema>;

/** Two periods compared per cell (`by=cell`, needs area or bbox) or per area of a `kind`. */
export const changeQuerySchema = z
	.object({
		...studyArea,
		by: z.enum(['cell', 'area'], { message: 'must be cell or area' }).default('cell'),
		kind: z
			.string()
			.regex(/^[a-z0-9][a-z0-9_-]{0,39}$/, { message: 'must be an area kind such as beat' })
			.optional(),
		beforeFrom: isoDateSchema.optional(),
		beforeTo: isoDateSchema.optional(),
		res: resSchema
	})
	.refine(datesInOrder, datesMessage)
	.refine((q) => !q.beforeFrom || !q.beforeTo || q.beforeFrom <= q.beforeTo, {
		message: '`beforeFrom` must not be after `beforeTo`',
		path: ['beforeFrom']
	})
	.refine((q) => (q.beforeFrom === undefined) === (q.beforeTo === undefined), {
		message: 'give both `beforeFrom` and `beforeTo`, or neither (the same dates a year earlier)',
		path: ['beforeFrom']
	})
	.refine((q) => q.by !== 'cell' || oneStudyArea(q), {
		message: 'a change map by cell needs `area` or `bbox`',
		path: ['area']
	})
	.refine((q) => q.by !== 'area' || q.kind !== undefined, {
		message: 'a change map by area needs `kind` (e.g. kind=beat)',
		path: ['kind']
	});
export type ChangeQuery = z.output<typeof changeQuerySchema>;

/** `200x3` → three bands of 200 (width × count). */
const bandsSchema = (unit: string, example: string) =>
	z.string().transform((v, ctx) => {
		const m = /^\s*(\d+(?:\.\d+)?)\s*x\s*(\d+)\s*$/i.exec(v);
		const width = m ? Number(m[1]) : NaN;
		const count = m ? Number(m[2]) : NaN;
		if (!(width > 0) || !(count >= 1 && count <= 50)) {
			ctx.addIssue({
				code: 'custom',
				message: `must be WIDTHxCOUNT in ${unit}, e.g. ${example} (1 to 50 bands)`
			});
			return z.NEVER;
		}
		return { width, count };
	});

export const nearRepeatQuerySchema = z
	.object({
		...studyArea,
		distanceBands: bandsSchema('metres', '200x3').default({ width: 200, count: 3 }),
		timeBands: bandsSchema('days', '7x4').default({ width: 7, count: 4 }),
		timeUnit: z
			.enum(['auto', 'day', 'month'], { message: 'must be auto, day or month' })
			.default('auto'),
		metric: z
			.enum(['manhattan', 'euclidean'], { message: 'must be manhattan or euclidean' })
			.default('manhattan'),
		permutations: z.coerce
			.number({ message: 'must be a whole number from 19 to 9999' })
			.int({ message: 'must be a whole number from 19 to 9999' })
			.min(19, { message: 'must be a whole number from 19 to 9999' })
			.max(9999, { message: 'must be a whole number from 19 to 9999' })
			.optional(),
		seed: z.coerce.number().int().default(1),
		srid: z.coerce
			.number({ message: 'must be an EPSG code of a metric CRS, e.g. 26971' })
			.int()
			.min(1024)
			.max(999_999)
			.optional()
	})
	.refine(datesInOrder, datesMessage)
	.refine(oneStudyArea, studyAreaMessage);
export type NearRepeatQuery = z.output<typeof nearRepeatQuerySchema>;

/**
 * `coverage`: which calendar years or months of from–to hold data (everywhere, or in `area`), each
 * with its covered days and a label that says when a period is partial ("2017 (Jan–Jun)").
 */
export const coverageQuerySchema = z
	.object({
		area: areaRefsSchema.optional(),
		from: isoDateSchema.optional(),
		to: isoDateSchema.optional(),
		step: z.enum(['year', 'month'], { message: 'must be year or month' }).default('year')
	})
	.refine(datesInOrder, datesMessage);
export type CoverageQuery = z.output<typeof coverageQuerySchema>;

export const profileQuerySchema = z
	.object({
		...studyArea,
		timeZone: z.string().trim().min(1).max(64).optional(),
		maxWindowHours: z.coerce.number().positive().max(8784).default(168)
	})
	.refine(datesInOrder, datesMessage)
	.refine((q) => !(q.area && q.bbox), studyAreaMessage);
export type ProfileQuery = z.output<typeof profileQuerySchema>;

/** URL search parameters → a plain object (empty values left out) for one of the schemas above. */
export function searchParamsObject(params: URLSearchParams): Record<string, string> {
	const raw: Record<string, string> = {};
	for (const [key, v] of params) if (v !== '') raw[key] = v;
	return raw;
}

/** One line a user can act on: `res: must be a whole number from 5 to 10 (H3 resolution)`. */
export function analysisQueryErrorMessage(error: z.ZodError): string {
	return error.issues.map((i) => `${i.path.join('.') || 'query'}: ${i.message}`).join('; ');
}
