/**
 * Shared by the `/api/analysis/*` routes: validate the query with its zod schema, call one service,
 * answer JSON; user-correctable errors become 4xx with the service's message. Every run of a statistic
 * (answered or refused) goes to the audit trail: who, which statistic, which area and period.
 */
import { error, json, type RequestEvent } from '@sveltejs/kit';
import type { z } from 'zod';
import { analysisQueryErrorMessage, searchParamsObject } from '$lib/contracts/analysis';
import { userError } from '$lib/server/errors';
import { JobError } from '$lib/server/jobs/pool';
import { getDatabase } from '$lib/server/db';
import { recordAnalysisRun, type AnalysisStatistic } from '$lib/server/auth/analysis-audit';
import { auditOrigin } from '$lib/server/auth/request';

type AnalysisEvent = Pick<RequestEvent, 'url' | 'locals' | 'request' | 'getClientAddress'>;

export async function analysisResponse<S extends z.ZodType, T>(
	event: AnalysisEvent,
	/** The statistic, for the audit trail; null for a helper that runs none (place names). */
	statistic: AnalysisStatistic | null,
	schema: S,
	run: (query: z.output<S>) => Promise<T>
): Promise<Response> {
	const parsed = schema.safeParse(searchParamsObject(event.url.searchParams));
	if (!parsed.success) error(400, analysisQueryErrorMessage(parsed.error));
	const audit = async (parameters: unknown, outcome: 'ok' | { refused: string }) => {
		if (!statistic) return;
		await recordAnalysisRun(await getDatabase(), {
			actor: event.locals.user ?? null,
			origin: auditOrigin(event),
			statistic,
			query: parsed.data as Record<string, unknown>,
			parameters,
			outcome
		});
	};
	let answer: T;
	try {
		answer = await run(parsed.data);
	} catch (e) {
		const refused = userError(e);
		if (refused) {
			await audit(undefined, { refused: refused.message });
			error(refused.status, refused.message);
		}
		if (e instanceof JobError) {
			await audit(undefined, { refused: e.message });
			return jobErrorResponse(e);
		}
		throw e;
	}
	await audit((answer as { parameters?: unknown })?.parameters, 'ok');
	return json(answer, { headers: { 'cache-control': 'private, max-age=60' } });
}

/** A pool refusal or budget as JSON with its code; limits say when to try again. */
export function jobErrorResponse(e: JobError): Response {
	const headers: Record<string, string> = { 'cache-control': 'no-store' };
	if (e.code === 'E_JOB_LIMIT' || e.code === 'E_JOB_BUSY') headers['retry-after'] = '10';
	return json({ message: e.message, code: e.code }, { status: e.status, headers });
}
