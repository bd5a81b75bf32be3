import { error, fail } from '@sveltejs/kit';
import type { Actions, PageServerLoad, RequestEvent } from './$types';
import { getDatabase } from '$lib/server/db';
import { readScope } from '$lib/server/auth/read-scope';
import { readFormData } from '$lib/server/auth/request';
import { ServiceError } from '$lib/server/errors';
import { parseSourceFields, saveSource, sourceRegisterFor } from '$lib/server/services/intel';

export const load: PageServerLoad = async (event) => {
	const scope = readScope(event.locals, event);
	return sourceRegisterFor(await getDatabase(), scope);
};

async function save(event: RequestEvent, action: 'create' | 'update') {
	const scope = readScope(event.locals, event);
	const form = await readFormData(event.request);
	if (!form) error(400, 'form: send the source form');
	const raw = Object.fromEntries(
		['id', 'name', 'kind', 'category', 'owner', 'defaultReliability', 'defaultHandlingCode'].map(
			(k) => [k, form.get(k)?.toString()]
		)
	);
	try {
		let id: number | undefined;
		if (action === 'update') {
			id = Number(raw.id);
			if (!Number.isInteger(id) || id < 1)
				return fail(400, { action, message: 'id: no such source' });
		}
		const saved = await saveSource(await getDatabase(), scope, id, parseSourceFields(raw));
		return { action, saved };
	} catch (e) {
		if (e instanceof ServiceError) return fail(e.status, { action, message: e.message });
		throw e;
	}
}

export const actions: Actions = {
	create: (event) => save(event, 'create'),
	update: (event) => save(event, 'update')
};
