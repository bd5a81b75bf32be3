import { describe, expect, it } from 'vitest';
import { attributesJson, copyField, pointEwkbHex, storableValue } from './copy-text';

describe('copyField', () => {
	it('escapes the characters COPY text format treats specially', () => {
		expect(copyField('a\tb\nc\\d\re')).toBe('a\\tb\\nc\\\\d\\re');
		expect(copyField(null)).toBe('\\N');
		expect(copyField('plain')).toBe('plain');
		expect(copyField(12.5)).toBe('12.5');
	});
});

describe('pointEwkbHex', () => {
	it('writes the EWKB PostGIS gives for SRID=4326;POINT(-0.1 51.5)', () => {
		// SELECT ST_AsEWKB('SRID=4326;POINT(-0.1 51.5)'::geometry) in PostGIS 3
		expect(pointEwkbHex(-0.1, 51.5)).toBe('0101000020e61000009a9999999999b9bf0000000000c04940');
	});
});

describe('storable text', () => {
	it('drops NUL characters and lone surrogates PostgreSQL cannot store', () => {
		expect(copyField('a\u0000b')).toBe('ab');
		expect(copyField('x\ud800y')).toBe('x\ufffdy');
		expect(attributesJson({ k: 'v\u0000', 'z\udc00': 'w' })).toBe('{"k":"v","z\ufffd":"w"}');
		expect(storableValue({ 'a\u0000': ['b\u0000', 1, null, { c: 'd\ud800' }], n: 2 })).toEqual({
			a: ['b', 1, null, { c: 'd\ufffd' }],
			n: 2
		});
	});
});
