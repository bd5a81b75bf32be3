/** Shared by the /api/jobs routes: errors as 4xx with a message. */
import { error } from '@sveltejs/kit';
import { JobError } from '$lib/server/jobs/pool';
import { ServiceError } from '$lib/server/errors';
import { jobErrorResponse } from '../analysis/respond';

export function jobErrorAnswer(e: unknown): Response {
	if (e instanceof ServiceError) error(e.status, e.message);
	if (e instanceof JobError) return jobErrorResponse(e);
	throw e;
}
