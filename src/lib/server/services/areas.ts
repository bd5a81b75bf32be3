/** Area boundaries for the map: every area, or those of one kind, as a GeoJSON FeatureCollection. */
import type { AreaCollectionJson } from '../../contracts/areas';
import type { Queryable } from '../db/client';
import { areasGeoJson } from '../db/queries/areas';

/**
 * The GeoJSON text (built by PostGIS) of every area, or of one `kind`: an `AreaCollection`
 * (`contracts/areas.ts`) that the route sends as it is.
 */
export async function areaBoundaries(
	db: Queryable,
	kind: string | null
): Promise<AreaCollectionJson> {
	return (await areasGeoJson(db, kind)) as AreaCollectionJson;
}
