/**
 * A product's map picture, drawn once when the product is drafted and stored with it (the published
 * map never changes with later data or basemaps): MapLibre GL in headless Chromium draws the product's
 * GeoJSON over the basemap, and the canvas is read back as a PNG. The page, MapLibre, PMTiles and the
 * shipped offline basemap are served to Chromium from this process (no network); a deployment's own
 * basemap style URL is loaded by Chromium itself.
 */
import { readFileSync, existsSync, statSync, openSync, readSync, closeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join, resolve } from 'node:path';
import type { Route } from 'playwright-core';
import { withChromium } from './chromium';

const ORIGIN = 'https://beatwise-map.invalid';

/** A file of an installed package, found from its entry point (its `exports` may not list it). */
function packageFile(name: string, file: string): string {
	let dir = dirname(createRequire(import.meta.url).resolve(name));
	while (basename(dir) !== name && dirname(dir) !== dir) dir = dirname(dir);
	return join(dir, file);
}

/** The shipped basemap folder: static/ in a checkout, build/client/ in a build. */
function basemapDir(): string | null {
	for (const d of [resolve('static/basemap'), resolve('build/client/basemap')])
		if (existsSync(join(d, 'style.json'))) return d;
	return null;
}

export interface MapPictureRequest {
	/**
	 * Features to draw: polygons with `fill` (colour) and `fillOpacity`, lines with `stroke`, points as
	 * circles with `fill`, `radius` (px), `stroke` and `strokeWidth`.
	 */
	geojson: { type: 'FeatureCollection'; features: unknown[] };
	/** [west, south, east, north] to fit. */
	bbox: [number, number, number, number];
	/** The deployment's basemap: null for the shipped one, a style URL, or a style object. */
	style: string | Record<string, unknown> | null;
	width?: number;
	height?: number;
}

const PAGE = `<!doctype html><html><head><meta charset="utf-8">
<link rel="stylesheet" href="/maplibre-gl.css">
<style>html,body,#map{margin:0;width:100%;height:100%}</style>
<script src="/maplibre-gl.js"></script><script src="/pmtiles.js"></script></head>
<body><div id="map"></div></body></html>`;

/** Draw in the page: runs in Chromium. */
function draw(arg: { geojson: unknown; bbox: number[]; style: unknown }): Promise<string> {
	type Lib = {
		Map: new (o: unknown) => {
			on(e: string, f: (ev: unknown) => void): void;
			once(e: string, f: () => void): void;
			addSource(id: string, s: unknown): void;
			addLayer(l: unknown): void;
			getCanvas(): HTMLCanvasElement;
		};
		addProtocol(name: string, f: unknown): void;
	};
	const w = window as unknown as {
		maplibregl: Lib;
		pmtiles: { Protocol: new () => { tile: unknown } };
	};
	const protocol = new w.pmtiles.Protocol();
	w.maplibregl.addProtocol('pmtiles', protocol.tile);
	const [west, south, east, north] = arg.bbox;
	return new Promise((done, fail) => {
		const map = new w.maplibregl.Map({
			container: 'map',
			style: arg.style,
			bounds: [
				[west, south],
				[east, north]
			],
			fitBoundsOptions: { padding: 24 },
			interactive: false,
			attributionControl: false,
			preserveDrawingBuffer: true,
			fadeDuration: 0
		});
		map.on('error', (e: unknown) => fail(String((e as { error?: Error }).error?.message ?? e)));
		map.once('load', () => {
			map.addSource('product', { type: 'geojson', data: arg.geojson });
			map.addLayer({
				id: 'product-fill',
				type: 'fill',
				source: 'product',
				filter: ['==', ['geometry-type'], 'Polygon'],
				paint: {
					'fill-color': ['coalesce', ['get', 'fill'], 'rgba(0,0,0,0)'],
					'fill-opacity': ['coalesce', ['get', 'fillOpacity'], 0.7]
				}
			});
			map.addLayer({
				id: 'product-line',
				type: 'line',
				source: 'product',
				paint: {
					'line-color': ['coalesce', ['get', 'stroke'], '#374151'],
					'line-width': ['coalesce', ['get', 'strokeWidth'], 0.6]
				}
			});
			map.addLayer({
				id: 'product-point',
				type: 'circle',
				source: 'product',
				filter: ['==', ['geometry-type'], 'Point'],
				paint: {
					'circle-color': ['coalesce', ['get', 'fill'], '#374151'],
					'circle-radius': ['coalesce', ['get', 'radius'], 5],
					'circle-stroke-color': ['coalesce', ['get', 'stroke'], '#111827'],
					'circle-stroke-width': ['coalesce', ['get', 'strokeWidth'], 1]
				}
			});
			map.once('idle', () => done(map.getCanvas().toDataURL('image/png')));
		});
	});
}

