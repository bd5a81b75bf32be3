import type { RequestHandler } from './$types';
import { coverageQuerySchema } from '$lib/contracts/analysis';
import { readSnapshot } from '$lib/server/db';
import { coverageBySteps } from '$lib/server/services/coverage';
import { analysisResponse } from '../respond';

/**
 * Which years or months hold data: `from`, `to`, `step=year|month`, optional `area`. A helper that runs
 * no statistic (not an audited analysis run).
 */
export const GET: RequestHandler = async (event) =>
	analysisResponse(event, null, coverageQuerySchema, (q) =>
		readSnapshot((db) => coverageBySteps(db, q))
	);
