import { error, fail } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { getDatabase } from '$lib/server/db';
import { readFormData } from '$lib/server/auth/request';
import {
	subscribe,
	subscriptionOptions,
	subscriptions,
	unsubscribe
} from '$lib/server/services/alerts';
import { ServiceError } from '$lib/server/errors';
import { alertReader } from '../handle';

export const load: PageServerLoad = async (event) => {
	const reader = alertReader(event);
	const db = await getDatabase();
	const [list, options] = await Promise.all([
		subscriptions(db, reader),
		subscriptionOptions(db, reader)
	]);
	return { subscriptions: list, ...options };
};

const METHODS = ['farrington', 'ears-c2'] as const;

export const actions: Actions = {
	subscribe: async (event) => {
		const reader = alertReader(event);
		const form = await readFormData(event.request);
		if (!form) error(400, 'The form could not be read.');
		const area = String(form.get('area') ?? '');
		const category = String(form.get('category') ?? '').trim();
		const method = String(form.get('method') ?? '');
		if (area !== '' && !/^\d+$/.test(area))
			return fail(400, { message: `area: "${area}" is not an area id` });
		if (method !== '' && !(METHODS as readonly string[]).includes(method))
			return fail(400, { message: `method: must be farrington or ears-c2 (got "${method}")` });
		if (area === '' && category === '' && method === '')
			return fail(400, {
				message:
					'Choose an area, a category or a method: a subscription to everything is the inbox.'
			});
		try {
			const added = await subscribe(await getDatabase(), reader, {
				areaId: area === '' ? null : Number(area),
				category: category === '' ? null : category,
				method: method === '' ? null : (method as (typeof METHODS)[number])
			});
			return {
				done: true,
				message: added ? 'Subscribed.' : 'You already have this subscription.'
			};
		} catch (e) {
			if (e instanceof ServiceError) return fail(e.status, { message: e.message });
			throw e;
		}
	},
	unsubscribe: async (event) => {
		const reader = alertReader(event);
		const form = await readFormData(event.request);
		if (!form) error(400, 'The form could not be read.');
		const raw = String(form.get('id') ?? '');
		if (!/^\d+$/.test(raw)) return fail(400, { message: `id: "${raw}" is not a subscription id` });
		try {
			await unsubscribe(await getDatabase(), reader, Number(raw));
			return { done: true, message: 'Subscription removed.' };
		} catch (e) {
			if (e instanceof ServiceError) return fail(e.status, { message: e.message });
			throw e;
		}
	}
};
