/**
 * Where the data is: the box holding the central share of incidents, so that a handful of stray
 * records (a geocoding slip, a neighbouring force's street) do not zoom the first view out to a region.
 */
import { cellToLatLng } from 'h3-js';

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
 * Box of cell centres trimmed to the central `share` of incidents on each axis (default 98 %: 1 % off
 * each side). Null when there are no cells.
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
	for (let i = 0; i < cells.length; i++) {
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
