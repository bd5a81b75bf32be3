import type { RequestHandler } from './$types';
import { emergingQuerySchema } from '$lib/contracts/analysis';
import { getDatabase } from '$lib/server/db';
import { computeForRequest } from '$lib/server/jobs';
import { emergingForArea } from '$lib/server/services/emerging';
import { analysisResponse } from '../respond';

/** Emerging hot spots: `area` or `bbox`, `res`, `from`, `to`, `step`, `categories`, `k`, `timeSteps`. */
export const GET: RequestHandler = async (event) =>
	analysisResponse(event, 'emerging', emergingQuerySchema, async (q) =>
		emergingForArea(
			await getDatabase(),
			q,
			computeForRequest(event.locals.user!, event.request.signal)
		)
	);
