import { error } from '@sveltejs/kit';
import type { RequestHandler } from './$types';
import { readSnapshot } from '$lib/server/db';
import { areaBoundaries } from '$lib/server/services/areas';

const KIND = /^[a-z0-9][a-z0-9_-]{0,39}$/;

export const GET: RequestHandler = async ({ url }) => {
	const kind = url.searchParams.get('kind');
	if (kind !== null && !KIND.test(kind)) {
		error(400, 'kind: must be an area kind such as lsoa, beat or district');
	}
	const body = await readSnapshot((db) => areaBoundaries(db, kind));
	return new Response(body, {
		headers: { 'content-type': 'application/geo+json', 'cache-control': 'private, max-age=60' }
	});
};
