/**
 * Names for H3 cells, so a list of cells says where they are: the street most of a cell's incidents
 * are recorded at (police.uk publishes "On or near Cheapside"; other sources' location text), else the
 * smallest area the cell's centre lies in, and always the cell id for analysts. Shared by the
 * supervisor's risk list and the trends page's largest changes.
 */
import { cellToLatLng, getResolution, isValidCell } from 'h3-js';
import { PLACES_MAX_CELLS, type Place } from '../../contracts/places';
import type { Queryable } from '../db/client';
import { mostFrequentStreets, smallestAreasAt } from '../db/queries/incidents-streets';
import { ServiceError } from '../errors';
import { INCIDENT_RES } from './h3-ranges';
import { cellEnvelope, isServedRes } from '../cell-keys';

/** Most cells one request may name. */
export const MAX_PLACES = PLACES_MAX_CELLS;
export type { Place };

/**
 * Name each cell (hex H3 ids, resolution ≤ 11), in the order given.
 *
 * @example
 * const [p] = await placesOfCells(db, ['89194ad3047ffff']);
 * p.label; // 'On or near Cheapside' (or 'in City of London 001A', or the id when neither is known)
 */
export async function placesOfCells(db: Queryable, cells: string[]): Promise<Place[]> {
	const unique = [...new Set(cells)];
	if (unique.length > MAX_PLACES)
		throw new ServiceError(
			'E_PARAMETER',
			`cells: at most ${MAX_PLACES} at a time, got ${unique.length}`
		);
	for (const c of unique)
		if (!isValidCell(c) || getResolution(c) > INCIDENT_RES)
			throw new ServiceError(
				'E_PARAMETER',
				`cells: "${c.slice(0, 40)}" is not an H3 cell of resolution 0–${INCIDENT_RES} (e.g. 89194ad3047ffff)`
			);
	const decimal = (hex: string) => BigInt('0x' + hex).toString();
	// Each point in its own cell (the cell columns); coarser than the served resolutions, no street.
	const ranges = unique
		.filter((c) => isServedRes(getResolution(c)))
		.map((c) => ({ cell: decimal(c), res: getResolution(c), envelope: cellEnvelope(c) }));
	const [streets, areas] = await Promise.all([
		mostFrequentStreets(db, ranges),
		smallestAreasAt(
			db,
			unique.map((c) => {
				const [lat, lon] = cellToLatLng(c);
				return { key: c, lon, lat };
			})
		)
	]);
	const streetOf = new Map(streets.map((s) => [s.cell, s]));
	const areaOf = new Map(areas.map((a) => [a.key, a]));
	return cells.map((cell) => {
		const s = streetOf.get(decimal(cell));
		const a = areaOf.get(cell);
		const street = s ? { text: s.text, n: s.n, of: s.of } : null;
		const area = a ? { kind: a.kind, code: a.code, name: a.name } : null;
		return {
			cell,
			label: street ? street.text : area ? `in ${area.name}` : cell,
			basis: street ? 'street' : area ? 'area' : 'cell',
			street,
			area
		};
	});
}
