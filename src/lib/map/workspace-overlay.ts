/**
 * The deck.gl half of the workspace map: the overlay that draws over MapLibre and reports what the
 * pointer picks, and the stack of layers it draws. Both take the lazily loaded `layers.ts` module
 * (deck.gl loads in the browser only), so nothing here pulls deck.gl in by itself.
 */
import type { MapLibreOverlay } from '@deck.gl/maplibre';
import type { LayersList, PickingInfo } from '@deck.gl/core';
import type { ObservationItem } from '$lib/contracts/observations';
import type { AreaCollection } from './api';
import type { CellRow, EmergingRow, HotspotRow } from './layers';
import type { HoveredCell, MapClick, PickedObservation } from './map-events';
import type { CountClass } from './palette';
import { fillOpacityForZoom } from './palette';

type LayersModule = typeof import('./layers');

export interface OverlayHandlers {
	onhover?: (cell: HoveredCell | null) => void;
	onclick?: (click: MapClick) => void;
	onobservationhover?: (picked: PickedObservation | null) => void;
	onobservationclick?: (picked: PickedObservation) => void;
	/** After each frame deck.gl draws. */
	onframe: () => void;
}

/** The overlay: a hover or click reports the cell of a cell layer, an observation, or the point. */
export function workspaceOverlay(
	Overlay: typeof MapLibreOverlay,
	layers: LayersModule,
	h: OverlayHandlers
): MapLibreOverlay {
	return new Overlay({
		interleaved: false,
		layers: [],
		onAfterRender: h.onframe,
		onHover: (info: PickingInfo<{ cell: string } | ObservationItem>) => {
			const row = info.object;
			const layer = info.layer?.id ?? '';
			const picked = row && 'grading' in row ? { observation: row, x: info.x, y: info.y } : null;
			h.onobservationhover?.(picked);
			h.onhover?.(
				row && 'cell' in row && layers.CELL_LAYER_IDS.includes(layer)
					? { cell: row.cell, layer, x: info.x, y: info.y }
					: null
			);
		},
		onClick: (info: PickingInfo<{ cell: string } | ObservationItem>) => {
			const row = info.object;
			if (row && 'grading' in row) {
				h.onobservationclick?.({ observation: row, x: info.x, y: info.y });
				return;
			}
			const layer = info.layer?.id ?? '';
			const cell = row && layers.CELL_LAYER_IDS.includes(layer) ? row.cell : null;
			const [lng, lat] = info.coordinate ?? [NaN, NaN];
			h.onclick?.({ cell, lngLat: [lng, lat] });
		},
		getCursor: ({ isHovering, isDragging }) =>
			isDragging ? 'grabbing' : isHovering ? 'pointer' : 'grab'
	});
}

export interface WorkspaceLayerInputs {
	cells: CellRow[];
	classes: readonly CountClass[];
	showCells: boolean;
	hotspots: HotspotRow[];
	showHotspots: boolean;
	emerging: EmergingRow[];
	showEmerging: boolean;
	areas: AreaCollection | null;
	showAreas: boolean;
	selectedArea: number | string | null;
	observations: ObservationItem[];
	showObservations: boolean;
	extraLayers: LayersList;
	selectedCell: string | null;
	cursor: string | null;
	zoom: number;
}

/** The layers, bottom to top: fills, areas, observations, a view's own, selection, keyboard cursor. */
export function workspaceLayers(f: LayersModule, i: WorkspaceLayerInputs): LayersList {
	const classesKey = i.classes.map((c) => `${c.min}-${c.max}`).join(',');
	// Filled cells and areas thin out at street level so the basemap's streets show through.
	// deck.gl applies a layer's `opacity` gamma-corrected (as opacity^(1/2.2)): undo that, so the
	// cover is the factor asked for (0.55 at street level: alpha 200 × 0.55 ≈ 110).
	const opacity = Math.round(fillOpacityForZoom(i.zoom) ** 2.2 * 1000) / 1000;
	const thin = (list: LayersList): LayersList =>
		list.map((l) =>
			Array.isArray(l)
				? thin(l)
				: l &&
					  (l.props as { filled?: boolean }).filled &&
					  l.id !== f.OBSERVATIONS_LAYER_ID &&
					  opacity < 1
					? l.clone({ opacity })
					: l
		);
	return [
		...thin([
			f.incidentCellsLayer(i.cells, { visible: i.showCells, classes: i.classes, classesKey }),
			f.hotspotsLayer(i.hotspots, { visible: i.showHotspots }),
			f.emergingLayer(i.emerging, { visible: i.showEmerging })
		]),
		f.areaBoundariesLayer(i.areas, { visible: i.showAreas, selectedId: i.selectedArea }),
		f.observationsLayer(i.observations, { visible: i.showObservations }),
		f.observationLabelsLayer(i.observations, { visible: i.showObservations }),
		...thin(i.extraLayers),
		...f.selectedCellLayers(i.selectedCell),
		...f.keyboardCursorLayers(i.cursor)
	];
}
