import { error, fail, redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { getDatabase } from '$lib/server/db';
import { readFormData } from '$lib/server/auth/request';
import { subscriptionOptions } from '$lib/server/services/alerts';
import { createProblem, problemList } from '$lib/server/services/problems';
import { ServiceError } from '$lib/server/errors';
import { problemReader } from './reader';

export const load: PageServerLoad = async (event) => {
	const reader = problemReader(event);
	const db = await getDatabase();
	const [problems, options] = await Promise.all([
		problemList(db, reader),
		subscriptionOptions(db, reader)
	]);
	return { problems, areas: options.areas };
};

export const actions: Actions = {
	create: async (event) => {
		const reader = problemReader(event);
		const form = await readFormData(event.request);
		if (!form) error(400, 'The form could not be read.');
		const area = String(form.get('area') ?? '');
		if (area !== '' && !/^\d+$/.test(area))
			return fail(400, { message: `area: "${area}" is not an area id` });
		let id: number;
		try {
			id = await createProblem(await getDatabase(), reader, {
				title: form.get('title'),
				areaId: area === '' ? null : Number(area),
				scanning: form.get('scanning')
			});
		} catch (e) {
			if (e instanceof ServiceError) return fail(e.status, { message: e.message });
			throw e;
		}
		redirect(303, `/problems/${id}`);
	}
};
