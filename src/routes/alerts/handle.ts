/** The alarm-handling form actions shared by the inbox and an alarm's page. */
import { error, fail, type RequestEvent } from '@sveltejs/kit';
import { getDatabase } from '$lib/server/db';
import { readScope } from '$lib/server/auth/read-scope';
import { readFormData } from '$lib/server/auth/request';
import { handleAlarm, type AlarmStatus } from '$lib/server/services/alerts';
import { ServiceError } from '$lib/server/errors';

/** The reader of an alerts request: id and area limits, through the one read-scope decision. */
export function alertReader(event: Pick<RequestEvent, 'locals' | 'getClientAddress' | 'request'>) {
	const scope = readScope(event.locals, event);
	return { userId: scope.user.id, areaIds: scope.areaIds };
}

function handler(status: AlarmStatus) {
	return async (event: RequestEvent) => {
		const reader = alertReader(event);
		const form = await readFormData(event.request);
		if (!form) error(400, 'The form could not be read.');
		const raw = String(form.get('alarm') ?? '');
		const id = Number(raw);
		if (!/^\d+$/.test(raw) || !Number.isSafeInteger(id))
			return fail(400, { message: `alarm: "${raw}" is not an alarm id` });
		const reason = form.get('reason');
		try {
			const alarm = await handleAlarm(
				await getDatabase(),
				reader,
				id,
				status,
				typeof reason === 'string' ? reason : null
			);
			return { done: true, alarm: alarm.id, message: `Alarm ${alarm.id} ${alarm.status}.` };
		} catch (e) {
			if (e instanceof ServiceError) return fail(e.status, { message: e.message, alarm: id });
			throw e;
		}
	};
}

export const alarmActions = {
	acknowledge: handler('acknowledged'),
	dismiss: handler('dismissed'),
	reopen: handler('new')
};
