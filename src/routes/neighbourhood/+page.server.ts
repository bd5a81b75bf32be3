import type { PageServerLoad } from './$types';
import { getDatabase } from '$lib/server/db';
import { workspaceMeta } from '$lib/server/services/meta';
import { attemptView, neighbourhoodSummary } from '$lib/server/services/neighbourhood';

/** `?kind=lsoa&area=12&to=2017-06-30`: the workspace meta and the chosen area's summary. */
export const load: PageServerLoad = async ({ url, locals }) => {
	const db = await getDatabase();
	const meta = await attemptView(() => workspaceMeta(db));
	const area = url.searchParams.get('area');
	const summary = area
		? await attemptView(() =>
				neighbourhoodSummary(db, {
					area,
					to: url.searchParams.get('to') || undefined,
					viewer: locals.user ?? undefined
				})
			)
		: { value: null, error: null };
	return {
		meta: meta.value,
		metaError: meta.error,
		summary: summary.value,
		summaryError: summary.error
	};
};
