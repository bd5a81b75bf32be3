import { error, json } from '@sveltejs/kit';
import { z } from 'zod';
import type { RequestHandler } from './$types';
import { isoDateSchema } from '$lib/schemas/cells';
import { getDatabase } from '$lib/server/db';
import { incidentsForCell } from '$lib/server/services/incidents';
import { ServiceError } from '$lib/server/errors';
import { readScope } from '$lib/server/auth/read-scope';

const Query = z
	.object({
		cell: z
			.string({ message: 'is required: an H3 cell index such as 8a194ad30067fff' })
			.trim()
			.regex(/^[0-9a-fA-F]{15}$/, { message: 'must be an H3 cell index such as 8a194ad30067fff' }),
		page: z.coerce.number().int().min(1).max(100_000).default(1),
		from: isoDateSchema.optional(),
		to: isoDateSchema.optional(),
		categories: z
			.string()
			.optional()
			.transform((v) => [
				...new Set(
					(v ?? '')
						.split(',')
						.map((s) => s.trim())
						.filter(Boolean)
				)
			])
			.pipe(
				z
					.array(z.string().regex(/^[a-z][a-z0-9-]*$/, { message: 'must be taxonomy codes' }))
					.max(64)
			)
	})
	.refine((q) => !q.from || !q.to || q.from <= q.to, {
		message: '`from` must not be after `to`',
		path: ['from']
	});

/** `GET /api/incidents?cell=…&page=…[&from&to&categories]`: one page of a cell's incidents (audited). */
export const GET: RequestHandler = async (event) => {
	const scope = readScope(event.locals, event);
	const { url } = event;
	const raw: Record<string, string> = {};
	for (const k of ['cell', 'page', 'from', 'to', 'categories']) {
		const v = url.searchParams.get(k);
		if (v !== null && v !== '') raw[k] = v;
	}
	const parsed = Query.safeParse(raw);
	if (!parsed.success) {
		const i = parsed.error.issues[0];
		error(400, `${i.path.join('.') || 'query'}: ${i.message}`);
	}
	try {
		return json(await incidentsForCell(await getDatabase(), scope, parsed.data));
	} catch (e) {
		if (e instanceof ServiceError) error(e.status, e.message);
		throw e;
	}
};
