import { error } from '@sveltejs/kit';
import type { PageServerLoad } from './$types';
import { getDatabase } from '$lib/server/db';
import { attemptView } from '$lib/server/errors';
import { officerUnits, unitOrders } from '$lib/server/services/tasking';

/**
 * `/patrol?unit=3`: the officer's units with orders from yesterday on, and the chosen unit's orders
 * (the only one when there is one).
 */
export const load: PageServerLoad = async ({ url, locals }) => {
	const user = locals.user;
	if (!user) error(401, 'Sign in first.');
	const db = await getDatabase();
	const from = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
	const units = await officerUnits(db, user, url.searchParams.get('from') || from);
	const chosen =
		Number(url.searchParams.get('unit')) || (units.length === 1 ? units[0].unit.id : null);
	const pick = units.find((u) => u.unit.id === chosen && u.taskingId !== null);
	const orders = pick
		? await attemptView(() => unitOrders(db, user, pick.taskingId!, pick.unit.id))
		: { value: null, error: null };
	return { units, orders: orders.value, ordersError: orders.error };
};
