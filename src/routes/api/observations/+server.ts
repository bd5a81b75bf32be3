import { error, json } from '@sveltejs/kit';
import type { RequestHandler } from './$types';
import { observationsQuerySchema } from '$lib/contracts/observations';
import { newReportSchema } from '$lib/contracts/intel';
import { recordReport } from '$lib/server/services/intel';
import { getDatabase } from '$lib/server/db';
import { observationsForMap } from '$lib/server/services/observations';
import { ServiceError } from '$lib/server/errors';
import { readScope } from '$lib/server/auth/read-scope';

/** `GET /api/observations?bbox=w,s,e,n[&from&to][&area=ID]`: observations on the map (audited). */
export const GET: RequestHandler = async (event) => {
	const scope = readScope(event.locals, event);
	const { url } = event;
	const raw: Record<string, string> = {};
	for (const k of ['bbox', 'from', 'to', 'area']) {
		const v = url.searchParams.get(k);
		if (v !== null && v !== '') raw[k] = v;
	}
	const parsed = observationsQuerySchema.safeParse(raw);
	if (!parsed.success) {
		const i = parsed.error.issues[0];
		error(400, `${i.path.join('.') || 'query'}: ${i.message}`);
	}
	try {
		return json(await observationsForMap(await getDatabase(), scope, parsed.data));
	} catch (e) {
		if (e instanceof ServiceError) error(e.status, e.message);
		throw e;
	}
};

/**
 * `POST /api/observations` (JSON `newReportSchema`): a report from the entry form or its offline queue;
 * sending the same report (client id) again stores nothing new. Audited (`observations.create`).
 */
export const POST: RequestHandler = async (event) => {
	const scope = readScope(event.locals, event);
	let body: unknown;
	try {
		body = await event.request.json();
	} catch {
		error(400, 'body: must be JSON');
	}
	const parsed = newReportSchema.safeParse(body);
	if (!parsed.success) {
		const i = parsed.error.issues[0];
		error(400, `${i.path.join('.') || 'body'}: ${i.message}`);
	}
	try {
		const answer = await recordReport(await getDatabase(), scope, parsed.data);
		return json(answer, { status: answer.created ? 201 : 200 });
	} catch (e) {
		if (e instanceof ServiceError) error(e.status, e.message);
		throw e;
	}
};
