import type { RequestHandler } from './$types';
import { nearRepeatQuerySchema } from '$lib/contracts/analysis';
import { getDatabase } from '$lib/server/db';
import { computeForRequest } from '$lib/server/jobs';
import { nearRepeatForArea } from '$lib/server/services/near-repeat';
import { analysisResponse } from '../respond';

/** Knox near-repeat test: `area` or `bbox`, period, `distanceBands=200x3`, `timeBands=7x4`, … */
export const GET: RequestHandler = async (event) =>
	analysisResponse(event, 'near-repeat', nearRepeatQuerySchema, async (q) =>
		nearRepeatForArea(
			await getDatabase(),
			{ ...q, interactive: true },
			computeForRequest(event.locals.user!, event.request.signal)
		)
	);
