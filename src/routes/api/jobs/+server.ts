import { error, json } from '@sveltejs/kit';
import type { RequestHandler } from './$types';
import type { Job, JobList } from '$lib/contracts/jobs';
import { getDatabase } from '$lib/server/db';
import { jobsOfOwner, jobView, startJob } from '$lib/server/jobs/background';
import { jobErrorAnswer } from './respond';

/** The signed-in user's background jobs, newest first (without results). */
export const GET: RequestHandler = async ({ locals }) => {
	const answer: JobList = { jobs: await jobsOfOwner(await getDatabase(), locals.user!) };
	return json(answer, { headers: { 'cache-control': 'no-store' } });
};

/**
 * Start a background job: JSON `{ kind, params }` (params as the /api/analysis endpoint's query), which
 * `startJob` checks with the contract's `jobCreateSchema`; answers the queued `Job`.
 */
export const POST: RequestHandler = async ({ request, locals }) => {
	let body: unknown;
	try {
		body = await request.json();
	} catch {
		error(400, 'The body must be JSON: { "kind": "near-repeat", "params": { "area": "12", … } }');
	}
	try {
		const job = await startJob(await getDatabase(), locals.user!, body);
		const answer: Job = jobView(job);
		return json(answer, {
			status: 202,
			headers: { location: `/api/jobs/${job.id}`, 'cache-control': 'no-store' }
		});
	} catch (e) {
		return jobErrorAnswer(e);
	}
};
