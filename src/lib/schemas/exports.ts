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
			message: 'is required: internal (exact counts) or public (small counts suppressed)'
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
 * The query of an area's cell-count export (`/api/export/cells?…`) for an audience, at the map's
 * resolution brought into the export's range (7–10).
 */
export function cellExportSearch(
	areaId: number,
	res: number,
	audience: (typeof EXPORT_AUDIENCES)[number],
	q: ExportFilters
): URLSearchParams {
	const r = Math.min(EXPORT_CELLS_MAX_RES, Math.max(EXPORT_CELLS_MIN_RES, Math.round(res)));
	return withFilters(new URLSearchParams({ area: String(areaId), res: String(r), audience }), q);
}
