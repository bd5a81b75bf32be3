/**
 * Where cells are, for lists of cells (`/api/places`): the street most of a cell's incidents were
 * recorded on, else the smallest area holding its centre (the study helper `placesOfCells`, which
 * the supervisor's list also uses).
 */
import type { Place } from '../../contracts/places';
import type { Queryable } from '../db/client';
import { placesOfCells } from '../study/places';

export async function placesForCells(db: Queryable, cells: string[]): Promise<{ places: Place[] }> {
	return { places: await placesOfCells(db, cells) };
}
