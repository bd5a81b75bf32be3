import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { epsgFromPrj, readAreas, type AreaReadOptions, type AreaRecord } from './areas';
import { FIXTURES, SHARED_DATA } from './test-helpers';
import { ImportError } from './types';

const CHICAGO = `${SHARED_DATA}chicago-cpd/boundaries/`;
const LONDON = `${SHARED_DATA}uk-policeuk-city-of-london/boundaries/`;
const MERSEYSIDE = `${SHARED_DATA}uk-policeuk-merseyside/boundaries/`;
const haveShared = existsSync(CHICAGO) && existsSync(LONDON) && existsSync(MERSEYSIDE);
if (!haveShared)
	console.warn(`[skipped] boundary files of ${SHARED_DATA} (large data) are absent: 4 tests skip`);
/** London's 33 boroughs, in the repository (tests/fixtures/ingest/areas/SOURCE.txt). */
const BOROUGHS = `${FIXTURES}areas/london-2021-lad22-gen20.shp`;

async function readAll(file: string, options: AreaReadOptions = {}): Promise<AreaRecord[]> {
	const out: AreaRecord[] = [];
	for await (const a of await readAreas(file, options)) out.push(a);
	return out;
}

async function error(p: Promise<unknown>): Promise<ImportError> {
	try {
		await p;
	} catch (e) {
		if (e instanceof ImportError) return e;
		throw e;
	}
	throw new Error('expected an ImportError');
}

describe('epsgFromPrj', () => {
	it('recognises the .prj files of the real boundary data', () => {
		expect(
			epsgFromPrj(
				'PROJCS["British_National_Grid",GEOGCS["GCS_OSGB_1936",DATUM["D_OSGB_1936",SPHEROID["Airy_1830",6377563.396,299.3249646]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],PARAMETER["False_Easting",400000.0],PARAMETER["False_Northing",-100000.0],PARAMETER["Central_Meridian",-2.0],PARAMETER["Scale_Factor",0.9996012717],PARAMETER["Latitude_Of_Origin",49.0],UNIT["Meter",1.0]]'
			)
		).toBe(27700);
		expect(
			epsgFromPrj(
				'PROJCS["OSGB_1936_British_National_Grid",GEOGCS["GCS_OSGB 1936",DATUM["D_OSGB_1936",SPHEROID["Airy_1830",6377563.396,299.3249646]],PRIMEM["Greenwich",0],UNIT["Degree",0.017453292519943295]],PROJECTION["Transverse_Mercator"],UNIT["Meter",1]]'
			)
		).toBe(27700);
		expect(
			epsgFromPrj(
				'PROJCS["NAD_1983_StatePlane_Illinois_East_FIPS_1201_Feet",GEOGCS["GCS_North_American_1983",DATUM["D_North_American_1983",SPHEROID["GRS_1980",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],UNIT["Foot_US",0.3048006096012192]]'
			)
		).toBe(3435);
		expect(
			epsgFromPrj(
				'PROJCS["NAD_1983_StatePlane_Illinois_East_FIPS_1201",GEOGCS["GCS_North_American_1983"],PROJECTION["Transverse_Mercator"],UNIT["Meter",1.0]]'
			)
		).toBe(26971);
		expect(
			epsgFromPrj(
				'GEOGCS["WGS 84", DATUM["World Geodetic System 1984", SPHEROID["WGS 84", 6378137.0, 298.257223563, AUTHORITY["EPSG","7030"]], AUTHORITY["EPSG","6326"]], PRIMEM["Greenwich", 0.0, AUTHORITY["EPSG","8901"]], UNIT["degree", 0.017453292519943295], AXIS["Geodetic longitude", EAST], AXIS["Geodetic latitude", NORTH], AUTHORITY["EPSG","4326"]]'
			)
		).toBe(4326);
		expect(epsgFromPrj('GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984"]]')).toBe(4326);
		expect(epsgFromPrj('PROJCS["Lambert_Conformal_Conic_Somewhere",GEOGCS["x"]]')).toBeNull();
	});
});

