import { describe, expect, it } from 'vitest';
import { FIXTURES, runCsv } from '../test-helpers';
import { createChicagoAdapter } from './chicago';

const dir = `${FIXTURES}chicago/`;

describe('Chicago data-portal CSV adapter', () => {
	it('normalises real portal rows: ID, Chicago local time → UTC, block location, attributes', async () => {
		const out = await runCsv(createChicagoAdapter(), `${dir}crimes-sample.csv`);
		expect(out.every((o) => o.incident)).toBe(true);
		const first = out[0].incident!;
		expect(first).toMatchObject({
			externalId: '10367002',
			category: 'violence-and-sexual-offences',
			originalType: 'BATTERY',
			lat: 41.753985135,
			lon: -87.664263469,
			projected: null,
			locationPrecision: 'street',
			locationText: '016XX W 77TH ST',
			reportedAt: null,
			// Domestic = true
			sensitive: true
		});
		// 01/03/2016 11:57:00 PM CST = 05:57 UTC the next day.
		expect(first.occurredFrom.toISOString()).toBe('2016-01-04T05:57:00.000Z');
		expect(first.occurredTo).toEqual(first.occurredFrom);
		expect(first.attributes).toMatchObject({
			'Case Number': 'HZ103159',
			IUCR: '0486',
			Description: 'DOMESTIC BATTERY SIMPLE',
			Domestic: 'true',
			Beat: '0611',
			'Updated On': '01/10/2016 08:46:55 AM',
			'X Coordinate': '1166811'
		});
		expect(first.attributes).not.toHaveProperty('Location');
		expect(out[1].incident!.sensitive).toBe(false);
	});

	it('imports rows without coordinates as unlocated, and classifies special types', async () => {
		const out = await runCsv(createChicagoAdapter(), `${dir}crimes-sample.csv`);
		const unlocated = out.filter((o) => o.row.values.Latitude === '');
		expect(unlocated).toHaveLength(4);
		for (const o of unlocated)
			expect(o.incident).toMatchObject({
				lon: null,
				lat: null,
				projected: null,
				locationPrecision: 'none'
			});
		const byType = (t: string) => out.find((o) => o.row.values['Primary Type'] === t)!.incident!;
		expect(byType('CRIM SEXUAL ASSAULT')).toMatchObject({
			category: 'sexual-offences',
			sensitive: true
		});
		expect(byType('NON-CRIMINAL').category).toBe('other');
		const retail = out.find((o) => o.row.values.Description === 'RETAIL THEFT')!.incident!;
		expect(retail.category).toBe('shoplifting');
	});

	it('converts wall-clock times correctly across both 2016 DST changes and rejects malformed dates', async () => {
		const out = await runCsv(createChicagoAdapter(), `${dir}dst-hand-made.csv`);
		const times = out.map((o) => o.incident?.occurredFrom.toISOString() ?? o.reject);
		expect(times).toEqual([
			'2016-03-13T07:59:00.000Z', // 01:59 CST
			'2016-03-13T08:00:00.000Z', // 03:00 CDT, one minute later
			'2016-03-13T08:30:00.000Z', // 02:30 does not exist → 03:30 CDT
			'2016-11-06T06:30:00.000Z', // 01:30 happens twice → first (CDT)
			'2016-11-06T08:00:00.000Z', // 02:00 CST
			'2016-07-04T17:00:00.000Z', // 12:00 PM = noon CDT
			'2016-07-04T05:00:00.000Z', // 12:00 AM = midnight CDT
			{
				field: 'Date',
				reason: 'not a date in MM/DD/YYYY hh:mm:ss AM form: "13/45/2016 10:00:00 PM"'
			},
			'2016-01-04T05:57:00.000Z' // ISO-like "2016-01-03 23:57" is accepted as local time
		]);
		expect(out[7].row.rowNumber).toBe(9);
	});

	it('passes State Plane X/Y (EPSG:3435) on when latitude/longitude are blank', async () => {
		const out = await runCsv(createChicagoAdapter(), `${dir}xy-only-hand-made.csv`);
		expect(out[0].incident).toMatchObject({
			lon: null,
			lat: null,
			projected: { x: 1166811, y: 1853653, srid: 3435 },
			locationPrecision: 'street'
		});
		// "1,166,811": thousands separators do not break the number.
		expect(out[1].incident!.projected).toEqual({
			x: 1166811,
			y: 1877110,
			srid: 3435,
			// The runner rejects X/Y that reproject outside EPSG:3435's area of use.
			within: {
				west: -89.28,
				south: 37.06,
				east: -87.02,
				north: 42.5,
				area: 'Illinois East',
				field: 'X Coordinate/Y Coordinate'
			}
		});
	});

	it('rejects dates before 1900 or in the future, and ids the database cannot key on', async () => {
		const adapter = createChicagoAdapter();
		const header = ['ID', 'Date', 'Primary Type', 'Latitude', 'Longitude'];
		adapter.begin(header, 'hand-made.csv');
		const row = (id: string, date: string) => {
			const values = { ID: id, Date: date, 'Primary Type': 'THEFT', Latitude: '', Longitude: '' };
			return adapter.parse({ rowNumber: 2, values, raw: '' });
		};
		const future = new Date(Date.now() + 40 * 86_400_000);
		const mm = String(future.getUTCMonth() + 1).padStart(2, '0');
		const dd = String(future.getUTCDate()).padStart(2, '0');
		expect(row('1', '06/15/1899 11:00:00 PM')).toEqual({
			ok: false,
			reject: { field: 'Date', reason: '"06/15/1899 11:00:00 PM" is before 1900' }
		});
		// Four-digit years below 100 are read as written, not as 19xx.
		expect(row('2', '01/01/0021 10:00:00 AM')).toMatchObject({ reject: { field: 'Date' } });
		expect(row('3', `${mm}/${dd}/${future.getUTCFullYear()} 10:00:00 AM`)).toMatchObject({
			reject: { field: 'Date', reason: expect.stringMatching(/is in the future$/) }
		});
		expect(row('x'.repeat(201), '01/01/2016 10:00:00 AM')).toEqual({
			ok: false,
			reject: { field: 'ID', reason: 'id is 201 characters long (at most 200)' }
		});
		expect(row('x'.repeat(200), '01/01/2016 10:00:00 AM').ok).toBe(true);
	});

	it('reads the SODA API snake_case header with ISO local dates the same way', async () => {
		const api = await runCsv(createChicagoAdapter(), `${dir}api-snake-case-hand-made.csv`);
		const portal = await runCsv(createChicagoAdapter(), `${dir}crimes-sample.csv`);
		for (let i = 0; i < 3; i++) {
			const a = api[i].incident!;
			const p = portal[i].incident!;
			expect({ ...a, attributes: undefined }).toEqual({ ...p, attributes: undefined });
			expect(a.attributes.case_number).toBe(p.attributes['Case Number']);
		}
	});

	it('refuses a file that is not a Chicago export, naming the missing columns', () => {
		expect(() =>
			createChicagoAdapter().begin(['date', 'loc_cat', 'longitude', 'latitude'], 'd.csv')
		).toThrow(/d\.csv: missing required columns "ID", "Primary Type"/);
	});
});
