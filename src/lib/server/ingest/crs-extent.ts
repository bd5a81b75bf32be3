/**
 * Where a coordinate reference system's points can be: its area of use, in degrees. PostGIS's
 * spatial_ref_sys has no area of use, so the common CRSs of crime files carry theirs here (values
 * from the EPSG registry, epsg.io), UTM zones are computed, and any other projected CRS whose proj4
 * definition names a central meridian gets a band of ±`MERIDIAN_BAND_DEGREES` around it — wide
 * enough for any zone-based CRS, narrow enough to catch coordinates in the wrong unit (feet given as
 * metres move a point hundreds of kilometres).
 */

export interface Extent {
	west: number;
	south: number;
	east: number;
	north: number;
	/** Name in messages: "the area of use of EPSG:27700 (Great Britain)". */
	area: string;
}

/** Half-width of the longitude band assumed around a CRS's central meridian when nothing better is known. */
export const MERIDIAN_BAND_DEGREES = 20;

const ILLINOIS_EAST = [-89.28, 37.06, -87.02, 42.5, 'Illinois East'] as const;
const ILLINOIS_WEST = [-91.52, 36.98, -88.93, 42.51, 'Illinois West'] as const;

/** EPSG/ESRI areas of use: [west, south, east, north, name]. */
const AREAS: Record<string, readonly [number, number, number, number, string]> = {
	'EPSG:27700': [-9.01, 49.75, 2.01, 61.01, 'United Kingdom (British National Grid)'],
	'EPSG:29903': [-10.56, 51.39, -5.34, 55.43, 'Ireland (Irish Grid)'],
	'EPSG:2157': [-10.56, 51.39, -5.34, 55.43, 'Ireland (ITM)'],
	'EPSG:3857': [-180, -85.06, 180, 85.06, 'the world (Web Mercator)'],
	'EPSG:3435': ILLINOIS_EAST,
	'ESRI:102671': ILLINOIS_EAST,
	'EPSG:26971': ILLINOIS_EAST,
	'EPSG:3436': ILLINOIS_WEST,
	'ESRI:102672': ILLINOIS_WEST,
	'EPSG:26972': ILLINOIS_WEST,
	'EPSG:2263': [-74.26, 40.47, -71.51, 41.3, 'New York Long Island'],
	'EPSG:2229': [-121.42, 32.76, -114.12, 35.81, 'California zone 5'],
	'EPSG:2227': [-123.02, 36.73, -117.83, 38.71, 'California zone 3'],
	'EPSG:2272': [-80.53, 39.71, -74.72, 41.18, 'Pennsylvania South'],
	'EPSG:2248': [-79.49, 37.97, -75.04, 39.73, 'Maryland'],
	'EPSG:2276': [-103.07, 31.72, -94.0, 34.58, 'Texas North Central'],
	'EPSG:2278': [-100.21, 28.3, -93.5, 31.31, 'Texas South Central'],
	'EPSG:2253': [-87.2, 41.75, -82.13, 44.0, 'Michigan South'],
	'EPSG:2285': [-124.79, 47.08, -117.02, 49.05, 'Washington North'],
	'EPSG:2881': [-82.33, 24.41, -79.97, 29.0, 'Florida East']
};

/** The area of use of `crs` (`AUTH:code`), or null when nothing is known (no check). */
export function crsExtent(crs: string, proj4text?: string | null): Extent | null {
	const known = AREAS[crs];
	if (known) {
		const [west, south, east, north, name] = known;
		return { west, south, east, north, area: `the area of use of ${crs} (${name})` };
	}
	const utm = utmExtent(crs);
	if (utm) return utm;
	const lon0 = proj4text ? /\+lon_0=(-?[\d.]+)/.exec(proj4text) : null;
	if (lon0 && !/\+proj=longlat/.test(proj4text!)) {
		const c = Number(lon0[1]);
		return {
			west: Math.max(-180, c - MERIDIAN_BAND_DEGREES),
			south: -90,
			east: Math.min(180, c + MERIDIAN_BAND_DEGREES),
			north: 90,
			area: `${MERIDIAN_BAND_DEGREES}° either side of ${crs}'s central meridian (${c}°)`
		};
	}
	return null;
}

/** WGS84 / UTM zones: EPSG:326zz (north) and 327zz (south); NAD83 UTM EPSG:269zz (zones 1–23). */
function utmExtent(crs: string): Extent | null {
	const m = /^EPSG:(32[67]|269)(\d{2})$/.exec(crs);
	if (!m) return null;
	const zone = Number(m[2]);
	if (zone < 1 || zone > 60 || (m[1] === '269' && zone > 23)) return null;
	const west = -180 + (zone - 1) * 6;
	const south = m[1] === '327' ? -80 : 0;
	const north = m[1] === '327' ? 0 : 84;
	// Zones are used up to a few degrees beyond their 6° band in practice.
	return {
		west: Math.max(-180, west - 3),
		south,
		east: Math.min(180, west + 9),
		north,
		area: `the area of use of ${crs} (UTM zone ${zone}${m[1] === '327' ? 'S' : 'N'})`
	};
}

export function extentFromBox(box: readonly [number, number, number, number]): Extent {
	const [west, south, east, north] = box;
	return { west, south, east, north, area: `the declared extent [${box.join(', ')}]` };
}

export function insideExtent(e: Extent, lon: number, lat: number): boolean {
	return lon >= e.west && lon <= e.east && lat >= e.south && lat <= e.north;
}
