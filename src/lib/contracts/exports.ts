/**
 * The `/api/export/*` contract: query parameters of the CSV exports and the headers of their answers,
 * shared by the routes (validation at the edge) and the UI (building download links).
 *
 * Shared with the browser: no node imports here.
 */
import { z } from 'zod';
import { CELLS_DEFAULT_RES, cellsQuerySchema } from './cells';

/** Incident exports take a cell at resolution 5–10 (as the incident list); cell counts 7–10. */
export const EXPORT_CELLS_MIN_RES = 7;
export const EXPORT_CELLS_MAX_RES = 10;

export const EXPORT_AUDIENCES = ['internal', 'public'] as const;

/** Response headers: data rows in the file, and incident records the disclosure rules left out. */
export const EXPORT_HEADERS = {
	rows: 'x-beatwise-rows',
	withheld: 'x-beatwise-withheld'
} as const;

const { from, to, categories, bbox } = cellsQuerySchema.shape;

const areaIdSchema = z
	.string()
	.trim()
	.regex(/^[1-9]\d{0,8}$/, { message: 'must be an area id such as 12' })
	.transform(Number);

const datesInOrder = (q: { from?: string; to?: string }) => !q.from || !q.to || q.from <= q.to;
const DATES_OUT_OF_ORDER = { message: '`from` must not be after `to`', path: ['from'] };

const RES_RANGE = `must be from ${EXPORT_CELLS_MIN_RES} to ${EXPORT_CELLS_MAX_RES}`;

export const incidentExportQuerySchema = z
	.object({
		cell: z
			.string()
			.trim()
			.regex(/^[0-9a-fA-F]{15}$/, { message: 'must be an H3 cell index such as 8a194ad30067fff' })
			.optional(),
		area: areaIdSchema.optional(),
		from,
		to,
		categories
	})
	.refine((q) => (q.cell === undefined) !== (q.area === undefined), {
		message: 'give either `cell` (an H3 cell index) or `area` (an area id), not both',
		path: ['cell']
	})
	.refine(datesInOrder, DATES_OUT_OF_ORDER);

export type IncidentExportParams = z.output<typeof incidentExportQuerySchema>;

export const cellExportQuerySchema = z
	.object({
		res: z.coerce
			.number()
			.int({ message: 'must be a whole number' })
			.min(EXPORT_CELLS_MIN_RES, { message: RES_RANGE })
			.max(EXPORT_CELLS_MAX_RES, { message: RES_RANGE })
			.default(CELLS_DEFAULT_RES),
		area: areaIdSchema.optional(),
		bbox,
		from,
		to,
		categories,
		audience: z.enum(EXPORT_AUDIENCES, {
			message:
				'is required: internal (exact counts) or public (counts perturbed by the cell-key method)'
		})
	})
	.refine((q) => (q.area === undefined) !== (q.bbox === undefined), {
		message: 'give either `area` (an area id) or `bbox` (west,south,east,north), not both',
		path: ['area']
	})
	.refine(datesInOrder, DATES_OUT_OF_ORDER);

export type CellExportParams = z.output<typeof cellExportQuerySchema>;

interface ExportFilters {
	from?: string | null;
	to?: string | null;
	categories?: readonly string[] | null;
}

function withFilters(p: URLSearchParams, q: ExportFilters): URLSearchParams {
	if (q.from) p.set('from', q.from);
	if (q.to) p.set('to', q.to);
	if (q.categories?.length) p.set('categories', q.categories.join(','));
	return p;
}

/**
 * The query of an incident export (`/api/export/incidents?…`) of a cell or an area id, with the map's
 * period and categories.
 */
export function incidentExportSearch(where: string | number, q: ExportFilters): URLSearchParams {
	return withFilters(
		new URLSearchParams(typeof where === 'number' ? { area: String(where) } : { cell: where }),
		q
	);
}

/**
 * Public tables are a fixed set, so that no figure can be asked for in many slightly different ways
 * whose noise would average out (the cell-key method protects against differencing, not against
 * averaging many overlapping queries): one calendar month or one calendar year, all categories or one.
 */
export interface PublicPeriod {
	kind: 'month' | 'year';
	from: string;
	to: string;
}

const pad = (n: number) => String(n).padStart(2, '0');
const lastDay = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate();

/** The calendar month of a day written YYYY-MM-DD. */
export function monthOf(day: string): PublicPeriod {
	const [y, m] = day.split('-').map(Number);
	return { kind: 'month', from: `${y}-${pad(m)}-01`, to: `${y}-${pad(m)}-${pad(lastDay(y, m))}` };
}

/** The calendar year of a day written YYYY-MM-DD. */
export function yearOf(day: string): PublicPeriod {
	const y = day.slice(0, 4);
	return { kind: 'year', from: `${y}-01-01`, to: `${y}-12-31` };
}

/** Whether `from`–`to` is one calendar month or one calendar year, and which. */
export function asPublicPeriod(from: string, to: string): PublicPeriod | null {
	for (const p of [monthOf(from), yearOf(from)]) if (p.from === from && p.to === to) return p;
	return null;
}

/**
 * The public table nearest a chosen period: its month when it lies in one month, otherwise the calendar
 * year of its last day.
 * @example publicPeriodFor('2024-03-05', '2024-03-20') // { kind: 'month', from: '2024-03-01', to: '2024-03-31' }
 * @example publicPeriodFor('2023-11-01', '2024-02-29') // { kind: 'year', from: '2024-01-01', to: '2024-12-31' }
 */
export function publicPeriodFor(from: string, to: string): PublicPeriod {
	const m = monthOf(to);
	return from >= m.from ? m : yearOf(to);
}

/**
 * The query of an area's cell-count export (`/api/export/cells?…`) for an audience, at the map's
 * resolution brought into the export's range (7–10). A public export is asked for the public table
 * nearest the map's period and categories (`publicPeriodFor`; all categories unless one is chosen).
 */
export function cellExportSearch(
	areaId: number,
	res: number,
	audience: (typeof EXPORT_AUDIENCES)[number],
	q: ExportFilters
): URLSearchParams {
	const r = Math.min(EXPORT_CELLS_MAX_RES, Math.max(EXPORT_CELLS_MIN_RES, Math.round(res)));
	const p = new URLSearchParams({ area: String(areaId), res: String(r), audience });
	if (audience === 'internal') return withFilters(p, q);
	const period = q.from && q.to ? publicPeriodFor(q.from, q.to) : null;
	return withFilters(p, {
		from: period?.from,
		to: period?.to,
		categories: q.categories?.length === 1 ? q.categories : null
	});
}
