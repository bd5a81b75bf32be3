import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import proj4 from 'proj4';
import { main } from '../main';
import { captureIo } from '../test-io';
import { parseEventDate } from './knox';
import { fixturePath, readFixture } from '../../lib/server/analysis/test-data';

const dir = mkdtempSync(join(tmpdir(), 'beatwise-knox-'));
const nrcDir = 'knox-nearrepeat';
const arsonTable = [
	[0, 2, 0, 8],
	[9, 1, 1, 45],
	[4, 0, 0, 140],
	[6, 0, 0, 234],
	[393, 710, 770, 133658]
];

describe('beatwise knox on the Near Repeat Calculator arson file', () => {
	const arson = fixturePath(nrcDir, 'chicago_arson.csv');
	const bands = ['--distance-bands', '200x3', '--time-bands', '1x3'];

	it('headerless columns by number, --single-precision, --json: the NRC observed table', async () => {
		const c = captureIo();
		const code = await main(
			['knox', '--input', arson, '--x', '1', '--y', '2', '--date', '3', ...bands],
			c.io
		);
		expect(code).toBe(0);
		expect(c.out()).toMatch(/Observed pairs/);
		const j = captureIo();
		await main(
			[
				'knox',
				'--input',
				arson,
				'--x',
				'1',
				'--y',
				'2',
				'--date',
				'3',
				...bands,
				'--single-precision',
				'--permutations',
				'99',
				'--seed',
				'3',
				'--json'
			],
			j.io
		);
		const r = JSON.parse(j.out());
		expect(r.observed).toEqual(arsonTable);
		expect(r.parameters).toMatchObject({
			n: 522,
			permutations: 99,
			seed: 3,
			metric: 'manhattan',
			coordinatePrecision: 'float32'
		});
		expect(r.cells).toHaveLength(20);
		expect(r.p[1][0]).toBe(0.01);
	});

	it('--crs projects longitude/latitude input (EPSG:26971) and finds the same pairs', async () => {
		const toLonLat = proj4(
			'+proj=tmerc +lat_0=36.66666666666666 +lon_0=-88.33333333333333 +k=0.999975 +x_0=300000 +y_0=0 +datum=NAD83 +units=m +no_defs',
			'EPSG:4326'
		);
		const rows = readFixture(nrcDir, 'chicago_arson.csv')
			.trim()
			.split(/\r?\n/)
			.map((l) => {
				const [x, y, d] = l.split(',');
				const [lon, lat] = toLonLat.forward([Number(x), Number(y)]);
				return `${lon},${lat},${d}`;
			});
		const file = join(dir, 'arson-lonlat.csv');
		writeFileSync(file, 'lon,lat,when\n' + rows.join('\n'));
		const c = captureIo();
		const code = await main(
			['knox', '--input', file, '--x', 'lon', '--y', 'lat', '--date', 'when', '--crs', 'EPSG:26971']
				.concat(bands)
				.concat(['--permutations', '9', '--json']),
			c.io
		);
		expect(code).toBe(0);
		const r = JSON.parse(c.out());
		// Double precision: the 399.96 m pair stays in [200, 400) (see SOURCE.txt).
		expect(r.observed).toEqual([
			[0, 2, 0, 8],
			[9, 1, 1, 45],
			[4, 0, 0, 141],
			[6, 0, 0, 233],
			[393, 710, 770, 133658]
		]);
		expect(r.rowLabels[1]).toBe('(0, 200) m');
	});
});

describe('beatwise knox usage errors', () => {
	const file = join(dir, 'small.csv');
	writeFileSync(file, 'x,y,date\n0,0,2024-01-01\n10,0,2024-01-02\n5,5,not-a-date\n');
	const base = ['knox', '--input', file, '--x', 'x', '--y', 'y', '--date', 'date'];
	const bands = ['--distance-bands', '100x2', '--time-bands', '7x2'];

	it('names the line of a bad date', async () => {
		const c = captureIo();
		expect(await main([...base, ...bands], c.io)).toBe(2);
		expect(c.err()).toMatch(/line 4: date "not-a-date" is not a date/);
	});
	it('explains how to give a CRS that is not built in', async () => {
		const c = captureIo();
		expect(await main([...base, ...bands, '--crs', 'EPSG:2154'], c.io)).toBe(2);
		expect(c.err()).toMatch(/EPSG:2154 is not built in.*--proj4/);
	});
	it('rejects unknown columns, bad bands and metrics', async () => {
		let c = captureIo();
		expect(
			await main([...base.slice(0, 3), '--x', 'east', '--y', 'y', '--date', 'date', ...bands], c.io)
		).toBe(2);
		expect(c.err()).toMatch(/no column "east"/);
		c = captureIo();
		expect(await main([...base, '--distance-bands', 'wide', '--time-bands', '7x2'], c.io)).toBe(2);
		expect(c.err()).toMatch(/--distance-bands must look like 200x3/);
		c = captureIo();
		expect(await main([...base, ...bands, '--metric', 'chebyshev'], c.io)).toBe(2);
		expect(c.err()).toMatch(/--metric/);
	});
	it('parses portal and ISO dates to day numbers', () => {
		expect(parseEventDate('01/03/2016 11:57:00 PM')).toBeCloseTo(16803 + 23 / 24 + 57 / 1440, 9);
		expect(parseEventDate('2016-01-03')).toBe(16803);
		expect(parseEventDate('13/45/2016')).toBeNaN();
	});
});
