import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BasemapStyleError, readBasemapSetting } from './basemap-style';

const FIXTURE = resolve('tests/fixtures/basemap/local-style.json');

function styleFile(content: string): string {
	const dir = mkdtempSync(join(tmpdir(), 'beatwise-style-'));
	const file = join(dir, 'style.json');
	writeFileSync(file, content);
	return file;
}

describe('readBasemapSetting', () => {
	it('is the shipped style when unset or blank', () => {
		expect(readBasemapSetting(undefined)).toEqual({ style: null, origins: [], file: null });
		expect(readBasemapSetting('  ')).toEqual({ style: null, origins: [], file: null });
	});

	it('hands a style URL to the browser and allows its origin', () => {
		expect(readBasemapSetting('https://tiles.example.org/styles/liberty')).toEqual({
			style: 'https://tiles.example.org/styles/liberty',
			origins: ['https://tiles.example.org'],
			file: null
		});
	});

	it('reads a style file (relative to the working folder) and collects the origins it loads from', () => {
		const s = readBasemapSetting('tests/fixtures/basemap/local-style.json', process.cwd());
		expect(s.file).toBe(FIXTURE);
		expect(s.style).toMatchObject({ version: 8, name: 'Beatwise test style (local file)' });
		// The shipped archive (pmtiles:///…) is same-origin; the unused remote source is not.
		expect(s.origins).toEqual(['https://tiles.example.org']);
	});

	it('finds every kind of remote URL a full online style holds', () => {
		const file = styleFile(
			JSON.stringify({
				version: 8,
				glyphs: 'https://fonts.example.org/{fontstack}/{range}.pbf',
				sprite: [{ id: 'default', url: 'https://sprites.example.org:8443/ofm' }],
				sources: {
					a: { type: 'vector', url: 'https://tiles.example.org/planet' },
					b: { type: 'raster', tiles: ['https://a.tile.example.net/{z}/{x}/{y}.png'] },
					c: { type: 'vector', url: 'pmtiles://https://archive.example.com/london.pmtiles' },
					d: { type: 'geojson', data: '/relative/same-origin.geojson' }
				},
				layers: [{ id: 'bg', type: 'background' }]
			})
		);
		expect(readBasemapSetting(file).origins).toEqual([
			'https://a.tile.example.net',
			'https://archive.example.com',
			'https://fonts.example.org',
			'https://sprites.example.org:8443',
			'https://tiles.example.org'
		]);
	});

	it('says which file and what is wrong, and never starts on a bad style', () => {
		const missing = join(tmpdir(), 'no-such-beatwise-style.json');
		expect(() => readBasemapSetting(missing)).toThrow(BasemapStyleError);
		expect(() => readBasemapSetting(missing)).toThrow(
			`BEATWISE_BASEMAP_STYLE: ${missing}: no such file`
		);
		expect(() => readBasemapSetting(styleFile('{ not json'))).toThrow(/: not JSON \(/);
		expect(() =>
			readBasemapSetting(styleFile(JSON.stringify({ version: 7, sources: {}, layers: [] })))
		).toThrow(/not a MapLibre style: version must be 8/);
		expect(() =>
			readBasemapSetting(styleFile(JSON.stringify({ version: 8, sources: {} })))
		).toThrow(/not a MapLibre style: layers must be a list of layers/);
		expect(() => readBasemapSetting('http://')).toThrow(/is not a valid URL/);
	});
});
