import type { RequestHandler } from './$types';
import { profileQuerySchema } from '$lib/contracts/analysis';
import { getDatabase } from '$lib/server/db';
import { computeForRequest } from '$lib/server/jobs';
import { timeProfile } from '$lib/server/services/profiles';
import { analysisResponse } from '../respond';

/** Aoristic hour × weekday profile: `area` or `bbox` (optional), period, `categories`, `timeZone`. */
export const GET: RequestHandler = async (event) =>
	analysisResponse(event, 'profile', profileQuerySchema, async (q) =>
		timeProfile(await getDatabase(), q, computeForRequest(event.locals.user!, event.request.signal))
	);
