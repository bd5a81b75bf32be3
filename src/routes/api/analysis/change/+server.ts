import type { RequestHandler } from './$types';
import { changeQuerySchema } from '$lib/contracts/analysis';
import { readSnapshot } from '$lib/server/db';
import { changeMap } from '$lib/server/services/trends';
import { analysisResponse } from '../respond';

/** Two-period change per cell (`area`/`bbox`, `res`) or per area (`by=area&kind=…`), Poisson z. */
export const GET: RequestHandler = async (event) =>
	analysisResponse(event, 'change', changeQuerySchema, (q) =>
		readSnapshot((db) => changeMap(db, q))
	);
