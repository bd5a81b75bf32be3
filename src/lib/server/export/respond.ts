/**
 * Shared by the `/api/export/*` routes: validate the query with its zod schema, run one export service
 * for the signed-in user, answer the CSV as a download. User-correctable errors become 4xx with the
 * service's message.
 */
import { error, type RequestEvent } from '@sveltejs/kit';
import type { z } from 'zod';
import { analysisQueryErrorMessage, searchParamsObject } from '$lib/schemas/analysis';
import { EXPORT_HEADERS } from '$lib/schemas/exports';
import { getDatabase } from '$lib/server/db';
import type { Database } from '$lib/server/db/client';
import type { AuditOrigin } from '$lib/server/auth/audit';
import type { AuthUser } from '$lib/server/auth/permissions';
import { auditOrigin } from '$lib/server/auth/request';
import type { CsvExport } from '$lib/server/services/exports';
import { ServiceError } from '$lib/server/services/errors';
import { UTF8_BOM } from './csv';

export async function csvExportResponse<S extends z.ZodType>(
	event: Pick<RequestEvent, 'url' | 'locals' | 'getClientAddress' | 'request'>,
	schema: S,
	run: (db: Database, user: AuthUser, query: z.output<S>, origin: AuditOrigin) => Promise<CsvExport>
): Promise<Response> {
	const user = event.locals.user;
	if (!user) error(401, 'Sign in to use Beatwise.');
	const parsed = schema.safeParse(searchParamsObject(event.url.searchParams));
	if (!parsed.success) error(400, analysisQueryErrorMessage(parsed.error));
	let file: CsvExport;
	try {
		file = await run(await getDatabase(), user, parsed.data, auditOrigin(event));
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
