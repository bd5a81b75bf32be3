import type { RequestHandler } from './$types';
import { hotspotsQuerySchema } from '$lib/contracts/analysis';
import { readSnapshot } from '$lib/server/db';
import { readScope } from '$lib/server/auth/read-scope';
import { hotspotsForArea } from '$lib/server/services/hotspots';
import { analysisResponse } from '../respond';

/**
 * Gi* hot spots with FDR: `area` or `bbox`, `res`, `from`, `to`, `categories`, `k`, `alpha`, `fdr`;
 * `observations=accepted` adds the accepted intelligence reports as a separate layer (read scope).
 */
export const GET: RequestHandler = async (event) =>
	analysisResponse(event, 'hotspots', hotspotsQuerySchema, (q) =>
		readSnapshot((db) =>
			hotspotsForArea(db, q, q.observations ? readScope(event.locals, event) : undefined)
		)
	);
