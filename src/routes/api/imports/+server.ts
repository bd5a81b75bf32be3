import { json } from '@sveltejs/kit';
import type { RequestHandler } from './$types';
import type { ImportRun } from '$lib/contracts/imports';
import { getDatabase } from '$lib/server/db';
import { auditOrigin } from '$lib/server/auth/request';
import { startUploadImport } from '$lib/server/services/imports';
import { importErrorAnswer, tokenAndMapping } from './respond';

/** `{ token, mapping }`: imports the upload in the background; poll /api/imports/{id}. */
export const POST: RequestHandler = async (event) => {
	const { token, mapping } = await tokenAndMapping(event.request);
	try {
		const run: ImportRun = startUploadImport(
			await getDatabase(),
			{ actor: event.locals.user!, origin: auditOrigin(event) },
			token,
			mapping
		);
		return json(run, {
			status: 202,
			headers: { location: `/api/imports/${run.id}`, 'cache-control': 'no-store' }
		});
	} catch (e) {
		return importErrorAnswer(e);
	}
};
