import { error } from '@sveltejs/kit';
import type { PageServerLoad } from './$types';
import { getDatabase } from '$lib/server/db';
import { ServiceError } from '$lib/server/errors';
import { unitOrders } from '$lib/server/services/tasking';

/** `/tasking/5/print?unit=3`: one unit's printable orders. */
export const load: PageServerLoad = async ({ params, url, locals }) => {
	const user = locals.user;
	if (!user) error(401, 'Sign in first.');
	const id = Number(params.id);
	const unit = Number(url.searchParams.get('unit'));
	if (!Number.isInteger(id) || id <= 0) error(400, 'tasking: must be a tasking id');
	if (!Number.isInteger(unit) || unit <= 0) error(400, 'unit: add ?unit= with a unit id');
	try {
		return { orders: await unitOrders(await getDatabase(), user, id, unit) };
	} catch (e) {
		if (e instanceof ServiceError) error(e.status, e.message);
		throw e;
	}
};
