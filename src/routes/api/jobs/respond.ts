/** Shared by the /api/jobs routes: a job as the API shows it, and errors as 4xx with a message. */
import { error } from '@sveltejs/kit';
import type { Job } from '$lib/schemas/jobs';
import type { JobRow } from '$lib/server/db/queries/jobs';
import { JobError } from '$lib/server/jobs/pool';
import { ServiceError } from '$lib/server/services/errors';
import { jobErrorResponse } from '../analysis/respond';

export function jobAnswer(job: JobRow): Job {
	const { ownerId: _owner, ...rest } = job;
	return rest as Job;
}

export function jobErrorAnswer(e: unknown): Response {
	if (e instanceof ServiceError) error(e.status, e.message);
	if (e instanceof JobError) return jobErrorResponse(e);
	throw e;
}
