/**
 * The road-safety page's map layers (deck.gl, loaded in the browser): the collisions as dots sized and
 * coloured by severity (size as well as colour tells them apart), and the evaluation's circle site.
 */
import type { LayersList } from '@deck.gl/core';
import type { ScatterplotLayer } from '@deck.gl/layers';
import { ROAD_CATEGORY_BY_SEVERITY, ROAD_SEVERITIES, type RoadSeverity } from '$lib/road-safety';

/** What the map needs of a collision of the page's overview. */
export interface MappedCollision {
	lon: number;
	lat: number;
	category: string;
}

/** Fill and radius (px) by severity. */
export const ROAD_STYLE: Record<RoadSeverity, { fill: [number, number, number]; radius: number }> =
	{
		fatal: { fill: [103, 0, 13], radius: 8 },
		serious: { fill: [217, 72, 1], radius: 6 },
		slight: { fill: [253, 174, 107], radius: 4 }
	};

export const severityOf = (category: string): RoadSeverity =>
	ROAD_SEVERITIES.find((s) => ROAD_CATEGORY_BY_SEVERITY[s] === category) ?? 'slight';

/** The collisions of the severities shown, slight first (so the more severe are drawn on top). */
export function visibleRoadPoints<P extends MappedCollision>(
	points: readonly P[],
	shown: Record<RoadSeverity, boolean>
): P[] {
	return points
		.filter((p) => shown[severityOf(p.category)])
		.sort(
			(a, b) =>
				ROAD_SEVERITIES.indexOf(severityOf(b.category)) -
				ROAD_SEVERITIES.indexOf(severityOf(a.category))
		);
}

export interface RoadLayerInputs {
	/** From `visibleRoadPoints` (kept between calls: deck.gl redraws only on a new array). */
	visible: MappedCollision[];
	shown: Record<RoadSeverity, boolean>;
	/** The circle site, when the site is a circle. */
	site: { lon: number; lat: number } | null;
	radius: number;
}

/** The site first, so the collisions stay on top of its shading. */
export function roadLayers(Scatterplot: typeof ScatterplotLayer, i: RoadLayerInputs): LayersList {
	const layers: LayersList = [];
	if (i.site)
		layers.push(
			new Scatterplot<{ lon: number; lat: number }>({
				id: 'road-site',
				data: [i.site],
				radiusUnits: 'meters',
				getRadius: i.radius,
				stroked: true,
				filled: true,
				getFillColor: [37, 99, 235, 40],
				getLineColor: [29, 78, 216, 255],
				lineWidthUnits: 'pixels',
				getLineWidth: 2,
				getPosition: (d) => [d.lon, d.lat],
				updateTriggers: { getRadius: [i.radius] }
			})
		);
	layers.push(
		new Scatterplot<MappedCollision>({
			id: 'road-collisions',
			data: i.visible,
			radiusUnits: 'pixels',
			getRadius: (d) => ROAD_STYLE[severityOf(d.category)].radius,
			stroked: true,
			lineWidthUnits: 'pixels',
			getLineWidth: 1,
			getLineColor: [40, 20, 10, 255],
			getFillColor: (d) => [...ROAD_STYLE[severityOf(d.category)].fill, 230],
			getPosition: (d) => [d.lon, d.lat],
			updateTriggers: { getFillColor: [i.shown], getRadius: [i.shown] }
		})
	);
	return layers;
}
