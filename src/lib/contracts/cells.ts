/**
 * The `/api/cells` contract: query parameters and the JSON answer, shared by the route (validation at
 * the edge, STYLE habit 8) and the map client (building URLs and checking what came back).
 *
 * Shared with the browser: no node imports here.
 */
import { z } from 'zod';
import { isIsoDate } from '../dates';

/** H3 resolutions the map may ask for: 5 (~250 km² cells) to 10 (~0.015 km² cells). */
export const CELLS_MIN_RES = 5;
export const CELLS_MAX_RES = 10;
export const CELLS_DEFAULT_RES = 8;

export const CELLS_FORMATS = ['json', 'bin'] as const;
export type CellsFormat = (typeof CELLS_FORMATS)[number];

/** Response headers that carry the metadata of a `format=bin` answer (the body holds only cells). */
export const CELLS_HEADERS = {
	resolution: 'x-beatwise-resolution',
	total: 'x-beatwise-total',
	max: 'x-beatwise-max',
	from: 'x-beatwise-from',
	to: 'x-beatwise-to',
	categories: 'x-beatwise-categories'
} as const;

export const isoDateSchema = z
	.string()
	.trim()
	.refine(isIsoDate, { message: 'must be a date written YYYY-MM-DD' });

/** Taxonomy codes are lower-case slugs (src/lib/taxonomy.ts); the service decides which exist. */
const CATEGORY_CODE = /^[a-z][a-z0-9-]*$/;

/** `a, b,,a` → `['a', 'b']`: the items of a comma-separated list, trimmed, empty ones and repeats left out. */
export function commaList(v: string | undefined): string[] {
	return [
		...new Set(
			(v ?? '')
				.split(',')
				.map((s) => s.trim())
				.filter(Boolean)
		)
	];
}

/** `categories=a,b` → `['a','b']`; absent or empty means every category. Duplicates removed, order kept. */
export const categoryListSchema = z
	.string()
	.optional()
	.transform(commaList)
	.pipe(
		z
			.array(
				z
					.string()
					.regex(CATEGORY_CODE, { message: 'must be taxonomy codes such as burglary,robbery' })
			)
			.max(64)
	);

/** `sources=1,2` / `area=12` → ids; absent or empty means no restriction. */
const idListSchema = z
	.string()
	.optional()
	.transform(commaList)
	.pipe(
		z
			.array(z.string().regex(/^[1-9]\d{0,8}$/, { message: 'must be ids such as 1,2' }))
			.max(64)
			.transform((ids) => ids.map(Number))
	);

export type BBox = readonly [west: number, south: number, east: number, north: number];

/** `bbox=w,s,e,n` in WGS84 degrees. */
const bboxSchema = z
	.string()
	.optional()
	.transform((v, ctx): BBox | undefined => {
		if (v === undefined || v.trim() === '') return undefined;
		const parts = v.split(',').map((s) => Number(s.trim()));
		const [w, s, e, n] = parts;
		const ok =
			parts.length === 4 &&
			parts.every(Number.isFinite) &&
			w >= -180 &&
			e <= 180 &&
			w <= e &&
			s >= -90 &&
			n <= 90 &&
			s <= n;
		if (!ok) {
			ctx.addIssue({
				code: 'custom',
				message: 'must be west,south,east,north in degrees with west ≤ east and south ≤ north'
			});
			return z.NEVER;
		}
		return [w, s, e, n] as const;
	});

export const cellsQuerySchema = z
	.object({
		res: z.coerce
			.number()
			.int({ message: 'must be a whole number' })
			.min(CELLS_MIN_RES)
			.max(CELLS_MAX_RES)
			.default(CELLS_DEFAULT_RES),
		from: isoDateSchema.optional(),
		to: isoDateSchema.optional(),
		categories: categoryListSchema,
		bbox: bboxSchema,
		/** Source ids (`/api/meta` sources). */
		sources: idListSchema,
		/** Area ids: only cells of these areas (their H3 cover). */
		area: idListSchema,
		format: z.enum(CELLS_FORMATS).default('json')
	})
	.refine((q) => q.from === undefined || q.to === undefined || q.from <= q.to, {
		message: '`from` must not be after `to`',
		path: ['from']
	});

export type CellsQuery = z.output<typeof cellsQuerySchema>;
/** What a caller writes (everything optional, categories as a list). */
export interface CellsQueryInput {
	res?: number;
	from?: string;
	to?: string;
	categories?: readonly string[];
	bbox?: BBox;
	sources?: readonly number[];
	area?: readonly number[];
	format?: CellsFormat;
}

/** Parse URL search parameters (e.g. `url.searchParams` in the route). Unknown parameters are ignored. */
export function parseCellsQuery(params: URLSearchParams) {
	const raw: Record<string, string> = {};
	for (const key of ['res', 'from', 'to', 'categories', 'bbox', 'sources', 'area', 'format']) {
		const v = params.get(key);
		if (v !== null && v !== '') raw[key] = v;
	}
	return cellsQuerySchema.safeParse(raw);
}

/** One line a user can act on, from a failed parse: `res: Too big: expected number to be <=10`. */
export function cellsQueryErrorMessage(error: z.ZodError): string {
	return error.issues.map((i) => `${i.path.join('.') || 'query'}: ${i.message}`).join('; ');
}

/** Build the query string the client sends; leaves out what equals the server's default. */
export function cellsQueryToSearchParams(q: CellsQueryInput): URLSearchParams {
	const p = new URLSearchParams();
	if (q.res !== undefined) p.set('res', String(q.res));
	if (q.from) p.set('from', q.from);
	if (q.to) p.set('to', q.to);
	if (q.categories && q.categories.length > 0) p.set('categories', q.categories.join(','));
	if (q.bbox) p.set('bbox', q.bbox.map((v) => +v.toFixed(6)).join(','));
	if (q.sources && q.sources.length > 0) p.set('sources', q.sources.join(','));
	if (q.area && q.area.length > 0) p.set('area', q.area.join(','));
	if (q.format && q.format !== 'json') p.set('format', q.format);
	return p;
}

/** The JSON answer (columnar: `cells[i]` has `counts[i]`). `format=bin` decodes to the same shape. */
export const cellsResponseSchema = z
	.object({
		resolution: z.number().int().min(0).max(15),
		from: isoDateSchema.nullable(),
		to: isoDateSchema.nullable(),
		categories: z.array(z.string()),
		/** Sum of `counts`. */
		total: z.number().int().nonnegative(),
		/** Largest of `counts` (0 when there are none). */
		max: z.number().int().nonnegative(),
		/** H3 indexes as 15-digit hexadecimal strings. */
		cells: z.array(z.string()),
		counts: z.array(z.number().int().nonnegative())
	})
	.refine((r) => r.cells.length === r.counts.length, {
		message: 'cells and counts must have the same length',
		path: ['counts']
	});

export type CellsResponse = z.output<typeof cellsResponseSchema>;
