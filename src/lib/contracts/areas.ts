/**
 * The `/api/areas?kind=…` contract: area boundaries for the map, every area or those of one kind, as a
 * GeoJSON FeatureCollection. The service hands the route the collection as JSON text built by PostGIS
 * (`AreaCollectionJson`: parsing and re-serialising thousands of polygons on the server would only cost
 * time); the map client (`map/api.ts` `fetchAreas`) parses it with `areaCollectionSchema`. Geometries are
 * checked for a GeoJSON `type` only: their coordinates go straight to the map.
 *
 * Shared with the browser: no node imports here.
 */
import type { Geometry } from 'geojson';
import { z } from 'zod';

/** Area kinds are lower-case slugs (lsoa, beat, district, borough, …). */
export const AREA_KIND = /^[a-z0-9][a-z0-9_-]{0,39}$/;

export const areasQuerySchema = z.object({
	kind: z
		.string()
		.regex(AREA_KIND, { message: 'must be an area kind such as lsoa, beat or district' })
		.optional()
});
export type AreasQuery = z.output<typeof areasQuerySchema>;

export const areaPropertiesSchema = z.object({
	id: z.union([z.number(), z.string()]),
	kind: z.string(),
	code: z.string(),
	name: z.string()
});
export type AreaProperties = z.output<typeof areaPropertiesSchema>;

const geometrySchema = z.custom<Geometry>(
	(g) => typeof g === 'object' && g !== null && typeof (g as { type?: unknown }).type === 'string',
	{ message: 'must be a GeoJSON geometry' }
);

export const areaCollectionSchema = z.object({
	type: z.literal('FeatureCollection'),
	features: z.array(
		z.object({
			type: z.literal('Feature'),
			id: z.union([z.number(), z.string()]).optional(),
			properties: areaPropertiesSchema,
			geometry: geometrySchema
		})
	)
});
export type AreaCollection = z.output<typeof areaCollectionSchema>;

/** The JSON text of an `AreaCollection`, as the database builds it (the route sends it unchanged). */
export type AreaCollectionJson = string & { readonly __json: AreaCollection };
