import { error, fail } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { getDatabase } from '$lib/server/db';
import { readScope } from '$lib/server/auth/read-scope';
import { readFormData } from '$lib/server/auth/request';
import { ServiceError } from '$lib/server/errors';
import { decideReview, reviewQueueFor } from '$lib/server/services/intel';

function idParam(v: string | null, what: string): number | null {
	if (v === null || v === '') return null;
	const n = Number(v);
	if (!Number.isInteger(n) || n < 1 || n > Number.MAX_SAFE_INTEGER) {
		error(400, `${what}: must be a report id such as 12`);
	}
	return n;
}

export const load: PageServerLoad = async (event) => {
	const scope = readScope(event.locals, event);
	try {
		return await reviewQueueFor(
			await getDatabase(),
			scope,
			idParam(event.url.searchParams.get('report'), 'report')
		);
	} catch (e) {
		if (e instanceof ServiceError) error(e.status, e.message);
		throw e;
	}
};

export const actions: Actions = {
	decide: async (event) => {
		const scope = readScope(event.locals, event);
		const form = await readFormData(event.request);
		if (!form) return fail(400, { message: 'form: send the review form' });
		const get = (k: string) => form.get(k)?.toString() ?? '';
		const decision = get('decision');
		if (decision !== 'accept' && decision !== 'regrade' && decision !== 'reject') {
			return fail(400, { message: 'decision: must be accept, regrade or reject' });
		}
		const id = Number(get('id'));
		if (!Number.isInteger(id) || id < 1) return fail(400, { message: 'id: no such report' });
		try {
			const r = await decideReview(await getDatabase(), scope, {
				id,
				decision,
				reason: get('reason'),
				grading: {
					sourceEvaluation: get('sourceEvaluation'),
					intelligenceAssessment: get('intelligenceAssessment'),
					handlingCode: get('handlingCode')
				},
				sanitisedText: form.has('sanitisedText') ? get('sanitisedText') : undefined
			});
			return { decided: { id, decision, grading: r.gradingAfter } };
		} catch (e) {
			if (e instanceof ServiceError) return fail(e.status, { message: e.message });
			throw e;
		}
	}
};
