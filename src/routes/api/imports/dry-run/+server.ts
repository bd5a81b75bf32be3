import { json } from '@sveltejs/kit';
import type { RequestHandler } from './$types';
import type { DryRun } from '$lib/contracts/imports';
import { getDatabase } from '$lib/server/db';
import { dryRunUpload } from '$lib/server/services/imports';
import { importErrorAnswer, tokenAndMapping } from '../respond';

/** `{ token, mapping }`: what importing the upload would do; nothing is stored. */
export const POST: RequestHandler = async ({ request, locals }) => {
	const { token, mapping } = await tokenAndMapping(request);
	try {
		const answer: DryRun = await dryRunUpload(await getDatabase(), locals.user!.id, token, mapping);
		return json(answer, { headers: { 'cache-control': 'no-store' } });
	} catch (e) {
		return importErrorAnswer(e);
	}
};
