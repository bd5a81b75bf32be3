import { error, json } from '@sveltejs/kit';
import type { RequestHandler } from './$types';
import { importRun } from '$lib/server/services/imports';

/** Progress and, once done, the summary of the user's own import. */
export const GET: RequestHandler = async ({ params, locals }) => {
	const run = importRun(locals.user!.id, params.id);
	if (!run) error(404, 'No import of yours with this id (imports are kept while the server runs)');
	return json(run, { headers: { 'cache-control': 'no-store' } });
};
