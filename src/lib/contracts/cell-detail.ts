/**
 * The `/api/cell/[cell]` contract: what the side panel shows for one H3 cell. The route validates the
 * query with the cells filters (`cellsQuerySchema`); the service returns `CellDetail`; the map client
 * parses the answer with `cellDetailSchema`.
 *
 * Shared with the browser: no node imports here.
 */
import { z } from 'zod';
import { isoDateSchema as day } from './cells';

export const cellDetailSchema = z.object({
	cell: z.string(),
	resolution: z.number().int(),
	/** The period the category counts cover. */
	from: day.nullable(),
	to: day.nullable(),
	categories: z.array(z.string()),
	total: z.number(),
	byCategory: z.array(z.object({ code: z.string(), label: z.string(), n: z.number() })),
	/**
	 * Every month of the data's range, so the sparkline's x axis is time: `n` is 0 for a month with data
	 * elsewhere but none here, and null for a month with no data imported at all (a gap, not a zero).
	 */
	months: z.array(z.object({ month: day, n: z.number().nullable() }))
});
export type CellDetail = z.output<typeof cellDetailSchema>;
