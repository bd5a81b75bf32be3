import type { Actions, PageServerLoad } from './$types';
import { getDatabase } from '$lib/server/db';
import { alarmInbox, recentEarlyWarningRuns } from '$lib/server/services/alerts';
import { alarmActions, alertReader } from './handle';

const STATUSES = ['open', 'new', 'acknowledged', 'dismissed'] as const;
type StatusFilter = (typeof STATUSES)[number] | 'all';

/** The alarm inbox: alarms of the reader's areas, open ones first, optionally only subscribed. */
export const load: PageServerLoad = async (event) => {
	const reader = alertReader(event);
	const q = event.url.searchParams;
	const statusParam = q.get('status') ?? 'open';
	const status: StatusFilter = (STATUSES as readonly string[]).includes(statusParam)
		? (statusParam as StatusFilter)
		: 'all';
	const subscribedOnly = q.get('mine') === '1';
	const db = await getDatabase();
	const [alarms, runs] = await Promise.all([
		alarmInbox(db, reader, { status: status === 'all' ? null : status, subscribedOnly }),
		recentEarlyWarningRuns(db, 3)
	]);
	return { alarms, runs, status, subscribedOnly };
};

export const actions: Actions = {
	acknowledge: alarmActions.acknowledge,
	dismiss: alarmActions.dismiss,
	reopen: alarmActions.reopen
};
