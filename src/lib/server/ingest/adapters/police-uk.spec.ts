import { describe, expect, it } from 'vitest';
import { FIXTURES, runCsv } from '../test-helpers';
import { createPoliceUkAdapter } from './police-uk';

const dir = `${FIXTURES}police-uk/`;

describe('police.uk street CSV adapter', () => {
	it('normalises real City of London rows: ASB without ID, month window, snapped points, LSOA attributes', async () => {
		const out = await runCsv(createPoliceUkAdapter(), `${dir}2016-01-city-of-london-street.csv`);
		expect(out).toHaveLength(14);
		expect(out.every((o) => o.incident)).toBe(true);
		const first = out[0].incident!;
		expect(first).toMatchObject({
			category: 'anti-social-behaviour',
			originalType: 'Anti-social behaviour',
			lon: -0.111497,
			lat: 51.518226,
			projected: null,
			locationPrecision: 'snapped',
			locationText: 'On or near Pedestrian Subway',
			reportedAt: null,
			sensitive: false,
			attributes: {
				'Reported by': 'City of London Police',
				'Falls within': 'City of London Police',
				'LSOA code': 'E01000914',
				'LSOA name': 'Camden 028B'
			}
		});
		expect(first.externalId).toMatch(/^asb-[0-9a-f]{20}-1$/);
		expect(first.occurredFrom.toISOString()).toBe('2016-01-01T00:00:00.000Z');
		expect(first.occurredTo.toISOString()).toBe('2016-01-31T23:59:59.999Z');
		const withId = out.find((o) => o.row.values['Crime ID'] !== '')!.incident!;
		expect(withId.externalId).toBe(
			out.find((o) => o.row.values['Crime ID'] !== '')!.row.values['Crime ID']
		);
		expect(withId.attributes['Last outcome category']).toBeTruthy();
	});

	it('imports rows with blank coordinates with no location (they still count)', async () => {
		const out = await runCsv(createPoliceUkAdapter(), `${dir}2016-01-city-of-london-street.csv`);
		const unlocated = out.filter((o) => o.row.values.Longitude === '');
		expect(unlocated).toHaveLength(2);
		for (const o of unlocated) {
			expect(o.incident).toMatchObject({
				category: 'drugs',
				lon: null,
				lat: null,
				projected: null,
				locationPrecision: 'none',
				locationText: null
			});
			expect(o.incident!.externalId).toMatch(/^[0-9a-f]{64}$/);
		}
	});

	it('keeps genuinely repeated identical ASB rows apart, with ids stable across re-reads', async () => {
		const file = `${dir}2021-08-allforces-sample-street.csv`;
		const a = await runCsv(createPoliceUkAdapter(), file);
		const b = await runCsv(createPoliceUkAdapter(), file);
		const ids = a.map((o) => o.incident!.externalId);
		expect(ids).toEqual(b.map((o) => o.incident!.externalId));
		expect(new Set(ids).size).toBe(ids.length);
		// The three identical Avon and Somerset ASB rows (High Street, Bath, August 2021).
		const triple = a
			.filter((o) => o.row.values['LSOA code'] === 'E01014400')
			.map((o) => o.incident!.externalId);
		expect(triple).toHaveLength(3);
		expect(triple.map((id) => id.slice(-2))).toEqual(['-1', '-2', '-3']);
		expect(new Set(triple.map((id) => id.slice(0, -2))).size).toBe(1);
		// Two identical City of London "No Location" ASB rows.
		const city = a.filter((o) => o.row.values['Falls within'] === 'City of London Police');
		expect(city.map((o) => o.incident!.locationPrecision)).toEqual(['none', 'none']);
		expect(city[0].incident!.externalId).not.toBe(city[1].incident!.externalId);
		// August is British Summer Time: the month starts at 23:00 UTC on 31 July.
		expect(a[0].incident!.occurredFrom.toISOString()).toBe('2021-07-31T23:00:00.000Z');
		expect(a[0].incident!.occurredTo.toISOString()).toBe('2021-08-31T22:59:59.999Z');
	});

	it('gives BTP crimes published without a Crime ID a synthetic id, and reads quoted LSOA names', async () => {
		const out = await runCsv(createPoliceUkAdapter(), `${dir}2021-08-allforces-sample-street.csv`);
		const btp = out.filter((o) => o.row.values['Reported by'] === 'British Transport Police');
		expect(btp.map((o) => o.incident!.category)).toEqual([
			'bicycle-theft',
			'other-theft',
			'criminal-damage-arson'
		]);
		expect(btp.every((o) => o.incident!.externalId.startsWith('noid-'))).toBe(true);
		expect(btp[0].incident!.attributes['LSOA name']).toBe(
			'Bournemouth, Christchurch and Poole 031E'
		);
	});

	it('separates identical Merseyside ASB rows that are not adjacent', async () => {
		const out = await runCsv(createPoliceUkAdapter(), `${dir}2017-01-merseyside-street.csv`);
		const [r1, r2, r3] = out.map((o) => o.incident!.externalId);
		expect(r1.replace(/-1$/, '-2')).toBe(r3);
		expect(r2.endsWith('-1')).toBe(true);
	});

	it('keeps Merseyside points that fall outside Merseyside, with their LSOA', async () => {
		const out = await runCsv(createPoliceUkAdapter(), `${dir}2018-12-merseyside-street.csv`);
		const cheshire = out.find((o) => o.row.values['LSOA name'].startsWith('Cheshire West'))!;
		expect(cheshire.incident!.attributes['LSOA code']).toBe('E01018537');
		expect(cheshire.incident!.lon).toBe(-3.069158);
	});

	it('reads the BOM + CRLF variant identically to the original', async () => {
		const orig = await runCsv(createPoliceUkAdapter(), `${dir}2016-01-city-of-london-street.csv`);
		const bom = await runCsv(createPoliceUkAdapter(), `${dir}bom-crlf-street.csv`);
		expect(bom.map((o) => o.incident)).toEqual(orig.slice(0, 5).map((o) => o.incident));
	});

	it('rejects bad rows naming the row and field; keeps unknown crime types as other', async () => {
		const out = await runCsv(createPoliceUkAdapter(), `${dir}bad-rows-street.csv`);
		expect(out.map((o) => [o.row.rowNumber, o.reject ?? o.incident!.category])).toEqual([
			[2, { field: 'Month', reason: 'not a month in YYYY-MM form: "Jan 2016"' }],
			[3, { field: 'Longitude', reason: 'not a number: "west"' }],
			[4, { field: 'Latitude', reason: 'latitude 95.5 is outside −90..90' }],
			[5, { field: 'Latitude', reason: 'latitude is blank but longitude is not' }],
			[6, 'other'],
			[7, { field: '', reason: 'wrong number of columns: expected 12, found 8' }]
		]);
		expect(out[4].incident!.originalType).toBe('Cyber nuisance');
	});

	it('refuses a file without the police.uk header', () => {
		expect(() => createPoliceUkAdapter().begin(['date', 'loc_cat'], 'x.csv')).toThrow(
			/x\.csv: missing required columns "Crime ID", "Month", "Longitude", "Latitude", "Crime type"/
		);
	});
});
