import { customType } from 'drizzle-orm/pg-core';

/**
 * PostGIS geometry with its SRID written into the column type. drizzle-kit's own `geometry()` drops
 * the SRID from generated SQL, so the type text is given verbatim here and checked in a test.
 */
export const geometry = (name: string, kind: 'Point' | 'MultiPolygon' | 'Geometry', srid = 4326) =>
	customType<{ data: string; driverData: string }>({
		dataType: () => `geometry(${kind}, ${srid})`
	})(name);
