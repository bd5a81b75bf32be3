import { describe, expect, it } from 'vitest';
import { crsExtent, insideExtent } from './crs-extent';
import { categoryClassifier } from './adapters/mapped-csv';

describe('crsExtent', () => {
	it('knows the common CRSs, computes UTM zones and bands other projections by their meridian', () => {
		expect(crsExtent('EPSG:27700')).toMatchObject({ west: -9.01, south: 49.75, east: 2.01 });
		expect(crsExtent('ESRI:102671')).toMatchObject({ west: -89.28, north: 42.5 });
		expect(crsExtent('EPSG:32630')).toMatchObject({ west: -9, east: 3, south: 0, north: 84 });
		expect(crsExtent('EPSG:32730')).toMatchObject({ south: -80, north: 0 });
		expect(crsExtent('EPSG:9999', '+proj=tmerc +lat_0=0 +lon_0=10 +units=m')).toMatchObject({
			west: -10,
			east: 30
		});
		expect(crsExtent('EPSG:9999', '+proj=longlat +datum=WGS84')).toBeNull();
		expect(crsExtent('EPSG:9999')).toBeNull();
		const uk = crsExtent('EPSG:27700')!;
		expect(insideExtent(uk, -0.12, 51.5)).toBe(true);
		expect(insideExtent(uk, 14, 51.5)).toBe(false);
	});
});

describe('categoryClassifier', () => {
	const classify = categoryClassifier({
		map: { 'Theft of bike': 'bicycle-theft' },
		rules: [
			{ prefix: 'LARCENY', category: 'other-theft' },
			{ regex: 'burg', category: 'burglary' },
			{ range: [100, 199], category: 'robbery' },
			{ prefix: 'THEFT', category: 'shoplifting' }
		]
	});
	it('tries map, rules in order, then the taxonomy; null when nothing matches', () => {
		expect(classify(' theft of BIKE ')).toBe('bicycle-theft');
		expect(classify('larceny-from building')).toBe('other-theft');
		expect(classify('RESIDENTIAL BURGLARY')).toBe('burglary');
		expect(classify('150')).toBe('robbery');
		expect(classify('150.5')).toBe('robbery');
		expect(classify('200')).toBeNull();
		expect(classify('15O')).toBeNull();
		expect(classify('THEFT FROM SHOP')).toBe('shoplifting');
		expect(classify('Anti-social behaviour')).toBe('anti-social-behaviour');
		expect(classify('no such thing')).toBeNull();
	});
});
