import { error } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { getDatabase } from '$lib/server/db';
import { alarmFor, alarmSeries } from '$lib/server/services/alerts';
import { ServiceError } from '$lib/server/errors';
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
		return { alarm, series: await alarmSeries(db, alarm) };
	} catch (e) {
		if (e instanceof ServiceError) error(e.status, e.message);
		throw e;
	}
};

export const actions: Actions = {
	acknowledge: alarmActions.acknowledge,
	dismiss: alarmActions.dismiss,
	reopen: alarmActions.reopen
};
