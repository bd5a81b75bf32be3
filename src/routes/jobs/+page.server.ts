import type { PageServerLoad } from './$types';
import { getDatabase } from '$lib/server/db';
import { jobsOfOwner } from '$lib/server/jobs/background';

/** The user's background jobs (the page then polls /api/jobs while any is queued or running). */
export const load: PageServerLoad = async ({ locals }) => {
	return { jobs: await jobsOfOwner(await getDatabase(), locals.user!) };
};
