import { json } from '@sveltejs/kit';
import type { RequestHandler } from './$types';
import { getDatabase } from '$lib/server/db';

/** Liveness for load balancers and test harnesses: the database answers. Public, says nothing else. */
export const GET: RequestHandler = async () => {
	const db = await getDatabase();
	await db.query('SELECT 1');
	return json({ ok: true });
};
