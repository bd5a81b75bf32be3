import type { PageServerLoad } from './$types';
import { getDatabase } from '$lib/server/db';
import { jobsOf } from '$lib/server/db/queries/jobs';
import { jobAnswer } from '../api/jobs/respond';

/** The user's background jobs (the page then polls /api/jobs while any is queued or running). */
export const load: PageServerLoad = async ({ locals }) => {
	const jobs = await jobsOf(await getDatabase(), locals.user!.id);
	return { jobs: jobs.map(jobAnswer) };
};
