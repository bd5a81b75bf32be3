/**
 * Shared by the `/api/analysis/*` routes: validate the query with its zod schema, call one service,
 * answer JSON; user-correctable errors become 4xx with the service's message.
 */
import { error, json } from '@sveltejs/kit';
import type { z } from 'zod';
import { analysisQueryErrorMessage, searchParamsObject } from '$lib/schemas/analysis';
import { AnalysisInputError } from '$lib/server/analysis/weights';
import { ServiceError } from '$lib/server/services/errors';
import { JobError } from '$lib/server/jobs/pool';

export async function analysisResponse<S extends z.ZodType, T>(
	url: URL,
	schema: S,
	run: (query: z.output<S>) => Promise<T>
): Promise<Response> {
	const parsed = schema.safeParse(searchParamsObject(url.searchParams));
	if (!parsed.success) error(400, analysisQueryErrorMessage(parsed.error));
	try {
		return json(await run(parsed.data), { headers: { 'cache-control': 'private, max-age=60' } });
	} catch (e) {
		if (e instanceof ServiceError) error(e.status, e.message);
		if (e instanceof AnalysisInputError) error(400, e.message);
		if (e instanceof JobError) return jobErrorResponse(e);
		throw e;
	}
}

/** A pool refusal or budget as JSON with its code; limits say when to try again. */
export function jobErrorResponse(e: JobError): Response {
	const headers: Record<string, string> = { 'cache-control': 'no-store' };
	if (e.code === 'E_JOB_LIMIT' || e.code === 'E_JOB_BUSY') headers['retry-after'] = '10';
	return json({ message: e.message, code: e.code }, { status: e.status, headers });
}
