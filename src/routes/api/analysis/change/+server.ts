import type { RequestHandler } from './$types';
import { changeQuerySchema } from '$lib/contracts/analysis';
import { getDatabase } from '$lib/server/db';
import { changeMap } from '$lib/server/services/trends';
import { analysisResponse } from '../respond';

/** Two-period change per cell (`area`/`bbox`, `res`) or per area (`by=area&kind=…`), Poisson z. */
export const GET: RequestHandler = async (event) =>
	analysisResponse(event, 'change', changeQuerySchema, async (q) =>
		changeMap(await getDatabase(), q)
	);
