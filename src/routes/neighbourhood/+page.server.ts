import { error } from '@sveltejs/kit';
import type { PageServerLoad } from './$types';
import { getDatabase } from '$lib/server/db';
import { workspaceMeta } from '$lib/server/services/meta';
import { recordAudit } from '$lib/server/auth/audit';
import { recordViewRun } from '$lib/server/auth/analysis-audit';
import { auditOrigin } from '$lib/server/auth/request';
import {
	attemptView,
	choosableAreas,
	neighbourhoodForViewer
} from '$lib/server/services/neighbourhood';

/**
 * `?kind=lsoa&area=12&to=2017-06-30`: the workspace meta and the chosen area's summary as the signed-in
 * user may see it (counts perturbed for the community team); an area outside a community user's areas is 403.
 */
export const load: PageServerLoad = async (event) => {
	const { url, locals } = event;
	const viewer = locals.user;
	if (!viewer) error(401, 'Sign in first');
	const db = await getDatabase();
	const meta = await attemptView(() => workspaceMeta(db));
	const summary = await attemptView(() =>
		neighbourhoodForViewer(db, {
			area: url.searchParams.get('area') || undefined,
			to: url.searchParams.get('to') || undefined,
			viewer
		})
	);
	// The trail: the briefing's statistics for this area and period, and the observation records shown.
	const who = { actor: viewer, origin: auditOrigin(event) };
	const v = summary.value;
	const query = { area: url.searchParams.get('area') || undefined, to: url.searchParams.get('to') };
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
	if (v && v.observations.recent.length > 0)
		await recordAudit(db, {
			...who,
			action: 'observations.view',
			object: `area:${v.area.id}`,
			detail: {
				view: 'neighbourhood',
				area: { kind: v.area.kind, code: v.area.code, name: v.area.name },
				returned: v.observations.recent.length,
				records: v.observations.recent.map((o) => o.id)
			}
		});
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
};
