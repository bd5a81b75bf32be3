import { describe, expect, it } from 'vitest';
import { proposeMapping } from './propose';
import { parseMapping } from './mapping';

describe('proposeMapping', () => {
	it('finds id, time format, category and British National Grid x/y, and suggests categories', () => {
		const header = ['Ref', 'Date', 'Offence', 'Easting', 'Northing', 'Location'];
		const rows = [
			{
				Ref: 'A1',
				Date: '03/01/2020 21:15',
				Offence: 'Burglary',
				Easting: '531234',
				Northing: '181456',
				Location: 'High St'
			},
			{
				Ref: 'A2',
				Date: '24/01/2020 08:00',
				Offence: 'LARCENY',
				Easting: '0',
				Northing: '0',
				Location: ''
			},
			{
				Ref: 'A3',
				Date: '25/01/2020 09:30',
				Offence: 'Burglary',
				Easting: '530100',
				Northing: '180900',
				Location: ''
			}
		];
		const p = proposeMapping(header, rows, 'force export');
		expect(p.detected).toMatchObject({
			id: 'Ref',
			time: 'Date',
			timeFormat: 'DD/MM/YYYY HH:mm',
			timeFormatShare: 1,
			category: 'Offence',
			location: { kind: 'xy', columns: ['Easting', 'Northing'], crs: 'EPSG:27700' },
			timezone: 'Europe/London'
		});
		expect(p.categorySuggestions).toEqual([
			{ value: 'Burglary', rows: 2, category: 'burglary' },
			{ value: 'LARCENY', rows: 1, category: null }
		]);
		expect(p.columns[0]).toEqual({ name: 'Ref', samples: ['A1', 'A2', 'A3'], blank: 0 });
		// The proposal is a valid mapping as it stands.
		expect(parseMapping(p.mapping).location).toMatchObject({
			x: 'Easting',
			crs: 'EPSG:27700',
			text: 'Location'
		});
	});

	it('reads lon/lat and US dates with a 12-hour clock', () => {
		const p = proposeMapping(
			['ID', 'Date', 'Primary Type', 'Latitude', 'Longitude'],
			[
				{
					ID: '1',
					Date: '01/03/2016 11:57:00 PM',
					'Primary Type': 'THEFT',
					Latitude: '41.8',
					Longitude: '-87.6'
				}
			]
		);
		expect(p.detected).toMatchObject({
			timeFormat: 'MM/DD/YYYY hh:mm:ss A',
			location: { kind: 'lonlat', columns: ['Longitude', 'Latitude'] },
			timezone: 'America/Chicago'
		});
	});

	it('proposes the column telling apart several offences of one incident', () => {
		const header = ['Incident No', 'Offence Seq', 'Date', 'Offence', 'Latitude', 'Longitude'];
		const row = (id: string, seq: string, offence: string) => ({
			'Incident No': id,
			'Offence Seq': seq,
			Date: '2024-05-01 10:00',
			Offence: offence,
			Latitude: '51.5',
			Longitude: '-0.1'
		});
		const p = proposeMapping(header, [
			row('I1', '1', 'Burglary'),
			row('I1', '2', 'Burglary'),
			row('I2', '1', 'Theft'),
			row('I3', '1', 'Theft')
		]);
		expect(p.detected.id).toBe('Incident No');
		expect(p.detected.offence).toEqual({ repeatedIds: 1, column: 'Offence Seq' });
		expect(parseMapping(p.mapping).offence).toBe('Offence Seq');
	});

	it('falls back to the category column, and proposes no offence column when nothing tells rows apart', () => {
		const rows = [
			{ ID: 'A', Date: '2024-05-01', Type: 'Burglary', Note: 'x' },
			{ ID: 'A', Date: '2024-05-01', Type: 'Criminal damage', Note: 'x' }
		];
		const byCategory = proposeMapping(['ID', 'Date', 'Type', 'Note'], rows);
		expect(byCategory.detected.offence).toEqual({ repeatedIds: 1, column: 'Type' });
		const same = proposeMapping(
			['ID', 'Date', 'Type', 'Note'],
			rows.map((r) => ({ ...r, Type: 'Burglary' }))
		);
		expect(same.detected.offence).toEqual({ repeatedIds: 1, column: null });
		expect(same.mapping).not.toHaveProperty('offence');
		const unique = proposeMapping(
			['ID', 'Date'],
			[
				{ ID: 'A', Date: '2024-05-01' },
				{ ID: 'B', Date: '2024-05-01' }
			]
		);
		expect(unique.detected.offence).toEqual({ repeatedIds: 0, column: null });
	});
});
