/**
 * `/api/places?cells=89194ad3047ffff,89194ad30c3ffff`: names for H3 cells (the street most of a cell's
 * incidents are recorded at, else the area it lies in). Shared with the browser: no node imports.
 */
import { z } from 'zod';

/** Most cells one request may name (the server's limit, `study/places.ts`). */
export const PLACES_MAX_CELLS = 100;

export const placesQuerySchema = z.object({
	cells: z
		.string()
		.trim()
		.transform((v) => [
			...new Set(
				v
					.split(',')
					.map((s) => s.trim().toLowerCase())
					.filter(Boolean)
			)
		])
		.pipe(
			z
				.array(
					z.string().regex(/^[0-9a-f]{15}$/, {
						message:
							'must be H3 cells in hex (15 characters, e.g. 89194ad3047ffff), comma-separated'
					})
				)
				.min(1, { message: 'must name at least one H3 cell' })
				.max(PLACES_MAX_CELLS, { message: `at most ${PLACES_MAX_CELLS} cells at a time` })
		)
});
export type PlacesQuery = z.output<typeof placesQuerySchema>;

export const placeSchema = z.object({
	cell: z.string(),
	label: z.string(),
	basis: z.enum(['street', 'area', 'cell']),
	street: z.object({ text: z.string(), n: z.number(), of: z.number() }).nullable(),
	area: z.object({ kind: z.string(), code: z.string(), name: z.string() }).nullable()
});
export type Place = z.output<typeof placeSchema>;

export const placesAnswerSchema = z.object({ places: z.array(placeSchema) });
export type PlacesAnswer = z.output<typeof placesAnswerSchema>;