function serveFile(route: Route, file: string, type: string): Promise<void> {
	const size = statSync(file).size;
	const range = /^bytes=(\d+)-(\d*)$/.exec(route.request().headers()['range'] ?? '');
	if (!range) return route.fulfill({ status: 200, contentType: type, body: readFileSync(file) });
	const start = Number(range[1]);
	const end = Math.min(range[2] ? Number(range[2]) : size - 1, size - 1);
	const buf = Buffer.alloc(Math.max(0, end - start + 1));
	const fd = openSync(file, 'r');
	try {
		readSync(fd, buf, 0, buf.length, start);
	} finally {
		closeSync(fd);
	}
	return route.fulfill({
		status: 206,
		contentType: type,
		headers: { 'content-range': `bytes ${start}-${end}/${size}`, 'accept-ranges': 'bytes' },
		body: buf
	});
}

/**
 * The map as a PNG data URL.
 * @example await mapPicture({ geojson, bbox: [-0.11, 51.51, -0.07, 51.52], style: null })
 */
export async function mapPicture(q: MapPictureRequest): Promise<string> {
	const files: Record<string, [string, string]> = {
		'/maplibre-gl.js': [packageFile('maplibre-gl', 'dist/maplibre-gl.js'), 'text/javascript'],
		'/maplibre-gl.css': [packageFile('maplibre-gl', 'dist/maplibre-gl.css'), 'text/css'],
		'/pmtiles.js': [packageFile('pmtiles', 'dist/pmtiles.js'), 'text/javascript']
	};
	const dir = basemapDir();
	if (dir) {
		files['/basemap/style.json'] = [join(dir, 'style.json'), 'application/json'];
		files['/basemap/london.pmtiles'] = [join(dir, 'london.pmtiles'), 'application/octet-stream'];
	}
	const style = q.style ?? (dir ? `${ORIGIN}/basemap/style.json` : blankStyle());
	const width = q.width ?? 1200;
	const height = q.height ?? 760;
	return withChromium(async (browser) => {
		const context = await browser.newContext({ viewport: { width, height } });
		try {
			const page = await context.newPage();
			await page.route(`${ORIGIN}/**`, (route) => {
				const path = new URL(route.request().url()).pathname;
				if (path === '/') return route.fulfill({ contentType: 'text/html', body: PAGE });
				const f = files[path];
				return f ? serveFile(route, f[0], f[1]) : route.fulfill({ status: 404, body: '' });
			});
			await page.goto(`${ORIGIN}/`);
			const png = await page.evaluate(draw, { geojson: q.geojson, bbox: q.bbox, style });
			if (!png.startsWith('data:image/png;base64,')) throw new Error('no PNG from the map canvas');
			return png;
		} finally {
			await context.close().catch(() => undefined);
		}
	});
}

/** A background-only style, when no basemap is shipped or configured. */
function blankStyle(): Record<string, unknown> {
	return {
		version: 8,
		sources: {},
		layers: [{ id: 'bg', type: 'background', paint: { 'background-color': '#f1f0ed' } }]
	};
}
