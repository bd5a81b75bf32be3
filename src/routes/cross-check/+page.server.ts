import { error, fail } from '@sveltejs/kit';
import type { Actions, PageServerLoad, RequestEvent } from './$types';
import { getDatabase } from '$lib/server/db';
import { readScope } from '$lib/server/auth/read-scope';
import { readFormData } from '$lib/server/auth/request';
import { ServiceError } from '$lib/server/errors';
import { crossCheckFor, decidePair, linkReport } from '$lib/server/services/intel';

export const load: PageServerLoad = async (event) => {
	const scope = readScope(event.locals, event);
	try {
		return await crossCheckFor(await getDatabase(), scope);
	} catch (e) {
		if (e instanceof ServiceError) error(e.status, e.message);
		throw e;
	}
};

/** A positive id from a form field, or a 400 naming the field. */
function id(form: FormData, field: string): number {
	const n = Number(form.get(field)?.toString() ?? '');
	if (!Number.isInteger(n) || n < 1 || n > Number.MAX_SAFE_INTEGER) {
		throw new ServiceError('E_PARAMETER', `${field}: must be an id such as 12`);
	}
	return n;
}

async function run(event: RequestEvent, action: string, fn: (form: FormData) => Promise<unknown>) {
	const form = await readFormData(event.request);
	if (!form) return fail(400, { action, message: 'form: send the form' });
	try {
		await fn(form);
		return { action, done: true };
	} catch (e) {
		if (e instanceof ServiceError) return fail(e.status, { action, message: e.message });
		throw e;
	}
}

export const actions: Actions = {
	merge: async (event) => {
		return run(event, 'merge', async (form) => {
			const scope = readScope(event.locals, event);
			await decidePair(await getDatabase(), scope, {
				first: id(form, 'first'),
				second: id(form, 'second'),
				keep: id(form, 'keep'),
				decision: 'merge',
				reason: form.get('reason')?.toString() ?? ''
			});
		});
	},
	apart: async (event) => {
		return run(event, 'apart', async (form) => {
			const scope = readScope(event.locals, event);
			await decidePair(await getDatabase(), scope, {
				first: id(form, 'first'),
				second: id(form, 'second'),
				decision: 'apart',
				reason: form.get('reason')?.toString() ?? ''
			});
		});
	},
	link: async (event) => {
		return run(event, 'link', async (form) => {
			const scope = readScope(event.locals, event);
			const kind = form.get('kind')?.toString();
			if (kind !== 'corroborates' && kind !== 'conflicts') {
				throw new ServiceError('E_PARAMETER', 'kind: must be corroborates or conflicts');
			}
			const other = (form.get('other')?.toString() ?? '').trim();
			const incident = /^(\d+):(\d+)$/.exec(other);
			const report = /^#?(\d+)$/.exec(other);
			if (!incident && !report) {
				throw new ServiceError(
					'E_PARAMETER',
					'other: a report id such as 12, or an incident as source:id such as 1:4431'
				);
			}
			await linkReport(await getDatabase(), scope, {
				id: id(form, 'id'),
				kind,
				otherReport: report ? Number(report[1]) : undefined,
				otherIncident: incident
					? { sourceId: Number(incident[1]), id: Number(incident[2]) }
					: undefined,
				raise: form.get('raise') === 'on',
				reason: form.get('reason')?.toString() ?? ''
			});
		});
	}
};
