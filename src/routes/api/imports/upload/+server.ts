import { error, json } from '@sveltejs/kit';
import type { RequestHandler } from './$types';
import { importUploadSchema, type UploadProposal } from '$lib/contracts/imports';
import { getDatabase } from '$lib/server/db';
import { proposeForUpload, saveUpload } from '$lib/server/services/imports';
import { importErrorAnswer } from '../respond';

/** Multipart `file`: keeps the upload and answers its columns and a proposed mapping. */
export const POST: RequestHandler = async ({ request, locals }) => {
	let form: FormData;
	try {
		form = await request.formData();
	} catch (e) {
		if (/BODY_SIZE_LIMIT/.test(String((e as Error)?.message)))
			error(413, 'file: larger than the server accepts (BODY_SIZE_LIMIT); import it with the CLI');
		error(400, 'Send the file as multipart/form-data in the field "file"');
	}
	const parsed = importUploadSchema.safeParse({ file: form.get('file') });
	if (!parsed.success) error(400, 'file: choose a CSV file to upload');
	const { file } = parsed.data;
	try {
		const userId = locals.user!.id;
		const token = saveUpload(userId, file.name, new Uint8Array(await file.arrayBuffer()));
		const answer: UploadProposal = await proposeForUpload(await getDatabase(), userId, token);
		return json(answer, { headers: { 'cache-control': 'no-store' } });
	} catch (e) {
		return importErrorAnswer(e);
	}
};
