import { describe, expect, it } from 'vitest';
import { parseAssaults, resampleLines } from './generate';

const INPUT = parseAssaults(
	[
		'date,loc_cat,longitude,latitude,district',
		'2010-01-01 00:05,residence,-87.6277,41.7922,2',
		'2015-06-30 13:40,street,-87.6683,41.7513,6',
		'2019-12-31 23:55,street,-87.7,41.9,15'
	].join('\n')
);

const run = (seed: number, copies: number, keepTimes = false) => [
	...resampleLines(INPUT, { copies, seed, keepTimes })
];

/** Great-circle distance in metres. */
function metres(lat1: number, lon1: number, lat2: number, lon2: number) {
	const r = Math.PI / 180;
	const a =
		Math.sin(((lat2 - lat1) * r) / 2) ** 2 +
		Math.cos(lat1 * r) * Math.cos(lat2 * r) * Math.sin(((lon2 - lon1) * r) / 2) ** 2;
	return 2 * 6_371_000 * Math.asin(Math.sqrt(a));
}

describe('scale resampler', () => {
	it('is deterministic: the same seed gives the same rows, another seed other rows', () => {
		expect(run(16, 50)).toEqual(run(16, 50));
		expect(run(17, 50)).not.toEqual(run(16, 50));
		// A copy does not depend on how many copies follow it.
		expect(run(16, 50).slice(0, 1 + 3 * 20)).toEqual(run(16, 20));
	});

	it('keeps copy 0, jitters within 50 m and shifts whole days within ±180 inside the decade', () => {
		const lines = run(16, 400).slice(1);
		expect(lines.slice(0, 3)).toEqual([
			'2010-01-01 00:05,residence,-87.6277,41.7922,2',
			'2015-06-30 13:40,street,-87.6683,41.7513,6',
			'2019-12-31 23:55,street,-87.7,41.9,15'
		]);
		const shifts = new Set<number>();
		let maxD = 0;
		for (let i = 3; i < lines.length; i++) {
			const src = INPUT[i % 3];
			const [date, locCat, lon, lat, district] = lines[i].split(',');
			expect([locCat, district]).toEqual([src.locCat, src.district]);
			const d = metres(src.lat, src.lon, Number(lat), Number(lon));
			expect(d).toBeLessThanOrEqual(50.01);
			maxD = Math.max(maxD, d);
			expect(date.slice(10)).toBe(src.date.slice(10));
			const days = (Date.parse(date.slice(0, 10)) - Date.parse(src.date.slice(0, 10))) / 86_400_000;
			expect(Number.isInteger(days) && Math.abs(days) <= 180).toBe(true);
			expect(date.slice(0, 10) >= '2010-01-01' && date.slice(0, 10) <= '2019-12-31').toBe(true);
			if (i % 3 === 1) shifts.add(days);
		}
		expect(maxD).toBeGreaterThan(40);
		// The mid-decade row's shifts spread over the whole range, both ways.
		expect(Math.min(...shifts)).toBeLessThan(-150);
		expect(Math.max(...shifts)).toBeGreaterThan(150);
	});

	it('keeps every time in the times-kept variant', () => {
		const lines = run(16, 30, true).slice(1);
		lines.forEach((l, i) => expect(l.split(',')[0]).toBe(INPUT[i % 3].date));
	});
});
