import { error } from '@sveltejs/kit';
import type { PageServerLoad } from './$types';
import { getDatabase } from '$lib/server/db';
import { readScope } from '$lib/server/auth/read-scope';
import { listProductsFor } from '$lib/server/services/products';
import { ServiceError } from '$lib/server/services/errors';

/**
 * `?area=kind:code&type=briefing`: the products the signed-in user may read, by area and type (the
 * products service decides which, and audits the list).
 */
export const load: PageServerLoad = async (event) => {
	const scope = readScope(event.locals, event);
	const filter = {
		area: event.url.searchParams.get('area') || undefined,
		type: event.url.searchParams.get('type') || undefined
	};
	try {
		const products = await listProductsFor(await getDatabase(), scope, filter);
		return { products, filter };
	} catch (e) {
		if (e instanceof ServiceError) error(e.status, e.message);
		throw e;
	}
};
