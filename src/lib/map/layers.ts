/**
 * deck.gl layer factories for the workspace (STYLE habit 11): pure functions of (data, options) that
 * return a layer with a stable id, rebuilt whenever state changes and handed to the overlay's `setProps`.
 * deck.gl matches layers by id and only recomputes what changed (data identity, `updateTriggers`).
 * Hidden layers stay in the list with `visible: false` so their GPU buffers survive a toggle.
 */
import { GeoJsonLayer, ScatterplotLayer, TextLayer } from '@deck.gl/layers';
import { H3HexagonLayer } from '@deck.gl/geo-layers';
import type { CellsResponse } from '$lib/contracts/cells';
import type { ObservationItem } from '$lib/contracts/observations';
import { INTELLIGENCE_ASSESSMENTS } from '$lib/grading';
import type { AreaCollection, AreaProperties } from './api';
import { assessmentStyle, handlingStyle, OBSERVATION_RADIUS_PX } from './observation-style';
import { colourForCount, emergingClass, hotspotBin, type CountClass, type RGBA } from './palette';

export const CELLS_LAYER_ID = 'incident-cells';
export const HOTSPOTS_LAYER_ID = 'gi-star-hotspots';
export const EMERGING_LAYER_ID = 'emerging-hotspots';
export const REPORT_HOTSPOTS_LAYER_ID = 'report-hotspots';
export const AREAS_LAYER_ID = 'area-boundaries';
export const SELECTION_LAYER_ID = 'selected-cell';
export const OBSERVATIONS_LAYER_ID = 'observations';
export const OBSERVATION_LABELS_LAYER_ID = 'observation-labels';

/**
 * Above this many cells the outlines are left out: at that density a hexagon is a few pixels across, so
 * its outline hides more than it shows, and outlines (a path per cell) cost more to draw than the fills
 * (bench/render: ~10× the frame time in software WebGL).
 */
export const OUTLINE_MAX_CELLS = 5_000;

/** Layers whose objects are H3 cells (hover and click report the cell). */
export const CELL_LAYER_IDS: readonly string[] = [
	CELLS_LAYER_ID,
	HOTSPOTS_LAYER_ID,
	EMERGING_LAYER_ID
];

/** One hexagon of the map: its H3 index and the count of incidents in it. */
export interface CellRow {
	cell: string;
	count: number;
}

/** Rows for the cells layer, built once per answer (not per render). */
export function cellRows(answer: Pick<CellsResponse, 'cells' | 'counts'>): CellRow[] {
	const rows = new Array<CellRow>(answer.cells.length);
	for (let i = 0; i < rows.length; i++)
		rows[i] = { cell: answer.cells[i], count: answer.counts[i] };
	return rows;
}

export interface CellsLayerOptions {
	visible: boolean;
	classes: readonly CountClass[];
	/** Changes whenever `classes` does, so deck.gl recolours without re-reading the data. */
	classesKey: string;
}

export function incidentCellsLayer(rows: CellRow[], o: CellsLayerOptions) {
	return new H3HexagonLayer<CellRow>({
		id: CELLS_LAYER_ID,
		data: rows,
		visible: o.visible,
		pickable: true,
		autoHighlight: true,
		highlightColor: [255, 255, 255, 110],
		// Instanced hexagons: fast for 100k cells; exact polygons only where distortion would show.
		highPrecision: 'auto',
		extruded: false,
		filled: true,
		stroked: rows.length <= OUTLINE_MAX_CELLS,
		getHexagon: (d) => d.cell,
		getFillColor: (d) => colourForCount(d.count, o.classes),
		getLineColor: [255, 255, 255, 150],
		lineWidthUnits: 'pixels',
		getLineWidth: 0.5,
		updateTriggers: { getFillColor: o.classesKey }
	});
}

export interface AreasLayerOptions {
	visible: boolean;
	/** The area chosen in the filters or clicked, outlined. */
	selectedId?: number | string | null;
}

