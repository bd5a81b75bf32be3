/**
 * Browser side of the render benchmark (bundled by run.ts with esbuild): a full-window deck.gl `Deck`
 * (no basemap, as the app's overlay draws on its own canvas) that loads one answer and reports timings
 * on `window.__bench`:
 *
 * - compact: `GET /cells.bin` (the app's binary codec) → `decodeCellsBinary` → `cellRows` →
 *   `H3HexagonLayer` — exactly the map's path (src/lib/map).
 * - compact-polygons: the same, with the layer's `highPrecision: true` (hexagon polygons built and
 *   tessellated in the browser instead of one instanced hexagon).
 * - geojson: `GET /cells.geojson` (a FeatureCollection of the same cells as hexagon polygons with a
 *   `count` property) → `JSON.parse` → `GeoJsonLayer`.
 *
 * First frame: from the request to the first frame drawn with the layer loaded. Panning: the camera
 * moves every animation frame for `panFrames` frames; the gaps between drawn frames are the frame times.
 */
import { Deck, MapView } from '@deck.gl/core';
import { GeoJsonLayer } from '@deck.gl/layers';
import { decodeCellsBinary } from '../../src/lib/map/cells-codec';
import { cellRows, incidentCellsLayer, OUTLINE_MAX_CELLS } from '../../src/lib/map/layers';
import { colourForCount, countClasses } from '../../src/lib/map/palette';

interface BenchResult {
	variant: string;
	cells: number;
	bytes: number;
	fetchMs: number;
	decodeMs: number;
	firstFrameMs: number;
	frameTimes: number[];
}

declare global {
	interface Window {
		__bench: { run: (o: RunOptions) => Promise<BenchResult> };
	}
}

interface RunOptions {
	variant: 'compact' | 'compact-polygons' | 'geojson';
	n: number;
	center: [number, number];
	zoom: number;
	panFrames: number;
	/** Stop panning after this long even if fewer frames were drawn (software WebGL is slow). */
	panBudgetMs: number;
}

interface CountFeature {
	properties: { count: number };
}

const nextFrame = () => new Promise<number>((r) => requestAnimationFrame(r));

async function run(o: RunOptions): Promise<BenchResult> {
	const container = document.getElementById('deck') as HTMLDivElement;
	let drawn = 0;
	let lastDrawAt = 0;
	const drawTimes: number[] = [];
	let viewState = { longitude: o.center[0], latitude: o.center[1], zoom: o.zoom };
	const deck = new Deck({
		parent: container,
		views: new MapView({ repeat: false }),
		initialViewState: viewState,
		controller: false,
		layers: [],
		onAfterRender: () => {
			drawn += 1;
			lastDrawAt = performance.now();
			drawTimes.push(lastDrawAt);
		}
	});
	// Let the canvas and the WebGL device come up before timing.
	while (drawn === 0) await nextFrame();

	const t0 = performance.now();
	const res = await fetch(`/cells.${o.variant === 'geojson' ? 'geojson' : 'bin'}?n=${o.n}`);
	const body = await res.arrayBuffer();
	const t1 = performance.now();
	let layer;
	if (o.variant !== 'geojson') {
		const answer = decodeCellsBinary(body, res.headers);
		const rows = cellRows(answer);
		const classes = countClasses(answer.max);
		layer = incidentCellsLayer(rows, {
			visible: true,
			classes,
			classesKey: classes.map((c) => c.max).join()
		});
		// The same compact answer drawn as exact polygons built in the browser (no instancing).
		if (o.variant === 'compact-polygons') layer = layer.clone({ highPrecision: true });
	} else {
		const fc = JSON.parse(new TextDecoder().decode(body)) as { features: CountFeature[] };
		let max = 0;
		for (const f of fc.features) max = Math.max(max, f.properties.count);
		const classes = countClasses(max);
		layer = new GeoJsonLayer<CountFeature['properties']>({
			id: 'incident-cells-geojson',
			data: fc as never,
			filled: true,
			// The same rule as the app's cells layer, so both draw the same thing.
			stroked: fc.features.length <= OUTLINE_MAX_CELLS,
			pickable: true,
			getFillColor: (f) => colourForCount(f.properties.count, classes),
			getLineColor: [255, 255, 255, 150],
			lineWidthUnits: 'pixels',
			getLineWidth: 0.5
		});
	}
	const t2 = performance.now();
	const before = drawn;
	deck.setProps({ layers: [layer] });
	// First frame drawn with the layer fully loaded.
	for (;;) {
		await nextFrame();
		const loaded = deck.isInitialized && layer.isLoaded;
		if (loaded && drawn > before) break;
	}
	const firstFrameMs = lastDrawAt - t0;

	// Pan: move the camera a little every frame, as a drag does.
	drawTimes.length = 0;
	const panStart = performance.now();
	for (let i = 0; i < o.panFrames && (i < 4 || performance.now() - panStart < o.panBudgetMs); i++) {
		viewState = { ...viewState, longitude: viewState.longitude + 0.00035 };
		deck.setProps({ viewState });
		await nextFrame();
	}
	await nextFrame();
	const frameTimes = drawTimes.slice(1).map((t, i) => t - drawTimes[i]);
	deck.finalize();
	return {
		variant: o.variant,
		cells: o.n,
		bytes: body.byteLength,
		fetchMs: t1 - t0,
		decodeMs: t2 - t1,
		firstFrameMs,
		frameTimes
	};
}

window.__bench = { run };
