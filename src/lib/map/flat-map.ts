/**
 * The MapLibre set-up every map of the app shares: the basemap (shipped offline style or the
 * deployment's), flat (no rotation, no pitch: north stays up and the H3 hexagons keep their shape),
 * zoom buttons without a compass, a named canvas for screen readers, and a basemap failure logged
 * once instead of thrown (a missing tile keeps the plain background). `createFlatMap` builds one from
 * a loaded maplibre-gl; `mountSmallMap` also loads maplibre-gl and is what a small map's `onMount`
 * returns (the workspace map loads deck.gl beside it, so it calls `createFlatMap` itself).
 *
 * Browser only: call from `onMount`.
 */
import type maplibregl from 'maplibre-gl';
import type { Map as MapLibreMap, MapOptions } from 'maplibre-gl';
import { basemapStyleUrl, registerPmtilesProtocol } from './basemap';

export type MapLibre = typeof maplibregl;

/** Where a small map opens without anything to fit (the shipped basemap's City of London). */
export const SMALL_MAP_CENTER: [number, number] = [-0.0915, 51.5145];
export const SMALL_MAP_ZOOM = 14;

export interface FlatMapOptions {
	container: HTMLElement;
	/** A deployment's style (URL or style object); null uses the shipped offline basemap. */
	basemapStyle: string | Record<string, unknown> | null;
	/** The canvas's accessible name: what the map shows and how to use it. */
	label: string;
	/** The attribution: folded behind its (i) button (small maps), or open with the data's credits. */
	attribution: { compact: true } | { custom: string[] };
	/** A metric scale bar (bottom right, above the attribution). */
	scale?: boolean;
	/** The camera and any further MapLibre option (e.g. `doubleClickZoom: false`). */
	options?: Partial<MapOptions>;
}

/** The camera that shows a box (west, south, east, north), or the default place without one. */
export function cameraFor(
	bbox: readonly number[] | null | undefined,
	fit: { padding: number; maxZoom?: number }
): Partial<MapOptions> {
	if (!bbox) return { center: SMALL_MAP_CENTER, zoom: SMALL_MAP_ZOOM };
	return {
		bounds: [
			[bbox[0], bbox[1]],
			[bbox[2], bbox[3]]
		],
		fitBoundsOptions: fit
	};
}

/** A flat basemap with zoom buttons, attribution and a named canvas. */
export function createFlatMap(lib: MapLibre, o: FlatMapOptions): MapLibreMap {
	registerPmtilesProtocol(lib);
	const m = new lib.Map({
		container: o.container,
		style: basemapStyleUrl(o.basemapStyle),
		attributionControl: false,
		dragRotate: false,
		pitchWithRotate: false,
		maxPitch: 0,
		...o.options
	});
	m.touchZoomRotate.disableRotation();
	m.addControl(new lib.NavigationControl({ showCompass: false }), 'top-right');
	if (o.scale) m.addControl(new lib.ScaleControl({ unit: 'metric' }), 'bottom-right');
	m.addControl(
		new lib.AttributionControl(
			'custom' in o.attribution ? { customAttribution: o.attribution.custom } : { compact: true }
		),
		'bottom-right'
	);
	m.on('error', (e) => console.warn('[beatwise] basemap:', e.error?.message ?? e));
	m.getCanvas().setAttribute('aria-label', o.label);
	return m;
}

/**
 * Load maplibre-gl and open a small flat map (compact attribution) once the component is mounted:
 * `ready` adds the map's own sources, layers and handlers. `onidle` follows whether the map has drawn
 * what it could (tiles or, offline, its background), for a `data-idle` that tests wait on. Returns
 * the clean-up for `onMount` (a map still loading is not created).
 */
export function mountSmallMap(
	o: Omit<FlatMapOptions, 'attribution' | 'scale'> & { onidle?: (idle: boolean) => void },
	ready: (map: MapLibreMap, lib: MapLibre) => void
): () => void {
	let disposed = false;
	let map: MapLibreMap | undefined;
	void import('maplibre-gl').then(({ default: lib }) => {
		if (disposed) return;
		map = createFlatMap(lib, { ...o, attribution: { compact: true } });
		const m = map;
		if (o.onidle) {
			const onidle = o.onidle;
			m.on('movestart', () => onidle(false));
			m.on('idle', () => onidle(true));
		}
		ready(m, lib);
	});
	return () => {
		disposed = true;
		map?.remove();
	};
}
