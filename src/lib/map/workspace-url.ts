/**
 * The map workspace's state as it travels in the URL, so a view can be bookmarked or shared:
 * `/?c=-0.0920,51.5150&z=13.5&res=9&from=2020-01-01&to=2020-12-31&categories=burglary,robbery&layers=cells,areas,observations&areas=lsoa`.
 *
 * Absent parameters mean defaults (fit the data, resolution follows zoom, the data's whole range, every
 * category, the cells layer on), so the plain `/` stays the normal entry point.
 *
 * Shared with the browser: no node imports here.
 */
import { CELLS_MAX_RES, CELLS_MIN_RES } from '$lib/contracts/cells';
import { isIsoDate } from '$lib/dates';

/**
 * Layers of the map, bottom to top: the cell fills, area outlines, then observations (points from
 * `/api/observations`) on top so they can be hovered over any fill.
 */
/** `reports`: hot spots of accepted intelligence reports, beside the crime hot spots (issue 13). */
export const MAP_LAYERS = [
	'cells',
	'hotspots',
	'emerging',
	'areas',
	'observations',
	'reports'
] as const;
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
	/** The map (and the hotspot study area) limited to this area id; null: everywhere. */
	area: number | null;
	/** Source ids; null means every source. */
	sources: number[] | null;
	/** Time slider: off (the whole period at once), one step at a time, or everything up to a step. */
	time: TimeMode;
	step: StepUnit;
	/** First day of the slider's current step; null: the first step. */
	t: string | null;
	/** Gi* neighbourhood: gridDisk radius k. */
	k: number;
	/** Benjamini–Hochberg FDR on the Gi* p-values. */
	fdr: boolean;
	/** The cell whose side panel is open. */
	cell: string | null;
}

export const TIME_MODES = ['off', 'window', 'cumulative'] as const;
export type TimeMode = (typeof TIME_MODES)[number];
export const STEP_UNITS = ['month', 'week'] as const;
export type StepUnit = (typeof STEP_UNITS)[number];
export const DEFAULT_K = 1;
export const MAX_K = 3;

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
	const id = (v: string) => (/^[1-9]\d{0,8}$/.test(v) ? Number(v) : null);
	const area = id(params.get('area') ?? '');
	const src = params.get('sources');
	const sources =
		src === null
			? null
			: [
					...new Set(
						src
							.split(',')
							.map(id)
							.filter((v): v is number => v !== null)
					)
				];
	const timeRaw = params.get('time');
	const time = TIME_MODES.find((m) => m === timeRaw) ?? 'off';
	const stepRaw = params.get('step');
	const step = STEP_UNITS.find((u) => u === stepRaw) ?? 'month';
	const t = date('t');
	const kRaw = num(params.get('k'));
	const k =
		kRaw !== null && Number.isInteger(kRaw) && kRaw >= 1 && kRaw <= MAX_K ? kRaw : DEFAULT_K;
	const fdr = params.get('fdr') !== '0';
	const cellRaw = params.get('cell');
	const cell = cellRaw && /^[0-9a-f]{15}$/.test(cellRaw) ? cellRaw : null;
	return {
		center,
		zoom,
		res,
		from,
		to,
		categories,
		layers,
		areaKind,
		area,
		sources,
		time,
		step,
		t,
		k,
		fdr,
		cell
	};
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
	if (s.area !== null) p.set('area', String(s.area));
	if (s.sources !== null) p.set('sources', s.sources.join(','));
	if (s.time !== 'off') {
		p.set('time', s.time);
		p.set('step', s.step);
		if (s.t) p.set('t', s.t);
	}
	if (s.k !== DEFAULT_K) p.set('k', String(s.k));
	if (!s.fdr) p.set('fdr', '0');
	if (s.cell) p.set('cell', s.cell);
	return p;
}
