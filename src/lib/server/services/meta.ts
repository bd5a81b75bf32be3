/** What the workspace needs to know about the data before drawing anything. */
import type { WorkspaceMeta } from '../../contracts/meta';
import { CATEGORIES } from '../../taxonomy';
import type { Database } from '../db/client';
import { areaKinds } from '../db/queries/areas';
import { categoryTotals, sourceSummaries } from '../db/queries/cells';
import { basemapSetting } from '../basemap-style';
import { dataExtent } from '../study/extent';

export const BASEMAP_ATTRIBUTION = '© OpenStreetMap contributors (ODbL)';

export async function workspaceMeta(db: Database): Promise<WorkspaceMeta> {
	const [extent, totals, kinds, sources] = await Promise.all([
		dataExtent(db),
		categoryTotals(db),
		areaKinds(db),
		sourceSummaries(db)
	]);
	const countOf = new Map(totals.map((t) => [t.code, t.count]));
	return {
		engine: db.engine,
		/** The days the data covers (`study/extent`: monthly data runs to its last month's end). */
		range: extent && { from: extent.from, to: extent.to },
		granularity: extent?.granularity ?? null,
		categories: CATEGORIES.map((c) => ({
			code: c.code,
			label: c.label,
			count: countOf.get(c.code) ?? 0
		})),
		areaKinds: kinds,
		sources,
		basemapStyle: basemapSetting().style,
		attribution: [
			BASEMAP_ATTRIBUTION,
			...sources.filter((s) => s.attribution).map((s) => s.attribution as string)
		]
	};
}
