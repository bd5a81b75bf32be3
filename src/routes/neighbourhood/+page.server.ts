import { error } from '@sveltejs/kit';
import type { PageServerLoad } from './$types';
import { readSnapshot } from '$lib/server/db';
import { readScope } from '$lib/server/auth/read-scope';
import { workspaceMeta } from '$lib/server/services/meta';
import { recordViewRun } from '$lib/server/auth/analysis-audit';
import { auditOrigin } from '$lib/server/auth/request';
import { choosableAreas, neighbourhoodForViewer } from '$lib/server/services/neighbourhood';
import { attemptView } from '$lib/server/errors';

/**
 * `?kind=lsoa&area=12&to=2017-06-30`: the workspace meta and the chosen area's summary as the signed-in
 * user may see it (counts perturbed for the community team; observations only inside the user's areas,
 * audited); an area outside a community user's areas is 403.
 */
export const load: PageServerLoad = (event) =>
	readSnapshot(async (db) => {
		const { url } = event;
		// The observations listed are records: the read scope decides which, and audits them (also an
		// empty list), in the service.
		const scope = readScope(event.locals, event);
		const viewer = scope.user;
		const meta = await attemptView(() => workspaceMeta(db));
		const summary = await attemptView(() =>
			neighbourhoodForViewer(db, {
				area: url.searchParams.get('area') || undefined,
				to: url.searchParams.get('to') || undefined,
				scope
			})
		);
		// The trail: the briefing's statistics for this area and period (the observations shown are audited
		// by the read scope).
		const who = { actor: viewer, origin: auditOrigin(event) };
		const v = summary.value;
		const query = {
			area: url.searchParams.get('area') || undefined,
			to: url.searchParams.get('to')
		};
		if (v || summary.error) {
			const parameters = v && {
				area: v.area,
				from:
					v.periods.hotspots.from < v.periods.lastYear.from
						? v.periods.hotspots.from
						: v.periods.lastYear.from,
				to: v.periods.briefing.to
			};
			await recordViewRun(db, who, 'neighbourhood', query, {
				value: v && { parameters },
				error: summary.error
			});
		}
		if (summary.error?.status === 403) error(403, summary.error.message);
		const choosable = await attemptView(() => choosableAreas(db, viewer));
		// Only what the page draws: the meta's category and source counts are exact, force-wide numbers.
		const m = meta.value;
		return {
			meta: m && {
				range: m.range,
				areaKinds: m.areaKinds,
				basemapStyle: m.basemapStyle,
				attribution: m.attribution
			},
			metaError: meta.error,
			summary: summary.value,
			summaryError: summary.error,
			/** Per area kind, the ids this viewer may choose; null: any. */
			choosable: choosable.value
		};
	});
