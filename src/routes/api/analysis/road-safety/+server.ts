import type { RequestHandler } from './$types';
import { evaluationRequest, roadEvaluationQuerySchema } from '$lib/contracts/road-safety';
import { readSnapshot } from '$lib/server/db';
import { evaluateRoadScheme } from '$lib/server/services/road-safety';
import { analysisResponse } from '../respond';

/**
 * Before/after evaluation of a road-safety scheme: collisions and KSI at a site (circle or area) in two
 * equal periods around `schemeDate`, against a control area, with exact intervals.
 */
export const GET: RequestHandler = async (event) =>
	analysisResponse(event, 'road-safety-evaluation', roadEvaluationQuerySchema, (q) =>
		readSnapshot((db) => evaluateRoadScheme(db, evaluationRequest(q)))
	);
