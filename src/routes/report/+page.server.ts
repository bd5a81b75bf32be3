import type { PageServerLoad } from './$types';
import { getDatabase } from '$lib/server/db';
import { entryForm } from '$lib/server/services/intel';

/** The entry form's sources, categories and basemap (no records). */
export const load: PageServerLoad = async () => entryForm(await getDatabase());
