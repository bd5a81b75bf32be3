import { error } from '@sveltejs/kit';
import type { RequestHandler } from './$types';
import { analysisQueryErrorMessage, searchParamsObject } from '$lib/contracts/analysis';
import { areasQuerySchema } from '$lib/contracts/areas';
import { readSnapshot } from '$lib/server/db';
import { areaBoundaries } from '$lib/server/services/areas';

/** `?kind=lsoa`: the boundaries of every area of a kind (all areas without it), as GeoJSON. */
export const GET: RequestHandler = async ({ url }) => {
	const q = areasQuerySchema.safeParse(searchParamsObject(url.searchParams));
	if (!q.success) error(400, analysisQueryErrorMessage(q.error));
	const body = await readSnapshot((db) => areaBoundaries(db, q.data.kind ?? null));
	return new Response(body, {
		headers: { 'content-type': 'application/geo+json', 'cache-control': 'private, max-age=60' }
	});
};
