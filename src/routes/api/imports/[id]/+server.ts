import { error, json } from '@sveltejs/kit';
import type { RequestHandler } from './$types';
import { importIdSchema, type ImportRun } from '$lib/contracts/imports';
import { importRun } from '$lib/server/services/imports';

const NOT_FOUND = 'No import of yours with this id (imports are kept while the server runs)';

/** Progress and, once done, the summary of the user's own import. */
export const GET: RequestHandler = async ({ params, locals }) => {
	if (!importIdSchema.safeParse(params.id).success) error(404, NOT_FOUND);
	const run: ImportRun | null = importRun(locals.user!.id, params.id);
	if (!run) error(404, NOT_FOUND);
	return json(run, { headers: { 'cache-control': 'no-store' } });
};
