import { json } from '@sveltejs/kit';
import type { RequestHandler } from './$types';
import type { Health } from '$lib/contracts/health';
import { databaseAnswers } from '$lib/server/db';

/** Liveness for load balancers and test harnesses: the database answers. Public, says nothing else. */
export const GET: RequestHandler = async () => {
	const answer: Health = { ok: await databaseAnswers() };
	return json(answer);
};
