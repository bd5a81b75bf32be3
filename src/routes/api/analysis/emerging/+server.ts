import type { RequestHandler } from './$types';
import { emergingQuerySchema } from '$lib/schemas/analysis';
import { getDatabase } from '$lib/server/db';
import { emergingForArea } from '$lib/server/services/emerging';
import { analysisResponse } from '../respond';

/** Emerging hot spots: `area` or `bbox`, `res`, `from`, `to`, `step`, `categories`, `k`, `timeSteps`. */
export const GET: RequestHandler = async (event) =>
	analysisResponse(event, 'emerging', emergingQuerySchema, async (q) =>
		emergingForArea(await getDatabase(), q)
	);
