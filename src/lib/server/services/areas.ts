/** Area boundaries for the map: every area, or those of one kind, as a GeoJSON FeatureCollection. */
import type { Queryable } from '../db/client';
import { areasGeoJson } from '../db/queries/areas';

/** The GeoJSON text (built by PostGIS) of every area, or of one `kind`. */
export function areaBoundaries(db: Queryable, kind: string | null): Promise<string> {
	return areasGeoJson(db, kind);
}
