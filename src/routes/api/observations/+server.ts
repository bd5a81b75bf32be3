import { error, json } from '@sveltejs/kit';
import type { RequestHandler } from './$types';
import { observationsQuerySchema } from '$lib/contracts/observations';
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