export function areaBoundariesLayer(areas: AreaCollection | null, o: AreasLayerOptions) {
	return new GeoJsonLayer<AreaProperties>({
		id: AREAS_LAYER_ID,
		data: areas ?? { type: 'FeatureCollection', features: [] },
		visible: o.visible && areas !== null,
		// Outlines only, above the cells; not pickable so hovering always reaches the cell underneath
		// (a click outside any cell finds its area by point in polygon instead).
		pickable: false,
		stroked: true,
		filled: false,
		getLineColor: (f) => (f.properties.id === o.selectedId ? [17, 24, 39, 255] : [30, 41, 59, 150]),
		lineWidthUnits: 'pixels',
		getLineWidth: (f) => (f.properties.id === o.selectedId ? 3 : 1),
		updateTriggers: { getLineColor: o.selectedId, getLineWidth: o.selectedId },
		autoHighlight: false
	});
}

/** A cell of the Gi* answer. */
export interface HotspotRow {
	cell: string;
	z: number;
	bin: number;
	pAdjusted: number | null;
}

export function hotspotRows(answer: {
	cells: string[];
	z: number[];
	bin: number[];
	pAdjusted?: number[];
	p?: number[];
}): HotspotRow[] {
	const p = answer.pAdjusted ?? answer.p;
	return answer.cells.map((cell, i) => ({
		cell,
		z: answer.z[i],
		bin: answer.bin[i],
		pAdjusted: p ? p[i] : null
	}));
}

export interface AnalysisLayerOptions {
	visible: boolean;
}

/**
 * Gi* bins over the whole study area: hot and cold cells in RdBu, not significant cells a faint grey
 * so the extent of the study area stays visible. Drawn above the counts.
 */
export function hotspotsLayer(rows: HotspotRow[], o: AnalysisLayerOptions) {
	return new H3HexagonLayer<HotspotRow>({
		id: HOTSPOTS_LAYER_ID,
		data: rows,
		visible: o.visible,
		pickable: true,
		autoHighlight: true,
		highlightColor: [255, 255, 255, 110],
		highPrecision: 'auto',
		extruded: false,
		filled: true,
		stroked: rows.length <= OUTLINE_MAX_CELLS,
		getHexagon: (d) => d.cell,
		getFillColor: (d) => hotspotBin(d.bin).rgba,
		getLineColor: (d): RGBA => (d.bin === 0 ? [255, 255, 255, 90] : [255, 255, 255, 170]),
		lineWidthUnits: 'pixels',
		getLineWidth: 0.5
	});
}

/** Violet outlines: a colour the crime layers (RdBu, counts) do not use. */
export const REPORT_HOTSPOT_RGBA: RGBA = [118, 42, 131, 255];

/**
 * Hot spots of accepted intelligence reports (their own Gi*, issue 13): violet outlines of the cells
 * hot at 90/95/99 %, thicker with confidence, over whatever the crime layers fill — a second input
 * drawn apart, never added to the crime colours.
 */
export function reportHotspotsLayer(rows: HotspotRow[], o: AnalysisLayerOptions) {
	return new H3HexagonLayer<HotspotRow>({
		id: REPORT_HOTSPOTS_LAYER_ID,
		data: rows.filter((r) => r.bin > 0),
		visible: o.visible,
		pickable: false,
		highPrecision: 'auto',
		extruded: false,
		filled: false,
		stroked: true,
		getHexagon: (d) => d.cell,
		getLineColor: REPORT_HOTSPOT_RGBA,
		lineWidthUnits: 'pixels',
		getLineWidth: (d) => 2 + d.bin
	});
}

/** A cell of the emerging hot-spot answer. */
export interface EmergingRow {
	cell: string;
	category: string;
}

export function emergingRows(answer: { cells: string[]; category: string[] }): EmergingRow[] {
	return answer.cells.map((cell, i) => ({ cell, category: answer.category[i] }));
}

