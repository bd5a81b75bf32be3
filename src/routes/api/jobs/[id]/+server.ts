import { error, json } from '@sveltejs/kit';
import type { RequestHandler } from './$types';
import { jobIdSchema } from '$lib/contracts/jobs';
import { getDatabase } from '$lib/server/db';
import { cancelJob, jobOfOwner, jobView } from '$lib/server/jobs/background';

function jobId(raw: string): number {
	const id = jobIdSchema.safeParse(raw);
	if (!id.success) error(400, `id: must be a job number, got "${raw.slice(0, 40)}"`);
	return id.data;
}

const NOT_FOUND = 'No such job of yours (it may have been started by someone else)';

/** Poll one of the user's jobs: status, progress and, once done, its result. */
export const GET: RequestHandler = async ({ params, locals }) => {
	const job = await jobOfOwner(await getDatabase(), locals.user!, jobId(params.id));
	if (!job) error(404, NOT_FOUND);
	return json(job, { headers: { 'cache-control': 'no-store' } });
};

/** Cancel one of the user's queued or running jobs (its worker is stopped). */
export const DELETE: RequestHandler = async ({ params, locals }) => {
	const outcome = await cancelJob(await getDatabase(), locals.user!, jobId(params.id));
	if (!outcome) error(404, NOT_FOUND);
	if (!outcome.cancelled)
		error(409, `Job ${outcome.job.id} has already finished (${outcome.job.status})`);
	return json(jobView(outcome.job), { headers: { 'cache-control': 'no-store' } });
};
