import type { RequestHandler } from './$types';
import { readScope } from '$lib/server/auth/read-scope';
import { incidentExportQuerySchema } from '$lib/contracts/exports';
import { csvExportResponse } from '$lib/server/export/respond';
import { exportIncidents } from '$lib/server/services/exports';

/**
 * `GET /api/export/incidents?cell=…|area=…[&from&to&categories]`: incident records as CSV (restricted
 * records withheld, area limits applied, audited).
 */
export const GET: RequestHandler = (event) =>
	csvExportResponse(
		event,
		readScope(event.locals, event),
		incidentExportQuerySchema,
		exportIncidents
	);
