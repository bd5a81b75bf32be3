import type { RequestHandler } from './$types';
import { coverageQuerySchema } from '$lib/schemas/analysis';
import { getDatabase } from '$lib/server/db';
import { coverageBySteps } from '$lib/server/services/coverage';
import { analysisResponse } from '../respond';

/** Which years or months hold data: `from`, `to`, `step=year|month`, optional `area`. */
export const GET: RequestHandler = async ({ url }) =>
	analysisResponse(url, coverageQuerySchema, async (q) => coverageBySteps(await getDatabase(), q));
