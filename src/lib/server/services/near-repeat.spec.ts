import { describe, expect, it } from 'vitest';
import { utmSrid } from './near-repeat';

describe('utmSrid', () => {
	it('picks the WGS84 UTM zone of a point', () => {
		expect(utmSrid(-87.63, 41.88)).toBe(32616); // Chicago, zone 16N
		expect(utmSrid(-0.09, 51.51)).toBe(32630); // City of London, zone 30N
		expect(utmSrid(151.21, -33.87)).toBe(32756); // Sydney, zone 56S
		expect(utmSrid(180, 0)).toBe(32660);
	});
});
