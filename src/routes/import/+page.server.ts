import type { PageServerLoad } from './$types';
import { getDatabase } from '$lib/server/db';
import { keptMappings } from '$lib/server/services/imports';

/** The sources whose mapping is kept (proposed again for their next file). */
export const load: PageServerLoad = async () => {
	return { kept: await keptMappings(await getDatabase()) };
};
