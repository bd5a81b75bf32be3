import { error } from '@sveltejs/kit';
import { ImportRequestError } from '$lib/server/services/imports';
import { ImportError } from '$lib/server/ingest/types';

/** A problem the analyst can fix (bad mapping, header, CRS, upload) → 400 with its message. */
export function importErrorAnswer(e: unknown): never {
	if (e instanceof ImportRequestError || e instanceof ImportError) error(400, e.message);
	throw e;
}

/** The `{ token, mapping }` body of the dry run and import requests. */
export async function tokenAndMapping(
	request: Request
): Promise<{ token: string; mapping: string }> {
	let body: unknown;
	try {
		body = await request.json();
	} catch {
		error(400, 'The body must be JSON: { "token": "…", "mapping": "{ … }" }');
	}
	const b = body as { token?: unknown; mapping?: unknown };
	if (typeof b.token !== 'string') error(400, 'token: give the token of the uploaded file');
	if (typeof b.mapping !== 'string') error(400, 'mapping: give the mapping as JSON text');
	return { token: b.token, mapping: b.mapping };
}
