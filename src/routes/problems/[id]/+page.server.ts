import { error } from '@sveltejs/kit';
import type { Actions, PageServerLoad, RequestEvent } from './$types';
import { getDatabase } from '$lib/server/db';
import { readFormData } from '$lib/server/auth/request';
import {
	addResponse,
	editProblem,
	evaluateResponse,
	linkProblem,
	problemDetail,
	setProblemCells,
	unlinkProblem
} from '$lib/server/services/problems';
import { ServiceError } from '$lib/server/errors';
import { attempt, problemReader } from '../reader';

function problemId(event: { params: { id: string } }): number {
	if (!/^\d{1,9}$/.test(event.params.id)) error(400, `"${event.params.id}" is not a problem id`);
	return Number(event.params.id);
}

export const load: PageServerLoad = async (event) => {
	const reader = problemReader(event);
	try {
		return await problemDetail(await getDatabase(), reader, problemId(event));
	} catch (e) {
		if (e instanceof ServiceError) error(e.status, e.message);
		throw e;
	}
};

async function formOf(event: RequestEvent) {
	const form = await readFormData(event.request);
	if (!form) error(400, 'The form could not be read.');
	return { form, reader: problemReader(event), id: problemId(event), db: await getDatabase() };
}

export const actions: Actions = {
	update: async (event) => {
		const { form, reader, id, db } = await formOf(event);
		return attempt(
			() => editProblem(db, reader, id, Object.fromEntries(form)),
			() => 'Saved.'
		);
	},
	cells: async (event) => {
		const { form, reader, id, db } = await formOf(event);
		return attempt(
			() => setProblemCells(db, reader, id, form.get('cells')),
			(n) => `${n} cell${n === 1 ? '' : 's'} set.`
		);
	},
	link: async (event) => {
		const { form, reader, id, db } = await formOf(event);
		return attempt(
			() => linkProblem(db, reader, id, form.get('kind'), form.get('ref')),
			() => 'Linked.'
		);
	},
	unlink: async (event) => {
		const { form, reader, id, db } = await formOf(event);
		return attempt(
			() => unlinkProblem(db, reader, id, form.get('kind'), form.get('ref')),
			() => 'Link removed.'
		);
	},
	respond: async (event) => {
		const { form, reader, id, db } = await formOf(event);
		return attempt(
			() =>
				addResponse(db, reader, id, {
					description: form.get('description'),
					startedOn: form.get('started'),
					endedOn: form.get('ended')
				}),
			() => 'Response added.'
		);
	},
	evaluate: async (event) => {
		const { form, reader, id, db } = await formOf(event);
		const raw = String(form.get('response') ?? '');
		if (!/^\d{1,9}$/.test(raw)) error(400, `response: "${raw}" is not a response id`);
		return attempt(
			() => evaluateResponse(db, reader, id, Number(raw)),
			(e) => e.summary
		);
	}
};