describe('readAreas', () => {
	it('reads a GeoJSON FeatureCollection of Chicago police districts (real file)', async () => {
		const areas = await readAll(`${FIXTURES}areas/police_districts_simple.geojson`);
		expect(areas).toHaveLength(25);
		expect(areas[0]).toMatchObject({ kind: 'district', srid: 4326 });
		expect(areas.map((a) => a.code)).toContain('31');
		expect(['Polygon', 'MultiPolygon']).toContain(areas[0].geometry.type);
		const withLabel = areas.find((a) => a.name !== a.code);
		expect(withLabel?.properties).toHaveProperty('DIST_LABEL');
	});

	it.skipIf(!haveShared)(
		'reads an unzipped BNG shapefile with LSOA11CD/LSOA11NM (London 2011)',
		async () => {
			const areas = await readAll(`${LONDON}london-2011-lsoa-gen20.shp`);
			expect(areas).toHaveLength(4835);
			const city = areas.find((a) => a.code === 'E01000001')!;
			expect(city).toMatchObject({ kind: 'lsoa', name: 'City of London 001A', srid: 27700 });
		}
	);

	it.skipIf(!haveShared)(
		'reads zipped shapefiles: Chicago beats (EPSG:4326 tag), Liverpool LSOAs (BNG by name)',
		async () => {
			const beats = await readAll(`${CHICAGO}police_beats.zip`);
			expect(beats).toHaveLength(277);
			expect(beats[0]).toMatchObject({ kind: 'beat', srid: 4326 });
			expect(beats.every((b) => /^\d{4}$/.test(b.code))).toBe(true);
			const lsoas = await readAll(`${MERSEYSIDE}liverpool_lsoa_2011.zip`);
			expect(lsoas).toHaveLength(298);
			expect(lsoas[0]).toMatchObject({ kind: 'lsoa', srid: 27700 });
			expect(lsoas.find((a) => a.code === 'E01033755')?.name).toBe('Liverpool 062D');
		}
	);

	it.skipIf(!haveShared)(
		'reads the 2010 community areas in Illinois State Plane feet (EPSG:3435)',
		async () => {
			const areas = await readAll(`${CHICAGO}community_areas.zip`);
			expect(areas).toHaveLength(77);
			expect(areas[0]).toMatchObject({ kind: 'community-area', srid: 3435 });
			const douglas = areas.find((a) => a.name === 'DOUGLAS')!;
			expect(douglas.code).toBe('35');
		}
	);

	it.skipIf(!haveShared)(
		'refuses a GeoJSON whose crs member is not one it knows, unless --crs is given',
		async () => {
			const file = `${CHICAGO}community_areas.geojson`;
			const e = await error(readAll(file));
			expect(e.code).toBe('E_CRS');
			expect(e.message).toMatch(
				/community_areas\.geojson: cannot tell the coordinate system \(the GeoJSON crs member says .*EPSG::4236.*\); pass --crs/
			);
			const areas = await readAll(file, { crs: 4326 });
			// This export swaps AREA_NUMBE and COMMUNITY; the reader swaps them back.
			expect(areas.find((a) => a.name === 'DOUGLAS')?.code).toBe('35');
		}
	);

	it('honours --code-field/--name-field/--kind and names a missing field', async () => {
		const areas = await readAll(BOROUGHS, {
			codeField: 'LAD22CD',
			nameField: 'LAD22NM',
			kind: 'borough'
		});
		expect(areas).toHaveLength(33);
		expect(areas.find((a) => a.code === 'E09000001')).toMatchObject({
			name: 'City of London',
			kind: 'borough'
		});
		const e = await error(readAll(BOROUGHS, { codeField: 'NOPE' }));
		expect(e.message).toMatch(/no property "NOPE"; the features have .*LAD22CD/);
	});

	it('names the feature that is not valid JSON or whose properties are too large', async () => {
		const dir = mkdtempSync(join(tmpdir(), 'beatwise-areas-spec-'));
		try {
			const square = (props: Record<string, string>) =>
				JSON.stringify({
					type: 'Feature',
					properties: props,
					geometry: {
						type: 'Polygon',
						coordinates: [
							[
								[0, 51],
								[0.01, 51],
								[0, 51.01],
								[0, 51]
							]
						]
					}
				});
			const file = (name: string, features: string[]) => {
				const path = join(dir, name);
				writeFileSync(path, `{"type":"FeatureCollection","features":[${features.join(',')}]}`);
				return path;
			};
			const broken = file('broken.geojson', [square({ code: 'A' }), '{"type":"Feature",}']);
			expect(await error(readAll(broken))).toMatchObject({
				code: 'E_FORMAT',
				message: expect.stringMatching(/broken\.geojson: feature 2 is not valid JSON \(/)
			});
			const big = file('big.geojson', [square({ code: 'B', name: 'x'.repeat(1024 * 1024) })]);
			expect((await error(readAll(big))).message).toMatch(
				/feature 1: its properties are 1048\d{3} characters long \(at most 1048576\)/
			);
			const code = file('code.geojson', [square({ code: 'C'.repeat(201) })]);
			expect((await error(readAll(code))).message).toMatch(
				/feature 1: its code is 201 characters long \(at most 200\)/
			);
		} finally {
			rmSync(dir, { recursive: true, force: true });
		}
	});

	it('fails clearly for missing and unsupported files', async () => {
		expect((await error(readAreas(`${FIXTURES}areas/missing.zip`))).code).toBe('E_FILE_UNREADABLE');
		expect((await error(readAreas(`${FIXTURES}csv/quoted-newlines.csv`))).message).toMatch(
			/unsupported boundary file type "\.csv"/
		);
	});
});
