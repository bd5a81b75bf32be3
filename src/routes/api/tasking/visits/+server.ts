import { error, json } from '@sveltejs/kit';
import type { RequestHandler } from './$types';
import { getDatabase } from '$lib/server/db';
import { auditOrigin } from '$lib/server/auth/request';
import { ServiceError } from '$lib/server/errors';
import { logVisit } from '$lib/server/services/tasking';
import { VisitReportSchema, type VisitReportAnswer } from '$lib/contracts/tasking';

/**
 * A phone's arrived / left report. Idempotent by `clientId`: the offline queue may send the same
 * report again, and a later report with `endedAt` completes the visit.
 */
export const POST: RequestHandler = async (event) => {
	const user = event.locals.user;
	if (!user) error(401, 'Sign in first.');
	let body: unknown;
	try {
		body = await event.request.json();
	} catch {
		error(400, 'body: must be JSON');
	}
	const parsed = VisitReportSchema.safeParse(body);
	if (!parsed.success) {
		const i = parsed.error.issues[0];
		error(400, `${i.path.join('.') || 'body'}: ${i.message}`);
	}
	try {
		const id = await logVisit(
			await getDatabase(),
			{ user, origin: auditOrigin(event) },
			parsed.data
		);
		return json({ id, clientId: parsed.data.clientId } satisfies VisitReportAnswer);
	} catch (e) {
		if (e instanceof ServiceError) error(e.status, e.message);
		throw e;
	}
};
