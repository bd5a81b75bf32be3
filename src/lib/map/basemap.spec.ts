import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { basemapStyleUrl, SHIPPED_STYLE_URL } from './basemap';

interface StyleLayer {
	id: string;
	type: string;
	'source-layer'?: string;
	minzoom?: number;
	maxzoom?: number;
	layout?: Record<string, unknown>;
	paint?: Record<string, unknown>;
}

const shipped = JSON.parse(readFileSync('static/basemap/style.json', 'utf8')) as {
	layers: StyleLayer[];
};

describe('the shipped basemap at street level', () => {
	it('labels what its tiles can: place names, on top, from zoom 10 with no upper limit', () => {
		const labels = shipped.layers.filter((l) => l.type === 'symbol');
		expect(labels.map((l) => l['source-layer'])).toEqual(['labels']);
		expect(labels[0].layout?.['text-field']).toEqual(['get', 'name']);
		expect(labels[0].maxzoom).toBeUndefined();
		expect(shipped.layers.at(-1)?.id).toBe(labels[0].id);
		// Dark text with a white halo from zoom 14, to read through translucent cells.
		expect(labels[0].paint?.['text-color']).toEqual([
			'interpolate',
			['linear'],
			['zoom'],
			12,
			'#4b5563',
			14,
			'#1f2937'
		]);
	});

	it('gives roads a darker casing from zoom 14, so they show through the cells', () => {
		const casing = shipped.layers.find((l) => l.id === 'roads-casing');
		expect(casing?.paint?.['line-color']).toEqual([
			'interpolate',
			['linear'],
			['zoom'],
			12,
			'#d9d6d0',
			14,
			'#a8a29e'
		]);
	});
});

describe('basemapStyleUrl', () => {
	it('loads the shipped style, a configured URL, or the style object read from a file', () => {
		expect(basemapStyleUrl(null)).toBe(SHIPPED_STYLE_URL);
		expect(basemapStyleUrl(' ')).toBe(SHIPPED_STYLE_URL);
		expect(basemapStyleUrl(' https://tiles.example.org/s.json ')).toBe(
			'https://tiles.example.org/s.json'
		);
		const style = { version: 8, sources: {}, layers: [] };
		expect(basemapStyleUrl(style)).toBe(style);
	});
});
