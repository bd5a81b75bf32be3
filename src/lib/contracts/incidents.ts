/**
 * The `/api/incidents` request: one page of a cell's incidents, filtered as the map is.
 *
 * Shared with the browser: no node imports here.
 */
import { z } from 'zod';
import { categoryListSchema, isoDateSchema } from './cells';

export const incidentsQuerySchema = z
	.object({
		cell: z
			.string({ message: 'is required: an H3 cell index such as 8a194ad30067fff' })
			.trim()
			.regex(/^[0-9a-fA-F]{15}$/, { message: 'must be an H3 cell index such as 8a194ad30067fff' }),
		page: z.coerce.number().int().min(1).max(100_000).default(1),
		from: isoDateSchema.optional(),
		to: isoDateSchema.optional(),
		categories: categoryListSchema
	})
	.refine((q) => !q.from || !q.to || q.from <= q.to, {
		message: '`from` must not be after `to`',
		path: ['from']
	});
export type IncidentsQuery = z.output<typeof incidentsQuerySchema>;
