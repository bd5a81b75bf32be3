/**
 * deck.gl layer factories of the views (STYLE habit 11), handed to `WorkspaceMap` as `extraLayers`:
 * change per cell and per area coloured by the class of its exact test, and the supervisor's risk cells with their
 * rank written on the map (so the order never rests on colour alone). Loaded in the browser only.
 */
import { GeoJsonLayer, TextLayer } from '@deck.gl/layers';
import { H3HexagonLayer } from '@deck.gl/geo-layers';
import { cellToLatLng } from 'h3-js';
import type { AreaCollection, AreaProperties } from '$lib/map/api';
import { changeClass, riskClass, type ChangeTest } from './change-classes';

export const CHANGE_CELLS_LAYER_ID = 'change-cells';
export const CHANGE_AREAS_LAYER_ID = 'change-areas';
export const RISK_LAYER_ID = 'risk-cells';

export interface ChangeCell extends ChangeTest {
	cell: string;
	now: number;
	before: number;
}

export function changeCellsLayer(rows: ChangeCell[], visible: boolean) {
	return new H3HexagonLayer<ChangeCell>({
		id: CHANGE_CELLS_LAYER_ID,
		data: rows,
		visible,
		pickable: true,
		autoHighlight: true,
		highlightColor: [255, 255, 255, 110],
		highPrecision: 'auto',
		extruded: false,
		filled: true,
		stroked: true,
		getHexagon: (d) => d.cell,
		getFillColor: (d) => changeClass(d).rgba,
		getLineColor: [255, 255, 255, 160],
		lineWidthUnits: 'pixels',
		getLineWidth: 0.5
	});
}

/** Areas filled by their change class; `testByCode` from the change answer (ids are area codes). */
export function changeAreasLayer(
	areas: AreaCollection | null,
	testByCode: Map<string, ChangeTest>,
	visible: boolean
) {
	return new GeoJsonLayer<AreaProperties>({
		id: CHANGE_AREAS_LAYER_ID,
		data: areas ?? { type: 'FeatureCollection', features: [] },
		visible: visible && areas !== null,
		pickable: false,
		stroked: true,
		filled: true,
		getFillColor: (f) => {
			const t = testByCode.get(f.properties.code);
			return t === undefined ? [0, 0, 0, 0] : changeClass(t).rgba;
		},
		getLineColor: [255, 255, 255, 230],
		lineWidthUnits: 'pixels',
		getLineWidth: 1,
		updateTriggers: { getFillColor: [testByCode] }
	});
}

export interface RiskCell {
	cell: string;
	rank: number;
	risk: number;
}

/** Risk cells coloured by class, and the ranks of the first `labelled` written on them. */
export function riskLayers(rows: RiskCell[], visible: boolean, labelled = 10) {
	const top = rows.reduce((m, r) => Math.max(m, r.risk), 0);
	return [
		new H3HexagonLayer<RiskCell>({
			id: RISK_LAYER_ID,
			data: rows,
			pickable: true,
			autoHighlight: true,
			highlightColor: [255, 255, 255, 110],
			highPrecision: 'auto',
			extruded: false,
			filled: true,
			stroked: true,
			getHexagon: (d) => d.cell,
			visible,
			getFillColor: (d) => riskClass(d.risk, top).rgba,
			getLineColor: (d) => (d.rank <= labelled ? [17, 24, 39, 255] : [255, 255, 255, 160]),
			lineWidthUnits: 'pixels',
			getLineWidth: (d) => (d.rank <= labelled ? 2 : 0.5),
			updateTriggers: { getFillColor: top }
		}),
		new TextLayer<RiskCell>({
			id: `${RISK_LAYER_ID}-ranks`,
			visible,
			data: rows.filter((r) => r.rank <= labelled),
			getPosition: (d) => {
				const [lat, lng] = cellToLatLng(d.cell);
				return [lng, lat];
			},
			getText: (d) => String(d.rank),
			getSize: 15,
			getColor: [17, 24, 39, 255],
			fontWeight: 700,
			outlineWidth: 3,
			outlineColor: [255, 255, 255, 255],
			fontSettings: { sdf: true },
			characterSet: '0123456789',
			billboard: true
		})
	];
}
