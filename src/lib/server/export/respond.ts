/**
 * Shared by the `/api/export/*` routes: validate the query with its zod schema, run one export service
 * in the signed-in user's read scope (`readScope`), answer the CSV as a download. User-correctable errors become 4xx with the
 * service's message.
 */
import { error, type RequestEvent } from '@sveltejs/kit';
import type { z } from 'zod';
import { analysisQueryErrorMessage, searchParamsObject } from '$lib/contracts/analysis';
import { EXPORT_HEADERS } from '$lib/contracts/exports';
import { readSnapshot } from '$lib/server/db';
import type { Database } from '$lib/server/db/client';
import type { ReadScope } from '$lib/server/auth/read-scope';
import type { CsvExport } from '$lib/server/services/exports';
import { ServiceError } from '$lib/server/errors';
import { UTF8_BOM } from './csv';

export async function csvExportResponse<S extends z.ZodType>(
	event: Pick<RequestEvent, 'url'>,
	scope: ReadScope,
	schema: S,
	run: (db: Database, scope: ReadScope, query: z.output<S>) => Promise<CsvExport>
): Promise<Response> {
	const parsed = schema.safeParse(searchParamsObject(event.url.searchParams));
	if (!parsed.success) error(400, analysisQueryErrorMessage(parsed.error));
	let file: CsvExport;
	try {
		file = await readSnapshot((db) => run(db, scope, parsed.data));
	} catch (e) {
		if (e instanceof ServiceError) error(e.status, e.message);
		throw e;
	}
	return new Response(UTF8_BOM + file.csv, {
		headers: {
			'content-type': 'text/csv; charset=utf-8',
			'content-disposition': `attachment; filename="${file.filename}"`,
			'cache-control': 'private, no-store',
			[EXPORT_HEADERS.rows]: String(file.rows),
			[EXPORT_HEADERS.withheld]: String(file.withheld)
		}
	});
}