export function emergingLayer(rows: EmergingRow[], o: AnalysisLayerOptions) {
	return new H3HexagonLayer<EmergingRow>({
		id: EMERGING_LAYER_ID,
		data: rows,
		visible: o.visible,
		pickable: true,
		autoHighlight: true,
		highlightColor: [255, 255, 255, 110],
		highPrecision: 'auto',
		extruded: false,
		filled: true,
		stroked: rows.length <= OUTLINE_MAX_CELLS,
		getHexagon: (d) => d.cell,
		getFillColor: (d) => emergingClass(d.category).rgba,
		getLineColor: [255, 255, 255, 150],
		lineWidthUnits: 'pixels',
		getLineWidth: 0.5
	});
}

/**
 * Observations as points of a fixed pixel size, filled by intelligence assessment (A–E) and outlined by
 * handling code (thick black ring: C), above every fill so they can always be hovered.
 */
export function observationsLayer(rows: ObservationItem[], o: AnalysisLayerOptions) {
	return new ScatterplotLayer<ObservationItem>({
		id: OBSERVATIONS_LAYER_ID,
		data: rows,
		visible: o.visible,
		pickable: true,
		autoHighlight: true,
		highlightColor: [255, 255, 255, 120],
		radiusUnits: 'pixels',
		getRadius: OBSERVATION_RADIUS_PX,
		filled: true,
		stroked: true,
		lineWidthUnits: 'pixels',
		getPosition: (d) => [d.lon, d.lat],
		getFillColor: (d) => assessmentStyle(d.grading.intelligenceAssessment).rgba,
		getLineColor: (d) => handlingStyle(d.grading.handlingCode).line,
		getLineWidth: (d) => handlingStyle(d.grading.handlingCode).width
	});
}

/** The assessment letter on each observation point, so the map reads without its colours. */
export function observationLabelsLayer(rows: ObservationItem[], o: AnalysisLayerOptions) {
	return new TextLayer<ObservationItem>({
		id: OBSERVATION_LABELS_LAYER_ID,
		data: rows,
		visible: o.visible,
		pickable: false,
		// Its font atlas holds only the letters it draws.
		characterSet: [...INTELLIGENCE_ASSESSMENTS],
		fontFamily: 'system-ui, sans-serif',
		fontWeight: 700,
		sizeUnits: 'pixels',
		getSize: OBSERVATION_RADIUS_PX * 1.4,
		getPosition: (d) => [d.lon, d.lat],
		getText: (d) => d.grading.intelligenceAssessment,
		getColor: (d) => assessmentStyle(d.grading.intelligenceAssessment).text,
		getTextAnchor: 'middle',
		getAlignmentBaseline: 'center'
	});
}

/** A cell's outline only (no fill, not pickable): the selection and the keyboard cursor. */
function cellOutline(id: string, cell: string | null, colour: RGBA, width: number) {
	return new H3HexagonLayer<string>({
		id,
		data: cell ? [cell] : [],
		visible: cell !== null,
		pickable: false,
		filled: false,
		stroked: true,
		extruded: false,
		highPrecision: true,
		getHexagon: (d) => d,
		getLineColor: colour,
		lineWidthUnits: 'pixels',
		getLineWidth: width
	});
}

/** The cell whose side panel is open: a thick dark outline with a white halo, readable on any fill. */
export function selectedCellLayers(cell: string | null) {
	return [
		cellOutline(`${SELECTION_LAYER_ID}-halo`, cell, [255, 255, 255, 255], 5),
		cellOutline(SELECTION_LAYER_ID, cell, [17, 24, 39, 255], 2.5)
	];
}

export const CURSOR_LAYER_ID = 'keyboard-cursor';

/**
 * The keyboard cursor (arrow keys on the focused map): a yellow outline on a black halo, distinct from
 * the selection's dark outline on white, and readable on every fill and on the basemap.
 */
export function keyboardCursorLayers(cell: string | null) {
	return [
		cellOutline(`${CURSOR_LAYER_ID}-halo`, cell, [17, 24, 39, 255], 7),
		cellOutline(CURSOR_LAYER_ID, cell, [253, 231, 37, 255], 3.5)
	];
}
