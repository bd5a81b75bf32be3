import { describe, expect, it } from 'vitest';
import { parseMapping } from '../mapping';
import { FIXTURES } from '../test-helpers';
import { ImportError, type RowResult, type SourceRow } from '../types';
import { createGeoJsonAdapter, epsgFromGeoJsonCrs, openGeoJsonRows } from './geojson';

const dir = `${FIXTURES}geojson/`;

async function run(file: string, mapping?: unknown) {
	const src = await openGeoJsonRows(file);
	const adapter = createGeoJsonAdapter(mapping ? parseMapping(mapping) : undefined);
	adapter.begin(src.header, file);
	const out: { row: SourceRow; r: RowResult }[] = [];
	for await (const row of src.rows) out.push({ row, r: adapter.parse(row) });
	return { out, bytes: src.bytesRead(), total: src.totalBytes };
}

const chicagoMapping = {
	timezone: 'America/Chicago',
	id: 'id',
	time: { column: 'date', format: 'MM/DD/YYYY hh:mm:ss A' },
	category: { column: 'primary_type' },
	sensitive: { column: 'domestic' },
	location: { precision: 'street' }
};

describe('GeoJSON adapter', () => {
	it('streams point features from real Chicago rows, with properties as columns', async () => {
		const { out, bytes, total } = await run(`${dir}chicago-crimes-sample.geojson`, chicagoMapping);
		expect(bytes).toBe(total);
		expect(out.map((o) => o.row.rowNumber)).toEqual([1, 2, 3, 4, 5, 6]);
		const first = out[0].r;
		expect(first).toMatchObject({
			ok: true,
			incident: {
				externalId: '10367002',
				category: 'violence-and-sexual-offences',
				lon: -87.664263469,
				lat: 41.753985135,
				locationPrecision: 'street',
				sensitive: true,
				attributes: { case: 'HZ103159', beat: '0611', description: 'DOMESTIC BATTERY SIMPLE' }
			}
		});
		if (first.ok)
			expect(first.incident.occurredFrom.toISOString()).toBe('2016-01-04T05:57:00.000Z');
		// null geometry → unlocated; strings with braces and quotes do not confuse the scanner.
		expect(out[4].r).toMatchObject({
			ok: true,
			incident: { lon: null, locationPrecision: 'none' }
		});
		expect(out[4].row.values.note).toBe('no "geometry" here, {braces} [brackets]');
		expect(out[5].r).toEqual({
			ok: false,
			reject: { field: 'geometry', reason: 'geometry type Polygon is not a point' }
		});
	});

	it('honours a legacy EPSG crs member: points become projected x/y', async () => {
		const { out } = await run(`${dir}bng-hand-made.geojson`, {
			timezone: 'Europe/London',
			id: 'ref',
			time: { column: 'month', format: 'YYYY-MM' },
			category: { column: 'crime' }
		});
		expect(out[1].r).toMatchObject({
			ok: true,
			incident: {
				externalId: 'A2',
				category: 'robbery',
				lon: null,
				projected: { x: 532100.5, y: 181000.25, srid: 27700 }
			}
		});
	});

	it('guesses id/date/category properties without a mapping', async () => {
		const { out } = await run(`${dir}bng-hand-made.geojson`);
		expect(out[0].r).toMatchObject({
			ok: true,
			incident: { externalId: 'A1', category: 'burglary' }
		});
	});

	it('fails clearly on truncated files and non-collections', async () => {
		await expect(run(`${dir}truncated-geojson.txt`)).rejects.toThrow(/ends inside a JSON value/);
		const err = await openGeoJsonRows(`${dir}not-a-collection.geojson`).catch((e: unknown) => e);
		expect(err).toBeInstanceOf(ImportError);
		expect((err as ImportError).code).toBe('E_FORMAT');
		await expect(openGeoJsonRows(`${dir}missing.geojson`)).rejects.toThrow(/cannot read file/);
	});

	it('resolves columns from the first feature with properties, so an empty collection is no error', () => {
		const adapter = createGeoJsonAdapter(
			parseMapping({
				timezone: 'UTC',
				id: 'id',
				time: { column: 'date' },
				category: { column: 'type' }
			})
		);
		// The header of an empty collection, or of one whose first feature has no properties.
		adapter.begin(['@crs', '@lon', '@lat'], 'empty.geojson');
		const geometry = { '@crs': 'EPSG:4326', '@lon': '-0.1', '@lat': '51.5' };
		expect(adapter.parse({ rowNumber: 1, values: geometry, raw: '{}' })).toEqual({
			ok: false,
			reject: { field: 'properties', reason: 'the feature has no properties' }
		});
		const row = { ...geometry, id: 'A1', date: '2021-08-01', type: 'Burglary' };
		expect(adapter.parse({ rowNumber: 2, values: row, raw: '{}' })).toMatchObject({
			ok: true,
			incident: { externalId: 'A1', category: 'burglary', lon: -0.1 }
		});
	});

	it('reads EPSG codes from crs names', () => {
		const crs = (name: string) => epsgFromGeoJsonCrs({ type: 'name', properties: { name } });
		expect(crs('urn:ogc:def:crs:EPSG::27700')).toBe(27700);
		expect(crs('EPSG:3435')).toBe(3435);
		expect(crs('urn:ogc:def:crs:OGC:1.3:CRS84')).toBe(4326);
	});
});
