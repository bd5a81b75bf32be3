/**
 * deck.gl layer factories for the workspace (STYLE habit 11): pure functions of (data, options) that
 * return a layer with a stable id, rebuilt whenever state changes and handed to the overlay's `setProps`.
 * deck.gl matches layers by id and only recomputes what changed (data identity, `updateTriggers`).
 * Hidden layers stay in the list with `visible: false` so their GPU buffers survive a toggle.
 */
import { GeoJsonLayer } from '@deck.gl/layers';
import { H3HexagonLayer } from '@deck.gl/geo-layers';
import type { CellsResponse } from '$lib/schemas/cells';
import type { AreaCollection, AreaProperties } from './api';
import { colourForCount, type CountClass } from './palette';

export const CELLS_LAYER_ID = 'incident-cells';
export const AREAS_LAYER_ID = 'area-boundaries';

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
		stroked: true,
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
}

export function areaBoundariesLayer(areas: AreaCollection | null, o: AreasLayerOptions) {
	return new GeoJsonLayer<AreaProperties>({
		id: AREAS_LAYER_ID,
		data: areas ?? { type: 'FeatureCollection', features: [] },
		visible: o.visible && areas !== null,
		// Outlines only, above the cells; not pickable so hovering always reaches the cell underneath.
		pickable: false,
		stroked: true,
		filled: false,
		getLineColor: [30, 41, 59, 150],
		lineWidthUnits: 'pixels',
		getLineWidth: 1,
		autoHighlight: false
	});
}
