import type { RequestHandler } from './$types';
import { readScope } from '$lib/server/auth/read-scope';
import { cellExportQuerySchema } from '$lib/contracts/exports';
import { csvExportResponse } from '$lib/server/export/respond';
import { exportCellCounts } from '$lib/server/services/exports';

/**
 * `GET /api/export/cells?res=…&area=…|bbox=…&audience=internal|public[&from&to&categories]`: counts per
 * H3 cell as CSV, through the disclosure policy for a public audience (audited).
 */
export const GET: RequestHandler = (event) =>
	csvExportResponse(event, readScope(event.locals, event), cellExportQuerySchema, exportCellCounts);
