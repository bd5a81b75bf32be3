/**
 * The basemap: the shipped offline style (central-London vector tiles in a PMTiles archive, served as a
 * static file and read with HTTP range requests), or a deployment's own style URL from
 * `BEATWISE_BASEMAP_STYLE` (reported by `/api/meta`).
 *
 * Browser only: call from `onMount`.
 */
import type maplibregl from 'maplibre-gl';
import type { StyleSpecification } from 'maplibre-gl';
import { Protocol } from 'pmtiles';

export const SHIPPED_STYLE_URL = '/basemap/style.json';

/** Background colour of the shipped style, also the page colour behind the map while it loads. */
export const BASEMAP_BACKGROUND = '#f1f0ed';

let registered = false;

/** Register the `pmtiles://` protocol once per page. */
export function registerPmtilesProtocol(lib: typeof maplibregl): void {
	if (registered) return;
	const protocol = new Protocol();
	lib.addProtocol('pmtiles', protocol.tile);
	registered = true;
}

/**
 * The style to load: the deployment's when configured (a URL, or the style object of a file the
 * server read), else the shipped offline one.
 */
export function basemapStyleUrl(
	configured: string | Record<string, unknown> | null | undefined
): string | StyleSpecification {
	if (configured && typeof configured === 'object')
		return configured as unknown as StyleSpecification;
	return configured && configured.trim() ? configured.trim() : SHIPPED_STYLE_URL;
}
