/**
 * Where the data is: the box holding the central share of incidents, so that a handful of stray
 * records (a geocoding slip, a neighbouring force's street) do not zoom the first view out to a region.
 * Data held in regions far apart (two cities' sources in one database) opens on the region with the most
 * incidents, not on the ocean between them.
 */
import { cellToLatLng, cellToParent, getResolution, gridDisk } from 'h3-js';

/**
 * H3 resolution of the regions the first view chooses between (res 2: cells of about 87,000 km²; a
 * region is the busiest such cell and its ring of neighbours, some 450 km across).
 */
const REGION_RES = 2;

/**
 * The indexes of the cells in the region holding the most incidents (all of them when the data lies in
 * one region).
 */
function busiestRegion(cells: readonly string[], counts: readonly number[]): number[] {
	const parents = cells.map((c) =>
		getResolution(c) > REGION_RES ? cellToParent(c, REGION_RES) : c
	);
	const byParent = new Map<string, number>();
	parents.forEach((p, i) => byParent.set(p, (byParent.get(p) ?? 0) + Math.max(1, counts[i] ?? 1)));
	let best = parents[0];
	for (const [p, n] of byParent) if (n > (byParent.get(best) ?? 0)) best = p;
	const region = new Set(getResolution(best) === REGION_RES ? gridDisk(best, 1) : [best]);
	return parents.flatMap((p, i) => (region.has(p) ? [i] : []));
}

export type LonLatBox = [west: number, south: number, east: number, north: number];

/** Count-weighted quantile of `values` at `q` (0..1). */
function weightedQuantile(values: number[], weights: number[], q: number): number {
	const order = values.map((_, i) => i).sort((a, b) => values[a] - values[b]);
	const total = weights.reduce((s, w) => s + w, 0);
	let seen = 0;
	for (const i of order) {
		seen += weights[i];
		if (seen >= q * total) return values[i];
	}
	return values[order[order.length - 1]];
}

/**
 * Box of cell centres, in the busiest region, trimmed to the central `share` of its incidents on each
 * axis (default 98 %: 1 % off each side). Null when there are no cells.
 *
 * @example
 * dataExtent(['89194ad3003ffff'], [4]); // a zero-size box at that cell's centre
 */
export function dataExtent(
	cells: readonly string[],
	counts: readonly number[],
	share = 0.98
): LonLatBox | null {
	if (cells.length === 0) return null;
	const lons: number[] = [];
	const lats: number[] = [];
	const weights: number[] = [];
	for (const i of busiestRegion(cells, counts)) {
		const [lat, lon] = cellToLatLng(cells[i]);
		lons.push(lon);
		lats.push(lat);
		weights.push(Math.max(1, counts[i] ?? 1));
	}
	const tail = (1 - share) / 2;
	return [
		weightedQuantile(lons, weights, tail),
		weightedQuantile(lats, weights, tail),
		weightedQuantile(lons, weights, 1 - tail),
		weightedQuantile(lats, weights, 1 - tail)
	];
}
