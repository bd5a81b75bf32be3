import { error } from '@sveltejs/kit';
import type { PageServerLoad } from './$types';
import { getDatabase } from '$lib/server/db';
import { readScope } from '$lib/server/auth/read-scope';
import { workspaceMeta } from '$lib/server/services/meta';
import { roadAreaChoices, roadSafetyOverview } from '$lib/server/services/road-safety';
import { ServiceError } from '$lib/server/errors';

/** The collisions' overview (points inside the reader's areas, audited) and the areas to choose from. */
export const load: PageServerLoad = async (event) => {
	const scope = readScope(event.locals, event);
	const db = await getDatabase();
	const from = event.url.searchParams.get('from') ?? undefined;
	const to = event.url.searchParams.get('to') ?? undefined;
	try {
		const [overview, meta, areas] = await Promise.all([
			roadSafetyOverview(db, scope, { from, to }),
			workspaceMeta(db),
			roadAreaChoices(db)
		]);
		return {
			overview,
			areas,
			basemapStyle: meta.basemapStyle,
			attribution: meta.attribution
		};
	} catch (e) {
		if (e instanceof ServiceError) error(e.status, e.message);
		throw e;
	}
};
