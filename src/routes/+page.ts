import type { PageLoad } from './$types';
import { fetchMeta, type WorkspaceMeta } from '$lib/map/api';

/** The workspace's meta (range, categories, area kinds, basemap, attribution); cells load in the browser. */
export const load: PageLoad = async ({ fetch }) => {
	try {
		return { meta: (await fetchMeta(undefined, fetch)) as WorkspaceMeta, metaError: null };
	} catch (e) {
		return { meta: null, metaError: e instanceof Error ? e.message : String(e) };
	}
};
