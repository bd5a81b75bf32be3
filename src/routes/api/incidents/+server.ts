import { error, json } from '@sveltejs/kit';
import type { RequestHandler } from './$types';
import { incidentsQuerySchema } from '$lib/contracts/incidents';
import { readSnapshot } from '$lib/server/db';
import { incidentsForCell } from '$lib/server/services/incidents';
import { ServiceError } from '$lib/server/errors';
import { readScope } from '$lib/server/auth/read-scope';

/** `GET /api/incidents?cell=…&page=…[&from&to&categories]`: one page of a cell's incidents (audited). */
export const GET: RequestHandler = async (event) => {
	const scope = readScope(event.locals, event);
	const { url } = event;
	const raw: Record<string, string> = {};
	for (const k of ['cell', 'page', 'from', 'to', 'categories']) {
		const v = url.searchParams.get(k);
		if (v !== null && v !== '') raw[k] = v;
	}
	const parsed = incidentsQuerySchema.safeParse(raw);
	if (!parsed.success) {
		const i = parsed.error.issues[0];
		error(400, `${i.path.join('.') || 'query'}: ${i.message}`);
	}
	try {
		return json(await await readSnapshot((db) => incidentsForCell(db, scope, parsed.data)));
	} catch (e) {
		if (e instanceof ServiceError) error(e.status, e.message);
		throw e;
	}
};
