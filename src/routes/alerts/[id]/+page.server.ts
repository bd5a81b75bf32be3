import { error, fail, redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { getDatabase } from '$lib/server/db';
import { alarmFor, alarmSeries } from '$lib/server/services/alerts';
import { ServiceError } from '$lib/server/errors';
import { hasPermission } from '$lib/server/auth/permissions';
import { auditOrigin } from '$lib/server/auth/request';
import { draftAlarmNotice } from '$lib/server/products/notice';
import { alarmActions, alertReader } from '../handle';

/** One alarm with its area's weekly series and thresholds (chart and table). */
export const load: PageServerLoad = async (event) => {
	const reader = alertReader(event);
	const id = Number(event.params.id);
	if (!/^\d+$/.test(event.params.id) || !Number.isSafeInteger(id))
		error(400, `"${event.params.id}" is not an alarm id`);
	const db = await getDatabase();
	try {
		const alarm = await alarmFor(db, reader, id);
		return {
			alarm,
			series: await alarmSeries(db, alarm),
			mayDraft: event.locals.user ? hasPermission(event.locals.user, 'products:create') : false
		};
	} catch (e) {
		if (e instanceof ServiceError) error(e.status, e.message);
		throw e;
	}
};

export const actions: Actions = {
	acknowledge: alarmActions.acknowledge,
	dismiss: alarmActions.dismiss,
	reopen: alarmActions.reopen,
	/** Draft the early-warning notice of this alarm (or open the one it has), then its product page. */
	notice: async (event) => {
		const reader = alertReader(event);
		const id = Number(event.params.id);
		if (!/^\d+$/.test(event.params.id) || !Number.isSafeInteger(id))
			error(400, `"${event.params.id}" is not an alarm id`);
		if (!event.locals.user) error(401, 'Sign in first.');
		let product: number;
		try {
			product = (
				await draftAlarmNotice(await getDatabase(), reader, id, {
					user: event.locals.user,
					origin: auditOrigin(event)
				})
			).id;
		} catch (e) {
			if (e instanceof ServiceError) return fail(e.status, { message: e.message, alarm: id });
			throw e;
		}
		redirect(303, `/products/${product}`);
	}
};
