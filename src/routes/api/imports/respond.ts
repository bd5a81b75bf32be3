import { error } from '@sveltejs/kit';
import { analysisQueryErrorMessage } from '$lib/contracts/analysis';
import { importRequestSchema, type ImportRequest } from '$lib/contracts/imports';
import { ImportRequestError } from '$lib/server/services/imports';
import { ImportError } from '$lib/server/ingest/types';

/** A problem the analyst can fix (bad mapping, header, CRS, upload) → 400 with its message. */
export function importErrorAnswer(e: unknown): never {
	if (e instanceof ImportRequestError || e instanceof ImportError) error(400, e.message);
	throw e;
}

/** The `{ token, mapping }` body of the dry run and import requests (`importRequestSchema`). */
export async function tokenAndMapping(request: Request): Promise<ImportRequest> {
	let body: unknown;
	try {
		body = await request.json();
	} catch {
		error(400, 'The body must be JSON: { "token": "…", "mapping": "{ … }" }');
	}
	const parsed = importRequestSchema.safeParse(body);
	if (!parsed.success) error(400, analysisQueryErrorMessage(parsed.error));
	return parsed.data;
}
