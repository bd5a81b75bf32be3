import { redirect } from '@sveltejs/kit';
import type { PageLoad } from './$types';
import { can } from '$lib/auth/can';
import { fetchMeta } from '$lib/map/api';

/**
 * The workspace's meta (range, categories, area kinds, basemap, attribution); cells load in the browser.
 * A user without the map (the community team) is sent to the neighbourhood view instead.
 */
export const load: PageLoad = async ({ fetch, parent }) => {
	const { user } = await parent();
	if (user && !can(user, 'map:view') && can(user, 'neighbourhood:view'))
		redirect(307, '/neighbourhood');
	try {
		return { meta: await fetchMeta(undefined, fetch), metaError: null };
	} catch (e) {
		return { meta: null, metaError: e instanceof Error ? e.message : String(e) };
	}
};
