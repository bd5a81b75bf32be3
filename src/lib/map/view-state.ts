/**
 * The map workspace's state as it travels in the URL, so a view can be bookmarked or shared:
 * `/?c=-0.0920,51.5150&z=13.5&res=9&from=2020-01-01&to=2020-12-31&categories=burglary,robbery&layers=cells,areas&areas=lsoa`.
 *
 * Absent parameters mean defaults (fit the data, resolution follows zoom, the data's whole range, every
 * category, the cells layer on), so the plain `/` stays the normal entry point.
 *
 * Shared with the browser: no node imports here.
 */
import { CELLS_MAX_RES, CELLS_MIN_RES, isIsoDate } from '$lib/schemas/cells';

export const MAP_LAYERS = ['cells', 'areas'] as const;
export type MapLayerId = (typeof MAP_LAYERS)[number];

export interface WorkspaceState {
	/** [lon, lat]; null until the map has fitted the data. */
	center: [number, number] | null;
	zoom: number | null;
	/** A fixed H3 resolution, or null when it follows the zoom. */
	res: number | null;
	from: string | null;
	to: string | null;
	/** null means every category; [] means none chosen. */
	categories: string[] | null;
	layers: MapLayerId[];
	/** Kind of area boundaries to draw (lsoa, beat, …); null means the first kind the data has. */
	areaKind: string | null;
}

export const DEFAULT_LAYERS: MapLayerId[] = ['cells'];

/**
 * H3 resolution that keeps hexagons roughly 10–30 px across at a zoom (Web Mercator, mid latitudes):
 * an H3 edge shrinks ~2.65× per resolution while a zoom step halves the metres per pixel.
 */
export function resolutionForZoom(zoom: number): number {
	const breaks: [maxZoom: number, res: number][] = [
		[8, 5],
		[9.5, 6],
		[11, 7],
		[12.5, 8],
		[14, 9]
	];
	for (const [z, r] of breaks) if (zoom < z) return r;
	return CELLS_MAX_RES;
}

function num(v: string | null): number | null {
	if (v === null || v.trim() === '') return null;
	const n = Number(v);
	return Number.isFinite(n) ? n : null;
}

/** Read the state from a URL; anything malformed falls back to its default rather than failing. */
export function parseWorkspaceState(params: URLSearchParams): WorkspaceState {
	const c = params.get('c')?.split(',').map(Number);
	const center: [number, number] | null =
		c && c.length === 2 && c.every(Number.isFinite) && Math.abs(c[0]) <= 180 && Math.abs(c[1]) <= 85
			? [c[0], c[1]]
			: null;
	const z = num(params.get('z'));
	const zoom = z !== null && z >= 0 && z <= 22 ? z : null;
	const r = num(params.get('res'));
	const res =
		r !== null && Number.isInteger(r) && r >= CELLS_MIN_RES && r <= CELLS_MAX_RES ? r : null;
	const date = (key: string) => {
		const v = params.get(key);
		return v && isIsoDate(v) ? v : null;
	};
	let from = date('from');
	let to = date('to');
	if (from && to && from > to) [from, to] = [to, from];
	const cats = params.get('categories');
	const categories =
		cats === null
			? null
			: cats === '-'
				? []
				: [
						...new Set(
							cats
								.split(',')
								.map((s) => s.trim())
								.filter((s) => /^[a-z][a-z0-9-]*$/.test(s))
						)
					];
	const l = params.get('layers');
	const layers =
		l === null ? [...DEFAULT_LAYERS] : MAP_LAYERS.filter((id) => l.split(',').includes(id));
	const kind = params.get('areas');
	const areaKind = kind && /^[a-z0-9][a-z0-9_-]{0,39}$/.test(kind) ? kind : null;
	return { center, zoom, res, from, to, categories, layers, areaKind };
}

/** Write the state as URL search parameters, leaving out defaults. */
export function workspaceStateToParams(s: WorkspaceState): URLSearchParams {
	const p = new URLSearchParams();
	if (s.center) p.set('c', `${s.center[0].toFixed(5)},${s.center[1].toFixed(5)}`);
	if (s.zoom !== null) p.set('z', s.zoom.toFixed(2));
	if (s.res !== null) p.set('res', String(s.res));
	if (s.from) p.set('from', s.from);
	if (s.to) p.set('to', s.to);
	if (s.categories !== null)
		p.set('categories', s.categories.length ? s.categories.join(',') : '-');
	const layers = MAP_LAYERS.filter((id) => s.layers.includes(id));
	if (layers.join(',') !== DEFAULT_LAYERS.join(',')) p.set('layers', layers.join(',') || '-');
	if (s.areaKind) p.set('areas', s.areaKind);
	return p;
}
