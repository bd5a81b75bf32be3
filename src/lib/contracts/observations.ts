/**
 * The `/api/observations` contract: query parameters (validated at the edge) and the JSON answer, shared
 * by the route, the service and the map client.
 *
 * Shared with the browser: no node imports here.
 */
import { z } from 'zod';
import { analysisBboxSchema } from './analysis';
import { isoDateSchema } from './cells';

/** Most observations one answer carries (newest first); `total` says how many matched. */
export const OBSERVATIONS_LIMIT = 2_000;

export const observationsQuerySchema = z
	.object({
		bbox: z
			.string({ message: 'is required: west,south,east,north in degrees' })
			.pipe(analysisBboxSchema),
		from: isoDateSchema.optional(),
		to: isoDateSchema.optional(),
		area: z.coerce
			.number({ message: 'must be an area id such as 12' })
			.int({ message: 'must be an area id such as 12' })
			.min(1, { message: 'must be an area id such as 12' })
			.max(999_999_999, { message: 'must be an area id such as 12' })
			.optional()
	})
	.refine((q) => !q.from || !q.to || q.from <= q.to, {
		message: '`from` must not be after `to`',
		path: ['from']
	});

export type ObservationsQuery = z.output<typeof observationsQuerySchema>;

export const observationItemSchema = z.object({
	id: z.number().int(),
	observedAt: z.string(),
	lon: z.number(),
	lat: z.number(),
	text: z.string(),
	source: z.string(),
	sourceCategory: z.string(),
	grading: z.object({
		sourceEvaluation: z.number().int(),
		intelligenceAssessment: z.string(),
		handlingCode: z.string()
	}),
	reviewStatus: z.string()
});

export type ObservationItem = z.output<typeof observationItemSchema>;

export const observationsAnswerSchema = z.object({
	/** Observations this user may see that match (may exceed `items.length`: see `limit`). */
	total: z.number().int().nonnegative(),
	/**
	 * Matching observations left out for this user; null for users who may not see restricted
	 * observations: they are not told where those are.
	 */
	withheld: z.number().int().nonnegative().nullable(),
	limit: z.number().int().positive(),
	items: z.array(observationItemSchema)
});

export type ObservationsAnswer = z.output<typeof observationsAnswerSchema>;

/** The query string the client sends. */
export function observationsQueryToSearchParams(q: ObservationsQuery): URLSearchParams {
	const p = new URLSearchParams();
	p.set('bbox', q.bbox.map((v) => +v.toFixed(6)).join(','));
	if (q.from) p.set('from', q.from);
	if (q.to) p.set('to', q.to);
	if (q.area !== undefined) p.set('area', String(q.area));
	return p;
}
