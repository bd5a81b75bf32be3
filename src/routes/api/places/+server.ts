import type { RequestHandler } from './$types';
import { placesQuerySchema } from '$lib/contracts/places';
import { readSnapshot } from '$lib/server/db';
import { placesForCells } from '$lib/server/services/places';
import { analysisResponse } from '../analysis/respond';

/** `?cells=89194ad3047ffff,…`: where each cell is (street of its incidents, else area), for lists of cells. */
export const GET: RequestHandler = async (event) =>
	analysisResponse(event, null, placesQuerySchema, (q) =>
		readSnapshot((db) => placesForCells(db, q.cells))
	);
