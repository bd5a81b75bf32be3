import type { RequestHandler } from './$types';
import { trendsQuerySchema } from '$lib/contracts/analysis';
import { readSnapshot } from '$lib/server/db';
import {
	trendMap,
	trendsForArea,
	type TrendMapResult,
	type TrendsResult
} from '$lib/server/services/trends';
import { analysisResponse } from '../respond';

/**
 * CompStat per category (`area`, `date`, `categories`, `weekStart`, `priorYear`), or with `map=cell`
 * / `map=area&kind=…` a Mann-Kendall trend map over the months of `from`–`to`.
 */
export const GET: RequestHandler = async (event) =>
	analysisResponse(event, 'trends', trendsQuerySchema, (q) =>
		readSnapshot<TrendsResult | TrendMapResult>((db) =>
			q.map ? trendMap(db, { ...q, by: q.map }) : trendsForArea(db, q)
		)
	);
