import type { RequestHandler } from './$types';
import { forecastAccuracyQuerySchema } from '$lib/contracts/forecast-accuracy';
import { readSnapshot } from '$lib/server/db';
import { forecastAccuracy } from '$lib/server/services/forecast-accuracy';
import { analysisResponse } from '../respond';

/** The shift ranking backtested on the area's last year: `area`, `shift`, `res`, `coverage`, `guard`, `harm`. */
export const GET: RequestHandler = async (event) =>
	analysisResponse(event, 'forecast-accuracy', forecastAccuracyQuerySchema, (q) =>
		readSnapshot((db) => forecastAccuracy(db, q))
	);
