/** What the workspace needs to know about the data before drawing anything. */
import { CATEGORIES } from '../../taxonomy';
import type { Database } from '../db/client';
import { areaKinds } from '../db/queries/areas';
import { categoryTotals, rollupRange, sourceSummaries } from '../db/queries/cells';
import { basemapSetting } from '../basemap-style';

export const BASEMAP_ATTRIBUTION = '© OpenStreetMap contributors (ODbL)';

export async function workspaceMeta(db: Database) {
	const [range, totals, kinds, sources] = await Promise.all([
		rollupRange(db),
		categoryTotals(db),
		areaKinds(db),
		sourceSummaries(db)
	]);
	const countOf = new Map(totals.map((t) => [t.code, t.count]));
	return {
		engine: db.engine,
		range,
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
