import { describe, expect, it } from 'vitest';
import { ImportError } from '../types';
import { FIXTURES, runCsv } from '../test-helpers';
import { createStats19Adapter } from './stats19';

const file = `${FIXTURES}stats19/dft-collisions-2023-city-sample.csv`;

async function byId() {
	const out = await runCsv(createStats19Adapter(), file);
	const find = (id: string) => out.filter((o) => o.row.values.accident_index === id);
	return { out, find };
}

describe('STATS19 collision adapter', () => {
	it('normalises a real City of London row: severity category, London clock time, point, attributes', async () => {
		const { find } = await byId();
		const first = find('2023480420387')[0].incident!;
		expect(first).toMatchObject({
			externalId: '2023480420387',
			category: 'road-collision-slight',
			originalType: 'Slight',
			lon: -0.077079,
			lat: 51.516481,
			projected: null,
			locationPrecision: 'exact',
			locationText: 'A1210',
			sensitive: false
		});
		// 09/01/2023 12:00 is GMT: the same instant in UTC.
		expect(first.occurredFrom.toISOString()).toBe('2023-01-09T12:00:00.000Z');
		expect(first.occurredTo.toISOString()).toBe('2023-01-09T12:00:00.000Z');
		expect(first.attributes).toMatchObject({
			speed_limit: '20',
			road_type: '6',
			light_conditions: '1',
			weather_conditions: '1',
			number_of_vehicles: '2',
			number_of_casualties: '1',
			police_force: '48',
			local_authority_ons_district: 'E09000001',
			lsoa_of_accident_location: 'E01000005',
			location_easting_osgr: '533522'
		});
		expect(first.attributes).not.toHaveProperty('accident_severity');
		expect(first.attributes).not.toHaveProperty('longitude');
	});

	it('reads serious and fatal severities into their own categories', async () => {
		const { out, find } = await byId();
		const categories = out.filter((o) => o.incident).map((o) => o.incident!.category);
		// 8 serious rows among the 20 real ones, plus the crafted 2023489999902.
		expect(categories.filter((c) => c === 'road-collision-serious')).toHaveLength(9);
		expect(find('2023489999901')[0].incident!.category).toBe('road-collision-fatal');
	});

	it('falls back to British National Grid easting/northing when longitude/latitude are blank', async () => {
		const { find } = await byId();
		const inc = find('2023489999901')[0].incident!;
		expect(inc.lon).toBeNull();
		expect(inc.projected).toMatchObject({ x: 533522, y: 181481, srid: 27700 });
		expect(inc.projected!.within).toMatchObject({ area: 'Great Britain' });
		expect(inc.locationPrecision).toBe('exact');
		// 15/07/2023 08:15 is British Summer Time (UTC+1).
		expect(inc.occurredFrom.toISOString()).toBe('2023-07-15T07:15:00.000Z');
	});

	it('keeps a row with "NULL" coordinates and no grid reference, without a location', async () => {
		const { find } = await byId();
		expect(find('2023489999902')[0].incident).toMatchObject({
			lon: null,
			lat: null,
			projected: null,
			locationPrecision: 'none',
			category: 'road-collision-serious'
		});
	});

	it('keeps a row whose time is -1 with the whole local day as its window', async () => {
		const { find } = await byId();
		const inc = find('2023489999908')[0].incident!;
		expect(inc.occurredFrom.toISOString()).toBe('2023-07-20T23:00:00.000Z');
		expect(inc.occurredTo.toISOString()).toBe('2023-07-21T22:59:59.999Z');
	});

	it('rejects bad rows naming the column and the reason', async () => {
		const { find } = await byId();
		expect(find('2023489999903')[0].reject).toEqual({
			field: 'accident_severity',
			reason: 'severity "4" is not 1 (fatal), 2 (serious) or 3 (slight)'
		});
		expect(find('2023489999904')[0].reject).toEqual({
			field: 'date',
			reason: 'not a date in DD/MM/YYYY form: "31/02/2023"'
		});
		expect(find('2023489999905')[0].reject).toEqual({
			field: 'time',
			reason: 'not a time in HH:MM form: "25:61"'
		});
		expect(find('2023489999906')[0].reject).toEqual({
			field: 'latitude',
			reason: 'latitude is blank but longitude is not'
		});
	});

	it('reads the 2025-on collision_* header and names missing columns', () => {
		const a = createStats19Adapter();
		a.begin(
			['collision_index', 'collision_severity', 'date', 'time', 'longitude', 'latitude'],
			'x.csv'
		);
		const r = a.parse({
			rowNumber: 2,
			raw: '',
			values: {
				collision_index: '2025010000001',
				collision_severity: '2',
				date: '2025-03-01',
				time: '17:05',
				longitude: '-1.5',
				latitude: '53.8'
			}
		});
		expect(r.ok && r.incident.category).toBe('road-collision-serious');
		expect(r.ok && r.incident.occurredFrom.toISOString()).toBe('2025-03-01T17:05:00.000Z');
		expect(() => createStats19Adapter().begin(['accident_index', 'date'], 'y.csv')).toThrow(
			ImportError
		);
		expect(() => createStats19Adapter().begin(['accident_index', 'date'], 'y.csv')).toThrow(
			/"collision_severity", "time", "longitude", "latitude"/
		);
	});
});
