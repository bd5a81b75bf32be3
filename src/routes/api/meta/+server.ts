import { json } from '@sveltejs/kit';
import type { RequestHandler } from './$types';
import type { WorkspaceMeta } from '$lib/contracts/meta';
import { getDatabase } from '$lib/server/db';
import { workspaceMeta } from '$lib/server/services/meta';

/** The workspace's data range, categories, area kinds, sources and basemap (`contracts/meta.ts`). */
export const GET: RequestHandler = async () => {
	const answer: WorkspaceMeta = await workspaceMeta(await getDatabase());
	return json(answer);
};
