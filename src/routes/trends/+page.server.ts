import type { PageServerLoad } from './$types';
import { readSnapshot } from '$lib/server/db';
import { workspaceMeta } from '$lib/server/services/meta';
import { attemptView } from '$lib/server/errors';
import { defaultChangePeriods } from '$lib/server/services/trends';

/** The workspace meta, the data's period grain and default periods; analyses load in the browser. */
export const load: PageServerLoad = () =>
	readSnapshot(async (db) => {
		const meta = await attemptView(() => workspaceMeta(db));
		const range = meta.value?.range ?? null;
		const extra = await attemptView(async () => ({
			granularity: meta.value?.granularity ?? null,
			periods: await defaultChangePeriods(db, range)
		}));
		return {
			meta: meta.value,
			metaError: meta.error ?? extra.error,
			granularity: extra.value?.granularity ?? null,
			periods: extra.value?.periods ?? null
		};
	});
